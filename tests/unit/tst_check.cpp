// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// `pingscope check`, end to end: the real binary, a command that posts what Firefox ESR and
// Glean.js really sent (tests/data/captured-requests) with curl, the exit codes, the summary,
// and the JUnit and JSON reports read back.

#include "testsupport.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

#include <nlohmann/json.hpp>

using namespace Qt::StringLiterals;
using namespace pingscope;
using namespace pingscope::test;

namespace {

struct Run
{
    int exitCode = -1;
    QString out, err;
};

QString shellQuote(const QByteArray &s)
{
    QString q = QString::fromUtf8(s);
    q.replace(u"'"_s, u"'\\''"_s);
    return u"'"_s + q + u"'"_s;
}

const CapturedRequest &captured(const QString &name)
{
    static const QList<CapturedRequest> all = loadCapturedRequests();
    for (const CapturedRequest &c : all)
        if (c.name == name)
            return c;
    qFatal("no captured request %s", qPrintable(name));
}

// One curl line that sends `c` as its client did (headers in order, the body as received) to
// the endpoint the check gives the command.
QString curlLine(const CapturedRequest &c, const QString &bodyFile)
{
    QString line = u"curl -sS -o /dev/null -X POST -H 'Expect:'"_s;
    for (const HttpHeader &h : c.headers) {
        const QByteArray name = h.name.toLower();
        if (name == "host" || name == "content-length")
            continue;
        line += u" -H "_s + shellQuote(h.name + ": " + h.value);
    }
    return line + u" --data-binary @"_s + bodyFile + u" \"$PINGSCOPE_ENDPOINT\""_s + shellQuote(c.url);
}

} // namespace

class TestCheck : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void passesWithRealPingsAndReports();
    void brokenPingFails();
    void missingExpectationFailsAtTimeout();
    void noPingFails();
    void commandFailureFails();
    void unregisteredAndWarnings();
    void usageAndStartErrorsExit2();
    void expectationSpecs();

private:
    QString bin() const { return qEnvironmentVariable("PINGSCOPE_BIN"); }
    // A bash script posting `requests` (with `extra` lines after them).
    QString script(const QList<CapturedRequest> &requests, const QString &extra = {});
    Run check(const QStringList &args);
    QTemporaryDir m_dir;
    int m_scripts = 0;
};

QString TestCheck::script(const QList<CapturedRequest> &requests, const QString &extra)
{
    const QString dir = m_dir.filePath(u"s%1"_s.arg(++m_scripts));
    QDir().mkpath(dir);
    QString text = u"set -e\n"_s;
    for (qsizetype i = 0; i < requests.size(); ++i) {
        const QString body = dir + u"/body%1"_s.arg(i);
        QFile f(body);
        if (!f.open(QIODevice::WriteOnly) || f.write(requests[i].body) != requests[i].body.size())
            qFatal("cannot write %s", qPrintable(body));
        text += curlLine(requests[i], body) + u'\n';
    }
    text += extra;
    const QString path = dir + u"/post.sh"_s;
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(text.toUtf8()) < 0)
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

Run TestCheck::check(const QStringList &args)
{
    const ProcessResult p = runProcess(bin(), QStringList{u"check"_s} + args, 60'000);
    return {p.code, QString::fromUtf8(p.out), QString::fromUtf8(p.err)};
}

void TestCheck::passesWithRealPingsAndReports()
{
    // Firefox ESR's baseline and newtab pings (Glean) and a legacy Telemetry ping, all valid in
    // production; the command also records the environment the check gave it.
    const QString envFile = m_dir.filePath(u"env.txt"_s);
    const QString post =
        script({captured(u"firefox-esr/005-POST-firefox-desktop_baseline"_s),
                captured(u"firefox-esr/003-POST-firefox-desktop_newtab"_s),
                captured(u"firefox-esr/002-POST-telemetry_ba5715fa-a3d5-4da2-a8a5-6e27c870d6e7"_s)},
               u"echo \"$PINGSCOPE_ENDPOINT $PINGSCOPE_PORT\" > "_s + envFile + u'\n');
    const QString junit = m_dir.filePath(u"pass.xml"_s), report = m_dir.filePath(u"pass.json"_s);
    const Run r = check({u"--quiet-period"_s, u"0.3"_s, u"--timeout"_s, u"30"_s, u"--expect"_s,
                         u"firefox-desktop/baseline=1"_s, u"--expect"_s, u"newtab"_s, u"--report-junit"_s,
                         junit, u"--report-json"_s, report, u"--"_s, u"bash"_s, post});
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains(u"Result: PASS (3 of 3 ping(s) valid, 2 of 2 expectation(s) met)"_s),
             qPrintable(r.out));
    QVERIFY2(r.out.contains(u"ok    firefox-desktop/baseline=1: 1 ping(s)"_s), qPrintable(r.out));

    // The command saw the endpoint the check printed.
    QFile env(envFile);
    QVERIFY(env.open(QIODevice::ReadOnly));
    const QStringList seen = QString::fromUtf8(env.readAll()).trimmed().split(u' ');
    QCOMPARE(seen.size(), 2);
    QVERIFY2(r.out.contains(u"endpoint "_s + seen[0] + u" "_s), qPrintable(r.out));
    QCOMPARE(seen[0], u"http://127.0.0.1:"_s + seen[1]);

    // JUnit, read back: 2 expectations, 3 pings, the command; no failure.
    QFile xml(junit);
    QVERIFY(xml.open(QIODevice::ReadOnly));
    QXmlStreamReader x(&xml);
    int testcases = 0, failures = 0, suites = 0;
    QString rootTests, rootFailures;
    while (!x.atEnd()) {
        x.readNext();
        if (!x.isStartElement())
            continue;
        if (x.name() == u"testsuites"_s) {
            rootTests = x.attributes().value(u"tests"_s).toString();
            rootFailures = x.attributes().value(u"failures"_s).toString();
        } else if (x.name() == u"testsuite"_s) {
            ++suites;
        } else if (x.name() == u"testcase"_s) {
            ++testcases;
        } else if (x.name() == u"failure"_s) {
            ++failures;
        }
    }
    QVERIFY2(!x.hasError(), qPrintable(x.errorString()));
    QCOMPARE(suites, 3);
    QCOMPARE(testcases, 6);
    QCOMPARE(failures, 0);
    QCOMPARE(rootTests, u"6"_s);
    QCOMPARE(rootFailures, u"0"_s);

    QFile js(report);
    QVERIFY(js.open(QIODevice::ReadOnly));
    const QByteArray bytes = js.readAll();
    const auto j = nlohmann::json::parse(bytes.begin(), bytes.end());
    QVERIFY(j.at("result") == "pass");
    QVERIFY(j.at("pings").size() == size_t(3));
    QVERIFY(j.at("expectations").at(0).at("matched") == 1);
    QVERIFY(j.at("command").at("exit_code") == 0);
    for (const auto &p : j.at("pings"))
        QVERIFY(p.at("verdict") == "valid");
}

void TestCheck::brokenPingFails()
{
    // The baseline ping's headers, a body cut short: not JSON, as the pipeline would say.
    CapturedRequest broken = captured(u"firefox-esr/005-POST-firefox-desktop_baseline"_s);
    broken.headers.removeIf(
        [](const HttpHeader &h) { return h.name.compare("content-encoding", Qt::CaseInsensitive) == 0; });
    broken.body = R"({"ping_info": {"seq": 1,)";
    broken.url = "/submit/firefox-desktop/baseline/1/0c5a3f4e-29f5-4b7e-9d3e-5c1a8d2f6b01";
    const QString junit = m_dir.filePath(u"broken.xml"_s);
    const Run r = check({u"--quiet-period"_s, u"0.3"_s, u"--expect"_s, u"baseline"_s, u"--report-junit"_s,
                         junit, u"--"_s, u"bash"_s, script({broken})});
    QVERIFY2(r.exitCode == 1, qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains(u"FAIL  #1 firefox-desktop/baseline/1 not-json"_s), qPrintable(r.out));
    QVERIFY2(r.out.contains(u"FAIL  baseline: 1 ping(s), not valid: #1 not-json"_s), qPrintable(r.out));
    QFile xml(junit);
    QVERIFY(xml.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(xml.readAll());
    QVERIFY2(text.contains(u"<failure message=\"not-json: 1 error(s), "_s), qPrintable(text));
    QVERIFY2(text.contains(u"failures=\"2\""_s), qPrintable(text));
}

void TestCheck::missingExpectationFailsAtTimeout()
{
    QElapsedTimer t;
    t.start();
    const Run r = check({u"--expect"_s, u"events>=1"_s, u"--timeout"_s, u"1.5"_s});
    QVERIFY2(r.exitCode == 1, qPrintable(r.out + r.err));
    QVERIFY(t.elapsed() >= 1500);
    QVERIFY2(r.out.contains(u"FAIL  events>=1: 0 ping(s), expected at least 1"_s), qPrintable(r.out));
    QVERIFY2(r.out.contains(u"(timed out)"_s), qPrintable(r.out));
    QVERIFY2(r.out.contains(u"no ping arrived"_s), qPrintable(r.out));
}

void TestCheck::noPingFails()
{
    // A typo in the app's endpoint: the command succeeds, nothing arrives; a green build would lie.
    const QString report = m_dir.filePath(u"none.json"_s);
    const Run r = check({u"--quiet-period"_s, u"0.3"_s, u"--report-json"_s, report, u"--"_s, u"true"_s});
    QVERIFY2(r.exitCode == 1, qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains(u"no ping arrived"_s), qPrintable(r.out));
    QFile js(report);
    QVERIFY(js.open(QIODevice::ReadOnly));
    const QByteArray bytes = js.readAll();
    const auto j = nlohmann::json::parse(bytes.begin(), bytes.end());
    QVERIFY(j.at("no_pings") == true);
    QVERIFY(j.at("result") == "fail");
}

void TestCheck::commandFailureFails()
{
    const Run r =
        check({u"--quiet-period"_s, u"0.3"_s, u"--"_s, u"bash"_s,
               script({captured(u"firefox-esr/005-POST-firefox-desktop_baseline"_s)}, u"exit 3\n"_s)});
    QVERIFY2(r.exitCode == 1, qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains(u"exited with 3"_s), qPrintable(r.out));
    QVERIFY2(r.out.contains(u"1 of 1 ping(s) valid"_s), qPrintable(r.out));
}

void TestCheck::unregisteredAndWarnings()
{
    // Glean.js's test app is not in the registry: production drops it ("No such docType").
    const QString gleanjs = script({captured(u"gleanjs/002-POST-peers-gleanjs-node_peer-test"_s)});
    Run r = check({u"--quiet-period"_s, u"0.3"_s, u"--"_s, u"bash"_s, gleanjs});
    QVERIFY2(r.exitCode == 1, qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains(u"unregistered"_s), qPrintable(r.out));
    QVERIFY2(r.out.contains(u"No such docType"_s), qPrintable(r.out));
    r = check({u"--quiet-period"_s, u"0.3"_s, u"--allow-unregistered"_s, u"--"_s, u"bash"_s, gleanjs});
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));

    // The same baseline ping twice: the second is a duplicate docId, a warning only.
    const CapturedRequest &baseline = captured(u"firefox-esr/005-POST-firefox-desktop_baseline"_s);
    const QString twice = script({baseline, baseline});
    r = check({u"--quiet-period"_s, u"0.3"_s, u"--"_s, u"bash"_s, twice});
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    r = check({u"--quiet-period"_s, u"0.3"_s, u"--fail-on-warnings"_s, u"--"_s, u"bash"_s, twice});
    QVERIFY2(r.exitCode == 1, qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains(u"valid with 1 warning(s)"_s), qPrintable(r.out));
    QVERIFY2(r.out.contains(u"duplicate-doc-id"_s), qPrintable(r.out));
}

void TestCheck::usageAndStartErrorsExit2()
{
    for (const QStringList &args :
         {QStringList{u"--expect"_s, u"a/b/c"_s}, QStringList{u"--expect"_s, u"events>=0"_s},
          QStringList{u"--timeout"_s, u"0"_s}, QStringList{u"--quiet-period"_s, u"x"_s},
          QStringList{u"--port"_s, u"70000"_s}, QStringList{u"stray"_s}, QStringList{u"--"_s},
          QStringList{u"--no-such-option"_s},
          QStringList{u"--"_s, u"/nonexistent/pingscope-test-command"_s}}) {
        const Run r = check(args);
        QVERIFY2(r.exitCode == 2,
                 qPrintable(args.join(u' ') + u": "_s + QString::number(r.exitCode) + r.out + r.err));
        QVERIFY2(!r.err.isEmpty(), qPrintable(args.join(u' ')));
    }
    const Run help = check({u"--help"_s});
    QCOMPARE(help.exitCode, 0);
    for (const QString &opt : {u"--expect"_s, u"--timeout"_s, u"--report-junit"_s, u"--report-json"_s,
                               u"--fail-on-warnings"_s, u"--allow-unregistered"_s, u"--quiet-period"_s})
        QVERIFY2(help.out.contains(opt), qPrintable(opt));
}

void TestCheck::expectationSpecs()
{
    const Run r =
        check({u"--expect"_s, u"org.mozilla.fenix/baseline>=2"_s, u"--expect"_s, u"events=0"_s, u"--expect"_s,
               u"metrics"_s, u"--timeout"_s, u"0.5"_s, u"--report-json"_s, m_dir.filePath(u"specs.json"_s)});
    QCOMPARE(r.exitCode, 1);
    QFile js(m_dir.filePath(u"specs.json"_s));
    QVERIFY(js.open(QIODevice::ReadOnly));
    const QByteArray bytes = js.readAll();
    const auto e = nlohmann::json::parse(bytes.begin(), bytes.end()).at("expectations");
    QCOMPARE(e.size(), size_t(3));
    QVERIFY(e[0].at("namespace") == "org.mozilla.fenix");
    QVERIFY(e[0].at("doc_type") == "baseline");
    QVERIFY(e[0].at("op") == ">=");
    QVERIFY(e[0].at("count") == 2);
    QVERIFY(e[1].at("op") == "=");
    QVERIFY(e[1].at("count") == 0);
    QVERIFY(e[1].at("met") == true); // none arrived, none expected
    QVERIFY(e[2].at("op") == ">=");
    QVERIFY(e[2].at("count") == 1);
    QVERIFY(e[2].at("met") == false);
}

QTEST_GUILESS_MAIN(TestCheck)
#include "tst_check.moc"
