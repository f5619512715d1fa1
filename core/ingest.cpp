// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "ingest.h"

#include "store/store.h"

#include "ping/decode.h"
#include "ping/submitpath.h"
#include "validation/decoderrules.h"
#include "validation/registry.h"
#include "validation/validation.h"

#include <QDateTime>
#include <QLocale>
#include <QTimeZone>

#include <nlohmann/json.hpp>

using namespace Qt::StringLiterals;
using nlohmann::json;

namespace pingscope {

namespace {

std::string toStd(const QString &s)
{
    return s.toStdString();
}

QString headerValue(const QList<HttpHeader> &headers, QByteArrayView name)
{
    for (const auto &h : headers)
        if (h.name.size() == name.size() &&
            qstrnicmp(h.name.constData(), h.name.size(), name.data(), name.size()) == 0)
            return QString::fromUtf8(h.value);
    return {};
}

QString jsonString(const json &obj, const char *key)
{
    if (!obj.is_object())
        return {};
    const auto it = obj.find(key);
    if (it == obj.end())
        return {};
    if (it->is_string())
        return QString::fromStdString(it->get_ref<const std::string &>());
    if (it->is_number_integer())
        return QString::number(it->get<qint64>());
    if (it->is_number_unsigned())
        return QString::number(it->get<quint64>());
    return {};
}

void derivePayloadFields(PingRecord &rec, const json &doc)
{
    if (!doc.is_object())
        return;
    if (rec.ns == u"telemetry" || rec.docVersion.isEmpty()) {
        // Legacy telemetry: the document version is the body's `version` (else `v`).
        QString v = jsonString(doc, "version");
        if (v.isEmpty())
            v = jsonString(doc, "v");
        if (rec.ns == u"telemetry")
            rec.docVersion = v;
    }
    if (const auto ci = doc.find("client_info"); ci != doc.end() && ci->is_object())
        rec.clientId = jsonString(*ci, "client_id");
    if (rec.clientId.isEmpty())
        rec.clientId = jsonString(doc, "clientId");
    if (const auto pi = doc.find("ping_info"); pi != doc.end() && pi->is_object()) {
        if (const auto seq = pi->find("seq"); seq != pi->end() && seq->is_number_integer())
            rec.seq = seq->get<qint64>();
    }
}

bool isTag(QStringView s)
{
    if (s.isEmpty() || s.size() > 20)
        return false;
    for (QChar c : s)
        if (!(c.isDigit() || (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || c == u'-'))
            return false;
    return true;
}

bool isGleanPingName(QStringView s)
{
    if (s.isEmpty() || s.size() > 30 || !(s[0] >= u'a' && s[0] <= u'z'))
        return false;
    for (QChar c : s)
        if (!((c >= u'a' && c <= u'z') || c.isDigit() || c == u'-'))
            return false;
    return true;
}

void warn(json &warnings, const char *kind, const QString &message)
{
    warnings.push_back({{"kind", kind}, {"message", toStd(message)}});
}

// Warnings that depend on this request alone. Those that depend on earlier pings (duplicate
// docId, seq gaps) are added by the store, which sees pings in order.
void perPingWarnings(const PingRecord &rec, bool gleanPing, json &warnings)
{
    if (!rec.debugId.isNull() && !isTag(rec.debugId))
        warn(warnings, "debug-tag",
             u"X-Debug-ID \"%1\" does not match [a-zA-Z0-9-]{1,20}: the Debug Ping Viewer will not "
             u"show it"_s.arg(rec.debugId.left(100)));
    if (!rec.sourceTags.isNull()) {
        const QStringList tags = rec.sourceTags.split(u',');
        if (tags.size() > 5)
            warn(warnings, "source-tags",
                 u"X-Source-Tags has %1 tags; at most 5 are allowed"_s.arg(tags.size()));
        for (const QString &t : tags)
            if (!isTag(t.trimmed()))
                warn(warnings, "source-tags",
                     u"source tag \"%1\" does not match [a-zA-Z0-9-]{1,20}"_s.arg(t.trimmed().left(100)));
    }
    if (gleanPing && !rec.docType.isEmpty() && !isGleanPingName(rec.docType))
        warn(warnings, "ping-name",
             u"Glean ping name \"%1\" does not match ^[a-z][a-z0-9-]{0,29}$"_s.arg(rec.docType.left(100)));
    if (rec.dateMs > 0) {
        const qint64 skewMs = rec.dateMs - rec.receivedAtUs / 1000;
        if (qAbs(skewMs) > 5 * 60 * 1000)
            warn(warnings, "date-skew",
                 u"the Date header (%1) is %2 minutes %3 the time the request was received: the "
                 u"client's clock is off"_s.arg(rec.dateHeader)
                     .arg(qAbs(skewMs) / 60000)
                     .arg(skewMs > 0 ? u"ahead of"_s : u"behind"_s));
    }
}

// What production's parser does differently from a strict one, for this body (parseJson's notes).
void addReadNoteWarnings(const JsonReadNotes &notes, qsizetype size, json &warnings)
{
    if (notes.trailingOffset >= 0)
        warnings.push_back(
            {{"kind", "trailing-data"},
             {"offset", notes.trailingOffset},
             {"message", toStd(u"%1 bytes after the JSON document (from byte %2) are ignored: production's "
                               u"parser (Jackson readTree) stops after the first value, so they never "
                               u"reach a table"_s.arg(size - notes.trailingOffset)
                                   .arg(notes.trailingOffset))}});
    if (notes.loneSurrogates > 0)
        warnings.push_back(
            {{"kind", "lone-surrogate"},
             {"offset", notes.firstLoneSurrogate},
             {"message", toStd(u"%1 unpaired UTF-16 surrogate escapes (the first at byte %2): production's "
                               u"parser keeps them as they are; they are checked here as U+FFFD, and "
                               u"are not valid Unicode in a table"_s.arg(notes.loneSurrogates)
                                   .arg(notes.firstLoneSurrogate))}});
    for (const auto &o : notes.overflows)
        warnings.push_back(
            {{"kind", "number-overflow"},
             {"offset", o.offset},
             {"message",
              toStd(o.integer
                        ? u"the integer at byte %1 (%2 digits) is past a double's range: production "
                          u"keeps it exactly (BigInteger); it is checked here as 1.797e308"_s.arg(o.offset)
                              .arg(o.token.size())
                        : u"%1 at byte %2 is past a double's range: production reads it as Infinity"_s
                              .arg(QString::fromLatin1(o.token.left(40)))
                              .arg(o.offset))}});
}

QString escapePointerToken(QString token)
{
    token.replace(u'~', u"~0"_s);
    token.replace(u'/', u"~1"_s);
    return token;
}

json decoderError(const DecoderFailure &f)
{
    json e = {{"kind", "decoder"},
              {"error_type", toStd(f.errorType)},
              {"exception_class", toStd(f.exceptionClass)},
              {"error_message", toStd(f.errorMessage())},
              {"message", toStd(f.explanation)},
              {"reported", true}};
    return e;
}

json schemaError(const ValidationError &e, bool generic)
{
    json out = {{"kind", "schema"},
                {"pointer", toStd(e.pointer)},
                {"schema_path", toStd(e.schemaPath)},
                {"keyword", toStd(e.keyword)},
                {"message", toStd(e.message)}};
    if (generic)
        out["generic"] = true; // from the generic schema of an unregistered ping: for information
    return out;
}

// The error table a ping the decoder fails goes to (one per pipeline family).
const char *errorTableOf(const QString &ns)
{
    return ns == u"telemetry" ? "moz-fx-data-shared-prod.payload_bytes_error.telemetry"
                              : "moz-fx-data-shared-prod.payload_bytes_error.structured";
}

// Schema routing, scrubber, registry and deprecation, in ParsePayload's order; the verdict and
// what production derives. `doc` is the parsed body; it is stripped of client-sent metadata here.
QString decideVerdict(PingRecord &rec, json &doc, Validator &validator, json &errors, json &warnings,
                      const JsonReadNotes &notes)
{
    const QStringList stripped = stripPayloadMetadata(doc);
    if (!stripped.isEmpty())
        warnings.push_back(
            {{"kind", "stripped-metadata"},
             {"fields", toStd(stripped.join(u','))},
             {"message",
              toStd(u"the decoder removes the client-sent top-level %1 before validation (they are "
                    u"pipeline fields; NestedMetadata.stripPayloadMetadataToAttributes), so they were "
                    u"not checked and will not reach the table as sent"_s.arg(stripped.join(u", "_s)))}});
    const ScrubInput scrubIn{rec.ns,         rec.docType,          rec.appName,
                             rec.appVersion, rec.appUpdateChannel, rec.appBuildId,
                             rec.userAgent,  rec.telemetryAgent};
    const std::optional<DecoderFailure> scrubbed = scrubMessage(scrubIn, doc);
    const ValidationOutcome v = validator.validate(rec.ns, rec.docType, rec.docVersion, doc,
                                                   rec.telemetryAgent.startsWith(u"Glean/"_s));
    rec.schemaKey = v.schemaKey;
    rec.schemaNote = v.note;
    std::optional<DecoderFailure> deprecated;
    if (v.entry && v.kind == ValidationOutcome::Kind::Valid)
        deprecated = deprecationCheck(*v.entry, rec.receivedAtUs);
    // Jackson reads a float past a double's range as Infinity; validation then converts the
    // document for everit (Json.convertValue to org.json, BigDecimal.valueOf(Infinity)) and
    // that throws NumberFormatException, which ParsePayload does not catch: the message fails
    // its bundle, is retried, and reaches neither a table nor the error table.
    std::optional<DecoderFailure> crashed;
    const auto floatOverflow = std::find_if(notes.overflows.begin(), notes.overflows.end(),
                                            [](const JsonReadNotes::Overflow &o) { return !o.integer; });
    if (floatOverflow != notes.overflows.end() &&
        (v.kind == ValidationOutcome::Kind::Valid || v.kind == ValidationOutcome::Kind::Invalid)) {
        DecoderFailure f;
        f.kind = DecoderFailure::Kind::Dropped;
        f.errorType = u"ParsePayload"_s;
        f.exceptionClass = u"java.lang.NumberFormatException"_s;
        f.bug =
            u"Character I is neither a decimal digit number, decimal point, nor \"e\" notation exponential "
            u"mark."_s;
        f.explanation =
            u"%1 at byte %2 is past a double's range: production's parser reads it as Infinity, and "
            u"converting the document for schema validation then throws NumberFormatException, which "
            u"the decoder does not catch; the ping is retried and never reaches a table, not even the "
            u"error table"_s.arg(QString::fromLatin1(floatOverflow->token.left(40)))
                .arg(floatOverflow->offset);
        crashed = f;
    }

    QString verdictName;
    if (scrubbed) {
        verdictName = QString::fromUtf16(scrubbed->kind == DecoderFailure::Kind::Dropped ? verdict::Dropped
                                                                                         : verdict::Rejected);
        errors.push_back(decoderError(*scrubbed));
    } else if (v.kind == ValidationOutcome::Kind::Unregistered) {
        verdictName = QString::fromUtf16(verdict::Unregistered);
        DecoderFailure f;
        f.errorType = u"ParsePayload"_s;
        f.exceptionClass = u"com.mozilla.telemetry.ingestion.core.schema.SchemaNotFoundException"_s;
        f.bug = v.productionError;
        f.explanation = v.note;
        errors.push_back(decoderError(f));
    } else if (crashed) {
        verdictName = QString::fromUtf16(verdict::Dropped);
        errors.push_back(decoderError(*crashed));
    } else if (v.kind == ValidationOutcome::Kind::NoSchema) {
        verdictName = QString::fromUtf16(verdict::NoSchema);
    } else if (v.kind == ValidationOutcome::Kind::Invalid) {
        verdictName = QString::fromUtf16(verdict::Invalid);
    } else if (deprecated) {
        verdictName = QString::fromUtf16(verdict::Rejected);
        errors.push_back(decoderError(*deprecated));
    } else {
        verdictName = QString::fromUtf16(verdict::Valid);
    }
    // Every schema error; production reports one (everit failEarly): the first, marked, when the
    // schema is what fails the ping.
    const bool generic = v.kind == ValidationOutcome::Kind::Unregistered;
    bool first = v.kind == ValidationOutcome::Kind::Invalid && !scrubbed && !crashed;
    for (const ValidationError &e : v.errors) {
        json err = schemaError(e, generic);
        if (first && !e.keyword.isEmpty()) {
            err["reported"] = true;
            err["error_type"] = "ParsePayload";
            err["exception_class"] = "org.everit.json.schema.ValidationException";
            err["error_message"] = "org.everit.json.schema.ValidationException: " + toStd(e.everit);
            first = false;
        }
        errors.push_back(std::move(err));
    }

    json pipeline =
        derivedFields(doc, rec.docId, rec.appUpdateChannel, rec.receivedAtUs, rec.sourceTags, v.entry);
    const PipelineRegistry *registry = validator.registry() ? validator.registry()->pipeline() : nullptr;
    if (registry) {
        pipeline["registry"] = toStd(registry->describe());
        if (v.entry) {
            const QStringList tables = registry->destinationTables(*v.entry);
            if (!tables.isEmpty())
                pipeline["table"] = toStd(tables.first());
            if (tables.size() > 1)
                pipeline["tables"] = toStd(tables.join(u", "_s)); // split_config: main_v5 and use counters
        }
    }
    if (!stripped.isEmpty())
        pipeline["stripped"] = toStd(stripped.join(u','));
    if (generic && !v.genericKey.isEmpty()) {
        pipeline["generic_schema"] = toStd(v.genericKey);
        pipeline["generic_valid"] = v.errors.isEmpty();
    }
    if (verdictName == QStringView(verdict::Rejected) || verdictName == QStringView(verdict::Invalid) ||
        verdictName == QStringView(verdict::Unregistered))
        pipeline["error_table"] = errorTableOf(rec.ns);
    if (registry && v.entry && verdictName == QStringView(verdict::Valid) && !v.entry->schemaKey.isEmpty() &&
        v.entry->schemaKey.startsWith(u"glean/glean/"_s))
        addBigQueryColumnWarnings(doc, *registry, *v.entry, warnings);
    rec.pipelineJson = QByteArray::fromStdString(pipeline.dump());
    return verdictName;
}

} // namespace

// Metrics that will not land in a column of the production table (PubsubMessageToObjectNode:
// unknown fields go to additional_properties, under their JSON names).
void addBigQueryColumnWarnings(const json &doc, const PipelineRegistry &registry, const RegistryEntry &entry,
                               json &warnings)
{
    const json *metrics = nullptr;
    if (doc.is_object())
        if (const auto it = doc.find("metrics"); it != doc.end() && it->is_object())
            metrics = &*it;
    if (!metrics)
        return;
    const auto *columns = registry.metricColumns(entry);
    const QString table = entry.table().isEmpty() ? entry.ns + u'/' + entry.docType : entry.table();
    int reported = 0;
    for (const auto &[type, byName] : metrics->items()) {
        if (!byName.is_object())
            continue;
        QString columnType = QString::fromStdString(type);
        // Bug 1737656: tables deployed before November 2021 have url2, text2, jwe2, labeled_rate2.
        if (columns && (type == "url" || type == "text" || type == "jwe" || type == "labeled_rate") &&
            columns->contains(columnType + u'2'))
            columnType += u'2';
        const QSet<QString> *names = nullptr;
        if (columns)
            if (const auto c = columns->constFind(columnType); c != columns->cend())
                names = &*c;
        for (const auto &[name, value] : byName.items()) {
            Q_UNUSED(value);
            const QString metric = QString::fromStdString(name);
            // Metric names repeat from ping to ping: remember their column names (per thread).
            thread_local QHash<QString, QString> columnNames;
            if (columnNames.size() > 100'000)
                columnNames.clear();
            auto cached = columnNames.constFind(metric);
            if (cached == columnNames.cend())
                cached = columnNames.insert(metric, bigQueryColumnName(metric));
            const QString &column = *cached;
            if (names && names->contains(column))
                continue;
            if (++reported > 200)
                continue;
            QString why;
            if (!columns)
                why = u"the table has no metric columns"_s;
            else if (!names)
                why = u"the table has no %1 metrics at all"_s.arg(QString::fromStdString(type));
            else
                why = u"not declared as a %1 for this ping, or declared with another type"_s.arg(
                    QString::fromStdString(type));
            json w = {{"kind", "bq-column"},
                      {"pointer", "/metrics/" + type + "/" + toStd(escapePointerToken(metric))},
                      {"column", toStd(u"metrics.%1.%2"_s.arg(columnType, column))},
                      {"table", toStd(table)},
                      {"message", toStd(u"`metrics.%1.%2` is not a column of %3 (%4): it will land in "
                                        u"additional_properties, where analysts rarely look"_s.arg(
                                            QString::fromStdString(type), metric, table, why))}};
            warnings.push_back(std::move(w));
        }
    }
    if (reported > 200)
        warn(warnings, "bq-column",
             u"%1 more metrics are not columns of %2 (only the first 200 are listed)"_s.arg(reported - 200)
                 .arg(table));
}

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
qint64 daysFromCivil(int y, int m, int d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return qint64(era) * 146097 + doe - 719468;
}

constexpr char16_t kWeekdays[7][10] = {u"Thursday", u"Friday",  u"Saturday", u"Sunday",
                                       u"Monday",   u"Tuesday", u"Wednesday"}; // from 1970-01-01
constexpr char16_t kMonths[12][4] = {u"Jan", u"Feb", u"Mar", u"Apr", u"May", u"Jun",
                                     u"Jul", u"Aug", u"Sep", u"Oct", u"Nov", u"Dec"};

// "DD?Mon?YEAR HH:MM:SS GMT" at `v` (after the weekday) with `sep` between day, month and year
// and `yearDigits` digits of year; the weekday must be the date's. -1 when it is not that.
qint64 parseHttpDateTail(QStringView weekday, QStringView v, QChar sep, int yearDigits)
{
    const int n = 2 + 1 + 3 + 1 + yearDigits;
    if (v.size() != n + 13 || v[2] != sep || v[6] != sep || v[n] != u' ' || v[n + 3] != u':' ||
        v[n + 6] != u':' || v.sliced(n + 9) != u" GMT")
        return -1;
    auto num = [&](int pos, int len) {
        int x = 0;
        for (int i = pos; i < pos + len; ++i) {
            if (v[i] < u'0' || v[i] > u'9')
                return -1;
            x = x * 10 + (v[i].unicode() - u'0');
        }
        return x;
    };
    const int day = num(0, 2), hh = num(n + 1, 2), mm = num(n + 4, 2), ss = num(n + 7, 2);
    int year = num(7, yearDigits);
    if (yearDigits == 2 && year >= 0) // RFC 9110: a two-digit year is never over 50 years ahead
        year += year <= (QDate::currentDate().year() + 50) % 100 ? 2000 : 1900;
    int month = 0;
    while (month < 12 && v.sliced(3, 3) != QStringView(kMonths[month], 3))
        ++month;
    if (day < 1 || year < 1970 || month == 12 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59)
        return -1;
    static constexpr int kLengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (day > kLengths[month] + (month == 1 && leap))
        return -1;
    const qint64 days = daysFromCivil(year, month + 1, day);
    const QStringView name(kWeekdays[days % 7]);
    if (weekday != name && weekday != name.first(3))
        return -1;
    return ((days * 24 + hh) * 60 + mm) * 60'000 + ss * 1000;
}

// The two forms with a zone: "Sun, 06 Nov 1994 08:49:37 GMT" (IMF-fixdate, what every client
// sends) and "Sunday, 06-Nov-94 08:49:37 GMT" (RFC 850), read by hand: QLocale's parser and
// mktime() cost a seventh of a ping's ingest. -1 when `v` is neither, with a real date and its
// own weekday; the general parser then decides.
qint64 parseZonedHttpDate(QStringView v)
{
    const qsizetype comma = v.indexOf(u',');
    if (comma < 3 || comma > 9 || v.size() < comma + 2 || v[comma + 1] != u' ')
        return -1;
    const QStringView weekday = v.first(comma), rest = v.sliced(comma + 2);
    if (comma == 3)
        return parseHttpDateTail(weekday, rest, u' ', 4);
    return parseHttpDateTail(weekday, rest, u'-', 2);
}

} // namespace

qint64 parseDateHeader(const QString &value)
{
    if (const qint64 fast = parseZonedHttpDate(value); fast >= 0)
        return fast;
    const QString v = value.trimmed();
    if (v.isEmpty())
        return 0;
    static const QLocale c = QLocale::c();
    // IMF-fixdate, then RFC 850, then asctime.
    for (const auto &fmt : {u"ddd, dd MMM yyyy HH:mm:ss 'GMT'"_s, u"dddd, dd-MMM-yy HH:mm:ss 'GMT'"_s,
                            u"ddd MMM d HH:mm:ss yyyy"_s}) {
        QDateTime dt = c.toDateTime(v, fmt);
        if (dt.isValid()) {
            dt.setTimeSpec(Qt::UTC);
            if (dt.date().year() < 1970)
                dt = dt.addYears(100);
            return dt.toMSecsSinceEpoch();
        }
    }
    QString simplified = v;
    simplified.replace(u"  "_s, u" "_s);
    if (QDateTime dt = c.toDateTime(simplified, u"ddd MMM d HH:mm:ss yyyy"_s); dt.isValid()) {
        dt.setTimeSpec(Qt::UTC);
        return dt.toMSecsSinceEpoch();
    }
    if (QDateTime dt = QDateTime::fromString(v, Qt::ISODateWithMs); dt.isValid())
        return dt.toMSecsSinceEpoch();
    return 0;
}

qint64 parseGleanDateTime(const QString &value)
{
    QDateTime dt = QDateTime::fromString(value, Qt::ISODateWithMs);
    if (!dt.isValid() && value.size() >= 16 && value[13] == u':' &&
        (value.size() == 16 || value[16] != u':')) {
        QString withSeconds = value;
        withSeconds.insert(16, u":00"_s);
        dt = QDateTime::fromString(withSeconds, Qt::ISODateWithMs);
    }
    return dt.isValid() ? dt.toMSecsSinceEpoch() : 0;
}

PingRecord ingestSubmission(RawSubmission raw, const IngestOptions &options, Validator *validator)
{
    IngestOptions all = options;
    all.inlineLimit = 0;
    return *tryIngestSubmission(raw, all, validator);
}

std::optional<PingRecord> tryIngestSubmission(RawSubmission &raw, const IngestOptions &options,
                                              Validator *validator)
{
    PingRecord rec;
    rec.receivedAtUs = raw.receivedAtUs;
    rec.method = QString::fromLatin1(raw.method);
    rec.path = QString::fromLatin1(raw.path);
    rec.query = QString::fromLatin1(raw.query);
    rec.peer = raw.peer;
    rec.statusCode = raw.answerStatus;
    rec.fault = raw.fault;
    rec.source = raw.source;
    rec.bodyTruncated = raw.bodyTruncated;
    rec.bodyBytes = raw.bodyTruncated && raw.declaredLength >= 0 ? raw.declaredLength : raw.body.size();

    rec.debugId = headerValue(raw.headers, "x-debug-id");
    rec.sourceTags = headerValue(raw.headers, "x-source-tags");
    rec.userAgent = headerValue(raw.headers, "user-agent");
    rec.telemetryAgent = headerValue(raw.headers, "x-telemetry-agent");
    rec.contentEncoding = headerValue(raw.headers, "content-encoding");
    rec.contentType = headerValue(raw.headers, "content-type");
    rec.dateHeader = headerValue(raw.headers, "date");
    rec.dateMs = parseDateHeader(rec.dateHeader);

    json errors = json::array();
    const SubmitPath sp = parseSubmitPath(raw.path, raw.query);
    rec.ns = sp.ns;
    rec.docType = sp.docType;
    rec.docVersion = sp.docVersion;
    rec.docId = sp.docId;
    rec.appName = sp.appName;
    rec.appVersion = sp.appVersion;
    rec.appUpdateChannel = sp.appUpdateChannel;
    rec.appBuildId = sp.appBuildId;

    if (!raw.refusedReason.isEmpty()) {
        rec.verdict = QString::fromUtf16(verdict::Refused);
        errors.push_back(
            {{"kind", "refused"}, {"status", raw.answerStatus}, {"message", toStd(raw.refusedReason)}});
        rec.errorCount = 1;
        rec.errorsJson = QByteArray::fromStdString(errors.dump());
        rec.headers = std::move(raw.headers);
        rec.body = std::move(raw.body);
        return rec;
    }
    const qint64 inlineLimit = options.inlineLimit;
    if (inlineLimit > 0 && raw.body.size() > inlineLimit)
        return std::nullopt;

    QString verdictName;
    json warnings = json::array();
    bool gleanPing = rec.telemetryAgent.startsWith(u"Glean/"_s);
    // The decoder's order (Decoder.java): ParseUri (scrubByUri first), LimitPayloadSize,
    // ParsePayload (parse, strip metadata, scrub, docTypeExists, schema, validate, deprecation).
    if (auto f = scrubByUri(rec.path)) {
        verdictName = QString::fromUtf16(verdict::Rejected);
        errors.push_back(decoderError(*f));
    } else if (!sp.isValid()) {
        verdictName = QString::fromUtf16(verdict::BadPath);
        errors.push_back({{"kind", "path"},
                          {"error_type", "ParseUri"},
                          {"message", toStd(sp.problem)},
                          {"reported", true}});
    }

    // Decode: the pipeline tries gunzip on every body, whatever Content-Encoding says.
    QByteArray decoded;
    bool decodedOk = true;
    PingRecord::PayloadSource decodedFrom = PingRecord::PayloadSource::Own;
    const bool laneCapped = inlineLimit > 0 && inlineLimit < options.maxDecodedBytes;
    GunzipResult gz = gunzipIfGzip(raw.body, laneCapped ? inlineLimit : options.maxDecodedBytes);
    switch (gz.status) {
    case GunzipResult::Status::NotGzip:
        decoded = raw.body;
        decodedFrom = PingRecord::PayloadSource::Body;
        break;
    case GunzipResult::Status::Ok:
        decoded = std::move(gz.data);
        decodedFrom = PingRecord::PayloadSource::InflatedBody;
        break;
    case GunzipResult::Status::TooLarge:
        if (laneCapped)
            return std::nullopt;
        decodedOk = false;
        gz.data = QByteArray(); // not kept: production would not keep it either
        if (options.maxDecodedBytes >= kDecoderPayloadLimit) {
            // Past 8 MiB whatever the rest holds: LimitPayloadSize rejects it. Its size is counted
            // without keeping the bytes (up to 1 GiB), for production's message.
            const qint64 size = gzipInflatedSize(raw.body, qint64(1) << 30);
            rec.decodedBytes = size;
            auto f = limitPayloadSize(size);
            if (f && size > (qint64(1) << 30))
                f->bug = u"Message payload is more than %1bytes, larger than the configured limit of %2"_s
                             .arg(qint64(1) << 30)
                             .arg(kDecoderPayloadLimit);
            if (f) {
                f->explanation +=
                    u"; Pingscope inflates at most %1 bytes (--max-decoded), so the body is kept "
                    u"compressed and not parsed"_s.arg(options.maxDecodedBytes);
                if (verdictName.isEmpty())
                    verdictName = QString::fromUtf16(verdict::Rejected);
                errors.push_back(decoderError(*f));
                break;
            }
        }
        rec.decodedBytes = options.maxDecodedBytes;
        if (verdictName.isEmpty())
            verdictName = QString::fromUtf16(verdict::TooLarge);
        errors.push_back({{"kind", "budget"}, {"message", toStd(gz.message)}});
        break;
    case GunzipResult::Status::Corrupt:
        decodedOk = false;
        rec.decodedBytes = gz.data.size();
        if (verdictName.isEmpty())
            verdictName = QString::fromUtf16(verdict::BadEncoding);
        errors.push_back({{"kind", "encoding"}, {"message", toStd(gz.message)}});
        break;
    }

    if (decodedOk) {
        rec.decodedBytes = decoded.size();
        if (auto f = limitPayloadSize(decoded.size()); f && verdictName.isEmpty()) {
            verdictName = QString::fromUtf16(verdict::Rejected);
            errors.push_back(decoderError(*f));
        }
        const qsizetype bad = firstInvalidUtf8(decoded);
        if (bad >= 0) {
            if (verdictName.isEmpty())
                verdictName = QString::fromUtf16(verdict::BadEncoding);
            errors.push_back({{"kind", "encoding"},
                              {"offset", bad},
                              {"message", toStd(u"body is not valid UTF-8 (first bad byte 0x%1 at "
                                                u"offset %2)"_s
                                                    .arg(QString::number(static_cast<uchar>(decoded[bad]), 16)
                                                             .rightJustified(2, u'0'))
                                                    .arg(bad))}});
        } else {
            // What the parse would take: bounded by the budget, never attempted past it. Small
            // bodies cannot parse to much (a 64 KiB body to at most ~2 MiB).
            JsonShape shape;
            if (decoded.size() > 64 * 1024)
                shape = scanJsonShape(decoded);
            if (inlineLimit > 0 && shape.estimatedBytes > 4 * inlineLimit)
                return std::nullopt;
            json doc;
            JsonParseError pe;
            JsonReadNotes notes;
            if (options.parseBudget > 0 && shape.estimatedBytes > options.parseBudget) {
                if (verdictName.isEmpty())
                    verdictName = QString::fromUtf16(verdict::TooLarge);
                errors.push_back(
                    {{"kind", "budget"},
                     {"values", shape.values},
                     {"message", toStd(u"too large to inspect here: %1 JSON values in %2 bytes, nested %3 "
                                       u"deep; parsing it "
                                       u"would take about %4 MiB, more than the %5 MiB that --memory-budget "
                                       u"leaves for one "
                                       u"body: kept as received, not parsed or checked"_s.arg(shape.values)
                                           .arg(decoded.size())
                                           .arg(shape.depth)
                                           .arg(shape.estimatedBytes >> 20)
                                           .arg(options.parseBudget >> 20))}});
                rec.payload = std::move(decoded);
                rec.payloadSource = decodedFrom;
            } else if (parseJson(decoded, doc, pe, &notes)) {
                derivePayloadFields(rec, doc);
                gleanPing = gleanPing || (rec.ns != u"telemetry" && doc.is_object() &&
                                          (doc.contains("ping_info") || doc.contains("client_info")));
                addReadNoteWarnings(notes, decoded.size(), warnings);
                rec.payload = std::move(decoded);
                rec.payloadSource = decodedFrom;
                if (validator && verdictName.isEmpty())
                    verdictName = decideVerdict(rec, doc, *validator, errors, warnings, notes);
            } else {
                if (verdictName.isEmpty())
                    verdictName = QString::fromUtf16(verdict::NotJson);
                errors.push_back(
                    {{"kind", "json"},
                     {"offset", pe.byteOffset},
                     {"line", pe.line},
                     {"column", pe.column},
                     {"message",
                      toStd(decoded.isEmpty() ? u"body is empty"_s
                                              : u"not JSON at line %1, column %2 (byte %3): %4"_s.arg(pe.line)
                                                    .arg(pe.column)
                                                    .arg(pe.byteOffset)
                                                    .arg(pe.message))}});
            }
        }
    }
    if (validator && validator->registry())
        rec.checkedWith = validator->registry()->fingerprint();
    if (rec.pipelineJson == "{}" && !verdictName.isEmpty() && verdictName != QStringView(verdict::Valid) &&
        verdictName != QStringView(verdict::Dropped) && verdictName != QStringView(verdict::TooLarge)) {
        // Failed before ParsePayload's checks (ParseUri, LimitPayloadSize, parsing): still a row
        // in the error table. Not for too-large: not parsed here, what production does is not known.
        const json pipeline = {{"error_table", errorTableOf(rec.ns)}};
        rec.pipelineJson = QByteArray::fromStdString(pipeline.dump());
    }

    rec.verdict = verdictName.isEmpty() ? QString::fromUtf16(verdict::Parsed) : verdictName;
    rec.errorCount = static_cast<int>(errors.size());
    rec.errorsJson = QByteArray::fromStdString(errors.dump());
    perPingWarnings(rec, gleanPing, warnings);
    rec.warningCount = static_cast<int>(warnings.size());
    rec.warningsJson = QByteArray::fromStdString(warnings.dump());
    rec.headers = std::move(raw.headers);
    rec.body = std::move(raw.body);
    // Packed here, on one of several threads, so that the store's one writer need not.
    rec.storedHeaders = storedHeaders(rec);
    rec.storedPipeline = storedPipeline(rec);
    return rec;
}

} // namespace pingscope
