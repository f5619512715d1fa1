// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "engine.h"
#include "http/httpparser.h"
#include "ingest.h"
#include "validation/validation.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTcpSocket>
#include <QTemporaryDir>

#include <memory>
#include <vector>

namespace pingscope::test {

inline QString dataDir()
{
    return QString::fromUtf8(PINGSCOPE_TEST_DATA_DIR);
}

// The bytes of tests/data/<relative>; stops the test when the file cannot be read.
QByteArray readDataFile(const QString &relative);

struct HttpResponse
{
    int status = 0; // 0: no (complete) response
    QList<HttpHeader> headers;
    QByteArray body;
    QByteArray header(QByteArrayView name) const;
};

// Reads one HTTP response from a connected socket (blocking, for tests).
HttpResponse readResponse(QTcpSocket &socket, int timeoutMs = 5000);

// A program run to its end: its exit code (-1: it did not finish in time and was killed; -2: it
// crashed), standard output and standard error.
struct ProcessResult
{
    int code = -1;
    QByteArray out, err;
};
ProcessResult runProcess(const QString &program, const QStringList &args, int timeoutMs = 120'000);

// Connects to 127.0.0.1:port, sends `bytes`, reads one response.
HttpResponse exchange(quint16 port, const QByteArray &bytes, int timeoutMs = 5000);

// gzip (RFC 1952) of `data`, as clients send it.
QByteArray gzip(const QByteArray &data);

QByteArray buildRequest(const QByteArray &method, const QByteArray &target, const QList<HttpHeader> &headers,
                        const QByteArray &body, bool addContentLength = true);

// A request recorded from a real client in tests/data/captured-requests.
struct CapturedRequest
{
    QString name; // file name stem, e.g. "005-POST-firefox-desktop_baseline"
    QByteArray method;
    QByteArray url;
    QList<HttpHeader> headers; // rawHeaders, in order
    QByteArray body;           // *.body.raw (empty when none)
    QByteArray decodedJson;    // *.body.json (empty when none)
    bool jsonOk = false;
    QByteArray wire() const; // the request as bytes on the wire
};
QList<CapturedRequest> loadCapturedRequests();

// A request as the capture server hands it to ingest, received at a fixed time (url may
// carry a query).
RawSubmission rawSubmission(const QByteArray &url, const QList<HttpHeader> &headers, const QByteArray &body,
                            qint64 receivedAtUs);
// A request the server refused as too large (413): only its first bytes were kept.
RawSubmission refusedSubmission(const QByteArray &url, qint64 receivedAtUs);
// Ingests (with the bundled schemas when `validate`) and stores the requests in order, then
// reads the summaries back as the window does: newest first, with the store's warnings
// (duplicate doc ids, seq) and ids 1, 2, ...
std::vector<PingRecord> storedSummaries(const QList<RawSubmission> &raws, bool validate);
// The 23 Firefox ESR captures at the times they were received (2026-11-23 02:19:25.192 to
// 02:19:55.269 UTC, from their meta files), plus a refused request at 02:19:30.500, a
// re-send of 005 (a baseline ping, 839 bytes decoded: a duplicate) at 02:19:40.000 and an
// 8-byte "not json" baseline ping at 02:19:40.500; not validated (verdict "parsed").
std::vector<PingRecord> firefoxEsrSession();
// Firefox ESR's captured newtab ping with a counter its production table has no column for
// ("newtab.undeclared_clicks" = 3), ingested with the bundled registry at 02:19:25 UTC: valid,
// with one bq-column warning.
PingRecord newtabWithUndeclaredCounter();
// UTC microseconds of an ISO 8601 date-time such as "2026-11-23T02:19:25.000Z".
qint64 utcUs(const QString &iso);

// A field of /proc/self/status in kB ("VmRSS:", "VmHWM:"); -1 when it cannot be read.
qint64 procStatusKb(const char *field);

// Each captured POST whose name starts with `prefix` ("firefox-esr/"; empty: all), ingested
// once with `options` and `validator`: the templates benchmarks fill stores with.
std::vector<PingRecord> ingestedCaptures(const QString &prefix, const IngestOptions &options,
                                         Validator *validator);

// Writes `n` copies of `templates` in turn to `store`, each with its own doc id and a
// millisecond after the one before, flushing every 20,000 as capture's bounded queue would.
void fillStore(Store &store, const std::vector<PingRecord> &templates, int n);

// The Firefox ESR capture mix, ingested once with the bundled registry (the benchmarks' store
// content); empty when the captures are missing.
std::vector<PingRecord> firefoxMixTemplates();

// An Engine on 127.0.0.1, port 0, with a store in a temporary folder.
class TestEngine
{
public:
    // Schema validation is off unless asked for, so capture tests see the verdict "parsed".
    explicit TestEngine(CaptureConfig config = {}, IngestOptions ingest = {}, bool validate = false,
                        qint64 memoryBudget = 0);
    ~TestEngine();
    bool ok() const { return m_ok; }
    const QString &error() const { return m_error; }
    quint16 port() const { return m_engine.port(); }
    Engine &engine() { return m_engine; }
    QString dbPath() const { return m_dir.filePath(QStringLiteral("test.pingscope")); }

private:
    QTemporaryDir m_dir;
    Engine m_engine;
    bool m_ok = false;
    QString m_error;
};

} // namespace pingscope::test
