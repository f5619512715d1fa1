// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "engine.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace pingscope {

struct AppOptions
{
    bool headless = false;
    EngineOptions engine;
    bool listenWarning = false;  // listening beyond loopback
    bool dbGiven = false;        // --db was on the command line
    bool tokenGenerated = false; // the API token was made at start (printed by the caller)
};

// "512M", "8G", "1.5GiB", "4096" (bytes); nullopt when it is not a size.
std::optional<qint64> parseByteSize(const QString &text);

// Parses the command line into `out`. On --help/--version prints and returns exit code 0 in
// `exitCode`; on a usage error prints it and sets `exitCode` to 2. Returns false when the
// program should exit with `exitCode`.
bool parseCommandLine(const QStringList &arguments, AppOptions &out, int &exitCode);

} // namespace pingscope
