#include "store.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

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

} // namespace

// Kill -9 mid-load: every request that got its 200 must be in the store after reopening.
class TestDurability : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void killedMidLoadLosesNoAcknowledgedPing();
};

void TestDurability::killedMidLoadLosesNoAcknowledgedPing()
{
    const QString bin = qEnvironmentVariable("PINGSCOPE_BIN");
    QVERIFY2(!bin.isEmpty(), "PINGSCOPE_BIN names the pingscope executable");
    QTemporaryDir dir;
    const QString db = dir.filePath(u"durable.pingscope"_s);
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
        const auto m = QRegularExpression(u"capturing on http://127\\.0\\.0\\.1:(\\d+)"_s).match(QString::fromUtf8(out));
        if (m.hasMatch())
            port = static_cast<quint16>(m.captured(1).toUInt());
    }
    QVERIFY2(port != 0, out.constData());

    const QByteArray body = "{\"ping_info\":{\"seq\":1},\"client_info\":{\"client_id\":\"d\"}}";
    std::vector<Client> clients(8);
    for (auto &c : clients) {
        c.socket = std::make_unique<QTcpSocket>();
        c.socket->connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(c.socket->waitForConnected(2000));
    }
    QSet<QString> acked;
    int failures = 0;
    int sent = 0;
    t.restart();
    // Bounded: stop after 3,000 acknowledgements or 20 s, whichever comes first.
    while (acked.size() < 3000 && t.elapsed() < 20000) {
        for (auto &c : clients) {
            while (c.inFlight.size() < 16) {
                const QString docId = u"00000000-0000-4000-8000-%1"_s.arg(++sent, 12, 10, QChar(u'0'));
                c.socket->write(buildRequest("POST", "/submit/durability/test/1/" + docId.toLatin1(), {}, body));
                c.inFlight.push_back(docId);
            }
            c.socket->waitForReadyRead(2);
            c.buffer += c.socket->readAll();
            takeResponses(c, acked, failures);
        }
    }
    QVERIFY(acked.size() >= 3000);
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
        takeResponses(c, acked, failures);
        inFlightAtKill += static_cast<qsizetype>(c.inFlight.size());
    }
    QCOMPARE(failures, 0);
    QVERIFY(inFlightAtKill > 0);
    qInfo("sent %d, acknowledged %lld, unanswered at kill %lld", sent, qint64(acked.size()), qint64(inFlightAtKill));

    QString err;
    auto store = Store::open(db, &err); // recovers the WAL like the next start would
    QVERIFY2(store, qPrintable(err));
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
    QCOMPARE(missing, 0);
    QVERIFY(stored.size() >= acked.size());
}

QTEST_GUILESS_MAIN(TestDurability)
#include "tst_durability.moc"
