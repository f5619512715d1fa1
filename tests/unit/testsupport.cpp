// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "testsupport.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include "ingest.h"
#include "store/store.h"
#include "validation/validation.h"

#include <QDateTime>
#include <QTemporaryDir>

#include <zlib.h>

using namespace Qt::StringLiterals;

namespace pingscope::test {

QByteArray readDataFile(const QString &relative)
{
    QFile f(dataDir() + u'/' + relative);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(f.fileName()));
    return f.readAll();
}

QByteArray HttpResponse::header(QByteArrayView name) const
{
    for (const auto &h : headers)
        if (h.name.compare(name, Qt::CaseInsensitive) == 0)
            return h.value;
    return {};
}

HttpResponse readResponse(QTcpSocket &socket, int timeoutMs)
{
    HttpResponse r;
    QElapsedTimer timer;
    timer.start();
    // Bytes past this response (pipelined answers) wait in a property for the next call.
    QByteArray buf = socket.property("pingscope_leftover").toByteArray();
    socket.setProperty("pingscope_leftover", QByteArray());
    auto waitMore = [&] {
        const int left = timeoutMs - static_cast<int>(timer.elapsed());
        if (left <= 0)
            return false;
        if (socket.bytesAvailable() > 0 || socket.waitForReadyRead(left)) {
            buf += socket.readAll();
            return true;
        }
        buf += socket.readAll();
        return false;
    };
    qsizetype headerEnd = -1;
    for (;;) {
        headerEnd = buf.indexOf("\r\n\r\n");
        if (headerEnd >= 0) {
            // Skip interim 100 Continue answers.
            if (buf.startsWith("HTTP/1.1 100")) {
                buf.remove(0, headerEnd + 4);
                continue;
            }
            break;
        }
        if (!waitMore())
            return r;
    }
    const QList<QByteArray> lines = buf.left(headerEnd).split('\n');
    const QList<QByteArray> statusParts = lines.value(0).trimmed().split(' ');
    if (statusParts.size() < 2)
        return r;
    qint64 length = 0;
    bool chunked = false;
    for (int i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        HttpHeader h{line.left(colon), line.mid(colon + 1).trimmed()};
        if (h.name.compare("content-length", Qt::CaseInsensitive) == 0)
            length = h.value.toLongLong();
        if (h.name.compare("transfer-encoding", Qt::CaseInsensitive) == 0 && h.value == "chunked")
            chunked = true;
        r.headers.append(h);
    }
    const int status = statusParts[1].toInt();
    QByteArray rest = buf.mid(headerEnd + 4);
    if (chunked) {
        // size CRLF data CRLF ... 0 CRLF CRLF; a malformed frame leaves status 0.
        auto need = [&](qsizetype n) {
            while (rest.size() < n) {
                const int left = timeoutMs - static_cast<int>(timer.elapsed());
                if (left <= 0 || !socket.waitForReadyRead(left)) {
                    rest += socket.readAll();
                    return rest.size() >= n;
                }
                rest += socket.readAll();
            }
            return true;
        };
        QByteArray body;
        qsizetype pos = 0;
        for (;;) {
            qsizetype eol;
            while ((eol = rest.indexOf("\r\n", pos)) < 0)
                if (!need(rest.size() + 1))
                    return r;
            bool ok = false;
            const qint64 size = rest.mid(pos, eol - pos).toLongLong(&ok, 16);
            if (!ok || size < 0)
                return r;
            pos = eol + 2;
            if (!need(pos + size + 2) || rest.mid(pos + size, 2) != "\r\n")
                return r;
            body += rest.mid(pos, size);
            pos += size + 2;
            if (size == 0)
                break;
        }
        r.body = body;
        socket.setProperty("pingscope_leftover", rest.mid(pos));
        r.status = status;
        return r;
    }
    while (rest.size() < length) {
        const int left = timeoutMs - static_cast<int>(timer.elapsed());
        if (left <= 0 || !socket.waitForReadyRead(left)) {
            rest += socket.readAll();
            if (rest.size() < length)
                return r;
            break;
        }
        rest += socket.readAll();
    }
    r.body = rest.left(length);
    socket.setProperty("pingscope_leftover", rest.mid(length));
    r.status = status;
    return r;
}

HttpResponse exchange(quint16 port, const QByteArray &bytes, int timeoutMs)
{
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, port);
    if (!s.waitForConnected(timeoutMs))
        return {};
    s.write(bytes);
    s.waitForBytesWritten(timeoutMs);
    return readResponse(s, timeoutMs);
}

QByteArray gzip(const QByteArray &data)
{
    z_stream zs{};
    deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY);
    QByteArray out(static_cast<qsizetype>(deflateBound(&zs, static_cast<uLong>(data.size()))), '\0');
    zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef *>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(static_cast<qsizetype>(zs.total_out));
    deflateEnd(&zs);
    return out;
}

QByteArray buildRequest(const QByteArray &method, const QByteArray &target, const QList<HttpHeader> &headers,
                        const QByteArray &body, bool addContentLength)
{
    QByteArray r = method + ' ' + target + " HTTP/1.1\r\n";
    bool haveHost = false;
    for (const auto &h : headers) {
        r += h.name + ": " + h.value + "\r\n";
        haveHost = haveHost || h.name.compare("host", Qt::CaseInsensitive) == 0;
    }
    if (!haveHost)
        r += "Host: 127.0.0.1\r\n";
    if (addContentLength)
        r += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    r += "\r\n";
    r += body;
    return r;
}

QByteArray CapturedRequest::wire() const
{
    QByteArray r = method + ' ' + url + " HTTP/1.1\r\n";
    for (const auto &h : headers)
        r += h.name + ": " + h.value + "\r\n";
    r += "\r\n";
    r += body;
    return r;
}

QList<CapturedRequest> loadCapturedRequests()
{
    QList<CapturedRequest> out;
    const QDir root(dataDir() + u"/captured-requests"_s);
    for (const QString &sub : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        const QDir dir(root.filePath(sub));
        for (const QString &metaName : dir.entryList({u"*.meta.json"_s}, QDir::Files, QDir::Name)) {
            QFile f(dir.filePath(metaName));
            if (!f.open(QIODevice::ReadOnly))
                continue;
            const QJsonObject meta = QJsonDocument::fromJson(f.readAll()).object();
            CapturedRequest c;
            c.name = sub + u'/' + metaName.chopped(int(sizeof ".meta.json") - 1);
            c.method = meta.value(u"method"_s).toString().toLatin1();
            c.url = meta.value(u"url"_s).toString().toLatin1();
            const QJsonArray raw = meta.value(u"rawHeaders"_s).toArray();
            for (qsizetype i = 0; i + 1 < raw.size(); i += 2)
                c.headers.append({raw[i].toString().toLatin1(), raw[i + 1].toString().toLatin1()});
            c.jsonOk = meta.value(u"json_ok"_s).toBool();
            const QString stem = dir.filePath(metaName.chopped(int(sizeof ".meta.json") - 1));
            QFile body(stem + u".body.raw"_s);
            if (body.open(QIODevice::ReadOnly))
                c.body = body.readAll();
            QFile json(stem + u".body.json"_s);
            if (json.open(QIODevice::ReadOnly))
                c.decodedJson = json.readAll();
            out.append(c);
        }
    }
    return out;
}

qint64 procStatusKb(const char *field)
{
    QFile f(u"/proc/self/status"_s);
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith(field))
            return line.mid(qstrlen(field)).trimmed().split(' ').first().toLongLong();
    return -1;
}

std::vector<PingRecord> firefoxMixTemplates()
{
    IngestOptions bundled;
    bundled.schemas = SchemaRegistry::load({}, true, nullptr);
    Validator validator(bundled.schemas);
    return ingestedCaptures(u"firefox-esr/"_s, bundled, &validator);
}

std::vector<PingRecord> ingestedCaptures(const QString &prefix, const IngestOptions &options,
                                         Validator *validator)
{
    std::vector<PingRecord> out;
    for (const CapturedRequest &c : loadCapturedRequests())
        if (c.name.startsWith(prefix) && c.method == "POST" && !c.body.isEmpty())
            out.push_back(ingestSubmission(rawSubmission(c.url, c.headers, c.body, 1'795'000'000'000'000),
                                           options, validator));
    return out;
}

void fillStore(Store &store, const std::vector<PingRecord> &templates, int n)
{
    for (int i = 0; i < n; ++i) {
        PingRecord r = templates[size_t(i) % templates.size()];
        r.docId = u"00000000-0000-4000-8000-%1"_s.arg(i, 12, 10, QChar(u'0'));
        r.receivedAtUs += qint64(i) * 1000;
        store.enqueue(std::move(r), quint64(i));
        if (i % 20000 == 19999)
            store.flush();
    }
    store.flush();
}

TestEngine::TestEngine(CaptureConfig config, IngestOptions ingest, bool validate, qint64 memoryBudget)
{
    EngineOptions opts;
    opts.memoryBudget = memoryBudget; // 0: the capture and ingest options as given
    opts.dbPath = dbPath();
    config.port = 0;
    config.address = QHostAddress::LocalHost;
    opts.capture = config;
    opts.ingest = ingest;
    opts.ingestThreads = 1;
    opts.validate = validate;
    m_ok = m_engine.start(opts, &m_error);
}

TestEngine::~TestEngine()
{
    m_engine.stop();
}

qint64 utcUs(const QString &iso)
{
    return QDateTime::fromString(iso, Qt::ISODateWithMs).toMSecsSinceEpoch() * 1000;
}

RawSubmission rawSubmission(const QByteArray &url, const QList<HttpHeader> &headers, const QByteArray &body,
                            qint64 receivedAtUs)
{
    RawSubmission raw;
    raw.receivedAtUs = receivedAtUs;
    raw.method = "POST";
    const qsizetype q = url.indexOf('?');
    raw.path = q < 0 ? url : url.left(q);
    raw.query = q < 0 ? QByteArray() : url.mid(q + 1);
    raw.headers = headers;
    raw.body = body;
    raw.peer = u"127.0.0.1"_s;
    raw.declaredLength = body.size();
    return raw;
}

RawSubmission refusedSubmission(const QByteArray &url, qint64 receivedAtUs)
{
    RawSubmission raw = rawSubmission(url, {}, QByteArray(64, 'x'), receivedAtUs);
    raw.declaredLength = 300'000'000;
    raw.bodyTruncated = true;
    raw.answerStatus = 413;
    raw.refusedReason = u"body larger than the limit"_s;
    return raw;
}

PingRecord newtabWithUndeclaredCounter()
{
    for (const CapturedRequest &c : loadCapturedRequests()) {
        if (c.name != u"firefox-esr/003-POST-firefox-desktop_newtab")
            continue;
        auto doc = nlohmann::json::parse(c.decodedJson.begin(), c.decodedJson.end());
        doc["metrics"]["counter"]["newtab.undeclared_clicks"] = 3;
        QList<HttpHeader> headers; // the body is sent decoded now
        for (const auto &h : c.headers)
            if (h.name.toLower() != "content-encoding" && h.name.toLower() != "content-length")
                headers.append(h);
        IngestOptions o;
        o.schemas = SchemaRegistry::load({}, true, nullptr);
        Validator v(o.schemas);
        return ingestSubmission(rawSubmission(c.url, headers, QByteArray::fromStdString(doc.dump()),
                                              utcUs(u"2026-11-23T02:19:25.000Z"_s)),
                                o, &v);
    }
    qFatal("the newtab capture is missing");
}

std::vector<PingRecord> storedSummaries(const QList<RawSubmission> &raws, bool validate)
{
    IngestOptions options;
    if (validate)
        options.schemas = SchemaRegistry::load({}, true, nullptr);
    Validator validator(options.schemas ? options.schemas : SchemaRegistry::load({}, false, nullptr));
    QTemporaryDir dir;
    const QString path = dir.filePath(u"summaries.pingscope"_s);
    QString error;
    auto store = Store::open(path, &error);
    if (!store)
        qFatal("store: %s", qPrintable(error));
    store->setWriteHandler([](std::vector<WriteResult> &&) {});
    quint64 ticket = 0;
    for (const RawSubmission &raw : raws)
        store->enqueue(ingestSubmission(raw, options, validate ? &validator : nullptr), ++ticket);
    store->flush();
    StoreReader reader(path);
    PingQuery query;
    query.limit = -1;
    return reader.list(query);
}

std::vector<PingRecord> firefoxEsrSession()
{
    QList<RawSubmission> raws;
    const CapturedRequest *baseline = nullptr;
    const QList<CapturedRequest> captured = loadCapturedRequests();
    for (const CapturedRequest &c : captured) {
        if (!c.name.startsWith(u"firefox-esr/"_s))
            continue;
        const QJsonObject meta =
            QJsonDocument::fromJson(readDataFile(u"captured-requests/"_s + c.name + u".meta.json"_s))
                .object();
        raws.append(rawSubmission(c.url, c.headers, c.body, utcUs(meta.value(u"received_at"_s).toString())));
        if (c.name.endsWith(u"005-POST-firefox-desktop_baseline"_s))
            baseline = &c;
    }
    if (raws.size() != 23 || !baseline)
        qFatal("expected the 23 Firefox ESR captures");
    // In time order, so that ids ascend with time as in a live capture.
    auto insertInOrder = [&raws](const RawSubmission &raw) {
        qsizetype i = 0;
        while (i < raws.size() && raws[i].receivedAtUs <= raw.receivedAtUs)
            ++i;
        raws.insert(i, raw);
    };
    insertInOrder(refusedSubmission("/submit/firefox-desktop/crash/1/11111111-1111-4111-8111-111111111111",
                                    utcUs(u"2026-11-23T02:19:30.500Z"_s)));
    insertInOrder(rawSubmission(baseline->url, baseline->headers, baseline->body,
                                utcUs(u"2026-11-23T02:19:40.000Z"_s)));
    insertInOrder(rawSubmission("/submit/firefox-desktop/baseline/1/22222222-2222-4222-8222-222222222222", {},
                                "not json", utcUs(u"2026-11-23T02:19:40.500Z"_s)));
    return storedSummaries(raws, false);
}

ProcessResult runProcess(const QString &program, const QStringList &args, int timeoutMs)
{
    QProcess p;
    p.start(program, args);
    ProcessResult r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

} // namespace pingscope::test
