// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "store/store.h"
#include "testsupport.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

using namespace pingscope;
using namespace Qt::StringLiterals;
using pingscope::test::ProcessResult;

namespace {

const QString kData = QStringLiteral(PINGSCOPE_TEST_DATA_DIR);

QString bin()
{
    return qEnvironmentVariable("PINGSCOPE_BIN");
}

ProcessResult diff(const QStringList &args)
{
    return test::runProcess(bin(), QStringList{u"diff"_s} + args, 20'000);
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

PingRecord stored(const QByteArray &payload, const QString &verdict)
{
    PingRecord r;
    r.receivedAtUs = 1'700'000'000'000'000;
    r.method = u"POST"_s;
    r.path = u"/submit/org-example-app/baseline/1/d"_s;
    r.ns = u"org-example-app"_s;
    r.docType = u"baseline"_s;
    r.docVersion = u"1"_s;
    r.verdict = verdict;
    r.body = payload.isEmpty() ? QByteArray("not json") : payload;
    r.payload = payload;
    return r;
}

} // namespace

class TestDiffCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void equalFilesExit0();
    void differentFilesExit1();
    void gzipFilesAndStandardInput();
    void storedIds();
    void unreadableInputsExit2();
    void jsonOutput();
    void usageErrorsExit2();

private:
    QTemporaryDir m_dir;
    QString m_a, m_b, m_aReordered;
};

void TestDiffCli::initTestCase()
{
    QVERIFY2(!bin().isEmpty(), "PINGSCOPE_BIN is not set (run through ctest)");
    QVERIFY(m_dir.isValid());
    m_a = m_dir.filePath(u"a.json"_s);
    m_b = m_dir.filePath(u"b.json"_s);
    m_aReordered = m_dir.filePath(u"a-reordered.json"_s);
    QVERIFY(writeFile(
        m_a, R"({"ping_info": {"seq": 4}, "metrics": {"counter": {"app.opened": 1}}, "list": [1, 2]})"));
    QVERIFY(
        writeFile(m_aReordered,
                  R"({"list": [1, 2], "metrics": {"counter": {"app.opened": 1}}, "ping_info": {"seq": 4}})"));
    QVERIFY(writeFile(
        m_b, R"({"ping_info": {"seq": 6}, "metrics": {"counter": {"app.opened": 3}}, "list": [1, 2]})"));
}

void TestDiffCli::equalFilesExit0()
{
    const ProcessResult r = diff({m_a, m_aReordered});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains("no differences"), r.out.constData());
    QVERIFY(r.err.isEmpty());
}

void TestDiffCli::differentFilesExit1()
{
    const ProcessResult r = diff({m_a, m_b});
    QCOMPARE(r.code, 1);
    const QString out = QString::fromUtf8(r.out);
    const QStringList lines = out.split(u'\n', Qt::SkipEmptyParts);
    QVERIFY2(lines.contains(u"~ /metrics/counter/app.opened: 1 → 3"_s), qPrintable(out));
    QVERIFY2(lines.contains(u"~ /ping_info/seq: 4 → 6"_s), qPrintable(out));
    QVERIFY2(
        lines.contains(u"note: ping_info.seq 4 → 6 (+2): 1 ping of this client is missing between them"_s),
        qPrintable(out));
    QCOMPARE(lines.first(), u"--- A: "_s + m_a);
    QCOMPARE(lines.last(), u"0 added, 0 removed, 2 changed"_s);
    // Not a terminal: no colours unless asked for.
    QVERIFY(!r.out.contains('\x1b'));
    const ProcessResult colored = diff({u"--color"_s, u"always"_s, m_a, m_b});
    QCOMPARE(colored.code, 1);
    QVERIFY2(colored.out.contains("\x1b[33m~ /ping_info/seq"), colored.out.constData());
    QVERIFY(!diff({u"--color=never"_s, m_a, m_b}).out.contains('\x1b'));
}

void TestDiffCli::gzipFilesAndStandardInput()
{
    // Firefox ESR's baseline pings as they came over the wire (gzip), seq 0 and 2.
    const QString first =
        kData + u"/captured-requests/firefox-esr/005-POST-firefox-desktop_baseline.body.raw"_s;
    const QString third =
        kData + u"/captured-requests/firefox-esr/017-POST-firefox-desktop_baseline.body.raw"_s;
    QVERIFY(test::readDataFile(u"captured-requests/firefox-esr/005-POST-firefox-desktop_baseline.body.raw"_s)
                .startsWith("\x1f\x8b"));
    const ProcessResult r = diff({first, third});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.out.contains("~ /ping_info/seq: 0 → 2\n"), r.out.constData());
    QVERIFY2(r.out.contains("note: ping_info.seq 0 → 2 (+2)"), r.out.constData());

    // The same ping, gunzipped, on standard input: equal.
    QProcess p;
    p.start(bin(), {u"diff"_s, first, u"-"_s});
    QVERIFY(p.waitForStarted());
    p.write(
        test::readDataFile(u"captured-requests/firefox-esr/005-POST-firefox-desktop_baseline.body.json"_s));
    p.closeWriteChannel();
    QVERIFY(p.waitForFinished(20'000));
    const QByteArray out = p.readAllStandardOutput();
    QCOMPARE(p.exitCode(), 0);
    QVERIFY2(out.contains("+++ B: standard input\nno differences"), out.constData());
}

void TestDiffCli::storedIds()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(u"s.pingscope"_s);
    {
        QString error;
        auto store = Store::open(db, &error);
        QVERIFY2(store, qPrintable(error));
        store->enqueue(stored(R"({"ping_info": {"seq": 1, "reason": "active"}, "events": []})", u"parsed"_s),
                       0);
        store->enqueue(
            stored(R"({"ping_info": {"seq": 2, "reason": "inactive"}, "events": []})", u"parsed"_s), 0);
        store->enqueue(stored({}, u"not-json"_s), 0);
        store->flush();
    }
    const ProcessResult r = diff({u"--db"_s, db, u"1"_s, u"2"_s});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.out.contains(
                 "--- A: ping 1 (org-example-app/baseline/1)\n+++ B: ping 2 (org-example-app/baseline/1)\n"),
             r.out.constData());
    QVERIFY2(r.out.contains("~ /ping_info/reason: \"active\" → \"inactive\"\n"), r.out.constData());
    QVERIFY2(r.out.contains("note: ping_info.reason active → inactive\n"), r.out.constData());

    QCOMPARE(diff({u"--db"_s, db, u"2"_s, u"2"_s}).code, 0);
    // A stored ping against a file.
    const QString file = dir.filePath(u"two.json"_s);
    QVERIFY(writeFile(file, R"({"ping_info": {"reason": "inactive", "seq": 2}, "events": []})"));
    QCOMPARE(diff({u"--db"_s, db, u"2"_s, file}).code, 0);

    // A ping that is not JSON, and one that is not there: named in the message.
    const ProcessResult notJson = diff({u"--db"_s, db, u"1"_s, u"3"_s});
    QCOMPARE(notJson.code, 2);
    QVERIFY2(notJson.err.contains(
                 "ping 3 (org-example-app/baseline/1): has no JSON payload to compare (its verdict "
                 "is not-json)"),
             notJson.err.constData());
    const ProcessResult missing = diff({u"--db"_s, db, u"99"_s, u"1"_s});
    QCOMPARE(missing.code, 2);
    QVERIFY2(missing.err.contains(QByteArray("ping 99: no ping with this id in " + db.toUtf8())),
             missing.err.constData());
    const ProcessResult noStore = diff({u"--db"_s, dir.filePath(u"none.pingscope"_s), u"1"_s, u"2"_s});
    QCOMPARE(noStore.code, 2);
    QVERIFY2(noStore.err.contains("ping 1: no store at"), noStore.err.constData());
}

void TestDiffCli::unreadableInputsExit2()
{
    const QString missing = m_dir.filePath(u"missing.json"_s);
    const ProcessResult r = diff({m_a, missing});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains(QByteArray(missing.toUtf8() + ": no such file")), r.err.constData());
    QVERIFY(r.out.isEmpty());

    const QString broken = m_dir.filePath(u"broken.json"_s);
    QVERIFY(writeFile(broken, "{\"a\": 1,\n \"b\": }"));
    const ProcessResult notJson = diff({broken, m_a});
    QCOMPARE(notJson.code, 2);
    QVERIFY2(notJson.err.contains(QByteArray(broken.toUtf8() + ": not JSON: line 2, column")),
             notJson.err.constData());

    const QString corrupt = m_dir.filePath(u"corrupt.gz"_s);
    QVERIFY(writeFile(corrupt, test::gzip("{\"a\": 1}").left(12)));
    const ProcessResult badGzip = diff({m_a, corrupt});
    QCOMPARE(badGzip.code, 2);
    QVERIFY2(badGzip.err.contains(QByteArray(corrupt.toUtf8() + ": corrupt gzip")), badGzip.err.constData());
}

void TestDiffCli::jsonOutput()
{
    const ProcessResult r = diff({u"--json"_s, m_a, m_b});
    QCOMPARE(r.code, 1);
    const nlohmann::json j = nlohmann::json::parse(r.out.begin(), r.out.end(), nullptr, false);
    QVERIFY2(j.is_object(), r.out.constData());
    QCOMPARE(j.value("equal", true), false);
    QCOMPARE(j.value("a", std::string()), m_a.toStdString());
    QVERIFY(j["entries"].is_array());
    QCOMPARE(j["entries"].size(), size_t(2));
    QCOMPARE(j["entries"][0].value("op", std::string()), std::string("change"));
    QCOMPARE(j["entries"][0].value("pointer", std::string()), std::string("/ping_info/seq"));
    QVERIFY(j["entries"][0]["before"] == 4);
    QVERIFY(j["entries"][0]["after"] == 6);
    QVERIFY(j["notes"].is_array() && !j["notes"].empty());

    const ProcessResult same = diff({u"--json"_s, m_a, m_aReordered});
    QCOMPARE(same.code, 0);
    QCOMPARE(nlohmann::json::parse(same.out.begin(), same.out.end(), nullptr, false).value("equal", false),
             true);
}

void TestDiffCli::usageErrorsExit2()
{
    for (const QStringList &args : {QStringList{m_a}, QStringList{m_a, m_b, m_b}, QStringList{u"-"_s, u"-"_s},
                                    QStringList{u"--color"_s, u"sometimes"_s, m_a, m_b},
                                    QStringList{u"--no-such-option"_s, m_a, m_b}}) {
        const ProcessResult r = diff(args);
        QVERIFY2(r.code == 2, qPrintable(args.join(u' ')));
        QVERIFY2(r.err.contains("pingscope diff: "), r.err.constData());
    }
    // Options of the program before the command are refused by name.
    const ProcessResult before =
        test::runProcess(bin(), {u"--db"_s, u"x.pingscope"_s, u"diff"_s, m_a, m_b}, 20'000);
    QCOMPARE(before.code, 2);
    QVERIFY2(before.err.contains("pingscope diff [OPTIONS]"), before.err.constData());

    const ProcessResult help = diff({u"--help"_s});
    QCOMPARE(help.code, 0);
    for (const char *word : {"Usage:", "--db", "--json", "--color", "--version", "Exit code"})
        QVERIFY2(help.out.contains(word), word);
}

QTEST_GUILESS_MAIN(TestDiffCli)
#include "tst_diffcli.moc"
