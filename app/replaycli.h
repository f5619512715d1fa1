// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include <QStringList>

namespace pingscope {

// pingscope replay --db FILE [filters] --to URL: sends stored requests again, byte for byte, to
// another endpoint and prints each answer. Exit 0 when every one was answered 2xx, 1 otherwise,
// 2 on usage errors.
int runReplayCommand(const QStringList &arguments);

} // namespace pingscope
