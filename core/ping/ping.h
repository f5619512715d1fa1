// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "http/submission.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace pingscope {

// Verdict names as stored and served by the query API.
namespace verdict {
inline constexpr char16_t Parsed[] = u"parsed"; // JSON, not checked against a schema
inline constexpr char16_t Valid[] = u"valid";
inline constexpr char16_t Invalid[] = u"invalid";
inline constexpr char16_t NoSchema[] = u"no-schema";
inline constexpr char16_t NotJson[] = u"not-json";
inline constexpr char16_t BadEncoding[] = u"bad-encoding";
inline constexpr char16_t BadPath[] = u"bad-path";
inline constexpr char16_t Refused[] = u"refused";
// The registry has no such namespace/docType (or version): "No such docType", no row kept.
inline constexpr char16_t Unregistered[] = u"unregistered";
// The decoder sends it to the error table for a reason other than its schema (scrubber rules,
// LimitPayloadSize, deprecation).
inline constexpr char16_t Rejected[] = u"rejected";
// The decoder removes it with no error row (scrubber drops such as pageload-domain).
inline constexpr char16_t Dropped[] = u"dropped";
// Not parsed: the body would take more memory than the ingest budget (--memory-budget) allows.
// Kept raw; what production would do is not known, so it counts as a problem.
inline constexpr char16_t TooLarge[] = u"too-large";

// A verdict that says the ping is broken (the pipeline would reject or drop it); "parsed",
// "valid" and "no-schema" are not.
inline bool isProblem(QStringView v)
{
    return v != QStringView(Parsed) && v != QStringView(Valid) && v != QStringView(NoSchema);
}
} // namespace verdict

// A ping's warnings (PingRecord::warningsJson) include a repeated doc id: the store saw the
// same docId before (the pipeline would drop this copy as a duplicate).
inline bool hasDuplicateWarning(const QByteArray &warningsJson)
{
    if (!warningsJson.contains("duplicate-doc-id")) // the common case, without parsing
        return false;
    const QJsonArray warnings = QJsonDocument::fromJson(warningsJson).array();
    for (const auto &w : warnings)
        if (w.toObject().value(QLatin1StringView("kind")).toString() == QLatin1StringView("duplicate-doc-id"))
            return true;
    return false;
}

// The body fails a JSON Schema: its own (verdict "invalid") or, for a ping whose verdict is
// decided by something else (unregistered, rejected), the schema it was also checked against.
// What a validation/ example file's pass/fail is about.
inline bool failsSchema(const QString &verdictName, const QByteArray &errorsJson)
{
    return verdictName == QStringView(verdict::Invalid) || errorsJson.contains("\"kind\":\"schema\"");
}

// A captured request with everything derived from it. Immutable once ingested.
struct PingRecord
{
    qint64 id = 0; // assigned by the store
    qint64 receivedAtUs = 0;
    QString method, path, query, peer;

    QString ns, docType, docVersion, docId;
    QString appName, appVersion, appUpdateChannel, appBuildId; // telemetry URLs

    int statusCode = 200;
    QString verdict;
    int errorCount = 0;
    QByteArray errorsJson = "[]";   // [{"kind":..., "message":..., ...}]
    QByteArray warningsJson = "[]"; // [{"kind":..., "message":...}]; not part of the verdict
    int warningCount = 0;
    QString schemaKey;              // namespace/docType/docVersion of the schema used, when validated
    QString schemaNote;             // how the schema was chosen, when it was not the obvious one
    QByteArray pipelineJson = "{}"; // what production derives: table, normalized_*, sample_id, ...
    QString checkedWith;            // SchemaRegistry::fingerprint() of the verdict's registry
    // What a fault rule made of the answer ("503 Retry-After: 60 (rule 1, attempt 2)", "closed
    // without an answer (rule 2, attempt 1)"); empty: answered as usual. statusCode is 0 when
    // the connection was closed or reset instead of answered.
    QString fault;
    QString source;          // imported records: where from ("import: FILE line 3"); empty: captured
    QByteArray upstreamJson; // forward mode: the upstream's answer {"status", "ms", "error"}; empty: none

    QString debugId, sourceTags, userAgent, telemetryAgent, contentEncoding, contentType;
    QString dateHeader;
    qint64 dateMs = 0; // the Date header as ms since the epoch; 0 when absent or unreadable

    qint64 bodyBytes = 0;     // bytes on the wire (declared length for refused requests)
    qint64 decodedBytes = -1; // after gunzip; -1 when not decoded
    bool bodyTruncated = false;

    QString clientId;
    qint64 seq = -1; // Glean ping_info.seq; -1 when absent

    QList<HttpHeader> headers; // in order, original case
    QByteArray body;           // raw bytes as received
    QByteArray payload;        // decoded JSON text when it parsed; empty otherwise
    // Where payload came from, so that the store need not keep it twice: it keeps the body and
    // derives the payload when read (Body: the same bytes; InflatedBody: the body gunzipped).
    enum class PayloadSource : quint8
    {
        Own = 0, // stored as it is
        Body = 1,
        InflatedBody = 2,
    };
    PayloadSource payloadSource = PayloadSource::Own;
    // The stored (packed, packedtext.h) forms of the headers and of pipelineJson, made on an
    // ingest thread so that the store's one writer need not; empty: the writer makes them.
    QByteArray storedHeaders, storedPipeline;
};

} // namespace pingscope
