// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "store/store.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QHostAddress>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include "engine.h"

#include <csignal>
#include <deque>
#include <memory>

using namespace pingscope;
using namespace pingscope::test;
using namespace Qt::StringLiterals;

namespace {

struct Client
{
    std::unique_ptr<QTcpSocket> socket;
    std::deque<QString> inFlight; // docIds sent, not yet answered
    QByteArray buffer;
};

// Takes complete responses off the front of `c.buffer`; each 200 acknowledges the oldest
// request in flight.
void takeResponses(Client &c, QSet<QString> &acked, int &failures)
{
    for (;;) {
        const qsizetype end = c.buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QByteArray head = c.buffer.left(end);
        qint64 length = 0;
        static const QRegularExpression re(u"(?i)\r\ncontent-length: *(\\d+)"_s);
        const auto m = re.match(QString::fromLatin1(head));
        if (m.hasMatch())
            length = m.captured(1).toLongLong();
        if (c.buffer.size() < end + 4 + length)
            return;
        c.buffer.remove(0, end + 4 + length);
        if (c.inFlight.empty()) {
            ++failures;
            return;
        }
        if (head.startsWith("HTTP/1.1 200 "))
            acked.insert(c.inFlight.front());
        else
            ++failures;
        c.inFlight.pop_front();
    }
}

// A tmpfs of the given size on a temporary folder, unmounted when it goes (lazily: the engine
// under test may still hold files there).
class SmallTmpfs
{
public:
    explicit SmallTmpfs(const QString &size)
    {
        QProcess mount;
        mount.start(u"mount"_s, {u"-t"_s, u"tmpfs"_s, u"-o"_s, u"size="_s + size, u"tmpfs"_s, m_dir.path()});
        m_mounted = mount.waitForFinished(5000) && mount.exitStatus() == QProcess::NormalExit &&
                    mount.exitCode() == 0;
    }
    ~SmallTmpfs()
    {
        if (m_mounted)
            QProcess::execute(u"umount"_s, {u"-l"_s, m_dir.path()});
    }
    bool mounted() const { return m_mounted; }
    QString filePath(const QString &name) const { return m_dir.filePath(name); }

private:
    QTemporaryDir m_dir;
    bool m_mounted = false;
};

// Every acknowledged doc id is in the store, no refused one is, and no summary lacks its data.
void verifyKept(const QString &db, const QSet<QByteArray> &acked, const QSet<QByteArray> &refused)
{
    StoreReader reader(db);
    PingQuery q;
    q.limit = -1;
    QSet<QByteArray> stored;
    for (const auto &rec : reader.list(q)) {
        stored.insert(rec.docId.toLatin1());
        QVERIFY(reader.get(rec.id).has_value());
    }
    for (const QByteArray &id : acked)
        QVERIFY2(stored.contains(id), id.constData());
    for (const QByteArray &id : refused)
        QVERIFY2(!stored.contains(id), id.constData());
}

QString integrityOf(const QString &db)
{
    QString result;
    {
        QSqlDatabase c = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"integrity"_s);
        c.setDatabaseName(db);
        c.setConnectOptions(u"QSQLITE_OPEN_READONLY"_s);
        if (c.open()) {
            QSqlQuery q(c);
            if (q.exec(u"PRAGMA integrity_check"_s) && q.next())
                result = q.value(0).toString();
        }
        c.close();
    }
    QSqlDatabase::removeDatabase(u"integrity"_s);
    return result;
}

// One pingscope --headless on `db`, loaded by 8 pipelining clients until `target` pings are
// acknowledged, then killed with SIGKILL while a burst is in flight. Adds what was
// acknowledged to `acked`; `sent` numbers the docIds across rounds.
void killRound(const QString &db, int target, QSet<QString> &acked, int &sent)
{
    const QString bin = qEnvironmentVariable("PINGSCOPE_BIN");
    QVERIFY2(!bin.isEmpty(), "PINGSCOPE_BIN names the pingscope executable");
    QProcess child;
    child.setProgram(bin);
    child.setArguments({u"--headless"_s, u"--port"_s, u"0"_s, u"--db"_s, db});
    child.start();
    QVERIFY(child.waitForStarted(5000));
    quint16 port = 0;
    QElapsedTimer t;
    t.start();
    QByteArray out;
    while (port == 0 && t.elapsed() < 10000) {
        child.waitForReadyRead(200);
        out += child.readAllStandardOutput();
        const auto m =
            QRegularExpression(u"capturing on http://127\\.0\\.0\\.1:(\\d+)"_s).match(QString::fromUtf8(out));
        if (m.hasMatch())
            port = static_cast<quint16>(m.captured(1).toUInt());
    }
    QVERIFY2(port != 0, QByteArray(out + child.readAllStandardError()).constData());

    const QByteArray body = "{\"ping_info\":{\"seq\":1},\"client_info\":{\"client_id\":\"d\"}}";
    std::vector<Client> clients(8);
    for (auto &c : clients) {
        c.socket = std::make_unique<QTcpSocket>();
        c.socket->connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(c.socket->waitForConnected(2000));
    }
    QSet<QString> ackedHere;
    int failures = 0;
    t.restart();
    // Bounded: stop after `target` acknowledgements or 20 s, whichever comes first.
    while (ackedHere.size() < target && t.elapsed() < 20000) {
        for (auto &c : clients) {
            while (c.inFlight.size() < 16) {
                const QString docId = u"00000000-0000-4000-8000-%1"_s.arg(++sent, 12, 10, QChar(u'0'));
                c.socket->write(
                    buildRequest("POST", "/submit/durability/test/1/" + docId.toLatin1(), {}, body));
                c.inFlight.push_back(docId);
            }
            c.socket->waitForReadyRead(2);
            c.buffer += c.socket->readAll();
            takeResponses(c, ackedHere, failures);
        }
    }
    QVERIFY(ackedHere.size() >= target);
    // Kill while requests are in flight: queue a burst the server needs tens of milliseconds
    // for, kill at once, then collect the answers that reached us before the kill.
    for (auto &c : clients) {
        QByteArray burst;
        for (int i = 0; i < 64; ++i) {
            const QString docId = u"00000000-0000-4000-8000-%1"_s.arg(++sent, 12, 10, QChar(u'0'));
            burst += buildRequest("POST", "/submit/durability/test/1/" + docId.toLatin1(), {}, body);
            c.inFlight.push_back(docId);
        }
        c.socket->write(burst);
        c.socket->flush();
    }
    ::kill(static_cast<pid_t>(child.processId()), SIGKILL);
    QVERIFY(child.waitForFinished(5000));
    qsizetype inFlightAtKill = 0;
    for (auto &c : clients) {
        c.socket->waitForReadyRead(100);
        c.buffer += c.socket->readAll();
        takeResponses(c, ackedHere, failures);
        inFlightAtKill += static_cast<qsizetype>(c.inFlight.size());
    }
    QCOMPARE(failures, 0);
    QVERIFY(inFlightAtKill > 0);
    acked.unite(ackedHere);
}

} // namespace

// Kill -9 mid-load, 20 times on one store: after each, every request that got its 200 is in
// the store (from every round so far) and the file passes integrity_check.
class TestDurability : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void killedMidLoadLosesNoAcknowledgedPing();
    void diskFullAnswers507AndResumes();
    void diskFullMidBatchLosesNothing();
};

void TestDurability::killedMidLoadLosesNoAcknowledgedPing()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(u"durable.pingscope"_s);
    QSet<QString> acked;
    int sent = 0;
    for (int round = 1; round <= 20; ++round) {
        killRound(db, round == 1 ? 3000 : 300, acked, sent);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(integrityOf(db), u"ok"_s); // as the crash left it, before any recovery
        QString err;
        auto store = Store::open(db, &err); // recovers the WAL like the next start would
        QVERIFY2(store, qPrintable(err));
        store.reset();
        QCOMPARE(integrityOf(db), u"ok"_s);
        StoreReader reader(db);
        PingQuery q;
        q.limit = -1;
        QSet<QString> stored;
        for (const auto &r : reader.list(q))
            stored.insert(r.docId);
        qsizetype missing = 0;
        for (const QString &id : std::as_const(acked))
            if (!stored.contains(id))
                ++missing;
        QVERIFY2(missing == 0,
                 qPrintable(u"round %1: %2 acknowledged pings missing"_s.arg(round).arg(missing)));
        QVERIFY(stored.size() >= acked.size());
    }
    qInfo("20 kills: sent %d, acknowledged %lld, all present, integrity ok", sent, qint64(acked.size()));
}

// A full disk: pings are answered 507 with Retry-After and not kept (never 200, never a half
// row); when space frees, capture goes on by itself; the store stays sound. Needs a small tmpfs
// (root in a container or VM); skipped where mounting is not allowed.
void TestDurability::diskFullAnswers507AndResumes()
{
    SmallTmpfs mnt(u"3m"_s);
    if (!mnt.mounted())
        QSKIP("cannot mount a tmpfs here (needs root and a kernel that allows it)");

    EngineOptions opts;
    opts.dbPath = mnt.filePath(u"full.pingscope"_s);
    opts.capture.port = 0;
    opts.validate = false;
    Engine engine;
    QString error;
    QVERIFY2(engine.start(opts, &error), qPrintable(error));
    QList<QPair<QString, bool>> problems;
    connect(&engine, &Engine::storeProblem, this, [&problems](const QString &m, bool failing) {
        problems.append({m, failing});
    });
    auto send = [&](int n) {
        const QByteArray docId = "00000000-0000-4000-8000-" + QByteArray::number(n).rightJustified(12, '0');
        QByteArray body = "{\"pad\":\"";
        for (int i = 0; i < 3000; ++i)
            body += QByteArray::number((n * 7919 + i * 104729) % 1000003, 36);
        body += "\"}";
        return std::pair{
            docId, exchange(engine.port(), buildRequest("POST", "/submit/full/test/1/" + docId, {}, body))};
    };
    QCOMPARE(send(0).second.status, 200);
    // Fill the file system.
    const QString filler = mnt.filePath(u"filler"_s);
    {
        QFile f(filler);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const QByteArray chunk(64 * 1024, 'f');
        while (f.write(chunk) == chunk.size() && f.flush()) {
        }
    }
    QSet<QByteArray> acked{send(0).first}, refused;
    acked.clear();
    int full = 0;
    for (int n = 1; n <= 200 && full < 5; ++n) {
        const auto [docId, r] = send(n);
        QVERIFY2(r.status == 200 || r.status == 507,
                 qPrintable(QString::number(r.status) + u' ' + QString::fromUtf8(r.body)));
        if (r.status == 200) {
            acked.insert(docId);
        } else {
            ++full;
            refused.insert(docId);
            QCOMPARE(r.header("Retry-After"), QByteArray("10"));
            QVERIFY(r.body.contains("disk is full"));
        }
    }
    QVERIFY2(full >= 5, "the disk never filled up");
    QTRY_VERIFY_WITH_TIMEOUT(!problems.isEmpty() && problems.constLast().second, 5000);
    QVERIFY(problems.constLast().first.contains(u"disk is full"_s));
    // Space frees: the next pings are stored, no restart needed.
    QVERIFY(QFile::remove(filler));
    int n = 1000;
    HttpResponse r;
    for (; n < 1010; ++n) {
        auto [docId, answer] = send(n);
        r = answer;
        if (r.status == 200) {
            acked.insert(docId);
            break;
        }
    }
    QCOMPARE(r.status, 200);
    for (int more = 1; more <= 5; ++more) {
        auto [docId, answer] = send(n + more);
        QCOMPARE(answer.status, 200);
        acked.insert(docId);
    }
    QTRY_VERIFY_WITH_TIMEOUT(!problems.constLast().second, 5000);
    engine.stop();
    QCOMPARE(integrityOf(opts.dbPath), u"ok"_s);
    verifyKept(opts.dbPath, acked, refused);
}

// The wedge of issue 15, made deterministic: a second connection holds SQLite's write lock, so
// that many requests queue and land in one transaction; the disk fills in the middle of it.
// Every request of that transaction is answered 507 and none is kept half; the ids are rewound,
// so once space frees the next commit succeeds (no "UNIQUE constraint failed: pings.id").
void TestDurability::diskFullMidBatchLosesNothing()
{
    SmallTmpfs mnt(u"4m"_s);
    if (!mnt.mounted())
        QSKIP("cannot mount a tmpfs here (needs root and a kernel that allows it)");

    EngineOptions opts;
    opts.dbPath = mnt.filePath(u"batch.pingscope"_s);
    opts.capture.port = 0;
    opts.validate = false;
    opts.memoryBudget = 0;
    Engine engine;
    QString error;
    QVERIFY2(engine.start(opts, &error), qPrintable(error));
    auto body = [](int n) -> QByteArray {
        QByteArray b = "{\"pad\":\"";
        for (int i = 0; i < 2500; ++i) // ~10 KB that do not compress away
            b += QByteArray::number((n * 7919 + i * 104729) % 1000003, 36);
        return b + "\"}";
    };
    auto docId = [](int n) -> QByteArray {
        return "00000000-0000-4000-8000-" + QByteArray::number(n).rightJustified(12, '0');
    };
    QCOMPARE(
        exchange(engine.port(), buildRequest("POST", "/submit/full/test/1/" + docId(0), {}, body(0))).status,
        200);
    // Fill the file system, then give back 100 KB: room for a few pings, not for the batch.
    const QString filler = mnt.filePath(u"filler"_s);
    {
        QFile f(filler);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const QByteArray chunk(16 * 1024, 'f');
        while (f.write(chunk) == chunk.size() && f.flush()) {
        }
        f.close();
        QVERIFY(f.resize(qMax<qint64>(0, f.size() - 100 * 1024)));
    }
    // Hold the write lock: the writer's next transaction waits (busy timeout) while requests queue.
    QSqlDatabase lockDb = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"lock-holder"_s);
    lockDb.setDatabaseName(opts.dbPath);
    QVERIFY(lockDb.open());
    QVERIFY(QSqlQuery(lockDb).exec(u"BEGIN IMMEDIATE"_s));
    constexpr int kCount = 40;
    std::vector<std::unique_ptr<QTcpSocket>> clients;
    for (int n = 1; n <= kCount; ++n) {
        clients.push_back(std::make_unique<QTcpSocket>());
        clients.back()->connectToHost(QHostAddress::LocalHost, engine.port());
        QVERIFY(clients.back()->waitForConnected(2000));
        clients.back()->write(buildRequest("POST", "/submit/full/test/1/" + docId(n), {}, body(n)));
        QVERIFY(clients.back()->waitForBytesWritten(2000));
    }
    QTest::qWait(500); // all of them reach the store's queue
    QVERIFY(QSqlQuery(lockDb).exec(u"ROLLBACK"_s));
    lockDb.close();
    lockDb = QSqlDatabase();
    QSqlDatabase::removeDatabase(u"lock-holder"_s);
    QSet<QByteArray> acked, refused;
    for (int n = 1; n <= kCount; ++n) {
        const HttpResponse r = readResponse(*clients[size_t(n - 1)], 20000);
        QVERIFY2(r.status == 200 || r.status == 507,
                 qPrintable(QString::number(r.status) + u' ' + QString::fromUtf8(r.body)));
        (r.status == 200 ? acked : refused).insert(docId(n));
    }
    qInfo("one held-up batch of %d: %lld kept, %lld answered 507", kCount, qint64(acked.size()),
          qint64(refused.size()));
    QVERIFY2(refused.size() >= 10, qPrintable(u"%1 refused of %2"_s.arg(refused.size()).arg(kCount)));
    // Space frees: the next pings are kept, with fresh ids.
    QVERIFY(QFile::remove(filler));
    for (int n = 100; n < 110; ++n) {
        const HttpResponse r =
            exchange(engine.port(), buildRequest("POST", "/submit/full/test/1/" + docId(n), {}, body(n)));
        QVERIFY2(r.status == 200, qPrintable(QString::number(r.status) + u' ' + QString::fromUtf8(r.body)));
        acked.insert(docId(n));
    }
    engine.stop();
    QCOMPARE(integrityOf(opts.dbPath), u"ok"_s);
    verifyKept(opts.dbPath, acked, refused);
}

QTEST_GUILESS_MAIN(TestDurability)
#include "tst_durability.moc"
