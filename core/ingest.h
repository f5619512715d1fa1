// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "ping/ping.h"

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <memory>
#include <optional>

namespace pingscope {

class PipelineRegistry;
class SchemaRegistry;
class Validator;
struct RegistryEntry;

struct IngestOptions
{
    qint64 maxDecodedBytes = 64 * 1024 * 1024; // gunzip output cap (gzip bombs)
    // The most parsing one body may take (JsonShape::estimatedBytes); a body that would need
    // more is kept unparsed with the verdict "too-large". 0: no limit.
    qint64 parseBudget = 0;
    // Fair capture (the Ingestor's lanes): non-zero in the lane for ordinary pings. A body
    // larger than this, inflating past it, or parsing to more than 4x it is not ingested
    // there: tryIngestSubmission() leaves it for the large lane. 0: everything is done here.
    qint64 inlineLimit = 0;
    std::shared_ptr<const SchemaRegistry> schemas; // null: no schema validation (verdict "parsed")
};

// Decodes and describes one request: gunzip (by magic bytes), UTF-8 check, JSON parse,
// URL routing, header fields, and (with a validator) the schema verdict. Thread-safe as long
// as each thread passes its own Validator.
PingRecord ingestSubmission(RawSubmission raw, const IngestOptions &options, Validator *validator = nullptr);
// The same, except that with options.inlineLimit a body over that limit is not ingested:
// nullopt, and `raw` is left as it was (for the large lane).
std::optional<PingRecord> tryIngestSubmission(RawSubmission &raw, const IngestOptions &options,
                                              Validator *validator = nullptr);

// Appends a "bq-column" warning for every metric of a Glean document that is not a column of
// the entry's production table (it would land in additional_properties).
void addBigQueryColumnWarnings(const nlohmann::json &doc, const PipelineRegistry &registry,
                               const RegistryEntry &entry, nlohmann::json &warnings);

// Parses an HTTP-date (RFC 7231, also RFC 850 and asctime forms) or an ISO-8601 date-time
// into ms since the epoch; 0 when it is neither.
qint64 parseDateHeader(const QString &value);

// Parses a Glean datetime (ISO 8601 with an offset, seconds optional as in
// "2019-03-29T09:50-04:00") into ms since the epoch; 0 when it is not one.
qint64 parseGleanDateTime(const QString &value);

} // namespace pingscope
