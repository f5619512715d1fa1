// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace pingscope {

// --since / --until of pingscope export: an ISO 8601 date-time (UTC unless it gives a zone) or
// seconds since the epoch; UTC microseconds, or nullopt.
std::optional<qint64> parseExportTime(const QString &text);

// pingscope export --db FILE [filters] [--format ndjson|har] [--output FILE]: writes stored
// requests out for someone else to import. `args` starts after "export". Returns the exit code
// (0 written, 2 usage errors or an unreadable store or output).
int runExportCommand(const QStringList &args);

// pingscope import --db FILE PATH...: reads shared captures, HAR files, captured-request
// folders, JSON pings or Glean logs, validates each request as if it had been posted and stores
// it. `args` starts after "import". Returns the exit code (0 everything readable imported, 1
// problems (the rest is imported), 2 usage errors or a store that cannot be opened).
int runImportCommand(const QStringList &args);

} // namespace pingscope
