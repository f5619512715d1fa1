// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include <QString>
#include <QStringList>

#include <nlohmann/json_fwd.hpp>

#include <optional>

namespace pingscope {

struct RegistryEntry;

// The production decoder's (gcp-ingestion ingestion-beam) rules that are not JSON Schema:
// MessageScrubber, LimitPayloadSize, NestedMetadata's stripping, the deprecation check and the
// derived fields of ParsePayload and NormalizeAttributes. Pure functions, any thread.

// What the pipeline does with a ping apart from its schema, as an error-table row would say it.
struct DecoderFailure
{
    enum class Kind
    {
        Rejected,
        Dropped
    };
    Kind kind = Kind::Rejected;
    QString errorType;      // the failing step: "ParsePayload", "ParseUri", "LimitPayloadSize"
    QString exceptionClass; // "com.mozilla.telemetry.decoder.MessageScrubber$UnwantedDataException"
    QString bug;            // "1684980" (scrubber exceptions carry a bug number as their message)
    QString explanation;    // plain words for the user

    // error_message as the error table has it: exception.toString().
    QString errorMessage() const;
};

// The attributes the scrubber reads.
struct ScrubInput
{
    QString ns, docType, appName, appVersion, appUpdateChannel, appBuildId;
    QString userAgent, telemetryAgent; // null when the header is absent
};

// MessageScrubber.scrubByUri: the URI (path without query) alone.
std::optional<DecoderFailure> scrubByUri(const QString &path);
// LimitPayloadSize.toMB(8), on the decompressed bytes.
std::optional<DecoderFailure> limitPayloadSize(qint64 decodedBytes);
inline constexpr qint64 kDecoderPayloadLimit = 8 * 1024 * 1024;
// MessageScrubber.scrub (after metadata stripping, before the doc-type lookup).
std::optional<DecoderFailure> scrubMessage(const ScrubInput &in, const nlohmann::json &doc);
// ParsePayload.deprecationCheck: expiration_policy.collect_through_date before the day of
// submission (UTC).
std::optional<DecoderFailure> deprecationCheck(const RegistryEntry &entry, qint64 receivedAtUs);

// NestedMetadata.stripPayloadMetadataToAttributes: removes a client-sent top-level `metadata`
// object and the top-level submission_timestamp, document_id, normalized_* and sample_id
// members before validation. Returns the names removed (in name order).
QStringList stripPayloadMetadata(nlohmann::json &doc);

// ParsePayload.normalizeUuid: braces removed, lower case; empty when not a UUID.
QString normalizeUuid(const QString &value);
// ParsePayload.calculateSampleId: CRC32 of the normalized UUID's UTF-8 text, mod 100.
int sampleIdOf(const QString &normalizedUuid);

// NormalizeAttributes.
QString normalizeChannel(const QString &channel);
QString normalizeOs(const QString &os);
QString normalizeOsVersion(const QString &version);

// The edge's submission_timestamp (Python datetime.utcnow().isoformat() + "Z": microseconds
// omitted when zero), truncated per submission_timestamp_granularity ("seconds", ...).
QString edgeSubmissionTimestamp(qint64 receivedAtUs, const QString &granularity = {});

// What ParsePayload and NormalizeAttributes derive from a decoded ping, and what the BigQuery
// row gets. A JSON object for the store and the API ("pipeline" in a ping's details).
nlohmann::json derivedFields(const nlohmann::json &doc, const QString &docId, const QString &appUpdateChannel,
                             qint64 receivedAtUs, const QString &sourceTags, const RegistryEntry *entry);

} // namespace pingscope
