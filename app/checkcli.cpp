// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "checkcli.h"
#include "console.h"

#include "engine.h"
#include "ping/ping.h"
#include "store/store.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSaveFile>
#include <QTemporaryDir>
#include <QTimer>
#include <QXmlStreamWriter>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <memory>

using namespace Qt::StringLiterals;
using nlohmann::json;

namespace pingscope {

std::optional<CheckExpectation> parseCheckExpectation(const QString &spec, QString *error)
{
    static const QRegularExpression re(
        u"^(?:([A-Za-z0-9._-]+)/)?([A-Za-z0-9._-]+)(?:(=|>=)([0-9]{1,9}))?$"_s);
    const auto m = re.match(spec);
    if (!m.hasMatch()) {
        if (error)
            *error = u"--expect %1: not [NAMESPACE/]DOCTYPE[=N|>=N] (for example events>=1 or "
                     "firefox-desktop/baseline=2)"_s.arg(spec);
        return std::nullopt;
    }
    CheckExpectation e;
    e.spec = spec;
    e.ns = m.captured(1);
    e.docType = m.captured(2);
    if (m.hasCaptured(3)) {
        e.exactly = m.captured(3) == u"="_s;
        e.count = m.captured(4).toInt();
    }
    if (!e.exactly && e.count == 0) {
        if (error)
            *error = u"--expect %1: >=0 always holds; say =0 to expect none"_s.arg(spec);
        return std::nullopt;
    }
    return e;
}

bool sameCheckName(const QString &a, const QString &b)
{
    const auto norm = [](QString s) {
        s = s.toLower();
        s.replace(u'_', u'-');
        s.replace(u'.', u'-');
        return s;
    };
    return norm(a) == norm(b);
}

namespace {

constexpr int kShownErrors = 3; // in the summary; the reports carry up to kReportedErrors
constexpr int kReportedErrors = 20;

struct CheckOptions
{
    quint16 port = 0;
    QString dbPath;
    QStringList schemaRoots;
    QList<CheckExpectation> expectations;
    double timeoutSeconds = 120;
    double quietSeconds = 2;
    bool failOnWarnings = false;
    bool allowUnregistered = false;
    QString junitPath, jsonPath;
    QStringList command; // program and arguments; empty: none
};

// The messages of a ping's errors (or warnings) JSON, "pointer: message" where there is one.
QStringList messagesOf(const QByteArray &itemsJson, int max)
{
    QStringList out;
    const json items = json::parse(itemsJson.begin(), itemsJson.end(), nullptr, false);
    if (!items.is_array())
        return out;
    for (const json &item : items) {
        if (out.size() >= max)
            break;
        if (!item.is_object())
            continue;
        const QString message = QString::fromStdString(item.value("message", std::string()));
        const QString pointer = QString::fromStdString(item.value("pointer", std::string()));
        const QString kind = QString::fromStdString(item.value("kind", std::string()));
        out << (pointer.isEmpty() ? (kind.isEmpty() ? message : kind + u": "_s + message)
                                  : pointer + u": "_s + message);
    }
    return out;
}

QString pingName(const PingRecord &r)
{
    if (r.ns.isEmpty() && r.docType.isEmpty())
        return r.method + u' ' + r.path;
    QString name = r.ns + u'/' + r.docType;
    if (!r.docVersion.isEmpty())
        name += u'/' + r.docVersion;
    return name;
}

class Check : public QObject
{
public:
    explicit Check(CheckOptions options) : m_o(std::move(options)) {}

    int run();

private:
    // One expectation against the pings captured so far.
    struct ExpectationResult
    {
        int matched = 0;
        QList<const PingRecord *> notValid; // matched pings that fail the check
        bool countOk = false;
        bool met() const { return countOk && notValid.isEmpty(); }
    };
    ExpectationResult evaluate(const CheckExpectation &e) const;

    bool start();
    void tick();
    void readNew();
    bool pingOk(const PingRecord &r) const;
    bool countsMet() const;
    void finish();
    int exitCode() const;
    void printSummary() const;
    json reportJson() const;
    bool writeJunit(const QString &path, const json &report, QString *error) const;
    bool writeFile(const QString &path, const QByteArray &bytes, QString *error) const;

    CheckOptions m_o;
    std::unique_ptr<QTemporaryDir> m_tempDir;
    Engine m_engine;
    std::unique_ptr<StoreReader> m_reader;
    qint64 m_baselineId = 0; // pings of an existing --db up to this id are not this check's
    qint64 m_lastSeenId = 0;
    std::vector<PingRecord> m_pings;
    QElapsedTimer m_clock;
    qint64 m_lastChangeMs = 0; // the last arrival, or the command's end
    QProcess m_process;
    bool m_commandStarted = false, m_commandDone = false;
    int m_commandExit = 0;
    bool m_commandCrashed = false;
    qint64 m_commandMs = 0;
    bool m_timedOut = false;
    bool m_killedAtTimeout = false;
    QTimer m_timer;
    int m_exit = 1;
};

bool Check::start()
{
    EngineOptions e;
    if (m_o.dbPath.isEmpty()) {
        m_tempDir = std::make_unique<QTemporaryDir>(QDir::tempPath() + u"/pingscope-check-XXXXXX"_s);
        if (!m_tempDir->isValid()) {
            printErr(
                u"pingscope check: cannot make a temporary store folder: %1"_s.arg(m_tempDir->errorString()));
            return false;
        }
        e.dbPath = m_tempDir->filePath(u"check.pingscope"_s);
    } else {
        e.dbPath = m_o.dbPath;
    }
    e.capture.address = QHostAddress::LocalHost;
    e.capture.port = m_o.port;
    e.schemaRoots = m_o.schemaRoots;
    QString error;
    if (!m_engine.start(e, &error)) {
        printErr(u"pingscope check: %1"_s.arg(error));
        return false;
    }
    for (const SchemaLoadError &s : m_engine.schemaLoadErrors())
        printErr(u"pingscope check: schema not loaded: %1: %2"_s.arg(s.path, s.reason));
    m_reader = std::make_unique<StoreReader>(m_engine.store()->path());
    if (!m_reader->isOpen()) {
        printErr(u"pingscope check: cannot read the store: %1"_s.arg(m_reader->lastError()));
        return false;
    }
    m_baselineId = m_reader->newestId();
    m_lastSeenId = m_baselineId;
    printOut(u"pingscope check: endpoint %1 (store %2)"_s.arg(m_engine.endpointUrl(), e.dbPath));
    std::fflush(stdout);
    return true;
}

int Check::run()
{
    if (!start())
        return 2;
    m_clock.start();
    if (!m_o.command.isEmpty()) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"PINGSCOPE_ENDPOINT"_s, m_engine.endpointUrl());
        env.insert(u"PINGSCOPE_PORT"_s, QString::number(m_engine.port()));
        m_process.setProcessEnvironment(env);
        m_process.setProcessChannelMode(QProcess::ForwardedChannels);
        m_process.setInputChannelMode(QProcess::ForwardedInputChannel);
        QObject::connect(&m_process, &QProcess::finished, this,
                         [this](int code, QProcess::ExitStatus status) {
                             m_commandDone = true;
                             m_commandExit = code;
                             m_commandCrashed = status == QProcess::CrashExit;
                             m_commandMs = m_clock.elapsed();
                             m_lastChangeMs = m_clock.elapsed();
                         });
        printOut(u"pingscope check: running %1"_s.arg(m_o.command.join(u' ')));
        std::fflush(stdout);
        m_process.start(m_o.command.first(), m_o.command.mid(1));
        if (!m_process.waitForStarted(10'000)) {
            printErr(
                u"pingscope check: cannot start %1: %2"_s.arg(m_o.command.first(), m_process.errorString()));
            m_engine.stop();
            return 2;
        }
        m_commandStarted = true;
    }
    QObject::connect(&m_timer, &QTimer::timeout, this, [this] { tick(); });
    m_timer.start(100);
    QCoreApplication::exec();
    return m_exit;
}

bool Check::pingOk(const PingRecord &r) const
{
    if (r.verdict == QStringView(verdict::Unregistered))
        return m_o.allowUnregistered;
    if (verdict::isProblem(r.verdict))
        return false;
    return !(m_o.failOnWarnings && r.warningCount > 0);
}

void Check::readNew()
{
    for (;;) {
        PingQuery q;
        q.afterId = m_lastSeenId;
        q.oldestFirst = true;
        q.limit = 5000;
        std::vector<PingRecord> batch = m_reader->list(q);
        if (batch.empty())
            return;
        m_lastSeenId = batch.back().id;
        m_lastChangeMs = m_clock.elapsed();
        for (PingRecord &r : batch)
            m_pings.push_back(std::move(r));
        if (batch.size() < static_cast<size_t>(q.limit))
            return;
    }
}

Check::ExpectationResult Check::evaluate(const CheckExpectation &e) const
{
    ExpectationResult out;
    for (const PingRecord &r : m_pings) {
        if (!sameCheckName(r.docType, e.docType) || (!e.ns.isEmpty() && !sameCheckName(r.ns, e.ns)))
            continue;
        ++out.matched;
        if (!pingOk(r))
            out.notValid << &r;
    }
    out.countOk = e.exactly ? out.matched == e.count : out.matched >= e.count;
    return out;
}

bool Check::countsMet() const
{
    return std::all_of(m_o.expectations.begin(), m_o.expectations.end(),
                       [this](const CheckExpectation &e) { return evaluate(e).countOk; });
}

void Check::tick()
{
    readNew();
    const qint64 now = m_clock.elapsed();
    const qint64 quietMs = static_cast<qint64>(m_o.quietSeconds * 1000);
    const bool quiet = now - m_lastChangeMs >= quietMs;
    if (now >= static_cast<qint64>(m_o.timeoutSeconds * 1000)) {
        m_timedOut = true;
        if (m_commandStarted && !m_commandDone) {
            m_killedAtTimeout = true;
            m_process.terminate();
            if (!m_process.waitForFinished(3000))
                m_process.kill();
            m_process.waitForFinished(3000);
        }
        finish();
        return;
    }
    if (m_commandStarted && !m_commandDone)
        return;
    if (!m_o.expectations.isEmpty()) {
        // Met (and nothing more for a moment: an "=N" must not be judged before a late extra
        // ping), or the command is over and nothing more came.
        if (quiet && (countsMet() || m_commandStarted)) {
            finish();
        }
        return;
    }
    // No expectations: the command's pings, or (without a command) the first burst of pings.
    if (quiet && (m_commandStarted || !m_pings.empty()))
        finish();
}

void Check::finish()
{
    m_timer.stop();
    readNew();
    m_exit = exitCode();
    printSummary();
    const json report = reportJson(); // one report for both files
    QString error;
    if (!m_o.jsonPath.isEmpty() &&
        !writeFile(m_o.jsonPath, QByteArray::fromStdString(report.dump(2)) + '\n', &error)) {
        printErr(u"pingscope check: %1"_s.arg(error));
        m_exit = 2;
    }
    if (!m_o.junitPath.isEmpty() && !writeJunit(m_o.junitPath, report, &error)) {
        printErr(u"pingscope check: %1"_s.arg(error));
        m_exit = 2;
    }
    m_reader.reset();
    m_engine.stop();
    QCoreApplication::exit(m_exit);
}

int Check::exitCode() const
{
    if (m_pings.empty())
        return 1;
    if (m_commandStarted && (m_killedAtTimeout || m_commandCrashed || m_commandExit != 0))
        return 1;
    for (const PingRecord &r : m_pings)
        if (!pingOk(r))
            return 1;
    if (!countsMet())
        return 1;
    return 0;
}

void Check::printSummary() const
{
    const double seconds = m_clock.elapsed() / 1000.0;
    if (m_commandStarted) {
        if (m_killedAtTimeout)
            printOut(u"pingscope check: %1 was still running at the timeout (%2 s): stopped"_s.arg(
                m_o.command.first(), QString::number(m_o.timeoutSeconds)));
        else if (m_commandCrashed)
            printOut(u"pingscope check: %1 crashed after %2 s"_s.arg(
                m_o.command.first(), QString::number(m_commandMs / 1000.0, 'f', 1)));
        else
            printOut(u"pingscope check: %1 exited with %2 after %3 s"_s.arg(
                m_o.command.first(), QString::number(m_commandExit),
                QString::number(m_commandMs / 1000.0, 'f', 1)));
    }
    int bad = 0;
    for (const PingRecord &r : m_pings)
        if (!pingOk(r))
            ++bad;
    printOut(u"pingscope check: %1 ping(s) in %2 s%3"_s.arg(m_pings.size())
                 .arg(QString::number(seconds, 'f', 1), m_timedOut ? u" (timed out)"_s : QString()));
    if (m_pings.empty())
        printOut(u"  FAIL  no ping arrived: is the app sending to %1 (PINGSCOPE_ENDPOINT)?"_s.arg(
            m_engine.endpointUrl()));
    int unmet = 0;
    if (!m_o.expectations.isEmpty()) {
        printOut(u"Expectations:"_s);
        for (const CheckExpectation &e : m_o.expectations) {
            const ExpectationResult res = evaluate(e);
            QStringList problems;
            for (const PingRecord *r : res.notValid)
                problems << u"#%1 %2"_s.arg(r->id).arg(r->verdict);
            if (!res.met())
                ++unmet;
            QString line =
                u"  %1  %2: %3 ping(s)"_s.arg(res.met() ? u"ok  "_s : u"FAIL"_s, e.spec).arg(res.matched);
            if (!res.countOk)
                line += e.exactly ? u", expected exactly %1"_s.arg(e.count)
                                  : u", expected at least %1"_s.arg(e.count);
            if (!problems.isEmpty())
                line += u", not valid: "_s + problems.join(u", "_s);
            printOut(line);
        }
    }
    if (bad > 0) {
        printOut(u"Pings with problems:"_s);
        for (const PingRecord &r : m_pings) {
            if (pingOk(r))
                continue;
            const bool onlyWarnings = !verdict::isProblem(r.verdict);
            printOut(u"  FAIL  #%1 %2 %3%4"_s.arg(r.id).arg(pingName(r), r.verdict,
                                                            onlyWarnings
                                                                ? u" with %1 warning(s)"_s.arg(r.warningCount)
                                                                : u" (%1 error(s))"_s.arg(r.errorCount)));
            for (const QString &m : messagesOf(onlyWarnings ? r.warningsJson : r.errorsJson, kShownErrors))
                printOut(u"          "_s + m);
        }
    }
    const int okPings = static_cast<int>(m_pings.size()) - bad;
    printOut(u"Result: %1 (%2 of %3 ping(s) valid, %4 of %5 expectation(s) met%6)"_s.arg(
        m_exit == 0 ? u"PASS"_s : u"FAIL"_s, QString::number(okPings), QString::number(m_pings.size()),
        QString::number(m_o.expectations.size() - unmet), QString::number(m_o.expectations.size()),
        m_commandStarted && m_commandExit != 0 && !m_killedAtTimeout
            ? u", the command exited with %1"_s.arg(m_commandExit)
            : QString()));
    std::fflush(stdout);
}

json Check::reportJson() const
{
    json expectations = json::array();
    for (const CheckExpectation &e : m_o.expectations) {
        const ExpectationResult res = evaluate(e);
        json bad = json::array();
        for (const PingRecord *r : res.notValid)
            bad.push_back(r->id);
        expectations.push_back({{"spec", e.spec.toStdString()},
                                {"namespace", e.ns.toStdString()},
                                {"doc_type", e.docType.toStdString()},
                                {"op", e.exactly ? "=" : ">="},
                                {"count", e.count},
                                {"matched", res.matched},
                                {"not_valid", bad},
                                {"met", res.met()}});
    }
    json pings = json::array();
    for (const PingRecord &r : m_pings) {
        json errors = json::array(), warnings = json::array();
        for (const QString &m : messagesOf(r.errorsJson, kReportedErrors))
            errors.push_back(m.toStdString());
        for (const QString &m : messagesOf(r.warningsJson, kReportedErrors))
            warnings.push_back(m.toStdString());
        pings.push_back({{"id", r.id},
                         {"received_at", QDateTime::fromMSecsSinceEpoch(r.receivedAtUs / 1000, Qt::UTC)
                                             .toString(Qt::ISODateWithMs)
                                             .toStdString()},
                         {"namespace", r.ns.toStdString()},
                         {"doc_type", r.docType.toStdString()},
                         {"doc_version", r.docVersion.toStdString()},
                         {"doc_id", r.docId.toStdString()},
                         {"path", r.path.toStdString()},
                         {"status", r.statusCode},
                         {"verdict", r.verdict.toStdString()},
                         {"ok", pingOk(r)},
                         {"error_count", r.errorCount},
                         {"warning_count", r.warningCount},
                         {"errors", errors},
                         {"warnings", warnings}});
    }
    json command = nullptr;
    if (m_commandStarted) {
        json argv = json::array();
        for (const QString &a : m_o.command)
            argv.push_back(a.toStdString());
        command = {{"argv", argv},
                   {"exit_code", m_killedAtTimeout ? json(nullptr) : json(m_commandExit)},
                   {"crashed", m_commandCrashed},
                   {"stopped_at_timeout", m_killedAtTimeout},
                   {"elapsed_ms", m_commandMs}};
    }
    return {{"result", m_exit == 0 ? "pass" : "fail"},
            {"exit_code", m_exit},
            {"endpoint", m_engine.endpointUrl().toStdString()},
            {"elapsed_ms", m_clock.elapsed()},
            {"timed_out", m_timedOut},
            {"no_pings", m_pings.empty()},
            {"fail_on_warnings", m_o.failOnWarnings},
            {"allow_unregistered", m_o.allowUnregistered},
            {"command", command},
            {"expectations", expectations},
            {"pings", pings}};
}

bool Check::writeFile(const QString &path, const QByteArray &bytes, QString *error) const
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit()) {
        *error = u"cannot write %1: %2"_s.arg(path, f.errorString());
        return false;
    }
    return true;
}

// JUnit XML as GitLab, GitHub (test reporters) and Jenkins read it: one testsuite for the
// expectations, one for the pings (a testcase each), one for the command.
bool Check::writeJunit(const QString &path, const json &report, QString *error) const
{
    QByteArray xml;
    QXmlStreamWriter w(&xml);
    w.setAutoFormatting(true);
    w.writeStartDocument();
    int tests = 0, failures = 0;
    const auto count = [&](bool ok) {
        ++tests;
        if (!ok)
            ++failures;
    };
    for (const json &e : report["expectations"])
        count(e["met"].get<bool>());
    for (const json &p : report["pings"])
        count(p["ok"].get<bool>());
    if (m_pings.empty())
        count(false);
    if (m_commandStarted)
        count(!m_killedAtTimeout && !m_commandCrashed && m_commandExit == 0);
    const QString seconds = QString::number(m_clock.elapsed() / 1000.0, 'f', 3);
    w.writeStartElement(u"testsuites"_s);
    w.writeAttribute(u"name"_s, u"pingscope check"_s);
    w.writeAttribute(u"tests"_s, QString::number(tests));
    w.writeAttribute(u"failures"_s, QString::number(failures));
    w.writeAttribute(u"time"_s, seconds);

    const auto suite = [&](const QString &name, int n, int failed) {
        w.writeStartElement(u"testsuite"_s);
        w.writeAttribute(u"name"_s, name);
        w.writeAttribute(u"tests"_s, QString::number(n));
        w.writeAttribute(u"failures"_s, QString::number(failed));
        w.writeAttribute(u"errors"_s, u"0"_s);
    };
    const auto testcase = [&](const QString &cls, const QString &name, bool ok, const QString &message,
                              const QString &details) {
        w.writeStartElement(u"testcase"_s);
        w.writeAttribute(u"classname"_s, cls);
        w.writeAttribute(u"name"_s, name);
        if (!ok) {
            w.writeStartElement(u"failure"_s);
            w.writeAttribute(u"message"_s, message);
            w.writeCharacters(details);
            w.writeEndElement();
        }
        w.writeEndElement();
    };

    int failedExpectations = 0;
    for (const json &e : report["expectations"])
        failedExpectations += e["met"].get<bool>() ? 0 : 1;
    suite(u"pingscope.expectations"_s, static_cast<int>(report["expectations"].size()), failedExpectations);
    for (const json &e : report["expectations"]) {
        const QString spec = QString::fromStdString(e["spec"].get<std::string>());
        const int matched = e["matched"].get<int>();
        QString message = u"%1: %2 ping(s) matched"_s.arg(spec).arg(matched);
        if (!e["not_valid"].empty())
            message += u", %1 not valid"_s.arg(e["not_valid"].size());
        testcase(u"pingscope.expectations"_s, spec, e["met"].get<bool>(), message,
                 QString::fromStdString(e.dump(2)));
    }
    w.writeEndElement();

    int failedPings = m_pings.empty() ? 1 : 0;
    for (const json &p : report["pings"])
        failedPings += p["ok"].get<bool>() ? 0 : 1;
    suite(u"pingscope.pings"_s, static_cast<int>(report["pings"].size()) + (m_pings.empty() ? 1 : 0),
          failedPings);
    if (m_pings.empty())
        testcase(u"pingscope.pings"_s, u"pings arrived"_s, false, u"no ping arrived"_s,
                 u"No ping reached %1 before the check ended."_s.arg(m_engine.endpointUrl()));
    for (size_t i = 0; i < m_pings.size(); ++i) {
        const PingRecord &r = m_pings[i];
        const json &p = report["pings"][i];
        QStringList lines;
        for (const json &m : p["errors"])
            lines << QString::fromStdString(m.get<std::string>());
        for (const json &m : p["warnings"])
            lines << u"warning: "_s + QString::fromStdString(m.get<std::string>());
        const QString cls = u"pingscope.pings."_s + (r.ns.isEmpty() ? u"unrouted"_s : r.ns);
        testcase(cls, u"#%1 %2 %3"_s.arg(r.id).arg(pingName(r), r.docId), pingOk(r),
                 u"%1: %2 error(s), %3 warning(s)"_s.arg(r.verdict).arg(r.errorCount).arg(r.warningCount),
                 lines.join(u'\n'));
    }
    w.writeEndElement();

    if (m_commandStarted) {
        const bool ok = !m_killedAtTimeout && !m_commandCrashed && m_commandExit == 0;
        suite(u"pingscope.command"_s, 1, ok ? 0 : 1);
        const QString what = m_killedAtTimeout  ? u"still running at the timeout"_s
                             : m_commandCrashed ? u"crashed"_s
                                                : u"exited with %1"_s.arg(m_commandExit);
        testcase(u"pingscope.command"_s, m_o.command.join(u' '), ok, what, what);
        w.writeEndElement();
    }
    w.writeEndElement();
    w.writeEndDocument();
    return writeFile(path, xml, error);
}

} // namespace

int runCheckCommand(const QStringList &args)
{
    // Everything after "--" is the command; before it, options only.
    const qsizetype dashes = args.indexOf(u"--"_s);
    const QStringList ownArgs = dashes < 0 ? args : args.mid(0, dashes);
    QCommandLineParser p;
    p.setApplicationDescription(
        u"The CI gate: starts the endpoint on 127.0.0.1 with a fresh store, runs COMMAND (with "
        "PINGSCOPE_ENDPOINT and PINGSCOPE_PORT in its environment), waits for the pings and exits 0 "
        "only when every expectation is met, every captured ping is valid and COMMAND succeeded "
        "(1 otherwise, also when no ping arrived; 2 on usage errors or when COMMAND cannot start).\n\n"
        "Usage: pingscope check [options] [-- COMMAND [ARGS...]]"_s);
    p.addHelpOption();
    p.addVersionOption();
    const QCommandLineOption port(u"port"_s, u"Port on 127.0.0.1 (default 0: any free port)."_s, u"N"_s);
    const QCommandLineOption db(u"db"_s, u"Store file (default: a fresh temporary one)."_s, u"FILE"_s);
    const QCommandLineOption schemas(u"schemas"_s,
                                     u"A mozilla-pipeline-schemas checkout, as for the window."_s, u"DIR"_s);
    const QCommandLineOption expect(
        u"expect"_s, u"[NAMESPACE/]DOCTYPE[=N|>=N]: pings that must arrive, all valid (repeatable)."_s,
        u"SPEC"_s);
    const QCommandLineOption timeout(u"timeout"_s, u"Give up after this many seconds (default 120)."_s,
                                     u"SECONDS"_s);
    const QCommandLineOption quiet(u"quiet-period"_s,
                                   u"Seconds without a new ping that end the wait once COMMAND is done "
                                   "(default 2)."_s,
                                   u"SECONDS"_s);
    const QCommandLineOption failOnWarnings(u"fail-on-warnings"_s,
                                            u"A ping with warnings fails the check."_s);
    const QCommandLineOption allowUnregistered(
        u"allow-unregistered"_s, u"A ping whose docType is not in the registry does not fail the check."_s);
    const QCommandLineOption junit(u"report-junit"_s, u"Write JUnit XML here."_s, u"FILE"_s);
    const QCommandLineOption jsonReport(u"report-json"_s, u"Write the same report as JSON here."_s,
                                        u"FILE"_s);
    p.addOptions(
        {port, db, schemas, expect, timeout, quiet, failOnWarnings, allowUnregistered, junit, jsonReport});
    const auto usage = [](const QString &message) {
        printErr(u"pingscope check: "_s + message);
        printErr(u"Try: pingscope check --help"_s);
        return 2;
    };
    if (!p.parse(QStringList{u"pingscope check"_s} + ownArgs))
        return usage(p.errorText());
    if (printedHelpOrVersion(p))
        return 0;
    if (!p.positionalArguments().isEmpty())
        return usage(u"unexpected %1: put the command after --"_s.arg(p.positionalArguments().first()));

    CheckOptions o;
    if (p.isSet(port)) {
        bool ok = false;
        const uint n = p.value(port).toUInt(&ok);
        if (!ok || n > 65535)
            return usage(u"--port %1: not a port number"_s.arg(p.value(port)));
        o.port = static_cast<quint16>(n);
    }
    o.dbPath = p.value(db);
    o.schemaRoots = p.values(schemas);
    for (const QString &spec : p.values(expect)) {
        QString error;
        const auto e = parseCheckExpectation(spec, &error);
        if (!e)
            return usage(error);
        o.expectations << *e;
    }
    const auto seconds = [&](const QCommandLineOption &opt, double fallback, double max, double *out) {
        if (!p.isSet(opt)) {
            *out = fallback;
            return true;
        }
        bool ok = false;
        const double v = p.value(opt).toDouble(&ok);
        if (!ok || v <= 0 || v > max)
            return false;
        *out = v;
        return true;
    };
    if (!seconds(timeout, 120, 86400, &o.timeoutSeconds))
        return usage(u"--timeout %1: seconds, more than 0"_s.arg(p.value(timeout)));
    if (!seconds(quiet, 2, 600, &o.quietSeconds))
        return usage(u"--quiet-period %1: seconds, more than 0"_s.arg(p.value(quiet)));
    o.failOnWarnings = p.isSet(failOnWarnings);
    o.allowUnregistered = p.isSet(allowUnregistered);
    o.junitPath = p.value(junit);
    o.jsonPath = p.value(jsonReport);
    if (dashes >= 0) {
        o.command = args.mid(dashes + 1);
        if (o.command.isEmpty())
            return usage(u"nothing after --: give the command to run"_s);
    }
    Check check(std::move(o));
    return check.run();
}

} // namespace pingscope
