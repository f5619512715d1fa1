// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "ping/ping.h"
#include "share/importbatch.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace pingscope {

// Pingscope's own sharing format: one request per line, everything the capture server received
// (headers in order and case, the body byte for byte) and the verdict it got.
inline constexpr char NdjsonFormat[] = "pingscope-ndjson/1";

// One JSON object and '\n': format, id, received_at (ISO 8601 UTC, microseconds),
// received_at_us, method, path, query, headers ([name, value] in received order), body_base64,
// body_bytes, body_truncated, peer, status_code, verdict, errors, warnings, fault, source.
QByteArray toNdjsonLine(const PingRecord &r);

// Every line that is a pingscope-ndjson/1 request; a line that is not is a problem with its
// number ("capture.ndjson line 2"), and the lines after it are still read.
ImportBatch readNdjson(QByteArrayView data, const QString &fileName);

} // namespace pingscope
