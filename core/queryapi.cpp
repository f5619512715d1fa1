// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "queryapi.h"

#include "validation/registry.h"

#include "http/captureserver.h" // httpHead
#include "ping/decode.h"
#include "ping/submitpath.h"

#include <QDateTime>
#include <QTimeZone>

#include <nlohmann/json.hpp>

using namespace Qt::StringLiterals;
using nlohmann::json;

namespace pingscope {

namespace {

std::string s(const QString &v)
{
    return v.toStdString();
}

json parsedOrEmpty(const QByteArray &text, const json &fallback)
{
    json j = json::parse(text.begin(), text.end(), nullptr, false);
    return j.is_discarded() ? fallback : j;
}

QByteArray jsonResponse(int status, const json &body, bool close)
{
    return httpResponse(
        status, "application/json",
        QByteArray::fromStdString(body.dump(-1, ' ', false, json::error_handler_t::replace)) + '\n', close);
}

QByteArray errorResponse(int status, const QString &message, bool close)
{
    return jsonResponse(status, json{{"error", s(message)}}, close);
}

bool parseIntParam(const QByteArray &query, QByteArrayView key, int &out, QString *error)
{
    const QString v = queryValue(query, key);
    if (v.isNull())
        return true;
    bool ok = false;
    const int n = v.toInt(&ok);
    if (!ok || n < 0) {
        *error = u"%1 must be a non-negative integer"_s.arg(QString::fromLatin1(key.toByteArray()));
        return false;
    }
    out = n;
    return true;
}

// `since` / `until`: an ISO 8601 date-time (UTC unless it says otherwise) or milliseconds since
// the epoch; out in UTC microseconds (0 when absent).
bool parseTimeParam(const QByteArray &query, QByteArrayView key, qint64 &outUs, QString *error)
{
    const QString v = queryValue(query, key);
    if (v.isNull())
        return true;
    bool ok = false;
    const qint64 ms = v.toLongLong(&ok);
    if (ok && ms >= 0) {
        outUs = ms * 1000;
        return true;
    }
    QDateTime t = QDateTime::fromString(v, Qt::ISODateWithMs);
    if (t.isValid() && t.timeSpec() == Qt::LocalTime) // no Z and no offset given: UTC
        t.setTimeZone(QTimeZone::utc());
    if (!t.isValid()) {
        *error =
            u"%1 must be an ISO 8601 date-time (2026-11-23T02:19:25Z) or milliseconds since the epoch"_s.arg(
                QString::fromLatin1(key.toByteArray()));
        return false;
    }
    outUs = t.toMSecsSinceEpoch() * 1000;
    return true;
}

// "unknown parameter X (known: ...)" for the first query parameter not in `allowed`; empty when
// every one is known (a typo such as "namspace=" must not list everything).
QString unknownParameter(const QByteArray &query, std::initializer_list<const char *> allowed)
{
    for (const QByteArray &pair : query.split('&')) {
        if (pair.isEmpty())
            continue;
        const qsizetype eq = pair.indexOf('=');
        const QByteArray key = QByteArray::fromPercentEncoding(eq < 0 ? pair : pair.left(eq));
        if (std::none_of(allowed.begin(), allowed.end(), [&key](const char *a) { return key == a; })) {
            QStringList known;
            for (const char *a : allowed)
                known << QString::fromLatin1(a);
            return u"unknown parameter %1 (known: %2)"_s.arg(QString::fromUtf8(key), known.join(u", "_s));
        }
    }
    return {};
}

// The filters /pingscope/v1/pings and /stats share (into q); false with *error on a bad value.
bool parseFilters(const QByteArray &query, PingQuery &q, QString *error)
{
    int after = 0;
    if (!parseIntParam(query, "after_id", after, error) ||
        !parseTimeParam(query, "since", q.receivedFromUs, error) ||
        !parseTimeParam(query, "until", q.receivedToUs, error))
        return false;
    q.afterId = after;
    q.ns = queryValue(query, "namespace");
    q.docType = queryValue(query, "doctype");
    q.verdict = queryValue(query, "verdict");
    q.debugId = queryValue(query, "debug_id");
    q.docId = queryValue(query, "doc_id");
    return true;
}

QString unknownFilterParameter(const QByteArray &query)
{
    return unknownParameter(
        query, {"namespace", "doctype", "verdict", "debug_id", "doc_id", "after_id", "since", "until"});
}

QString unknownListParameter(const QByteArray &query)
{
    return unknownParameter(query, {"namespace", "doctype", "verdict", "debug_id", "doc_id", "after_id",
                                    "since", "until", "limit", "offset", "wait", "min"});
}

constexpr qint64 kMaxWaitSeconds = 300;

// GET /pingscope/v1/pings: its query (with limit and offset), and the long poll it asks for.
struct ListRequest
{
    PingQuery query;
    int wait = 0; // seconds; 0: answer at once
    int min = 1;  // the number of matching pings the wait is for
};

// One reading of a list request's parameters, for the answer and for the long poll; false
// with *error (the 400's text) when one is unknown or bad.
bool parseListRequest(const QByteArray &query, ListRequest *out, QString *error)
{
    if (const QString unknown = unknownListParameter(query); !unknown.isEmpty()) {
        *error = unknown;
        return false;
    }
    PingQuery &q = out->query;
    if (!parseIntParam(query, "limit", q.limit, error) || !parseIntParam(query, "offset", q.offset, error) ||
        !parseIntParam(query, "wait", out->wait, error) || !parseIntParam(query, "min", out->min, error) ||
        !parseFilters(query, q, error))
        return false;
    if (out->wait > kMaxWaitSeconds) {
        *error = u"wait is at most %1 seconds"_s.arg(kMaxWaitSeconds);
        return false;
    }
    q.limit = qMin(q.limit, 100000);
    return true;
}

} // namespace

json summaryJson(const PingRecord &r)
{
    const auto receivedMs = r.receivedAtUs / 1000;
    QString received = QDateTime::fromMSecsSinceEpoch(receivedMs, Qt::UTC).toString(Qt::ISODateWithMs);
    json j = {
        {"id", r.id},
        {"received_at", s(received)},
        {"received_at_us", r.receivedAtUs},
        {"method", s(r.method)},
        {"path", s(r.path)},
        {"query", s(r.query)},
        {"namespace", s(r.ns)},
        {"doctype", s(r.docType)},
        {"doc_version", s(r.docVersion)},
        {"doc_id", s(r.docId)},
        {"status_code", r.statusCode},
        {"verdict", s(r.verdict)},
        {"error_count", r.errorCount},
        {"warning_count", r.warningCount},
        {"schema", s(r.schemaKey)},
        {"schema_note", s(r.schemaNote)},
        {"debug_id", s(r.debugId)},
        {"source_tags", json::array()},
        {"body_bytes", r.bodyBytes},
        {"decoded_bytes", r.decodedBytes < 0 ? json(nullptr) : json(r.decodedBytes)},
        {"body_truncated", r.bodyTruncated},
        {"client_id", s(r.clientId)},
        {"seq", r.seq < 0 ? json(nullptr) : json(r.seq)},
        {"user_agent", s(r.userAgent)},
        {"telemetry_agent", s(r.telemetryAgent)},
        {"content_encoding", s(r.contentEncoding)},
        {"date", s(r.dateHeader)},
        {"peer", s(r.peer)},
        {"fault", r.fault.isEmpty() ? json(nullptr) : json(s(r.fault))},
        {"source", r.source.isEmpty() ? json(nullptr) : json(s(r.source))},
    };
    if (!r.sourceTags.isEmpty())
        for (const QString &tag : r.sourceTags.split(u','))
            j["source_tags"].push_back(s(tag.trimmed()));
    if (r.ns == u"telemetry") {
        j["app_name"] = s(r.appName);
        j["app_version"] = s(r.appVersion);
        j["app_update_channel"] = s(r.appUpdateChannel);
        j["app_build_id"] = s(r.appBuildId);
    }
    return j;
}

json detailJson(const PingRecord &r)
{
    json j = summaryJson(r);
    json headers = json::array();
    for (const auto &h : r.headers)
        headers.push_back({s(QString::fromLatin1(h.name)), s(QString::fromLatin1(h.value))});
    j["headers"] = std::move(headers);
    if (r.payload.isEmpty()) {
        j["payload"] = nullptr;
    } else if (const int depth = jsonNestingDepth(r.payload); depth > kMaxPrintableDepth) {
        j["payload"] = nullptr;
        j["payload_text"] = r.payload.toStdString();
        j["payload_note"] =
            u"the payload is nested %1 levels deep; it is given as text"_s.arg(depth).toStdString();
    } else {
        j["payload"] = parsedOrEmpty(r.payload, nullptr);
    }
    j["body_base64"] = r.body.toBase64().toStdString();
    j["errors"] = parsedOrEmpty(r.errorsJson, json::array());
    j["warnings"] = parsedOrEmpty(r.warningsJson, json::array());
    j["pipeline"] = parsedOrEmpty(r.pipelineJson, json::object());
    j["checked_with"] = s(r.checkedWith);
    j["upstream"] = r.upstreamJson.isEmpty() ? json(nullptr) : parsedOrEmpty(r.upstreamJson, json(nullptr));
    return j;
}

// The production registry in use: which snapshot, from where, and what verdicts are made with.
nlohmann::json QueryApi::registryJson() const
{
    const PipelineRegistry *reg = m_schemas ? m_schemas->pipeline() : nullptr;
    if (!reg)
        return nullptr;
    return json{{"snapshot", s(reg->describe())},
                {"commit", s(reg->snapshot().commit)},
                {"date", s(reg->snapshot().date)},
                {"source", s(m_schemas->pipelineSource())},
                {"namespaces", reg->namespaceCount()},
                {"doc_type_versions", reg->entryCount()},
                {"checked_with", s(m_schemas->fingerprint())}};
}

QueryApi::QueryApi(Store *store, std::shared_ptr<const SchemaRegistry> schemas,
                   QList<SchemaLoadError> schemaErrors, std::function<nlohmann::json(bool start)> revalidate)
    : m_store(store), m_schemas(std::move(schemas)), m_schemaErrors(std::move(schemaErrors)),
      m_revalidate(std::move(revalidate))
{
}

QueryApi::~QueryApi() = default;

namespace {

// GET /pingscope/v1/pings: 2,000 rows per part, newest first, paged by id (not by offset, so
// that pings arriving meanwhile do not shift the pages).
class ListStream : public ApiStream
{
public:
    ListStream(StoreReader *reader, const PingQuery &q) : m_reader(reader), m_page(q), m_limit(q.limit) {}

    QByteArray next() override
    {
        if (m_done)
            return {};
        QByteArray out = m_produced == 0 && !m_started ? QByteArray("[") : QByteArray();
        m_started = true;
        if (m_produced < m_limit) {
            m_page.limit = qMin(2000, m_limit - m_produced);
            const std::vector<PingRecord> rows = m_reader->list(m_page);
            for (const PingRecord &r : rows) {
                if (m_produced > 0)
                    out += ',';
                ++m_produced;
                out += QByteArray::fromStdString(
                    summaryJson(r).dump(-1, ' ', false, json::error_handler_t::replace));
            }
            if (int(rows.size()) == m_page.limit && m_produced < m_limit) {
                m_page.beforeId = rows.back().id; // newest first: the next page is older
                m_page.offset = 0;
                return out;
            }
        }
        m_done = true;
        return out + "]\n";
    }

private:
    StoreReader *m_reader;
    PingQuery m_page;
    int m_limit;
    int m_produced = 0;
    bool m_started = false, m_done = false;
};

} // namespace

QByteArray wholeResponse(ApiAnswer &&a, bool close)
{
    if (!a.stream)
        return std::move(a.bytes);
    QByteArray body;
    for (QByteArray part = a.stream->next(); !part.isEmpty(); part = a.stream->next())
        body += part;
    return httpResponse(a.status, a.contentType, body, close, a.headers);
}

QByteArray QueryApi::handle(const HttpRequest &req, bool close)
{
    return wholeResponse(answer(req, close), close);
}

ApiAnswer QueryApi::answer(const HttpRequest &req, bool close)
{
    const QByteArray &path = req.path;
    if (req.method == "GET" && (path == "/__heartbeat__" || path == "/__lbheartbeat__"))
        return jsonResponse(200, json{{"status", "ok"}}, close);
    if (req.method == "GET" && path == "/__version__")
        return jsonResponse(200, json{{"name", "pingscope"}, {"version", PINGSCOPE_VERSION}}, close);
    if (req.method == "GET" && path == "/") {
        return httpResponse(
            200, "text/plain; charset=utf-8",
            "Pingscope capture endpoint.\n"
            "Send pings to /submit/<namespace>/<docType>/<docVersion>/<docId>\n"
            "or /submit/telemetry/<docId>/<docType>/<appName>/<appVersion>/"
            "<appUpdateChannel>/<appBuildID>?v=4.\n"
            "Query API: /pingscope/v1/pings, /pingscope/v1/pings/{id}, /pingscope/v1/pings/{id}/attempts,\n"
            "/pingscope/v1/stats, /pingscope/v1/retries, /pingscope/v1/faults\n",
            close);
    }
    if (!path.startsWith("/pingscope/"))
        return httpResponse(404, "text/plain; charset=utf-8", "not found\n", close);
    if (path == "/pingscope/v1/schemas") {
        if (req.method != "GET")
            return errorResponse(405, u"use GET"_s, close);
        json errors = json::array();
        for (const auto &e : m_schemaErrors)
            errors.push_back({{"path", s(e.path)}, {"reason", s(e.reason)}});
        json roots = json::array();
        if (m_schemas)
            for (const auto &r : m_schemas->roots())
                roots.push_back(s(r));
        return jsonResponse(200,
                            json{{"validation", m_schemas != nullptr},
                                 {"count", m_schemas ? m_schemas->size() : 0},
                                 {"roots", roots},
                                 {"registry", registryJson()},
                                 {"load_errors", errors}},
                            close);
    }
    if (path == "/pingscope/v1/revalidate") {
        if (req.method != "POST" && req.method != "GET")
            return errorResponse(405, u"use POST to re-check the stored pings, GET for the status"_s, close);
        const bool start = req.method == "POST";
        // A page can POST a form or text/plain to any address without asking first; it cannot
        // send application/json without a CORS preflight, which the API never grants.
        if (start && !req.header("content-type").trimmed().toLower().startsWith("application/json"))
            return errorResponse(415,
                                 u"POST /pingscope/v1/revalidate needs Content-Type: application/json "
                                 u"(e.g. curl -X POST -H 'Content-Type: application/json' ...)"_s,
                                 close);
        if (!m_revalidate)
            return errorResponse(503, u"validation is off"_s, close);
        return jsonResponse(start ? 202 : 200, m_revalidate(start), close);
    }
    if (path == "/pingscope/v1/faults")
        return faultsAnswer(req, close);
    if (!m_store)
        return errorResponse(503, u"no store is open"_s, close);
    if (!m_reader) {
        m_reader = std::make_unique<StoreReader>(m_store->path());
        if (!m_reader->isOpen()) {
            const QString err = m_reader->lastError();
            m_reader.reset();
            return errorResponse(500, u"cannot read the store: "_s + err, close);
        }
    }

    if (path == "/pingscope/v1/pings" || path == "/pingscope/v1/pings/") {
        if (req.method == "DELETE") {
            QString err;
            if (!m_store->clear(&err))
                return errorResponse(500, u"clear failed: "_s + err, close);
            return jsonResponse(200, json{{"cleared", true}}, close);
        }
        if (req.method != "GET")
            return errorResponse(405, u"use GET or DELETE"_s, close);
        ListRequest list;
        QString err;
        if (!parseListRequest(req.query, &list, &err))
            return errorResponse(400, err, close);
        const PingQuery &q = list.query;
        // A page of rows at a time, written out as the client reads: a 100,000-row answer held
        // every record and a JSON tree of it at once (920 MB at a million pings).
        ApiAnswer a;
        a.headers.append(HttpHeader{"X-Total-Count", QByteArray::number(m_reader->countMatching(q))});
        a.stream = std::make_shared<ListStream>(m_reader.get(), q);
        a.contentType = "application/json";
        return a;
    }
    if (path.startsWith("/pingscope/v1/pings/")) {
        if (req.method != "GET")
            return errorResponse(405, u"use GET"_s, close);
        QByteArray rest = path.mid(int(sizeof "/pingscope/v1/pings/") - 1);
        const bool attempts = rest.endsWith("/attempts");
        if (attempts)
            rest.chop(int(sizeof "/attempts") - 1);
        bool ok = false;
        const qint64 id = rest.toLongLong(&ok);
        if (!ok)
            return errorResponse(400, u"ping id must be a number"_s, close);
        const auto rec = m_reader->get(id);
        if (!rec)
            return errorResponse(404, u"no ping with id %1"_s.arg(id), close);
        if (!attempts)
            return jsonResponse(200, detailJson(*rec), close);
        if (rec->docId.isEmpty())
            return jsonResponse(200, json{{"doc_id", nullptr}, {"attempts", attemptsJson({*rec})}}, close);
        return jsonResponse(
            200, json{{"doc_id", s(rec->docId)}, {"attempts", attemptsJson(m_reader->attempts(rec->docId))}},
            close);
    }
    if (path == "/pingscope/v1/retries") {
        if (req.method != "GET")
            return errorResponse(405, u"use GET"_s, close);
        int limit = 100;
        for (const QByteArray &pair : req.query.split('&')) {
            if (pair.isEmpty())
                continue;
            const qsizetype eq = pair.indexOf('=');
            bool ok = eq > 0 && pair.left(eq) == "limit";
            if (ok)
                limit = pair.mid(eq + 1).toInt(&ok);
            if (!ok || limit < 1 || limit > 10000)
                return errorResponse(400,
                                     u"/pingscope/v1/retries takes limit=N (1-10000), not \"%1\""_s.arg(
                                         QString::fromUtf8(pair.left(200))),
                                     close);
        }
        json docs = json::array();
        for (const QString &docId : m_reader->retriedDocIds(limit))
            docs.push_back({{"doc_id", s(docId)}, {"attempts", attemptsJson(m_reader->attempts(docId))}});
        return jsonResponse(200, json{{"doc_ids", std::move(docs)}}, close);
    }
    if (path == "/pingscope/v1/stats") {
        if (req.method != "GET")
            return errorResponse(405, u"use GET"_s, close);
        if (const QString unknown = unknownFilterParameter(req.query); !unknown.isEmpty())
            return errorResponse(400, unknown, close);
        PingQuery q;
        QString err;
        if (!parseFilters(req.query, q, &err))
            return errorResponse(400, err, close);
        const StoreStats st = m_reader->stats(q);
        auto toJson = [](const std::map<QString, qint64> &m) {
            json o = json::object();
            for (const auto &[k, v] : m)
                o[s(k)] = v;
            return o;
        };
        return jsonResponse(200,
                            json{{"total", st.total},
                                 {"by_verdict", toJson(st.byVerdict)},
                                 {"by_namespace", toJson(st.byNamespace)},
                                 {"by_doctype", toJson(st.byDocType)}},
                            close);
    }
    return errorResponse(404, u"unknown API route %1"_s.arg(QString::fromLatin1(path.left(200))), close);
}

ApiAnswer QueryApi::faultsAnswer(const HttpRequest &req, bool close)
{
    if (!m_faults)
        return errorResponse(503, u"fault rules are not available in this process"_s, close);
    if (req.method == "GET")
        return jsonResponse(200, faultsJson(*m_faults), close);
    if (req.method != "PUT" && req.method != "DELETE")
        return errorResponse(405, u"use GET, PUT (a JSON body {\"rules\": [...]}) or DELETE (no faults)"_s,
                             close);
    // As for revalidate: a web page cannot send application/json here without a preflight.
    if (req.method == "PUT" && !req.header("content-type").trimmed().toLower().startsWith("application/json"))
        return errorResponse(415,
                             u"PUT /pingscope/v1/faults needs Content-Type: application/json and a body such "
                             u"as {\"rules\": [\"first=2,status=503\"]}"_s,
                             close);
    std::vector<FaultRule> rules;
    if (req.method == "PUT") {
        const json body = json::parse(req.body.begin(), req.body.end(), nullptr, false);
        QString err;
        auto parsed = faultRulesFromJson(body, &err);
        if (!parsed)
            return errorResponse(400, err, close);
        rules = std::move(*parsed);
    }
    m_faults->setRules(std::move(rules));
    return jsonResponse(200, faultsJson(*m_faults), close);
}

json faultsJson(const FaultInjector &faults)
{
    const std::vector<FaultRule> rules = faults.rules();
    const std::vector<qint64> taken = faults.takenCounts();
    json list = json::array();
    for (size_t i = 0; i < rules.size(); ++i) {
        const FaultRule &r = rules[i];
        const char *action = r.action == FaultRule::Action::Close   ? "close"
                             : r.action == FaultRule::Action::Reset ? "reset"
                                                                    : "answer";
        list.push_back({{"rule", i + 1},
                        {"spec", s(r.spec())},
                        {"effect", s(r.effect())},
                        {"namespace", s(r.nsGlob)},
                        {"doctype", s(r.docTypeGlob)},
                        {"attempt_from", r.attemptMin},
                        {"attempt_to", r.attemptMax == INT_MAX ? json(nullptr) : json(r.attemptMax)},
                        {"percent", r.percent},
                        {"action", action},
                        {"status", r.status > 0 ? json(r.status) : json(nullptr)},
                        {"retry_after", r.retryAfter >= 0 ? json(r.retryAfter) : json(nullptr)},
                        {"delay_ms", r.delayMs},
                        {"taken", i < taken.size() ? taken[i] : 0}});
    }
    return json{{"active", !rules.empty()}, {"rules", std::move(list)}, {"syntax", kFaultRuleSyntax}};
}

std::optional<std::vector<FaultRule>> faultRulesFromJson(const json &body, QString *error)
{
    auto fail = [error](const QString &why) -> std::optional<std::vector<FaultRule>> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    if (!body.is_object() || !body.contains("rules") || !body["rules"].is_array())
        return fail(
            u"the body must be a JSON object {\"rules\": [...]}, each rule a string such as "
            u"\"first=2,status=503\" or an object such as {\"doctype\": \"baseline\", \"status\": 500}"_s);
    std::vector<FaultRule> rules;
    int n = 0;
    for (const json &item : body["rules"]) {
        ++n;
        QString text;
        if (item.is_string()) {
            text = QString::fromStdString(item.get<std::string>());
        } else if (item.is_object()) {
            // The object form: the rule's items by name, as GET shows them.
            QStringList parts;
            for (const auto &[key, value] : item.items()) {
                const QString k = QString::fromStdString(key);
                const QString v = value.is_string() ? QString::fromStdString(value.get<std::string>())
                                                    : QString::fromStdString(value.dump());
                if (value.is_null() || k == u"rule" || k == u"spec" || k == u"effect" || k == u"taken" ||
                    k == u"attempt_from" || k == u"attempt_to")
                    continue;
                if (k == u"action") {
                    if (v == u"close" || v == u"reset")
                        parts << v;
                    else if (v != u"answer")
                        return fail(u"rule %1: action is answer, close or reset, not \"%2\""_s.arg(n).arg(v));
                } else {
                    const QString name = k == u"retry_after" ? u"retry-after"_s
                                         : k == u"delay_ms"  ? u"delay"_s
                                                             : k;
                    parts << name + u'=' + v;
                }
            }
            const json from = item.value("attempt_from", json(nullptr)),
                       to = item.value("attempt_to", json(nullptr));
            if (!from.is_null() || !to.is_null()) {
                const QString a = from.is_null() ? u"1"_s : QString::fromStdString(from.dump());
                parts << (to.is_null() ? u"attempt=%1+"_s.arg(a)
                                       : u"attempt=%1-%2"_s.arg(a, QString::fromStdString(to.dump())));
            }
            text = parts.join(u',');
        } else {
            return fail(u"rule %1 is neither a string nor an object"_s.arg(n));
        }
        QString why;
        auto rule = parseFaultRule(text, &why);
        if (!rule)
            return fail(u"rule %1 (\"%2\"): %3"_s.arg(n).arg(text, why));
        rules.push_back(*rule);
    }
    return rules;
}

json attemptsJson(const std::vector<PingRecord> &attempts)
{
    json list = json::array();
    qint64 first = 0, previous = 0;
    int n = 0;
    for (const PingRecord &r : attempts) {
        ++n;
        if (n == 1)
            first = previous = r.receivedAtUs;
        list.push_back(
            {{"attempt", n},
             {"id", r.id},
             {"received_at",
              s(QDateTime::fromMSecsSinceEpoch(r.receivedAtUs / 1000, Qt::UTC).toString(Qt::ISODateWithMs))},
             {"since_first_ms", (r.receivedAtUs - first) / 1000},
             {"since_previous_ms", (r.receivedAtUs - previous) / 1000},
             {"status_code", r.statusCode},
             {"answered", r.statusCode > 0},
             {"fault", r.fault.isEmpty() ? json(nullptr) : json(s(r.fault))},
             {"verdict", s(r.verdict)}});
        previous = r.receivedAtUs;
    }
    return list;
}

std::optional<QueryApi::LongPoll> QueryApi::longPoll(const HttpRequest &req)
{
    if (req.method != "GET" || (req.path != "/pingscope/v1/pings" && req.path != "/pingscope/v1/pings/"))
        return std::nullopt;
    ListRequest list;
    QString err;
    if (!parseListRequest(req.query, &list, &err) || list.wait <= 0 || list.min <= 0 || !m_store)
        return std::nullopt; // answered at once (a bad request by answer())
    if (countMatching(list.query) >= list.min)
        return std::nullopt;
    return LongPoll{list.wait * 1000LL, list.min, list.query};
}

qint64 QueryApi::countMatching(const PingQuery &query)
{
    if (!m_reader && m_store)
        m_reader = std::make_unique<StoreReader>(m_store->path());
    return m_reader && m_reader->isOpen() ? m_reader->countMatching(query) : 0;
}

// --- ApiWorker -----------------------------------------------------------------------------

ApiWorker::ApiWorker(Store *store) : m_store(store)
{
    m_clock.start();
}

ApiWorker::~ApiWorker() = default;

QueryApi &ApiWorker::api()
{
    if (!m_api) {
        m_api = std::make_unique<QueryApi>(m_store, m_schemas, m_schemaErrors, m_revalidate);
        m_api->setFaults(m_faults);
    }
    return *m_api;
}

std::optional<QByteArray> ApiWorker::handle(const HttpRequest &request, bool close, quint64 ticket,
                                            bool *more)
{
    *more = false;
    if (m_deliver) {
        if (auto poll = api().longPoll(request)) {
            if (!m_pollTimer) {
                m_pollTimer = new QTimer(this);
                m_pollTimer->setInterval(100);
                connect(m_pollTimer, &QTimer::timeout, this, &ApiWorker::checkWaiting);
            }
            m_waiting.push_back({request, close, ticket, m_clock.elapsed() + poll->waitMs, std::move(*poll)});
            m_pollTimer->start();
            return std::nullopt;
        }
    }
    return respond(api().answer(request, close), request, close, ticket, more);
}

void ApiWorker::checkWaiting()
{
    const qint64 now = m_clock.elapsed();
    for (size_t i = 0; i < m_waiting.size();) {
        Waiting &w = m_waiting[i];
        if (now < w.deadlineMs && api().countMatching(w.poll.query) < w.poll.min) {
            ++i;
            continue;
        }
        Waiting done = std::move(w);
        m_waiting.erase(m_waiting.begin() + static_cast<std::ptrdiff_t>(i));
        bool more = false;
        QByteArray response =
            respond(api().answer(done.request, done.close), done.request, done.close, done.ticket, &more);
        m_deliver(done.ticket, std::move(response), more);
    }
    if (m_waiting.empty())
        m_pollTimer->stop();
}

QByteArray ApiWorker::respond(ApiAnswer &&a, const HttpRequest &request, bool close, quint64 ticket,
                              bool *more)
{
    *more = false;
    // HTTP/1.0 has no chunks (and an end at close would not end a kept-alive connection): it
    // gets the answer whole.
    if (!a.stream || request.versionMinor < 1)
        return wholeResponse(std::move(a), close);
    QList<HttpHeader> headers = a.headers;
    headers.append(HttpHeader{"Transfer-Encoding", "chunked"});
    const QByteArray head = httpHead(a.status, a.contentType, -1, close, headers);
    m_streams[ticket] = std::move(a.stream);
    return head + nextPart(ticket, more);
}

QByteArray ApiWorker::nextPart(quint64 ticket, bool *more)
{
    *more = false;
    const auto it = m_streams.find(ticket);
    if (it == m_streams.end())
        return {};
    const QByteArray part = it->second->next();
    if (part.isEmpty()) {
        m_streams.erase(it);
        return "0\r\n\r\n";
    }
    *more = true;
    return QByteArray::number(part.size(), 16) + "\r\n" + part + "\r\n";
}

void ApiWorker::dropStream(quint64 ticket)
{
    m_streams.erase(ticket);
}

void ApiWorker::shutdown()
{
    configure({}, {}, {});
    if (m_pollTimer)
        m_pollTimer->stop(); // on its own thread, before the worker is deleted from another
}

void ApiWorker::configure(std::shared_ptr<const SchemaRegistry> schemas, QList<SchemaLoadError> errors,
                          std::function<nlohmann::json(bool start)> revalidate)
{
    m_schemas = std::move(schemas);
    m_schemaErrors = std::move(errors);
    m_revalidate = std::move(revalidate);
    m_streams.clear(); // they read through the old API's reader
    // Long polls are answered now, with what there is (the API they were asked of goes away).
    if (m_pollTimer && !m_waiting.empty() && m_deliver) {
        for (Waiting &w : m_waiting)
            w.deadlineMs = 0;
        checkWaiting();
    }
    m_waiting.clear();
    m_api.reset(); // made again with these on the next request
}

} // namespace pingscope
