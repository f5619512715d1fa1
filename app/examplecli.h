// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include <QStringList>

namespace pingscope {

// `pingscope export-example --db FILE --id N --to DIR --name NAME`: saves a stored ping as a
// mozilla-pipeline-schemas validation example. Returns the exit code (0 written, 1 refused,
// 2 usage).
int runExportExampleCommand(const QStringList &arguments);

} // namespace pingscope
