// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "share/importbatch.h"

#include <QString>
#include <QStringList>

namespace pingscope {

// Ping bodies in JSON files (folders are read with their subfolders, *.json in name order),
// each posted as its client would have sent it, received now. The URL comes from `overrides`
// when set, else from a name like mozilla-pipeline-schemas' examples,
// validation/<namespace>/<docType>.<version>.<name>.pass.json (or .fail.json): Glean and other
// namespaces get /submit/<namespace>/<docType>/<version>/<new uuid>, legacy Telemetry
// (namespace "telemetry") /submit/telemetry/<id>/<docType>/<appName>/<appVersion>/<channel>/
// <buildId>?v=4 from the ping's "id" and "application". A file with neither is a problem.
ImportBatch readJsonFiles(const QStringList &paths, const ImportOverrides &overrides);

} // namespace pingscope
