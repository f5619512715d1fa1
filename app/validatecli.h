// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include <QStringList>

namespace pingscope {

// `pingscope validate ...`: checks files and folders of pings offline. Returns the exit code:
// 0 everything as expected, 1 not, 2 usage or schema load errors.
int runValidateCommand(const QStringList &arguments);

} // namespace pingscope
