// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "share/importbatch.h"

#include <QString>

namespace pingscope {

// Requests a recording listener kept as NAME.meta.json (method, url, received_at, remote, and
// the headers: "rawHeaders" [name, value, name, value, ...] as received, or else a "headers"
// object, read in the file's order) beside NAME.body.raw (the body byte for byte), as in
// tests/data/captured-requests/. `path` is such a folder (read with its subfolders, in name
// order) or one .meta.json file. Positions are the meta files' paths under the folder.
ImportBatch readCaptureFolder(const QString &path);

} // namespace pingscope
