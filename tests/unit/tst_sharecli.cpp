// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "store/store.h"
#include "testsupport.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace pingscope;
using namespace pingscope::test;
using namespace Qt::StringLiterals;

namespace {

// Every record of a store, oldest first, whole.
std::vector<PingRecord> allRecords(const QString &path)
{
    StoreReader reader(path);
    std::vector<PingRecord> out;
    PingQuery q;
    q.oldestFirst = true;
    q.limit = 100'000;
    for (const PingRecord &summary : reader.list(q))
        if (auto r = reader.get(summary.id))
            out.push_back(std::move(*r));
    return out;
}

QString headersText(const QList<HttpHeader> &headers)
{
    QStringList out;
    for (const HttpHeader &h : headers)
        out << QString::fromLatin1(h.name + ": " + h.value);
    return out.join(u" | "_s);
}

QList<QByteArray> lines(const QByteArray &text)
{
    QList<QByteArray> out = text.split('\n');
    if (!out.isEmpty() && out.last().isEmpty())
        out.removeLast();
    return out;
}

} // namespace

class TestShareCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void exportImportKeepsEveryByte();
    void exportFilters();
    void exportHar();
    void badPathIsAProblemTheRestImports();
    void usageErrors();
    void help();

private:
    ProcessResult run(const QStringList &args) { return runProcess(m_bin, args, 30'000); }
    QString m_bin;
    QTemporaryDir m_dir;
    QString m_captures; // the captured requests, imported once with the bundled schemas
};

void TestShareCli::initTestCase()
{
    m_bin = qEnvironmentVariable("PINGSCOPE_BIN");
    QVERIFY2(!m_bin.isEmpty(), "PINGSCOPE_BIN is not set (run through ctest)");
    QVERIFY(m_dir.isValid());
    m_captures = m_dir.filePath(u"captures.pingscope"_s);
    const ProcessResult r = run({u"import"_s, u"--db"_s, m_captures, dataDir() + u"/captured-requests"_s});
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY2(r.out.contains("/captured-requests: 44 imported, 0 skipped, 0 problems"), r.out.constData());
}

// Captured requests -> store -> NDJSON -> another store: the same requests, byte for byte, with the
// same verdicts.
void TestShareCli::exportImportKeepsEveryByte()
{
    QTemporaryDir dir;
    const QString ndjson = dir.filePath(u"shared.ndjson"_s);
    ProcessResult r = run({u"export"_s, u"--db"_s, m_captures, u"--output"_s, ndjson});
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY2(r.err.contains("exported 44 requests"), r.err.constData());
    const QString second = dir.filePath(u"second.pingscope"_s);
    r = run({u"import"_s, u"--db"_s, second, ndjson});
    QVERIFY2(r.code == 0, r.out.constData());
    QVERIFY2(r.out.contains("shared.ndjson: 44 imported, 0 skipped, 0 problems"), r.out.constData());

    const std::vector<PingRecord> a = allRecords(m_captures), b = allRecords(second);
    QCOMPARE(a.size(), size_t(44));
    QCOMPARE(b.size(), a.size());
    for (size_t i = 0; i < a.size(); ++i) {
        const PingRecord &x = a[i], &y = b[i];
        QCOMPARE(y.method, x.method);
        QCOMPARE(y.path, x.path);
        QCOMPARE(y.query, x.query);
        QCOMPARE(headersText(y.headers), headersText(x.headers));
        QCOMPARE(y.body, x.body);
        QCOMPARE(y.receivedAtUs, x.receivedAtUs);
        QCOMPARE(y.peer, x.peer);
        QCOMPARE(y.statusCode, x.statusCode);
        QCOMPARE(y.verdict, x.verdict);
        QCOMPARE(y.errorsJson, x.errorsJson);
        QCOMPARE(y.warningsJson, x.warningsJson);
        QCOMPARE(y.schemaKey, x.schemaKey);
        QCOMPARE(y.checkedWith, x.checkedWith);
        QCOMPARE(y.source, u"import: shared.ndjson line %1"_s.arg(i + 1));
    }
    // The first store's records name the files they came from.
    QCOMPARE(a.front().source, u"import: firefox-esr/001-POST-firefox-desktop_addons.meta.json"_s);
    QCOMPARE(a.front().verdict, u"valid"_s);
}

void TestShareCli::exportFilters()
{
    const std::vector<PingRecord> all = allRecords(m_captures);
    const auto count = [&all](const std::function<bool(const PingRecord &)> &pred) {
        return qsizetype(std::count_if(all.begin(), all.end(), pred));
    };
    const auto exported = [this](const QStringList &filters) {
        const ProcessResult r = run(QStringList{u"export"_s, u"--db"_s, m_captures} + filters);
        if (r.code != 0)
            qWarning("%s", r.err.constData());
        return lines(r.out);
    };
    QList<QByteArray> out = exported({u"--doctype"_s, u"baseline"_s});
    QCOMPARE(out.size(), count([](const PingRecord &r) { return r.docType == u"baseline"; }));
    QVERIFY(out.size() >= 3);
    for (const QByteArray &line : std::as_const(out))
        QVERIFY(QJsonDocument::fromJson(line).object().value(u"path"_s).toString().contains(u"/baseline/"_s));
    out = exported({u"--namespace"_s, u"telemetry"_s});
    QCOMPARE(out.size(), 2);
    out = exported({u"--debug-id"_s, u"peers-node"_s});
    QCOMPARE(out.size(), count([](const PingRecord &r) { return r.debugId == u"peers-node"; }));
    QVERIFY(out.size() > 0);
    out = exported({u"--verdict"_s, u"problems"_s});
    QCOMPARE(out.size(), count([](const PingRecord &r) { return verdict::isProblem(r.verdict); }));
    // [since, until): the Firefox ESR session began at 02:19:25.192 UTC and ended by 02:19:56.
    out = exported({u"--since"_s, u"2026-11-23T02:19:25.192Z"_s, u"--until"_s, u"2026-11-23T02:19:56Z"_s});
    QCOMPARE(out.size(), 23);
    const qint64 firstUs = all.front().receivedAtUs;
    out = exported({u"--since"_s, QString::number(firstUs / 1'000'000 + 1)}); // epoch seconds
    QCOMPARE(out.size(), count([&](const PingRecord &r) {
                 return r.receivedAtUs >= (firstUs / 1'000'000 + 1) * 1'000'000;
             }));
    QVERIFY(out.size() < qsizetype(all.size()));
    out = exported({u"--doctype"_s, u"no-such-ping"_s});
    QCOMPARE(out.size(), 0);
}

void TestShareCli::exportHar()
{
    const ProcessResult r = run({u"export"_s, u"--db"_s, m_captures, u"--format"_s, u"har"_s});
    QVERIFY2(r.code == 0, r.err.constData());
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out, &pe);
    QVERIFY2(pe.error == QJsonParseError::NoError, qPrintable(pe.errorString()));
    const QJsonObject log = doc.object().value(u"log"_s).toObject();
    QCOMPARE(log.value(u"version"_s).toString(), u"1.2"_s);
    QCOMPARE(log.value(u"creator"_s).toObject().value(u"version"_s).toString(),
             QStringLiteral(PINGSCOPE_VERSION));
    QCOMPARE(log.value(u"entries"_s).toArray().size(), 44);
    QCOMPARE(log.value(u"entries"_s)
                 .toArray()
                 .first()
                 .toObject()
                 .value(u"_pingscope"_s)
                 .toObject()
                 .value(u"verdict"_s),
             u"valid"_s);
    // And it imports: the submissions, the rest skipped.
    QTemporaryDir dir;
    const QString har = dir.filePath(u"capture.har"_s);
    QFile f(har);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(r.out);
    f.close();
    const ProcessResult back =
        run({u"import"_s, u"--db"_s, dir.filePath(u"h.pingscope"_s), u"--no-bundled-schemas"_s, har});
    QVERIFY2(back.code == 0, back.out.constData());
    QVERIFY2(back.out.contains("capture.har: 37 imported, 7 skipped, 0 problems"), back.out.constData());
}

// A path that cannot be read is a problem (exit 1), and what can be read is imported anyway.
void TestShareCli::badPathIsAProblemTheRestImports()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(u"c.pingscope"_s);
    const QString missing = dir.filePath(u"no-such.ndjson"_s);
    const ProcessResult r = run({u"import"_s, u"--db"_s, db, u"--no-bundled-schemas"_s,
                                 dataDir() + u"/captured-requests/firefox-esr"_s, missing,
                                 dataDir() + u"/glean-logs/desktop-env-logger.log"_s});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.out.contains("/firefox-esr: 23 imported, 0 skipped, 0 problems"), r.out.constData());
    QVERIFY2(r.out.contains((missing + u": 0 imported, 0 skipped, 1 problems\n  "_s + missing +
                             u": no such file or folder"_s)
                                .toUtf8()),
             r.out.constData());
    QVERIFY2(r.out.contains("desktop-env-logger.log: 3 imported, 0 skipped, 1 problems\n"
                            "  desktop-env-logger.log line 99: "),
             r.out.constData());
    QCOMPARE(allRecords(db).size(), size_t(26));
    // Without problems, 0.
    const ProcessResult ok = run({u"import"_s, u"--db"_s, db, u"--no-bundled-schemas"_s,
                                  dataDir() + u"/glean-logs/android-brief.logcat"_s});
    QCOMPARE(ok.code, 0);
    QCOMPARE(allRecords(db).size(), size_t(28));
}

void TestShareCli::usageErrors()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(u"u.pingscope"_s);
    for (const QStringList &args :
         {QStringList{u"export"_s}, QStringList{u"export"_s, u"--db"_s, m_captures, u"--format"_s, u"xml"_s},
          QStringList{u"export"_s, u"--db"_s, m_captures, u"--since"_s, u"yesterday"_s},
          QStringList{u"export"_s, u"--db"_s, m_captures, u"stray"_s},
          QStringList{u"export"_s, u"--db"_s, dir.filePath(u"none.pingscope"_s)},
          QStringList{u"export"_s, u"--db"_s, m_captures, u"--output"_s, dir.filePath(u"no/such/dir/x"_s)},
          QStringList{u"import"_s, u"--db"_s, db}, QStringList{u"import"_s, dataDir()},
          QStringList{u"import"_s, u"--db"_s, db, u"--namespace"_s, u"glean"_s, dataDir()},
          QStringList{u"import"_s, u"--db"_s, db, u"--bogus"_s, dataDir()},
          QStringList{u"--db"_s, db, u"import"_s, dataDir()}}) {
        const ProcessResult r = run(args);
        QVERIFY2(r.code == 2, qPrintable(args.join(u' ') + u": exit "_s + QString::number(r.code)));
        QVERIFY2(!r.err.isEmpty(), qPrintable(args.join(u' ')));
    }
    QVERIFY(!QFileInfo::exists(db)); // no store made on a usage error
}

void TestShareCli::help()
{
    for (const QString &command : {u"export"_s, u"import"_s}) {
        const ProcessResult r = run({command, u"--help"_s});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("Usage:") && r.out.contains("--db"), r.out.constData());
    }
    const ProcessResult exp = run({u"export"_s, u"--help"_s});
    for (const char *opt : {"--format", "--namespace", "--doctype", "--verdict", "--debug-id", "--since",
                            "--until", "--output"})
        QVERIFY2(exp.out.contains(opt), opt);
    const ProcessResult imp = run({u"import"_s, u"--help"_s});
    for (const char *opt : {"--namespace", "--doctype", "--version", "--schemas", "--no-bundled-schemas"})
        QVERIFY2(imp.out.contains(opt), opt);
    const ProcessResult version = run({u"export"_s, u"--version"_s});
    QVERIFY(version.out.startsWith("pingscope "));
}

QTEST_GUILESS_MAIN(TestShareCli)
#include "tst_sharecli.moc"
