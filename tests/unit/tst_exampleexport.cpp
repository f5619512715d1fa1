// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "exampleexport.h"
#include "store/store.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <tuple>
#include <vector>

using namespace pingscope;
using namespace Qt::StringLiterals;

namespace {

PingRecord ping(const QString &ns, const QString &docType, const QString &version, const QByteArray &payload)
{
    PingRecord r;
    r.id = 42;
    r.ns = ns;
    r.docType = docType;
    r.docVersion = version;
    r.payload = payload;
    r.verdict = u"valid"_s;
    return r;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestExampleExport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void writesExactPathAndBytes();
    void telemetryVersionFromRecord();
    void refusesOverwriteUnlessAsked();
    void refusals_data();
    void refusals();
    void commandLine();
    void staysInsideTheCheckout();
};

void TestExampleExport::writesExactPathAndBytes()
{
    QTemporaryDir dir;
    // Keys keep the client's order (not sorted); two-space indent; final newline.
    const PingRecord r =
        ping(u"org-example-app"_s, u"baseline"_s, u"1"_s,
             R"({"ping_info":{"seq":3,"end_time":"x"},"client_info":{"b":1,"a":[1,2]},"metrics":{}})");
    ExampleRequest req{dir.path(), u"first-run_2"_s, true, false};
    const ExampleResult res = saveExample(r, req);
    QVERIFY2(res.ok, qPrintable(res.error));
    QCOMPARE(res.path, dir.filePath(u"validation/org-example-app/baseline.1.first-run_2.pass.json"_s));
    const QByteArray want = "{\n"
                            "  \"ping_info\": {\n"
                            "    \"seq\": 3,\n"
                            "    \"end_time\": \"x\"\n"
                            "  },\n"
                            "  \"client_info\": {\n"
                            "    \"b\": 1,\n"
                            "    \"a\": [\n"
                            "      1,\n"
                            "      2\n"
                            "    ]\n"
                            "  },\n"
                            "  \"metrics\": {}\n"
                            "}\n";
    QCOMPARE(readAll(res.path), want);
    req.pass = false;
    QCOMPARE(saveExample(r, req).path,
             dir.filePath(u"validation/org-example-app/baseline.1.first-run_2.fail.json"_s));
}

void TestExampleExport::telemetryVersionFromRecord()
{
    QTemporaryDir dir;
    const PingRecord r = ping(u"telemetry"_s, u"main"_s, u"4"_s, R"({"version":4})");
    const ExampleResult res = saveExample(r, {dir.path(), u"captured"_s, true, false});
    QVERIFY(res.ok);
    QCOMPARE(res.path, dir.filePath(u"validation/telemetry/main.4.captured.pass.json"_s));
}

void TestExampleExport::refusesOverwriteUnlessAsked()
{
    QTemporaryDir dir;
    const PingRecord r = ping(u"a"_s, u"b"_s, u"1"_s, R"({"n":1})");
    QVERIFY(saveExample(r, {dir.path(), u"x"_s, true, false}).ok);
    const PingRecord r2 = ping(u"a"_s, u"b"_s, u"1"_s, R"({"n":2})");
    const ExampleResult again = saveExample(r2, {dir.path(), u"x"_s, true, false});
    QVERIFY(!again.ok);
    QVERIFY(again.exists);
    QCOMPARE(readAll(again.path), QByteArray("{\n  \"n\": 1\n}\n"));
    QVERIFY(saveExample(r2, {dir.path(), u"x"_s, true, true}).ok);
    QCOMPARE(readAll(again.path), QByteArray("{\n  \"n\": 2\n}\n"));
}

void TestExampleExport::refusals_data()
{
    QTest::addColumn<QString>("ns");
    QTest::addColumn<QString>("version");
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("errorContains");
    QTest::addRow("not json") << u"a"_s << u"1"_s << QByteArray() << u"n"_s << u"no JSON payload"_s;
    QTest::addRow("no version") << u"telemetry"_s << QString() << QByteArray("{}") << u"n"_s
                                << u"no namespace"_s;
    QTest::addRow("name with dot") << u"a"_s << u"1"_s << QByteArray("{}") << u"a.b"_s
                                   << u"may only contain"_s;
    QTest::addRow("name with slash") << u"a"_s << u"1"_s << QByteArray("{}") << u"../x"_s
                                     << u"may only contain"_s;
    QTest::addRow("empty name") << u"a"_s << u"1"_s << QByteArray("{}") << QString() << u"may only contain"_s;
    QTest::addRow("namespace ..") << u".."_s << u"1"_s << QByteArray("{}") << u"n"_s
                                  << u"cannot be a file name"_s;
}

void TestExampleExport::refusals()
{
    QFETCH(QString, ns);
    QFETCH(QString, version);
    QFETCH(QByteArray, payload);
    QFETCH(QString, name);
    QFETCH(QString, errorContains);
    QTemporaryDir dir;
    const ExampleResult r = saveExample(ping(ns, u"b"_s, version, payload), {dir.path(), name, true, false});
    QVERIFY(!r.ok);
    QVERIFY2(r.error.contains(errorContains), qPrintable(r.error));
    QVERIFY(!QDir(dir.filePath(u"validation"_s)).exists());
}

// No name from a request leads the file out of the checkout: ../, absolute paths, symlinks.
void TestExampleExport::staysInsideTheCheckout()
{
    QTemporaryDir checkout, outside;
    const QByteArray payload = "{\"a\": 1}";
    for (const auto &[ns, dt, ver] :
         std::vector<std::tuple<QString, QString, QString>>{{u".."_s, u"b"_s, u"1"_s},
                                                            {u"a"_s, u".."_s, u"1"_s},
                                                            {u"a"_s, u"b"_s, u".."_s},
                                                            {u"/etc"_s, u"b"_s, u"1"_s},
                                                            {u"a"_s, u"../../x"_s, u"1"_s},
                                                            {u"a\\..\\x"_s, u"b"_s, u"1"_s},
                                                            {u"a"_s, u"b"_s, u"1/../../x"_s}}) {
        const ExampleResult r =
            saveExample(ping(ns, dt, ver, payload), {checkout.path(), u"n"_s, true, false});
        QVERIFY2(!r.ok, qPrintable(ns + u'/' + dt + u'/' + ver));
    }
    QVERIFY(QDir(outside.path()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).isEmpty());
    // validation/ (or validation/<ns>) a symlink to another folder: refused, nothing written there.
    QVERIFY(QFile::link(outside.path(), checkout.filePath(u"validation"_s)));
    ExampleResult r =
        saveExample(ping(u"a"_s, u"b"_s, u"1"_s, payload), {checkout.path(), u"n"_s, true, false});
    QVERIFY(!r.ok);
    QVERIFY2(r.error.contains(u"outside the checkout"_s), qPrintable(r.error));
    QVERIFY(QDir(outside.path()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).isEmpty() ||
            QDir(outside.path()).entryList(QDir::Files, QDir::NoSort).isEmpty());
    QVERIFY(QFile::remove(checkout.filePath(u"validation"_s)));
    // The example file itself a symlink (to a file outside): refused, the target untouched.
    QVERIFY(QDir().mkpath(checkout.filePath(u"validation/a"_s)));
    const QString target = outside.filePath(u"secret.txt"_s);
    {
        QFile f(target);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("keep");
    }
    QVERIFY(QFile::link(target, checkout.filePath(u"validation/a/b.1.n.pass.json"_s)));
    r = saveExample(ping(u"a"_s, u"b"_s, u"1"_s, payload), {checkout.path(), u"n"_s, true, true});
    QVERIFY(!r.ok);
    QCOMPARE(readAll(target), QByteArray("keep"));
    // A normal example is written owner-only.
    r = saveExample(ping(u"a"_s, u"c"_s, u"1"_s, payload), {checkout.path(), u"n"_s, true, false});
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(QFile::permissions(r.path) & (QFileDevice::ReadOther | QFileDevice::ReadGroup |
                                           QFileDevice::WriteOther | QFileDevice::WriteGroup),
             QFileDevice::Permissions());
}

void TestExampleExport::commandLine()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(u"s.pingscope"_s);
    {
        QString err;
        auto store = Store::open(db, &err);
        QVERIFY(store);
        PingRecord good = ping(u"org-example-app"_s, u"events"_s, u"1"_s, R"({"events":[]})");
        PingRecord bad = good;
        bad.verdict = u"invalid"_s;
        bad.errorCount = 2;
        // A schema author's new ping, not in the registry yet: pass/fail follows the generic check.
        PingRecord newPing = good;
        newPing.verdict = u"unregistered"_s;
        newPing.errorsJson = R"([{"kind":"decoder","message":"No such docType"}])";
        PingRecord newBad = newPing;
        newBad.errorsJson =
            R"([{"kind":"decoder","message":"No such docType"},{"kind":"schema","generic":true}])";
        store->enqueue(good, 0);
        store->enqueue(bad, 0);
        store->enqueue(newPing, 0);
        store->enqueue(newBad, 0);
        store->flush();
    }
    const QString bin = qEnvironmentVariable("PINGSCOPE_BIN");
    const QString checkout = dir.filePath(u"schemas-checkout"_s);
    QDir().mkpath(checkout);
    auto run = [&](const QStringList &args, QByteArray *out = nullptr, QByteArray *errOut = nullptr) {
        QProcess p;
        p.start(bin, QStringList{u"export-example"_s, u"--db"_s, db, u"--to"_s, checkout} + args);
        p.waitForFinished(30000);
        if (out)
            *out = p.readAllStandardOutput();
        if (errOut)
            *errOut = p.readAllStandardError();
        return p.exitCode();
    };
    QByteArray out, errText;
    QCOMPARE(run({u"--id"_s, u"1"_s, u"--name"_s, u"sample"_s}, &out), 0);
    const QString passFile = checkout + u"/validation/org-example-app/events.1.sample.pass.json"_s;
    QCOMPARE(out.trimmed(), QDir::cleanPath(passFile).toUtf8());
    QCOMPARE(readAll(passFile), QByteArray("{\n  \"events\": []\n}\n"));
    // An invalid ping becomes a fail example unless told otherwise; --pass warns.
    QCOMPARE(run({u"--id"_s, u"2"_s, u"--name"_s, u"sample"_s}), 0);
    QVERIFY(QFile::exists(checkout + u"/validation/org-example-app/events.1.sample.fail.json"_s));
    QCOMPARE(run({u"--id"_s, u"2"_s, u"--name"_s, u"forced"_s, u"--pass"_s}, nullptr, &errText), 0);
    QVERIFY(errText.contains("warning"));
    QCOMPARE(run({u"--id"_s, u"3"_s, u"--name"_s, u"new-ping"_s}), 0);
    QVERIFY(QFile::exists(checkout + u"/validation/org-example-app/events.1.new-ping.pass.json"_s));
    QCOMPARE(run({u"--id"_s, u"4"_s, u"--name"_s, u"new-ping"_s}), 0);
    QVERIFY(QFile::exists(checkout + u"/validation/org-example-app/events.1.new-ping.fail.json"_s));
    // Refusals: existing file, unknown id, bad name, missing options.
    QCOMPARE(run({u"--id"_s, u"1"_s, u"--name"_s, u"sample"_s}, nullptr, &errText), 1);
    QVERIFY(errText.contains("--force"));
    QCOMPARE(run({u"--id"_s, u"1"_s, u"--name"_s, u"sample"_s, u"--force"_s}), 0);
    QCOMPARE(run({u"--id"_s, u"99"_s, u"--name"_s, u"x"_s}), 1);
    QCOMPARE(run({u"--id"_s, u"1"_s, u"--name"_s, u"a b"_s}), 1);
    QCOMPARE(run({u"--id"_s, u"1"_s}), 2);
}

QTEST_GUILESS_MAIN(TestExampleExport)
#include "tst_exampleexport.moc"
