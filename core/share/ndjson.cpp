// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "share/ndjson.h"
#include "share/share_p.h"

using namespace Qt::StringLiterals;

namespace pingscope {

using namespace share;

namespace {

ojson parsedArray(const QByteArray &json)
{
    ojson a = ojson::parse(json.begin(), json.end(), nullptr, false);
    return a.is_array() ? a : ojson::array();
}

} // namespace

QByteArray toNdjsonLine(const PingRecord &r)
{
    ojson headers = ojson::array();
    for (const HttpHeader &h : r.headers)
        headers.push_back({toStd(textFromBytes(h.name)), toStd(textFromBytes(h.value))});
    const ojson line = {
        {"format", NdjsonFormat},
        {"id", r.id},
        {"received_at", toStd(isoUtcMicros(r.receivedAtUs))},
        {"received_at_us", r.receivedAtUs},
        {"method", toStd(r.method)},
        {"path", toStd(r.path)},
        {"query", toStd(r.query)},
        {"headers", std::move(headers)},
        {"body_base64", r.body.toBase64().toStdString()},
        {"body_bytes", r.bodyBytes},
        {"body_truncated", r.bodyTruncated},
        {"peer", toStd(r.peer)},
        {"status_code", r.statusCode},
        {"verdict", toStd(r.verdict)},
        {"errors", parsedArray(r.errorsJson)},
        {"warnings", parsedArray(r.warningsJson)},
        {"fault", toStd(r.fault)},
        {"source", toStd(r.source)},
    };
    return QByteArray::fromStdString(line.dump(-1, ' ', false, ojson::error_handler_t::replace)) + '\n';
}

namespace {

// The request of one line, or why there is none.
std::optional<RawSubmission> requestOfLine(QByteArrayView text, QString *why)
{
    ojson o;
    try {
        o = ojson::parse(text.begin(), text.end());
    } catch (const ojson::parse_error &e) {
        *why = u"not JSON (column %1): %2"_s.arg(e.byte).arg(QString::fromUtf8(e.what()));
        return std::nullopt;
    }
    if (!o.is_object()) {
        *why = u"not a JSON object"_s;
        return std::nullopt;
    }
    const QString format = stringMember(o, "format");
    if (format != QLatin1StringView(NdjsonFormat)) {
        *why = format.isEmpty() ? u"no \"format\": not a pingscope-ndjson/1 line"_s
                                : u"format \"%1\" is not pingscope-ndjson/1"_s.arg(format);
        return std::nullopt;
    }
    const auto str = [&o](const char *key) {
        const auto it = o.find(key);
        return it != o.end() && it->is_string();
    };
    if (!str("method") || !str("path") || !str("body_base64")) {
        *why = u"needs \"method\", \"path\" and \"body_base64\" strings"_s;
        return std::nullopt;
    }
    RawSubmission raw;
    if (const auto it = o.find("received_at_us"); it != o.end() && it->is_number_integer()) {
        raw.receivedAtUs = it->get<qint64>();
    } else if (const auto at = parseIsoMicros(stringMember(o, "received_at"))) {
        raw.receivedAtUs = *at;
    } else {
        *why = u"needs \"received_at_us\" (an integer) or \"received_at\" (ISO 8601)"_s;
        return std::nullopt;
    }
    raw.method = bytesFromText(stringMember(o, "method"));
    raw.path = bytesFromText(stringMember(o, "path"));
    raw.query = bytesFromText(stringMember(o, "query"));
    if (raw.query.startsWith('?'))
        raw.query.remove(0, 1);
    if (const auto it = o.find("headers"); it != o.end()) {
        if (!it->is_array()) {
            *why = u"\"headers\" is not an array of [name, value]"_s;
            return std::nullopt;
        }
        for (const ojson &h : *it) {
            if (!h.is_array() || h.size() != 2 || !h[0].is_string() || !h[1].is_string()) {
                *why = u"\"headers\" has an item that is not [name, value]"_s;
                return std::nullopt;
            }
            raw.headers.append({bytesFromText(fromStd(h[0].get<std::string>())),
                                bytesFromText(fromStd(h[1].get<std::string>()))});
        }
    }
    const std::string b64 = o["body_base64"].get<std::string>();
    auto body = QByteArray::fromBase64Encoding(QByteArray::fromStdString(b64),
                                               QByteArray::AbortOnBase64DecodingErrors);
    if (!body) {
        *why = u"\"body_base64\" is not base64"_s;
        return std::nullopt;
    }
    raw.body = std::move(*body);
    raw.peer = stringMember(o, "peer");
    if (const auto it = o.find("body_truncated"); it != o.end() && it->is_boolean())
        raw.bodyTruncated = it->get<bool>();
    raw.declaredLength = raw.body.size();
    if (const auto it = o.find("body_bytes"); raw.bodyTruncated && it != o.end() && it->is_number_integer())
        raw.declaredLength = it->get<qint64>();
    if (const auto it = o.find("status_code"); it != o.end() && it->is_number_integer())
        raw.answerStatus = it->get<int>();
    raw.fault = stringMember(o, "fault");
    // A refused request is one again: the server's reason is the message of its error.
    if (stringMember(o, "verdict") == u"refused") {
        const auto errors = o.find("errors");
        raw.refusedReason = errors == o.end() ? QString() : refusedReasonFromErrors(*errors);
        if (raw.refusedReason.isEmpty())
            raw.refusedReason = u"refused"_s;
    }
    return raw;
}

} // namespace

ImportBatch readNdjson(QByteArrayView data, const QString &fileName)
{
    ImportBatch batch;
    batch.format = QString::fromLatin1(NdjsonFormat);
    qsizetype start = 0;
    int lineNo = 0;
    while (start < data.size()) {
        qsizetype end = data.indexOf('\n', start);
        if (end < 0)
            end = data.size();
        ++lineNo;
        QByteArrayView text = data.sliced(start, end - start);
        start = end + 1;
        if (text.endsWith('\r'))
            text.chop(1);
        if (text.trimmed().isEmpty())
            continue;
        const QString position = u"%1 line %2"_s.arg(fileName).arg(lineNo);
        QString why;
        std::optional<RawSubmission> raw = requestOfLine(text, &why);
        if (!raw) {
            batch.problems.push_back(problem(fileName, position, why));
            continue;
        }
        raw->source = u"import: "_s + position;
        batch.requests.push_back({std::move(*raw), position});
    }
    return batch;
}

} // namespace pingscope
