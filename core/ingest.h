#pragma once

#include "ping.h"

#include <functional>

namespace pingscope {

struct IngestOptions
{
    qint64 maxDecodedBytes = 64 * 1024 * 1024; // gunzip output cap (gzip bombs)
};

// Decodes and describes one request: gunzip (by magic bytes), UTF-8 check, JSON parse,
// URL routing and header fields. Pure and thread-safe; the ingest workers call it.
PingRecord ingestSubmission(RawSubmission raw, const IngestOptions &options);

// Parses an HTTP-date (RFC 7231, also RFC 850 and asctime forms) or an ISO-8601 date-time
// into ms since the epoch; 0 when it is neither.
qint64 parseDateHeader(const QString &value);

} // namespace pingscope
