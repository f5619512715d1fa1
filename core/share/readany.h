// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "share/importbatch.h"

#include <QString>

namespace pingscope {

// Reads `path` with the reader its content calls for:
// - a folder: captured requests (readCaptureFolder) when it holds *.meta.json files, at any
//   depth; JSON pings (readJsonFiles) otherwise;
// - NAME.meta.json: that one captured request;
// - .har, or JSON with log.entries: HAR (readHar);
// - .ndjson / .jsonl, or a first line with "format":"pingscope-ndjson/1": readNdjson;
// - text with "Glean ping to URL" or glean-core's "New upload task with id": readGleanLog;
// - other .json: a JSON ping (readJsonFiles, with `overrides`).
// Anything else is a problem ("cannot tell what this file holds").
ImportBatch readAny(const QString &path, const ImportOverrides &overrides);

} // namespace pingscope
