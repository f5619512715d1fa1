// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include <QStringList>

namespace pingscope {

// pingscope diff [--db FILE] [--json] [--color auto|always|never] A B: the structural diff of
// two pings, each a stored ping's id or a JSON file (gzip or not; "-" is standard input).
// `args` starts after "diff". Returns the exit code: 0 equal, 1 different, 2 usage errors or
// an input that cannot be read.
int runDiffCommand(const QStringList &args);

} // namespace pingscope
