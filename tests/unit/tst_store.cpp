// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "store/store.h"
#include "testsupport.h"

#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

#include <mutex>

#include <nlohmann/json.hpp>

using namespace pingscope;
using namespace Qt::StringLiterals;

namespace {

PingRecord sample(int i)
{
    PingRecord r;
    r.receivedAtUs = 1'700'000'000'000'000 + i;
    r.method = u"POST"_s;
    r.path = u"/submit/app/ping/1/%1"_s.arg(i);
    r.ns = u"app"_s;
    r.docType = i % 2 ? u"odd"_s : u"even"_s;
    r.docVersion = u"1"_s;
    r.docId = u"doc-%1"_s.arg(i);
    r.verdict = i % 3 ? u"parsed"_s : u"not-json"_s;
    r.errorCount = i % 3 ? 0 : 1;
    r.debugId = i % 5 ? QString() : u"tag"_s;
    r.headers = {{"Host", "h"}, {"X-Debug-ID", "tag"}, {"weird-Case", "v: with colon"}};
    r.body = QByteArray("\x1f\x8b\0\xff raw", 8) + QByteArray::number(i);
    r.payload = "{\"i\":" + QByteArray::number(i) + "}";
    r.seq = i;
    r.clientId = i % 4 ? u"client"_s : u"other"_s;
    return r;
}

// A Glean-like ping of client-a's baseline with this doc id and seq (the order warnings' input).
PingRecord orderPing(const QString &docId, qint64 seq)
{
    PingRecord r = sample(1);
    r.docId = docId;
    r.seq = seq;
    r.clientId = u"client-a"_s;
    r.docType = u"baseline"_s;
    r.verdict = u"parsed"_s;
    return r;
}

} // namespace

class TestStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTripAndReopen();
    void writeHandlerReportsCommittedIds();
    void filtersAndPaging();
    void clearRemovesEverything();
    void refusesForeignAndNewerFiles();
    void headerEncoding();
    void migratesFromVersionZero();
    void oneWriterPerFile();
    void privateFiles();
    void openErrorsLeaveNothingBehind();
    void deletedOrReplacedFileIsNoticed();
    void orderWarnings();
    void payloadSearch();
    void migratesFromVersionOne();
    void payloadsDerivedFromBodies();
    void orderStateIsBounded();
    void sizeLimitAnswers507AndWarns();
    void countsFollowEveryChange();
    void clearSwapsInAnEmptyFile();
};

// --max-store-size: SQLite refuses to grow past it; every request of the batch that would pass
// it fails as on a full disk, with the limit's own message; the warning comes at 90 %; a clear
// makes room again.
void TestStore::sizeLimitAnswers507AndWarns()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"s.pingscope"_s);
    QString err;
    Store::Options options;
    options.maxBytes = 2 * 1024 * 1024;
    auto store = Store::open(path, options, &err);
    QVERIFY2(store, qPrintable(err));
    std::mutex m;
    std::vector<WriteResult> results;
    store->setWriteHandler([&](std::vector<WriteResult> &&r) {
        std::lock_guard lock(m);
        results.insert(results.end(), r.begin(), r.end());
    });
    qint64 warnedUsed = 0;
    QObject::connect(
        store.get(), &Store::spaceWarning, store.get(), [&](qint64 used, qint64) { warnedUsed = used; },
        Qt::DirectConnection);
    for (int i = 1; i <= 400; ++i) {
        PingRecord r = sample(i);
        r.body = QByteArray(8 * 1024, char('a' + i % 26));
        store->enqueue(r, quint64(i));
        if (i % 4 == 0)
            store->flush(); // small transactions, as under ordinary traffic
    }
    store->flush();
    int ok = 0, full = 0;
    for (const WriteResult &r : results) {
        if (r.ok) {
            ++ok;
            continue;
        }
        ++full;
        QVERIFY(r.diskFull && r.storeFull);
        QVERIFY2(r.error.contains(u"size limit of 2.0 MiB"_s), qPrintable(r.error));
    }
    QCOMPARE(int(results.size()), 400);
    QVERIFY2(ok > 100 && full > 0, qPrintable(u"%1 kept, %2 refused"_s.arg(ok).arg(full)));
    QVERIFY2(warnedUsed > 0, "warned before the limit");
    QVERIFY(store->usedBytes() <= options.maxBytes);
    // A clear frees the pages: writes work again.
    QVERIFY(store->clear(&err));
    results.clear();
    store->enqueue(sample(1), 1);
    store->flush();
    QCOMPARE(int(results.size()), 1);
    QVERIFY2(results.front().ok, qPrintable(results.front().error));
}

void TestStore::payloadSearch()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"s.pingscope"_s);
    QString err;
    auto store = Store::open(path, &err);
    for (int i = 1; i <= 5; ++i) {
        PingRecord r = sample(i);
        r.payload = i % 2 ? R"({"metrics":{"string":{"app.name":"Needle_50%"}}})" : R"({"other":1})";
        store->enqueue(r, 0);
    }
    store->flush();
    StoreReader reader(path);
    QCOMPARE(reader.idsWithPayloadContaining(u"needle"_s),
             (std::vector<qint64>{1, 3, 5})); // ASCII case-insensitive
    QCOMPARE(reader.idsWithPayloadContaining(u"_50%"_s),
             (std::vector<qint64>{1, 3, 5})); // LIKE wildcards escaped
    QCOMPARE(reader.idsWithPayloadContaining(u"x50"_s), std::vector<qint64>{});
    QCOMPARE(reader.idsWithPayloadContaining(u"%"_s), (std::vector<qint64>{1, 3, 5}));
}

void TestStore::orderWarnings()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"s.pingscope"_s);
    const auto ping = orderPing;
    QString err;
    {
        auto store = Store::open(path, &err);
        store->enqueue(ping(u"d1"_s, 0), 0);
        store->enqueue(ping(u"d2"_s, 1), 0);
        store->enqueue(ping(u"d2"_s, 1), 0); // re-sent: duplicate docId, repeated seq
        store->enqueue(ping(u"d3"_s, 4), 0); // 2 missing
        store->flush();
    }
    auto store = Store::open(path, &err); // the state survives a reopen
    store->enqueue(ping(u"d1"_s, 2), 0);  // duplicate docId of #1; seq 2 arrives late: no seq warning
    // Production's dedup counts accepted copies only: a retry after a 503 is not a duplicate.
    PingRecord failed = ping(u"d9"_s, 5);
    failed.statusCode = 503;
    store->enqueue(failed, 0);           // #6
    store->enqueue(ping(u"d9"_s, 5), 0); // #7: the retry (same seq), accepted
    store->enqueue(ping(u"d9"_s, 5), 0); // #8: same URL within 10 minutes: dropped by the decoder
    PingRecord later = ping(u"d9"_s, 6);
    later.receivedAtUs += 20LL * 60 * 1000 * 1000; // same UTC day, 20 minutes on
    store->enqueue(later, 0);                      // #9
    PingRecord nextDay = ping(u"d9"_s, 7);
    nextDay.receivedAtUs += 24LL * 3600 * 1000 * 1000;
    store->enqueue(nextDay, 0); // #10
    store->flush();
    StoreReader reader(path);
    auto kinds = [&](qint64 id) {
        const auto r = reader.get(id);
        QStringList k;
        for (const auto &w : nlohmann::json::parse(r->warningsJson.begin(), r->warningsJson.end()))
            k << QString::fromStdString(w.at("kind").get<std::string>());
        return k;
    };
    QCOMPARE(kinds(1), QStringList());
    QCOMPARE(kinds(2), QStringList());
    QCOMPARE(kinds(3), (QStringList{u"duplicate-doc-id"_s, u"seq"_s}));
    QVERIFY(reader.get(3)->warningsJson.contains(
        "ping_info.seq 1 was already sent by this client for baseline (ping #2)"));
    QVERIFY(reader.get(3)->warningsJson.contains("the decoder drops this copy silently"));
    QCOMPARE(kinds(4), QStringList{u"seq"_s});
    QVERIFY(reader.get(4)->warningsJson.contains("2 baseline ping(s) from this client have not arrived"));
    QCOMPARE(kinds(5), QStringList{u"duplicate-doc-id"_s});
    QCOMPARE(reader.get(5)->warningCount, 1);
    QCOMPARE(kinds(6), QStringList());
    QCOMPARE(kinds(7), QStringList());
    QCOMPARE(kinds(8), (QStringList{u"duplicate-doc-id"_s, u"seq"_s}));
    QVERIFY(reader.get(8)->warningsJson.contains("(ping #7): the decoder drops this copy silently"));
    QCOMPARE(kinds(9), QStringList{u"duplicate-doc-id"_s});
    QVERIFY(reader.get(9)->warningsJson.contains("copy_deduplicate keeps only the day's first"));
    QCOMPARE(kinds(10), QStringList{u"duplicate-doc-id"_s});
    QVERIFY(reader.get(10)->warningsJson.contains("first accepted on 2023-11-14 (ping #7)"));
}

// Schema 5: a payload that is the body (identity) or the body gunzipped is not stored again;
// every read (get, list with payloads, re-validation's stale records, payload search) derives
// it. Rows of an older store keep their own copy and read as before.
void TestStore::payloadsDerivedFromBodies()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"derived.pingscope"_s);
    QString err;
    auto store = Store::open(path, &err);
    QVERIFY2(store, qPrintable(err));
    const QByteArray json =
        R"({"metrics":{"string":{"needle.here":"Found Me"}},"pad":")" + QByteArray(3000, 'x') + "\"}";
    PingRecord plain = sample(1);
    plain.body = json;
    plain.payload = json;
    plain.payloadSource = PingRecord::PayloadSource::Body;
    PingRecord zipped = sample(2);
    zipped.body = test::gzip(json);
    zipped.payload = json;
    zipped.payloadSource = PingRecord::PayloadSource::InflatedBody;
    PingRecord own = sample(3); // a payload of its own (as tests and old stores have)
    for (PingRecord *r : {&plain, &zipped, &own})
        store->enqueue(*r, 0);
    store->flush();

    StoreReader reader(path);
    QCOMPARE(reader.get(1)->payload, json);
    QCOMPARE(reader.get(2)->payload, json);
    QCOMPARE(reader.get(2)->body, zipped.body);
    QCOMPARE(reader.get(3)->payload, own.payload);
    PingQuery q;
    q.withPayload = true;
    const auto listed = reader.list(q);
    QCOMPARE(listed.size(), size_t(3));
    QCOMPARE(listed[1].payload, json);
    QCOMPARE(listed[2].payload, json);
    const auto stale = reader.staleRecords(u"another registry"_s, 0, 10);
    QCOMPARE(stale.size(), size_t(3));
    for (const PingRecord &r : stale)
        QCOMPARE(r.payload, r.id == 3 ? own.payload : json);
    QCOMPARE(reader.idsWithPayloadContaining(u"found me"_s), (std::vector<qint64>{1, 2}));
    QCOMPARE(reader.idsWithPayloadContaining(u"found me"_s, 2, 3), (std::vector<qint64>{2}));
    // Stored once: the two derived rows hold their body only.
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"peek"_s);
    db.setDatabaseName(path);
    QVERIFY(db.open());
    {
        QSqlQuery peek(db);
        QVERIFY(peek.exec(u"SELECT id, length(payload), payload_from FROM ping_data ORDER BY id"_s));
        QVERIFY(peek.next());
        QCOMPARE(peek.value(1).toInt(), 0);
        QCOMPARE(peek.value(2).toInt(), 1);
        QVERIFY(peek.next());
        QCOMPARE(peek.value(1).toInt(), 0);
        QCOMPARE(peek.value(2).toInt(), 2);
        QVERIFY(peek.next());
        QCOMPARE(peek.value(1).toInt(), own.payload.size());
        QCOMPARE(peek.value(2).toInt(), 0);
    }
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(u"peek"_s);
}

// Order state is bounded: a client's latest 4,096 seq values are remembered (a re-send of one
// is flagged), older ones are forgotten (a re-send of seq 10 after 9,000 pings goes unremarked);
// doc ids are looked up in the store, so a duplicate of the very first ping is still found.
void TestStore::orderStateIsBounded()
{
    QTemporaryDir dir;
    QString err;
    auto store = Store::open(dir.filePath(u"bounded.pingscope"_s), &err);
    QVERIFY2(store, qPrintable(err));
    auto ping = [](int n, qint64 seq) { return orderPing(u"doc-%1"_s.arg(n), seq); };
    for (int n = 0; n < 9000; ++n)
        store->enqueue(ping(n, n), 0);
    store->enqueue(ping(9000, 8990), 0); // a recent seq again
    store->enqueue(ping(9001, 10), 0);   // an old one again
    store->enqueue(ping(0, 9002), 0);    // the first doc id again
    store->flush();
    StoreReader reader(store->path());
    QVERIFY(reader.get(9001)->warningsJson.contains("ping_info.seq 8990 was already sent"));
    QVERIFY(!reader.get(9002)->warningsJson.contains("already sent"));
    QVERIFY(reader.get(9003)->warningsJson.contains("docId doc-0 was already accepted"));
}

void TestStore::migratesFromVersionOne()
{
    // A store written by the first release (schema version 1) opens, keeps its rows and gains
    // the version 2 columns.
    QTemporaryDir dir;
    const QString path = dir.filePath(u"v1.pingscope"_s);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"v1"_s);
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(
            u"CREATE TABLE pings (id INTEGER PRIMARY KEY, received_at_us INTEGER NOT NULL,"
            " method TEXT NOT NULL, path TEXT NOT NULL, query TEXT NOT NULL, peer TEXT NOT NULL,"
            " namespace TEXT NOT NULL, doctype TEXT NOT NULL, doc_version TEXT NOT NULL,"
            " doc_id TEXT NOT NULL, app_name TEXT NOT NULL, app_version TEXT NOT NULL,"
            " app_channel TEXT NOT NULL, app_build_id TEXT NOT NULL,"
            " status_code INTEGER NOT NULL, verdict TEXT NOT NULL, error_count INTEGER NOT NULL,"
            " errors TEXT NOT NULL, warnings TEXT NOT NULL,"
            " debug_id TEXT NOT NULL, source_tags TEXT NOT NULL, user_agent TEXT NOT NULL,"
            " telemetry_agent TEXT NOT NULL, content_encoding TEXT NOT NULL, content_type TEXT NOT NULL,"
            " date_header TEXT NOT NULL, date_ms INTEGER NOT NULL,"
            " body_bytes INTEGER NOT NULL, decoded_bytes INTEGER NOT NULL, body_truncated INTEGER NOT NULL,"
            " client_id TEXT NOT NULL, seq INTEGER NOT NULL)"_s));
        QVERIFY(q.exec(
            u"CREATE TABLE ping_data (id INTEGER PRIMARY KEY, headers BLOB NOT NULL, body BLOB NOT NULL,"
            " payload BLOB NOT NULL)"_s));
        QVERIFY(
            q.exec(u"INSERT INTO pings VALUES (7, 1, 'POST', '/submit/a/b/1/x', '', 'p', 'a', 'b', '1', 'x',"
                   " '', '', '', '', 200, 'parsed', 0, '[]', '[]', 'tag', '', '', '', '', '', '', 0, 2, 2, 0,"
                   " '', -1)"_s));
        QVERIFY(q.exec(u"INSERT INTO ping_data VALUES (7, 'Host: h\r\n', '{}', '{}')"_s));
        QVERIFY(q.exec(u"PRAGMA user_version=1"_s));
        db.close();
    }
    QSqlDatabase::removeDatabase(u"v1"_s);
    QString err;
    auto store = Store::open(path, &err);
    QVERIFY2(store, qPrintable(err));
    store->enqueue(sample(8), 0);
    store->flush();
    StoreReader reader(path);
    const auto old = reader.get(7);
    QVERIFY(old);
    QCOMPARE(old->debugId, u"tag"_s);
    QCOMPARE(old->payload, QByteArray("{}")); // version 5: its own copy, kept
    QCOMPARE(old->warningCount, 0);
    QCOMPARE(old->schemaKey, QString(u""_s));
    QCOMPARE(reader.list({}).front().id, 8);
    // Version 4's counts were filled from the rows the store had, and kept since.
    const StoreStats st = reader.stats();
    QCOMPARE(st.total, 2);
    QCOMPARE(st.byNamespace.at(u"a"_s) + (sample(8).ns == u"a"_s ? -1 : 0), 1);
    QCOMPARE(st.byVerdict.at(u"parsed"_s) + (sample(8).verdict == u"parsed"_s ? -1 : 0), 1);
}

// A clear puts an empty file in the store's place: the disk space comes back at once, readers
// move to the new file by themselves, and ids go on from where they were.
void TestStore::clearSwapsInAnEmptyFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"s.pingscope"_s);
    QString err;
    auto store = Store::open(path, &err);
    QVERIFY2(store, qPrintable(err));
    for (int i = 1; i <= 1000; ++i) {
        PingRecord r = sample(i);
        r.body = QByteArray(4096, char('a' + i % 26));
        store->enqueue(r, quint64(i));
    }
    store->flush();
    StoreReader reader(path);
    QCOMPARE(reader.count(), 1000);
    const qint64 before = QFileInfo(path).size() + QFileInfo(path + u"-wal"_s).size();
    QVERIFY(before > 4'000'000);
    QVERIFY(store->clear(&err));
    const qint64 after = QFileInfo(path).size() + QFileInfo(path + u"-wal"_s).size();
    QVERIFY2(after < 300'000, qPrintable(u"%1 bytes after the clear (%2 before)"_s.arg(after).arg(before)));
    QCOMPARE(reader.count(), 0);
    QCOMPARE(reader.stats().total, 0);
    QCOMPARE(QFile::permissions(path) & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
             QFileDevice::Permissions());
    store->enqueue(sample(1), 1);
    store->flush();
    const auto rows = reader.list({});
    QCOMPARE(rows.size(), size_t(1));
    QCOMPARE(rows.front().id, 1001);
    QCOMPARE(reader.stats().total, 1);
    // The store reopens as usual, ids still going on.
    store.reset();
    store = Store::open(path, &err);
    QVERIFY2(store, qPrintable(err));
    store->enqueue(sample(2), 2);
    store->flush();
    QCOMPARE(reader.list({}).front().id, 1002);
}

// /stats reads counts the writer keeps: they follow inserts, re-validation (a verdict that
// changes), a failed transaction (nothing counted) and a clear, and match a scan of the rows.
void TestStore::countsFollowEveryChange()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"s.pingscope"_s);
    QString err;
    auto store = Store::open(path, &err);
    QVERIFY2(store, qPrintable(err));
    for (int i = 1; i <= 30; ++i) {
        PingRecord r = sample(i);
        r.verdict = i % 3 ? u"valid"_s : u"invalid"_s;
        r.docType = i % 2 ? u"baseline"_s : u"metrics"_s;
        store->enqueue(r, quint64(i));
    }
    store->flush();
    StoreReader reader(path);
    auto scanned = [&](const char *column) {
        std::map<QString, qint64> out;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"scan"_s);
            db.setDatabaseName(path);
            if (db.open()) {
                QSqlQuery q(db);
                q.exec(u"SELECT %1, count(*) FROM pings GROUP BY 1"_s.arg(QLatin1StringView(column)));
                while (q.next())
                    out[q.value(0).toString()] = q.value(1).toLongLong();
            }
        }
        QSqlDatabase::removeDatabase(u"scan"_s);
        return out;
    };
    StoreStats st = reader.stats();
    QCOMPARE(st.total, 30);
    QCOMPARE(st.byVerdict, scanned("verdict"));
    QCOMPARE(st.byDocType, scanned("doctype"));
    QCOMPARE(st.byVerdict.at(u"invalid"_s), 10);
    // Re-validation turns three invalid pings valid.
    std::vector<PingRecord> updates;
    for (int id : {3, 6, 9}) {
        PingRecord r = *reader.get(id);
        r.verdict = u"valid"_s;
        updates.push_back(r);
    }
    store->update(updates);
    store->flush();
    st = reader.stats();
    QCOMPARE(st.byVerdict.at(u"invalid"_s), 7);
    QCOMPARE(st.byVerdict.at(u"valid"_s), 23);
    QCOMPARE(st.byVerdict, scanned("verdict"));
    // Cleared: nothing left to count.
    QVERIFY(store->clear(&err));
    st = reader.stats();
    QCOMPARE(st.total, 0);
    QVERIFY(st.byVerdict.empty());
}

void TestStore::oneWriterPerFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"s.pingscope"_s);
    QString err;
    auto first = Store::open(path, &err);
    QVERIFY(first);
    QVERIFY(!Store::open(path, &err));
    QVERIFY2(err.contains(u"in use by another Pingscope"_s), qPrintable(err));
    first.reset();
    QVERIFY(Store::open(path, &err)); // released on close
}

// The store holds client ids and payloads: its file, WAL, SHM and lock are the user's only.
void TestStore::privateFiles()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"s.pingscope"_s);
    QString err;
    auto store = Store::open(path, &err);
    QVERIFY2(store, qPrintable(err));
    store->enqueue(sample(1), 1);
    store->flush();
    StoreReader reader(path); // readers make the SHM too
    QCOMPARE(reader.count(), qint64(1));
    const auto ownerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
    for (const QString &suffix : {u""_s, u"-wal"_s, u"-shm"_s, u".lock"_s}) {
        QVERIFY2(QFileInfo::exists(path + suffix), qPrintable(suffix));
        const auto perms = QFile::permissions(path + suffix) &
                           (QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ReadOther |
                            QFileDevice::WriteOther | QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QVERIFY2(perms == ownerOnly, qPrintable(u"%1: %2"_s.arg(suffix).arg(int(perms), 0, 16)));
    }
    // The default store's folder is made 0700 when it is new.
    QStandardPaths::setTestModeEnabled(true);
    const QString def = Store::defaultPath();
    QDir(QFileInfo(def).absolutePath()).removeRecursively();
    {
        auto d = Store::open(def, &err);
        QVERIFY2(d, qPrintable(err));
    }
    const auto folderPerms = QFile::permissions(QFileInfo(def).absolutePath());
    QVERIFY(folderPerms & QFileDevice::ExeOwner);
    QVERIFY(!(folderPerms & (QFileDevice::ReadOther | QFileDevice::ExeOther | QFileDevice::ReadGroup)));
    QDir(QFileInfo(def).absolutePath()).removeRecursively();
    QStandardPaths::setTestModeEnabled(false);
}

void TestStore::openErrorsLeaveNothingBehind()
{
    QTemporaryDir dir;
    QString err;
    // A folder that does not exist is a mistake to report, not to create.
    QVERIFY(!Store::open(dir.filePath(u"no-such-dir/s.pingscope"_s), &err));
    QVERIFY2(err.contains(u"does not exist"_s), qPrintable(err));
    QVERIFY(!QFileInfo::exists(dir.filePath(u"no-such-dir"_s)));
    for (const QString &bad : {u":memory:"_s, QString(), u"file:x?mode=memory"_s}) {
        QVERIFY(!Store::open(bad, &err));
        QVERIFY2(err.contains(u"file on disk"_s), qPrintable(err));
    }
    for (const QString &notFile : {u"/dev/null"_s, dir.path()}) {
        QVERIFY(!Store::open(notFile, &err));
        QVERIFY2(err.contains(u"not a regular file"_s), qPrintable(err));
    }
    // A file that is not a store: refused, and left as it was.
    const QString foreign = dir.filePath(u"notes.txt"_s);
    {
        QFile f(foreign);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a database, just text\n");
    }
    QVERIFY(!Store::open(foreign, &err));
    QCOMPARE(QFileInfo(foreign).size(), qint64(26));
    // A store in use elsewhere: the second open fails and removes nothing of the first's.
    const QString path = dir.filePath(u"s.pingscope"_s);
    auto first = Store::open(path, &err);
    QVERIFY(first);
    QVERIFY(!Store::open(path, &err));
    QVERIFY(QFileInfo::exists(path));
    first.reset();
    // A start that fails on a new file leaves no empty store: a read-only folder.
    const QString ro = dir.filePath(u"ro"_s);
    QVERIFY(QDir().mkpath(ro));
    QFile::setPermissions(ro, QFileDevice::ReadOwner | QFileDevice::ExeOwner);
    if (::geteuid() != 0) { // root writes anywhere
        QVERIFY(!Store::open(ro + u"/s.pingscope"_s, &err));
        QVERIFY(QDir(ro).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).isEmpty());
    }
    QFile::setPermissions(ro, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
}

// A store file deleted (or replaced) while open: pings are refused with a reason, not written
// to an unlinked file and answered as kept.
void TestStore::deletedOrReplacedFileIsNoticed()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"s.pingscope"_s);
    QString err;
    auto store = Store::open(path, &err);
    QVERIFY2(store, qPrintable(err));
    std::vector<WriteResult> results;
    std::mutex m;
    store->setWriteHandler([&](std::vector<WriteResult> &&r) {
        std::lock_guard lock(m);
        results.insert(results.end(), r.begin(), r.end());
    });
    store->enqueue(sample(1), 1);
    store->flush();
    // Made read-only: refused with the reason (not a store that is gone), accepted again once
    // writable.
    const auto mode = QFile::permissions(path);
    QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner));
    store->enqueue(sample(10), 10);
    store->flush();
    QVERIFY(QFile::setPermissions(path, mode));
    store->enqueue(sample(11), 11);
    store->flush();
    {
        std::lock_guard lock(m);
        QCOMPARE(results.size(), size_t(3));
        QVERIFY(!results[1].ok && !results[1].storeGone);
        QVERIFY2(results[1].error.contains(u"made read-only"_s), qPrintable(results[1].error));
        QVERIFY2(results[2].ok, qPrintable(results[2].error));
        results.erase(results.begin() + 1, results.end());
    }
    QVERIFY(QFile::remove(path));
    store->enqueue(sample(2), 2);
    store->flush();
    {
        std::lock_guard lock(m);
        QCOMPARE(results.size(), size_t(2));
        QVERIFY(results[0].ok);
        QVERIFY(!results[1].ok && results[1].storeGone);
        QVERIFY2(results[1].error.contains(u"was deleted"_s), qPrintable(results[1].error));
    }
    // Replaced by another file at the same path.
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("other");
    }
    store->enqueue(sample(3), 3);
    store->flush();
    std::lock_guard lock(m);
    QCOMPARE(results.size(), size_t(3));
    QVERIFY(!results[2].ok);
    QVERIFY2(results[2].error.contains(u"replaced"_s), qPrintable(results[2].error));
}

void TestStore::roundTripAndReopen()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"s.pingscope"_s);
    QString err;
    {
        auto store = Store::open(path, &err);
        QVERIFY2(store, qPrintable(err));
        for (int i = 1; i <= 50; ++i)
            store->enqueue(sample(i), quint64(i));
        store->flush();
        QCOMPARE(store->committedCount(), 50);
        StoreReader reader(path);
        QVERIFY(reader.isOpen());
        QCOMPARE(reader.count(), 50);
        const auto rec = reader.get(7);
        QVERIFY(rec);
        const PingRecord want = sample(7);
        QCOMPARE(rec->docId, want.docId);
        QCOMPARE(rec->body, want.body);
        QCOMPARE(rec->payload, want.payload);
        QCOMPARE(rec->headers.size(), 3);
        QCOMPARE(rec->headers[2].name, QByteArray("weird-Case"));
        QCOMPARE(rec->headers[2].value, QByteArray("v: with colon"));
        QCOMPARE(rec->receivedAtUs, want.receivedAtUs);
        QCOMPARE(rec->seq, 7);
        QCOMPARE(rec->debugId, QString(u""_s));
    }
    // Reopen: everything is there, newest first, and new ids continue after the old ones.
    auto store = Store::open(path, &err);
    QVERIFY2(store, qPrintable(err));
    StoreReader reader(path);
    PingQuery q;
    q.limit = -1;
    const auto all = reader.list(q);
    QCOMPARE(all.size(), size_t(50));
    QCOMPARE(all.front().id, 50);
    QCOMPARE(all.back().id, 1);
    QVERIFY(all.front().body.isEmpty()); // summaries only
    store->enqueue(sample(51), 51);
    store->flush();
    QCOMPARE(reader.list({}).front().id, 51);
}

void TestStore::writeHandlerReportsCommittedIds()
{
    QTemporaryDir dir;
    QString err;
    auto store = Store::open(dir.filePath(u"s.pingscope"_s), &err);
    QVERIFY(store);
    std::mutex m;
    std::vector<WriteResult> seen;
    store->setWriteHandler([&](std::vector<WriteResult> &&r) {
        std::lock_guard lock(m);
        seen.insert(seen.end(), r.begin(), r.end());
    });
    for (int i = 0; i < 300; ++i)
        store->enqueue(sample(i), quint64(1000 + i));
    store->flush();
    std::lock_guard lock(m);
    QCOMPARE(seen.size(), size_t(300));
    for (size_t i = 0; i < seen.size(); ++i) {
        QVERIFY(seen[i].ok);
        QCOMPARE(seen[i].ticket, quint64(1000 + i));
        QCOMPARE(seen[i].id, qint64(i + 1));
    }
}

void TestStore::filtersAndPaging()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"s.pingscope"_s);
    QString err;
    auto store = Store::open(path, &err);
    for (int i = 1; i <= 30; ++i)
        store->enqueue(sample(i), 0);
    store->flush();
    StoreReader reader(path);
    PingQuery q;
    q.docType = u"odd"_s;
    q.limit = 100;
    QCOMPARE(reader.list(q).size(), size_t(15));
    q.verdict = u"not-json"_s; // odd multiples of 3: 3 9 15 21 27
    QCOMPARE(reader.list(q).size(), size_t(5));
    PingQuery tag;
    tag.debugId = u"tag"_s;
    QCOMPARE(reader.list(tag).size(), size_t(6));
    PingQuery page;
    page.limit = 10;
    page.offset = 25;
    const auto p = reader.list(page);
    QCOMPARE(p.size(), size_t(5));
    QCOMPARE(p.front().id, 5);
    PingQuery after;
    after.afterId = 27;
    QCOMPARE(reader.list(after).size(), size_t(3));
    PingQuery byDoc;
    byDoc.docId = u"doc-12"_s;
    QCOMPARE(reader.list(byDoc).front().id, 12);
    QVERIFY(reader.list(byDoc).front().payload.isEmpty()); // summaries only, unless asked
    PingQuery byClient;
    byClient.clientId = u"other"_s; // 4 8 ... 28
    byClient.withPayload = true;
    const auto other = reader.list(byClient);
    QCOMPARE(other.size(), size_t(7));
    QCOMPARE(other.front().id, 28);
    QCOMPARE(other.front().payload, QByteArray("{\"i\":28}"));
    QCOMPARE(other.front().docType, u"even"_s);
    const StoreStats s = reader.stats();
    QCOMPARE(s.total, 30);
    QCOMPARE(s.byDocType.at(u"odd"_s), 15);
    QCOMPARE(s.byVerdict.at(u"not-json"_s), 10);
    QCOMPARE(s.byNamespace.at(u"app"_s), 30);
}

void TestStore::clearRemovesEverything()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"s.pingscope"_s);
    QString err;
    auto store = Store::open(path, &err);
    for (int i = 1; i <= 10; ++i)
        store->enqueue(sample(i), 0);
    QVERIFY(store->clear(&err)); // queued inserts commit first, then the clear
    StoreReader reader(path);
    QCOMPARE(reader.count(), 0);
    QVERIFY(!reader.get(3));
}

void TestStore::refusesForeignAndNewerFiles()
{
    QTemporaryDir dir;
    QString err;
    // Not SQLite at all.
    const QString text = dir.filePath(u"text.pingscope"_s);
    QFile f(text);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray(4096, 'x'));
    f.close();
    QVERIFY(!Store::open(text, &err));
    QVERIFY2(!err.isEmpty(), "an error is reported");
    // Somebody else's SQLite database.
    const QString foreign = dir.filePath(u"foreign.db"_s);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"foreign"_s);
        db.setDatabaseName(foreign);
        QVERIFY(db.open());
        QSqlQuery(db).exec(u"CREATE TABLE other (x)"_s);
        db.close();
    }
    QSqlDatabase::removeDatabase(u"foreign"_s);
    err.clear();
    const QByteArray foreignBytes = [&] {
        QFile before(foreign);
        return before.open(QIODevice::ReadOnly) ? before.readAll() : QByteArray();
    }();
    QVERIFY(!Store::open(foreign, &err));
    QVERIFY2(err.contains(u"not a Pingscope store"_s), qPrintable(err));
    // Refused before anything was written: still in its own journal mode, byte for byte, no WAL.
    {
        QFile after(foreign);
        QVERIFY(after.open(QIODevice::ReadOnly));
        QCOMPARE(after.readAll(), foreignBytes);
    }
    QVERIFY(!QFile::exists(foreign + u"-wal"_s));
    // A store written by a newer Pingscope.
    const QString newer = dir.filePath(u"newer.pingscope"_s);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"newer"_s);
        db.setDatabaseName(newer);
        QVERIFY(db.open());
        QSqlQuery(db).exec(u"PRAGMA user_version=99"_s);
        db.close();
    }
    QSqlDatabase::removeDatabase(u"newer"_s);
    err.clear();
    QVERIFY(!Store::open(newer, &err));
    QVERIFY2(err.contains(u"schema version 99"_s), qPrintable(err));
}

void TestStore::headerEncoding()
{
    const QList<HttpHeader> h = {{"A", "1"}, {"b-B", ""}, {"C", "x: y"}};
    const auto back = decodeHeaders(encodeHeaders(h));
    QCOMPARE(back.size(), 3);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(back[i].name, h[i].name);
        QCOMPARE(back[i].value, h[i].value);
    }
}

void TestStore::migratesFromVersionZero()
{
    // An empty file (version 0) is set up to the current schema version.
    QTemporaryDir dir;
    const QString path = dir.filePath(u"empty.pingscope"_s);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();
    QString err;
    {
        auto store = Store::open(path, &err);
        QVERIFY2(store, qPrintable(err));
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"check"_s);
    db.setDatabaseName(path);
    QVERIFY(db.open());
    QSqlQuery q(db);
    QVERIFY(q.exec(u"PRAGMA user_version"_s) && q.next());
    QCOMPARE(q.value(0).toInt(), Store::SchemaVersion);
    QVERIFY(q.exec(u"PRAGMA journal_mode"_s) && q.next());
    QCOMPARE(q.value(0).toString(), u"wal"_s);
    q.finish();
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(u"check"_s);
}

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
