// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// The store at a million pings (issue 11's targets): builds a store of N pings of the Firefox ESR
// capture mix (each capture ingested once with the bundled registry, then written N times with
// new doc ids and times, as the writer would get them), then measures what a user waits for:
// the fill, bytes per ping, reopening, /stats, a 100,000-row API list, and a clear. Prints each
// figure beside its target. No network.
//
//   build/dev/tests/bench/pingscope_bench_store [pings=1000000] [DIR] [noclear]
// DIR keeps the store there (default: a temporary folder); noclear leaves it full.

#include "queryapi.h"
#include "store/store.h"
#include "testsupport.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <cstdio>
#include <malloc.h>

using namespace pingscope;
using namespace pingscope::test;
using namespace Qt::StringLiterals;

namespace {

qint64 storeBytes(const QString &db)
{
    qint64 n = 0;
    for (const char *suffix : {"", "-wal", "-shm"})
        n += QFileInfo(db + QLatin1StringView(suffix)).size();
    return n;
}

struct Row
{
    QString what;
    double value;
    QString unit;
    double target;
    bool lowerIsBetter = true;
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int n = argc > 1 ? std::max(1000, std::atoi(argv[1])) : 1'000'000;
    QTemporaryDir tmp;
    const QString folder = argc > 2 ? QString::fromLocal8Bit(argv[2]) : tmp.path();
    const QString db = QDir(folder).filePath(u"million.pingscope"_s);
    for (const char *suffix : {"", "-wal", "-shm", ".lock"})
        QFile::remove(db + QLatin1StringView(suffix));
    std::vector<Row> rows;

    // The mix: every POST Firefox ESR sent, ingested once with production's rules.
    const std::vector<PingRecord> templates = firefoxMixTemplates();
    if (templates.empty()) {
        std::fprintf(stderr, "no Firefox ESR captures found (PINGSCOPE_TEST_DATA_DIR)\n");
        return 1;
    }
    qint64 rawBytes = 0;
    for (const PingRecord &t : templates)
        rawBytes += t.body.size() + t.payload.size();

    QElapsedTimer t;
    t.start();
    {
        QString error;
        auto store = Store::open(db, Store::Options{0}, &error);
        if (!store) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 1;
        }
        fillStore(*store, templates, n);
    }
    const double fillS = double(t.elapsed()) / 1000.0;
    rows.push_back({u"fill %1 pings (%2 captures)"_s.arg(n).arg(templates.size()), fillS, u"s"_s, 300});
    const qint64 bytes = storeBytes(db);
    rows.push_back(
        {u"store bytes per ping (raw+decoded of the mix: %1)"_s.arg(rawBytes / qint64(templates.size())),
         double(bytes) / n, u"B"_s, 2000});

    // Reopen, as a headless start does, until the first /stats answer.
    t.restart();
    QString error;
    auto store = Store::open(db, Store::Options{0}, &error);
    if (!store) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    QueryApi api(store.get());
    HttpRequest stats;
    stats.method = "GET";
    stats.path = "/pingscope/v1/stats";
    QByteArray answer = api.handle(stats, false);
    rows.push_back({u"reopen to the first /stats answer"_s, double(t.elapsed()), u"ms"_s, 1000});
    {
        // The first ping after the reopen is written once the writer has read the doc ids and
        // seq values the order warnings need.
        PingRecord r = templates.front();
        r.docId = u"00000000-0000-4000-8000-999999999999"_s;
        store->enqueue(std::move(r), 0);
        store->flush();
        rows.push_back({u"  reopen to the first ping written"_s, double(t.elapsed()), u"ms"_s, 0});
    }
    if (!answer.contains(QByteArray("\"total\":" + QByteArray::number(n))))
        std::fprintf(stderr, "warning: /stats does not say total %d: %s\n", n, answer.left(200).constData());

    t.restart();
    for (int i = 0; i < 20; ++i)
        answer = api.handle(stats, false);
    rows.push_back({u"/stats (mean of 20)"_s, double(t.elapsed()) / 20.0, u"ms"_s, 50});
    {
        // What /stats cost before the counts table: a scan of the rows.
        QSqlDatabase scan = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"scan"_s);
        scan.setDatabaseName(db);
        scan.open();
        t.restart();
        QSqlQuery q(scan);
        for (const char *column : {"verdict", "namespace", "doctype"}) {
            q.exec(u"SELECT %1, count(*) FROM pings GROUP BY 1"_s.arg(QLatin1StringView(column)));
            while (q.next()) {
            }
        }
        q.exec(u"SELECT count(*) FROM pings"_s);
        rows.push_back({u"  (the same by scanning the rows, as before)"_s, double(t.elapsed()), u"ms"_s, 0});
        q = QSqlQuery();
        scan.close();
    }
    QSqlDatabase::removeDatabase(u"scan"_s);

    HttpRequest list;
    list.method = "GET";
    list.path = "/pingscope/v1/pings";
    list.query = "limit=100000";
    malloc_trim(0);
    const qint64 rssBefore = procStatusKb("VmRSS:");
    t.restart();
    // As the server sends it: part after part (the connection asks for the next once the last
    // is written), never the whole answer at once.
    ApiAnswer streamed = api.answer(list, false);
    qint64 listBytes = streamed.bytes.size(), rssAt = procStatusKb("VmRSS:");
    if (streamed.stream)
        for (QByteArray part = streamed.stream->next(); !part.isEmpty(); part = streamed.stream->next()) {
            listBytes += part.size();
            rssAt = std::max(rssAt, procStatusKb("VmRSS:"));
        }
    rows.push_back(
        {u"GET ?limit=100000 (%1 MB of JSON)"_s.arg(listBytes >> 20), double(t.elapsed()), u"ms"_s, 1000});
    streamed = ApiAnswer();
    malloc_trim(0);
    rows.push_back({u"  RSS while answering it (from %1 MB)"_s.arg(rssBefore / 1024), double(rssAt) / 1024.0,
                    u"MB"_s, 150});

    // Filtered lists through the indexes: one old ping by doc id, a doc type, a verdict.
    for (const auto &[what, query] :
         {std::pair{u"GET ?doc_id= (the oldest ping)"_s,
                    QByteArray("doc_id=00000000-0000-4000-8000-000000000000")},
          std::pair{u"GET ?doctype=new-profile&limit=100"_s, QByteArray("doctype=new-profile&limit=100")},
          std::pair{u"GET ?verdict=not-json&limit=100"_s, QByteArray("verdict=not-json&limit=100")}}) {
        HttpRequest filtered;
        filtered.method = "GET";
        filtered.path = "/pingscope/v1/pings";
        filtered.query = query;
        t.restart();
        const QByteArray a = api.handle(filtered, false);
        rows.push_back({what + u" (%1 bytes)"_s.arg(a.size()), double(t.elapsed()), u"ms"_s, 50});
    }

    if (argc > 3 && qstrcmp(argv[3], "noclear") == 0) {
        for (const Row &r : rows)
            std::printf("%s: %.1f %s\n", qPrintable(r.what), r.value, qPrintable(r.unit));
        return 0;
    }
    t.restart();
    const bool cleared = store->clear(&error);
    rows.push_back({u"clear%1"_s.arg(cleared ? QString() : u" (failed: "_s + error + u')'),
                    double(t.elapsed()), u"ms"_s, 2000});
    store->flush();
    rows.push_back({u"  store size after the clear (was %1 MB)"_s.arg(bytes >> 20),
                    double(storeBytes(db) >> 20), u"MB"_s, double(bytes >> 20) / 10});

    std::printf("| figure | measured | target | met |\n|---|---|---|---|\n");
    for (const Row &r : rows) {
        if (r.target <= 0) { // for comparison only
            std::printf("| %s | %.1f %s | | |\n", qPrintable(r.what), r.value, qPrintable(r.unit));
            continue;
        }
        std::printf("| %s | %.1f %s | %s %.0f %s | %s |\n", qPrintable(r.what), r.value, qPrintable(r.unit),
                    r.lowerIsBetter ? "<" : ">", r.target, qPrintable(r.unit),
                    (r.lowerIsBetter ? r.value < r.target : r.value > r.target) ? "yes" : "**no**");
    }
    return 0;
}
