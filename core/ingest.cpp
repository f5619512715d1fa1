#include "ingest.h"

#include "decode.h"
#include "submitpath.h"
#include "validation.h"

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

} // namespace

qint64 parseDateHeader(const QString &value)
{
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
    if (!dt.isValid() && value.size() >= 16 && value[13] == u':' && (value.size() == 16 || value[16] != u':')) {
        QString withSeconds = value;
        withSeconds.insert(16, u":00"_s);
        dt = QDateTime::fromString(withSeconds, Qt::ISODateWithMs);
    }
    return dt.isValid() ? dt.toMSecsSinceEpoch() : 0;
}

PingRecord ingestSubmission(RawSubmission raw, const IngestOptions &options, Validator *validator)
{
    PingRecord rec;
    rec.receivedAtUs = raw.receivedAtUs;
    rec.method = QString::fromLatin1(raw.method);
    rec.path = QString::fromLatin1(raw.path);
    rec.query = QString::fromLatin1(raw.query);
    rec.peer = raw.peer;
    rec.statusCode = raw.answerStatus;
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
        errors.push_back({{"kind", "refused"},
                          {"status", raw.answerStatus},
                          {"message", toStd(raw.refusedReason)}});
        rec.errorCount = 1;
        rec.errorsJson = QByteArray::fromStdString(errors.dump());
        rec.headers = std::move(raw.headers);
        rec.body = std::move(raw.body);
        return rec;
    }

    QString verdictName;
    bool gleanPing = rec.telemetryAgent.startsWith(u"Glean/"_s);
    if (!sp.isValid()) {
        verdictName = QString::fromUtf16(verdict::BadPath);
        errors.push_back({{"kind", "path"}, {"message", toStd(sp.problem)}});
    }

    // Decode: the pipeline tries gunzip on every body, whatever Content-Encoding says.
    QByteArray decoded;
    bool decodedOk = true;
    GunzipResult gz = gunzipIfGzip(raw.body, options.maxDecodedBytes);
    switch (gz.status) {
    case GunzipResult::Status::NotGzip:
        decoded = raw.body;
        break;
    case GunzipResult::Status::Ok:
        decoded = std::move(gz.data);
        break;
    case GunzipResult::Status::Corrupt:
    case GunzipResult::Status::TooLarge:
        decodedOk = false;
        rec.decodedBytes = gz.data.size();
        if (verdictName.isEmpty())
            verdictName = QString::fromUtf16(verdict::BadEncoding);
        errors.push_back({{"kind", "encoding"}, {"message", toStd(gz.message)}});
        break;
    }

    if (decodedOk) {
        rec.decodedBytes = decoded.size();
        const qsizetype bad = firstInvalidUtf8(decoded);
        if (bad >= 0) {
            if (verdictName.isEmpty())
                verdictName = QString::fromUtf16(verdict::BadEncoding);
            errors.push_back({{"kind", "encoding"},
                              {"offset", bad},
                              {"message", toStd(u"body is not valid UTF-8 (first bad byte 0x%1 at "
                                                u"offset %2)"_s.arg(QString::number(static_cast<uchar>(decoded[bad]), 16)
                                                             .rightJustified(2, u'0'))
                                                    .arg(bad))}});
        } else {
            json doc;
            JsonParseError pe;
            if (parseJson(decoded, doc, pe)) {
                derivePayloadFields(rec, doc);
                gleanPing = gleanPing || (rec.ns != u"telemetry" && doc.is_object() &&
                                          (doc.contains("ping_info") || doc.contains("client_info")));
                rec.payload = std::move(decoded);
                if (validator && verdictName.isEmpty()) {
                    const ValidationOutcome v =
                        validator->validate(rec.ns, rec.docType, rec.docVersion, doc,
                                            rec.telemetryAgent.startsWith(u"Glean/"_s));
                    rec.schemaKey = v.schemaKey;
                    rec.schemaNote = v.note;
                    switch (v.kind) {
                    case ValidationOutcome::Kind::Valid:
                        verdictName = QString::fromUtf16(verdict::Valid);
                        break;
                    case ValidationOutcome::Kind::NoSchema:
                        verdictName = QString::fromUtf16(verdict::NoSchema);
                        break;
                    case ValidationOutcome::Kind::Invalid:
                        verdictName = QString::fromUtf16(verdict::Invalid);
                        for (const ValidationError &e : v.errors)
                            errors.push_back({{"kind", "schema"},
                                              {"pointer", toStd(e.pointer)},
                                              {"schema_path", toStd(e.schemaPath)},
                                              {"keyword", toStd(e.keyword)},
                                              {"message", toStd(e.message)}});
                        break;
                    }
                }
            } else {
                if (verdictName.isEmpty())
                    verdictName = QString::fromUtf16(verdict::NotJson);
                errors.push_back(
                    {{"kind", "json"},
                     {"offset", pe.byteOffset},
                     {"line", pe.line},
                     {"column", pe.column},
                     {"message", toStd(decoded.isEmpty()
                                           ? u"body is empty"_s
                                           : u"not JSON at line %1, column %2 (byte %3): %4"_s.arg(pe.line)
                                                 .arg(pe.column)
                                                 .arg(pe.byteOffset)
                                                 .arg(pe.message))}});
            }
        }
    }

    rec.verdict = verdictName.isEmpty() ? QString::fromUtf16(verdict::Parsed) : verdictName;
    rec.errorCount = static_cast<int>(errors.size());
    rec.errorsJson = QByteArray::fromStdString(errors.dump());
    json warnings = json::array();
    perPingWarnings(rec, gleanPing, warnings);
    rec.warningCount = static_cast<int>(warnings.size());
    rec.warningsJson = QByteArray::fromStdString(warnings.dump());
    rec.headers = std::move(raw.headers);
    rec.body = std::move(raw.body);
    return rec;
}

} // namespace pingscope
