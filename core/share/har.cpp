// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "share/har.h"
#include "share/share_p.h"

#include "http/captureserver.h"
#include "ping/decode.h"

#include <QUrl>

using namespace Qt::StringLiterals;

namespace pingscope {

using namespace share;

namespace {

// HAR's statusText: the reason phrase the endpoint itself sends; none for "no answer".
std::string statusText(int status)
{
    return status == 0 ? std::string() : httpReasonPhrase(status).toStdString();
}

ojson parsedArray(const QByteArray &json)
{
    ojson a = ojson::parse(json.begin(), json.end(), nullptr, false);
    return a.is_array() ? a : ojson::array();
}

ojson queryString(const QString &query)
{
    ojson out = ojson::array();
    if (query.isEmpty())
        return out;
    for (const QString &pair : query.split(u'&')) {
        if (pair.isEmpty())
            continue;
        const qsizetype eq = pair.indexOf(u'=');
        QByteArray name = bytesFromText(eq < 0 ? pair : pair.left(eq));
        QByteArray value = eq < 0 ? QByteArray() : bytesFromText(pair.mid(eq + 1));
        name.replace('+', ' ');
        value.replace('+', ' ');
        out.push_back({{"name", toStd(QUrl::fromPercentEncoding(name))},
                       {"value", toStd(QUrl::fromPercentEncoding(value))}});
    }
    return out;
}

bool isGzip(const QByteArray &body)
{
    return body.size() >= 2 && quint8(body[0]) == 0x1f && quint8(body[1]) == 0x8b;
}

} // namespace

QByteArray harPrologue()
{
#ifdef PINGSCOPE_VERSION
    const char *version = PINGSCOPE_VERSION;
#else
    const char *version = "0";
#endif
    const ojson creator = {{"name", "Pingscope"}, {"version", version}};
    return "{\"log\":{\"version\":\"1.2\",\"creator\":" + QByteArray::fromStdString(creator.dump()) +
           ",\"entries\":[\n";
}

QByteArray harEpilogue()
{
    return "\n]}}\n";
}

QByteArray toHarEntry(const PingRecord &r)
{
    ojson headers = ojson::array();
    for (const HttpHeader &h : r.headers)
        headers.push_back({{"name", toStd(textFromBytes(h.name))}, {"value", toStd(textFromBytes(h.value))}});
    const QByteArray host = headerValue(r.headers, "host");
    const QString url = u"http://"_s + (host.isEmpty() ? u"127.0.0.1"_s : textFromBytes(host)) + r.path +
                        (r.query.isEmpty() ? QString() : u'?' + r.query);
    ojson request = {
        {"method", toStd(r.method)},     {"url", toStd(url)},
        {"httpVersion", "HTTP/1.1"},     {"cookies", ojson::array()},
        {"headers", std::move(headers)}, {"queryString", queryString(r.query)},
    };
    if (!r.body.isEmpty() || r.method == u"POST" || r.method == u"PUT") {
        // HAR 1.2 has only "text" for a request body. A UTF-8 body (plain JSON) goes there as
        // it is, so that any HAR viewer shows it. A binary one (gzip, as Firefox sends) is
        // base64 in "text" with "encoding": "base64", the extension HAR tools read for response
        // content and several (HTTP Toolkit, Charles) also for postData, and the same again in
        // "_pingscope_body_base64", which is what Pingscope reads back.
        ojson post = {{"mimeType", toStd(textFromBytes(headerValue(r.headers, "content-type")))},
                      {"params", ojson::array()}};
        if (!isGzip(r.body) && firstInvalidUtf8(r.body) < 0) {
            post["text"] = r.body.toStdString();
        } else {
            const std::string b64 = r.body.toBase64().toStdString();
            post["text"] = b64;
            post["encoding"] = "base64";
            post["_pingscope_body_base64"] = b64;
        }
        request["postData"] = std::move(post);
    }
    request["headersSize"] = -1;
    request["bodySize"] = r.bodyBytes;
    const ojson entry = {
        {"startedDateTime", toStd(isoUtcMillis(r.receivedAtUs))},
        {"time", 0},
        {"request", std::move(request)},
        {"response",
         {{"status", r.statusCode},
          {"statusText", statusText(r.statusCode)},
          {"httpVersion", "HTTP/1.1"},
          {"cookies", ojson::array()},
          {"headers", ojson::array()},
          {"content", {{"size", 0}, {"mimeType", "text/plain"}}},
          {"redirectURL", ""},
          {"headersSize", -1},
          {"bodySize", -1}}},
        {"cache", ojson::object()},
        {"timings", {{"send", 0}, {"wait", 0}, {"receive", 0}}},
        {"_pingscope",
         {{"id", r.id},
          {"received_at_us", r.receivedAtUs},
          {"verdict", toStd(r.verdict)},
          {"errors", parsedArray(r.errorsJson)},
          {"warnings", parsedArray(r.warningsJson)},
          {"body_truncated", r.bodyTruncated},
          {"peer", toStd(r.peer)},
          {"fault", toStd(r.fault)},
          {"source", toStd(r.source)}}},
    };
    return QByteArray::fromStdString(entry.dump(-1, ' ', false, ojson::error_handler_t::replace));
}

QByteArray toHar(const std::vector<PingRecord> &records)
{
    QByteArray out = harPrologue();
    for (size_t i = 0; i < records.size(); ++i) {
        if (i > 0)
            out += ",\n";
        out += toHarEntry(records[i]);
    }
    return out + harEpilogue();
}

namespace {

// "/submit/x?y" of "http://host:port/submit/x?y#z" (or of a bare path).
std::pair<QByteArray, QByteArray> pathAndQuery(const QString &url)
{
    QString rest = url;
    if (const qsizetype hash = rest.indexOf(u'#'); hash >= 0)
        rest.truncate(hash);
    if (const qsizetype scheme = rest.indexOf(u"://"_s); scheme >= 0) {
        const qsizetype slash = rest.indexOf(u'/', scheme + 3);
        rest = slash < 0 ? u"/"_s : rest.mid(slash);
    }
    const qsizetype q = rest.indexOf(u'?');
    return {bytesFromText(q < 0 ? rest : rest.left(q)),
            q < 0 ? QByteArray() : bytesFromText(rest.mid(q + 1))};
}

bool compressed(const QList<HttpHeader> &headers)
{
    const QByteArray enc = headerValue(headers, "content-encoding").trimmed().toLower();
    return !enc.isEmpty() && enc != "identity";
}

// The body of a HAR request's postData, or why it cannot be had.
std::optional<QByteArray> postBody(const ojson &post, const QList<HttpHeader> &headers, QString *why)
{
    if (!post.is_object())
        return QByteArray();
    const QString ours = stringMember(post, "_pingscope_body_base64");
    const QString text = stringMember(post, "text");
    if (!ours.isNull() || stringMember(post, "encoding") == u"base64") {
        auto body = QByteArray::fromBase64Encoding((ours.isNull() ? text : ours).toLatin1(),
                                                   QByteArray::AbortOnBase64DecodingErrors);
        if (!body) {
            *why = u"postData says base64 but is not"_s;
            return std::nullopt;
        }
        return std::move(*body);
    }
    if (text.isEmpty())
        return QByteArray();
    const bool latin1 = std::all_of(text.begin(), text.end(), [](QChar c) { return c.unicode() <= 0xff; });
    // A browser that saved binary bytes as characters: one byte each (gzip still starts 1f 8b).
    if (latin1 && text.size() >= 2 && text[0] == QChar(0x1f) && text[1] == QChar(0x8b))
        return text.toLatin1();
    if (text.contains(QChar(QChar::ReplacementCharacter)) &&
        (compressed(headers) || text[0] == QChar(0x1f))) {
        *why =
            u"the browser saved this binary (compressed) body as text and replaced bytes it could not "
            u"show with U+FFFD: it cannot be restored. Capture the client with Pingscope instead, or export "
            u"a HAR that keeps request bodies as base64"_s;
        return std::nullopt;
    }
    return text.toUtf8();
}

} // namespace

ImportBatch readHar(QByteArrayView data, const QString &fileName)
{
    ImportBatch batch;
    batch.format = u"har"_s;
    ojson doc;
    try {
        doc = ojson::parse(data.begin(), data.end());
    } catch (const ojson::parse_error &e) {
        batch.problems.push_back(problem(
            fileName, QString(), u"not JSON (byte %1): %2"_s.arg(e.byte).arg(QString::fromUtf8(e.what()))));
        return batch;
    }
    const ojson *entries = nullptr;
    if (doc.is_object() && doc.contains("log") && doc["log"].is_object()) {
        const ojson &log = doc["log"];
        if (const auto it = log.find("entries"); it != log.end() && it->is_array())
            entries = &*it;
    }
    if (!entries) {
        batch.problems.push_back(
            problem(fileName, QString(), u"not a HAR file: it has no log.entries array"_s));
        return batch;
    }
    int index = 0;
    for (const ojson &entry : *entries) {
        const QString position = u"%1 entry %2"_s.arg(fileName).arg(++index);
        const ojson request = entry.is_object() ? entry.value("request", ojson()) : ojson();
        if (!request.is_object() || stringMember(request, "method").isEmpty() ||
            stringMember(request, "url").isEmpty()) {
            batch.problems.push_back(
                problem(fileName, position, u"the entry has no request method and url"_s));
            continue;
        }
        const QString method = stringMember(request, "method");
        const QString url = stringMember(request, "url");
        auto [path, query] = pathAndQuery(url);
        if ((method != u"POST" && method != u"PUT") || !path.startsWith("/submit/")) {
            ImportProblem skip = problem(
                fileName, position,
                u"skipped %1 %2: only POST and PUT to /submit/ are submissions"_s.arg(method, url.left(200)));
            skip.skipped = true;
            batch.problems.push_back(std::move(skip));
            continue;
        }
        RawSubmission raw;
        raw.method = bytesFromText(method);
        raw.path = std::move(path);
        raw.query = std::move(query);
        QByteArray authority;
        if (const auto it = request.find("headers"); it != request.end() && it->is_array()) {
            for (const ojson &h : *it) {
                const QString name = stringMember(h, "name");
                const QString value = stringMember(h, "value");
                if (name.isEmpty())
                    continue;
                // HTTP/2 pseudo-headers (Chrome lists them) are not headers of the request
                // the endpoint receives; :authority is its Host.
                if (name.startsWith(u':')) {
                    if (name == u":authority")
                        authority = bytesFromText(value);
                    continue;
                }
                raw.headers.append({bytesFromText(name), bytesFromText(value)});
            }
        }
        if (!authority.isEmpty() && headerValue(raw.headers, "host").isNull())
            raw.headers.prepend({"Host", authority});
        QString why;
        std::optional<QByteArray> body = postBody(request.value("postData", ojson()), raw.headers, &why);
        if (!body) {
            batch.problems.push_back(problem(fileName, position, why));
            continue;
        }
        raw.body = std::move(*body);
        raw.declaredLength = raw.body.size();
        const ojson ours = entry.value("_pingscope", ojson());
        // find() on a value that is not an object gives end().
        if (const auto it = ours.find("received_at_us"); it != ours.end() && it->is_number_integer()) {
            raw.receivedAtUs = it->get<qint64>();
        } else if (const auto at = parseIsoMicros(stringMember(entry, "startedDateTime"))) {
            raw.receivedAtUs = *at;
        } else {
            batch.problems.push_back(problem(fileName, position, u"the entry has no startedDateTime"_s));
            continue;
        }
        const ojson response = entry.value("response", ojson());
        if (const auto it = response.find("status");
            it != response.end() && it->is_number_integer() && it->get<int>() >= 0)
            raw.answerStatus = it->get<int>();
        if (ours.is_object()) {
            raw.peer = stringMember(ours, "peer");
            raw.fault = stringMember(ours, "fault");
            if (const auto it = ours.find("body_truncated"); it != ours.end() && it->is_boolean())
                raw.bodyTruncated = it->get<bool>();
            if (const auto it = request.find("bodySize");
                raw.bodyTruncated && it != request.end() && it->is_number_integer())
                raw.declaredLength = it->get<qint64>();
            if (stringMember(ours, "verdict") == u"refused") {
                const auto errors = ours.find("errors");
                raw.refusedReason = errors == ours.end() ? QString() : refusedReasonFromErrors(*errors);
                if (raw.refusedReason.isEmpty())
                    raw.refusedReason = u"refused"_s;
            }
        }
        raw.source = u"import: "_s + position;
        batch.requests.push_back({std::move(raw), position});
    }
    return batch;
}

} // namespace pingscope
