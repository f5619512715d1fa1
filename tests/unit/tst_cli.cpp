#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void helpDocumentsEveryOption();
    void usageErrorsExit2();
    void headlessPrintsEndpointAndStopsOnSigterm();
    void busyPortIsAClearError();

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
    for (const auto &opt : {u"--headless"_s, u"--port"_s, u"--listen"_s, u"--db"_s, u"--max-body"_s,
                            u"--max-decoded"_s, u"--request-timeout"_s, u"--idle-timeout"_s,
                            u"--respond-status"_s, u"--ingest-threads"_s, u"--version"_s})
        QVERIFY2(help.contains(opt), qPrintable(opt));
}

void TestCli::usageErrorsExit2()
{
    for (const QStringList &args : {QStringList{u"--headless"_s, u"--port"_s, u"70000"_s},
                                    QStringList{u"--headless"_s, u"--no-such-option"_s},
                                    QStringList{u"--headless"_s, u"--listen"_s, u"nowhere"_s},
                                    QStringList{u"--headless"_s, u"--respond-status"_s, u"42"_s}}) {
        QProcess p;
        p.start(bin(), args);
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(!p.readAllStandardError().isEmpty());
    }
}

void TestCli::headlessPrintsEndpointAndStopsOnSigterm()
{
    QTemporaryDir dir;
    QProcess p;
    p.start(bin(), {u"--headless"_s, u"--port"_s, u"0"_s, u"--db"_s, dir.filePath(u"x.pingscope"_s)});
    QVERIFY(p.waitForStarted());
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += p.readAllStandardOutput()).contains("capturing on http://127.0.0.1:"), 10000);
    QVERIFY(out.contains("/pingscope/v1/pings"));
    p.terminate(); // SIGTERM: a clean stop
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 0);
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
    second.start(bin(), {u"--headless"_s, u"--port"_s, m.captured(1), u"--db"_s, dir.filePath(u"b.pingscope"_s)});
    QVERIFY(second.waitForFinished(10000));
    QCOMPARE(second.exitCode(), 1);
    QVERIFY(second.readAllStandardError().contains("cannot listen"));
    first.terminate();
    QVERIFY(first.waitForFinished(10000));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
