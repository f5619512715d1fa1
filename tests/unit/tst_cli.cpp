// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <memory>
#include <vector>

using namespace Qt::StringLiterals;

class TestCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void helpDocumentsEveryOption();
    void usageErrorsExit2();
    void helpAllAndVersionEverywhere();
    void usageErrorsNeedNoDisplay();
    void headlessPrintsEndpointAndStopsOnSigterm();
    void busyPortIsAClearError();
    void outOfDescriptorsBacksOff();
    void validateExamplesAsNamed();
    void validateJsonOutput();
    void validateSchemaFileAndExitCodes();

private:
    QString bin() const { return qEnvironmentVariable("PINGSCOPE_BIN"); }
};

void TestCli::helpDocumentsEveryOption()
{
    QProcess p;
    p.start(bin(), {u"--help"_s});
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 0);
    const QString help = QString::fromUtf8(p.readAllStandardOutput());
    for (const auto &opt :
         {u"--headless"_s, u"--port"_s, u"--listen"_s, u"--db"_s, u"--max-body"_s, u"--max-decoded"_s,
          u"--request-timeout"_s, u"--idle-timeout"_s, u"--respond-status"_s, u"--ingest-threads"_s,
          u"--version"_s, u"--max-store-size"_s, u"--memory-budget"_s})
        QVERIFY2(help.contains(opt), qPrintable(opt));
}

void TestCli::usageErrorsExit2()
{
    for (const QStringList &args : {QStringList{u"--headless"_s, u"--port"_s, u"70000"_s},
                                    QStringList{u"--headless"_s, u"--no-such-option"_s},
                                    QStringList{u"--headless"_s, u"--listen"_s, u"nowhere"_s},
                                    QStringList{u"--headless"_s, u"--respond-status"_s, u"42"_s},
                                    QStringList{u"--headless"_s, u"--max-store-size"_s, u"lots"_s},
                                    QStringList{u"--headless"_s, u"--max-store-size"_s, u"10K"_s},
                                    QStringList{u"--headless"_s, u"--memory-budget"_s, u"0"_s},
                                    QStringList{u"--headless"_s, u"--memory-budget"_s, u"1M"_s}}) {
        QProcess p;
        p.start(bin(), args);
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(!p.readAllStandardError().isEmpty());
    }
}

// --help, --help-all and --version print and exit 0, for the program and every subcommand,
// and never start a capture server.
void TestCli::helpAllAndVersionEverywhere()
{
    for (const QStringList &prefix :
         {QStringList{}, QStringList{u"validate"_s}, QStringList{u"export-example"_s}, QStringList{u"diff"_s},
          QStringList{u"replay"_s}, QStringList{u"export"_s}}) {
        for (const QString &flag : {u"--help"_s, u"--help-all"_s, u"-h"_s, u"--version"_s}) {
            QProcess p;
            p.start(bin(), prefix + QStringList{flag});
            QVERIFY2(p.waitForFinished(10000), qPrintable(prefix.join(u' ') + u' ' + flag));
            QCOMPARE(p.exitStatus(), QProcess::NormalExit);
            QCOMPARE(p.exitCode(), 0);
            const QString out = QString::fromUtf8(p.readAllStandardOutput());
            if (flag == u"--version")
                QVERIFY2(out.startsWith(u"pingscope "_s), qPrintable(out));
            else
                QVERIFY2(out.contains(u"Usage:"_s) && out.contains(u"--version"_s), qPrintable(out));
        }
    }
    // The document version of validate is --doc-version; --no-bundled-schemas is one spelling.
    QProcess p;
    p.start(bin(), {u"validate"_s, u"--help"_s});
    QVERIFY(p.waitForFinished(10000));
    const QString help = QString::fromUtf8(p.readAllStandardOutput());
    QVERIFY(help.contains(u"--doc-version"_s));
    QVERIFY(help.contains(u"--no-bundled-schemas"_s));
}

// Without any display, a bad command line is a message and exit 2, never an abort in Qt's
// platform plugin; so is starting the window.
void TestCli::usageErrorsNeedNoDisplay()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(u"DISPLAY"_s);
    env.remove(u"WAYLAND_DISPLAY"_s);
    env.remove(u"QT_QPA_PLATFORM"_s);
    QTemporaryDir dir;
    for (const QStringList &args :
         {QStringList{u"--no-such-option"_s}, QStringList{u"--port"_s, u"x"_s}, QStringList{u"stray"_s},
          QStringList{u"--db"_s, dir.filePath(u"x.pingscope"_s), u"validate"_s, u"f.json"_s},
          QStringList{u"validate"_s, u"--no-such-option"_s}, QStringList{u"export-example"_s},
          QStringList{u"--db"_s, dir.filePath(u"x.pingscope"_s)}}) {
        // A build without the window runs headless there instead (it needs no display).
        if (!PINGSCOPE_WITH_GUI && args.size() == 2 && args.first() == u"--db"_s)
            continue;
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(bin(), args);
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QVERIFY2(p.exitCode() == 2, qPrintable(args.join(u' ') + u": " + QString::number(p.exitCode())));
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(!err.isEmpty(), qPrintable(args.join(u' ')));
        if (args.contains(u"validate"_s) && args.first() == u"--db")
            QVERIFY2(err.contains(u"options go after the command"_s), qPrintable(err));
    }
}

void TestCli::headlessPrintsEndpointAndStopsOnSigterm()
{
    QTemporaryDir dir;
    QProcess p;
    p.start(bin(), {u"--headless"_s, u"--port"_s, u"0"_s, u"--db"_s, dir.filePath(u"x.pingscope"_s)});
    QVERIFY(p.waitForStarted());
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += p.readAllStandardOutput()).contains("capturing on http://127.0.0.1:"),
                             10000);
    QVERIFY(out.contains("/pingscope/v1/pings"));
    p.terminate(); // SIGTERM: a clean stop
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 0);
}

// At the open-file limit the accept loop waits instead of spinning (Qt 6.4 retries accept()
// for ever without a word), closes idle keep-alive connections to get descriptors back, and
// serves again once some are free.
void TestCli::outOfDescriptorsBacksOff()
{
    if (QStandardPaths::findExecutable(u"prlimit"_s).isEmpty())
        QSKIP("prlimit (util-linux) is not installed");
    QTemporaryDir dir;
    QProcess p;
    p.start(u"prlimit"_s, {u"--nofile=64:64"_s, u"--"_s, bin(), u"--headless"_s, u"--port"_s, u"0"_s,
                           u"--db"_s, dir.filePath(u"x.pingscope"_s)});
    QVERIFY(p.waitForStarted());
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += p.readAllStandardOutput()).contains("capturing on http://127.0.0.1:"),
                             10000);
    const int at = out.indexOf("127.0.0.1:") + 10;
    const quint16 port = out.mid(at, out.indexOf('\n', at) - at).trimmed().toUShort();
    QVERIFY(port > 0);
    std::vector<std::unique_ptr<QTcpSocket>> held;
    for (int i = 0; i < 48; ++i) { // more than the descriptors left, fewer than they and the backlog hold
        held.push_back(std::make_unique<QTcpSocket>());
        held.back()->connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(held.back()->waitForConnected(5000)); // the kernel's backlog takes them
    }
    QTest::qWait(500);
    auto cpuTicks = [&] {
        QFile stat(u"/proc/%1/stat"_s.arg(p.processId()));
        if (!stat.open(QIODevice::ReadOnly))
            return qint64(-1);
        const QList<QByteArray> f = stat.readAll().split(' ');
        return f.size() > 14 ? f[13].toLongLong() + f[14].toLongLong() : qint64(-1);
    };
    // prlimit execs the program: its pid is Pingscope's. Spinning would take all 200 ticks.
    const qint64 before = cpuTicks();
    QTest::qWait(2000);
    const qint64 used = cpuTicks() - before;
    qInfo("%lld ticks of CPU in 2 s at the descriptor limit", used);
    QVERIFY2(before >= 0 && used < 60,
             qPrintable(u"%1 ticks of CPU in 2 s at the descriptor limit"_s.arg(used)));
    held.clear();
    QElapsedTimer t;
    t.start();
    int status = 0;
    while (t.elapsed() < 10000 && status != 200) {
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, port);
        if (s.waitForConnected(1000)) {
            s.write("POST /submit/a/b/1/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}");
            if (s.waitForReadyRead(2000))
                status = s.readAll().mid(9, 3).toInt();
        }
        if (status != 200)
            QTest::qWait(100);
    }
    QCOMPARE(status, 200);
    p.terminate();
    QVERIFY(p.waitForFinished(10000));
}

void TestCli::busyPortIsAClearError()
{
    QTemporaryDir dir;
    QProcess first;
    first.start(bin(), {u"--headless"_s, u"--port"_s, u"0"_s, u"--db"_s, dir.filePath(u"a.pingscope"_s)});
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += first.readAllStandardOutput()).contains("capturing on"), 10000);
    const auto m = QRegularExpression(u":(\\d+)\n"_s).match(QString::fromUtf8(out));
    QVERIFY(m.hasMatch());
    QProcess second;
    second.start(bin(),
                 {u"--headless"_s, u"--port"_s, m.captured(1), u"--db"_s, dir.filePath(u"b.pingscope"_s)});
    QVERIFY(second.waitForFinished(10000));
    QCOMPARE(second.exitCode(), 1);
    QVERIFY(second.readAllStandardError().contains("cannot listen"));
    first.terminate();
    QVERIFY(first.waitForFinished(10000));
}

namespace {

using pingscope::test::ProcessResult;
using Run = ProcessResult;

Run runPingscope(const QString &bin, const QStringList &args)
{
    return pingscope::test::runProcess(bin, args);
}

const QString kData = QStringLiteral(PINGSCOPE_TEST_DATA_DIR);

} // namespace

void TestCli::validateExamplesAsNamed()
{
    // Every example of the real pipeline schemas gets the verdict its name says.
    const Run r = runPingscope(bin(), {u"validate"_s, u"--schemas"_s, kData + u"/pipeline-schemas"_s,
                                       u"--expect-from-name"_s, kData + u"/pipeline-schemas/validation"_s});
    QVERIFY2(r.code == 0, r.out.right(3000).constData());
    const QList<QByteArray> lines = r.out.trimmed().split('\n');
    const auto m = QRegularExpression(u"^(\\d+) passed, 0 failed$"_s).match(QString::fromUtf8(lines.last()));
    QVERIFY2(m.hasMatch(), lines.last().constData());
    QVERIFY(m.captured(1).toInt() >= 100);
}

void TestCli::validateJsonOutput()
{
    QTemporaryDir dir;
    // A Glean ping with two independent errors, routed by its content to the generic schema.
    QFile f(dir.filePath(u"ping.json"_s));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"ping_info": {"seq": "one", "start_time": "2019-03-29T09:50-04:00",
                "end_time": "2019-03-29T09:53-04:00"},
                "client_info": {"telemetry_sdk_build": "1", "first_run_date": "2019-03-29-04:00",
                "app_build": "1", "app_display_version": "1", "architecture": "x86_64", "os": "Linux",
                "os_version": "6", "app_channel": "nightly"},
                "metrics": {"counter": {"app.clicks": "three"}}})");
    f.close();
    const Run r = runPingscope(bin(), {u"validate"_s, u"--json"_s, f.fileName()});
    QCOMPARE(r.code, 1);
    const QJsonObject o = QJsonDocument::fromJson(r.out.trimmed()).object();
    QCOMPARE(o.value(u"verdict"_s).toString(), u"invalid"_s);
    QVERIFY(o.value(u"note"_s).toString().contains(u"glean"_s));
    QStringList pointers;
    for (const auto &e : o.value(u"errors"_s).toArray())
        pointers << e.toObject().value(u"pointer"_s).toString();
    QVERIFY2(pointers.contains(u"/ping_info/seq"_s), qPrintable(pointers.join(u' ')));
    QVERIFY2(pointers.contains(u"/metrics/counter/app.clicks"_s), qPrintable(pointers.join(u' ')));
}

void TestCli::validateSchemaFileAndExitCodes()
{
    QTemporaryDir dir;
    auto write = [&](const QString &name, const QByteArray &text) {
        QFile f(dir.filePath(name));
        f.open(QIODevice::WriteOnly);
        f.write(text);
        return f.fileName();
    };
    const QString schema = write(u"s.json"_s, R"({"$schema": "http://json-schema.org/draft-04/schema#",
        "type": "object", "required": ["a"], "properties": {"a": {"type": "integer", "minimum": 0}}})");
    const QString good = write(u"good.json"_s, R"({"a": 1})");
    const QString bad = write(u"bad.json"_s, R"({"a": -1})");
    const QString notJson = write(u"broken.json"_s, "{\"a\": ");
    QCOMPARE(runPingscope(bin(), {u"validate"_s, u"--schema"_s, schema, good}).code, 0);
    const Run r = runPingscope(bin(), {u"validate"_s, u"--schema"_s, schema, good, bad, notJson});
    QCOMPARE(r.code, 1);
    QVERIFY(r.out.contains("bad.json: invalid"));
    QVERIFY(r.out.contains("broken.json: not-json"));
    QVERIFY(r.out.contains("line 1"));
    QCOMPARE(runPingscope(bin(), {u"validate"_s}).code, 2);
    QCOMPARE(runPingscope(bin(), {u"validate"_s, dir.filePath(u"missing.json"_s)}).code, 2);
    QCOMPARE(runPingscope(bin(), {u"validate"_s, u"--schema"_s, notJson, good}).code, 2);
    QCOMPARE(runPingscope(bin(), {u"validate"_s, u"--draft"_s, u"5"_s, good}).code, 2);
    // A valid example whose name says it must fail is reported and exits 1.
    QDir(dir.path()).mkpath(u"validation/glean"_s);
    QFile::copy(kData + u"/sample-pings/glean-docs-baseline.json"_s,
                dir.filePath(u"validation/glean/glean.1.sample.fail.json"_s));
    const Run e =
        runPingscope(bin(), {u"validate"_s, u"--expect-from-name"_s, dir.filePath(u"validation"_s)});
    QCOMPARE(e.code, 1);
    QVERIFY2(e.out.contains("0 passed, 1 failed"), e.out.constData());
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
