// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// pingscope validate on what is not a plain JSON file: gzip bodies, stdin, NDJSON, HAR and
// captured-request folders, each request checked as the endpoint checks it.

#include "ingest.h"
#include "share/har.h"
#include "share/ndjson.h"
#include "testsupport.h"
#include "validation/registry.h"
#include "validation/validation.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <map>

using namespace pingscope;
using namespace pingscope::test;
using namespace Qt::StringLiterals;

namespace {

const QString kBaseline = u"firefox-esr/005-POST-firefox-desktop_baseline"_s;

QString capturesDir(const QString &sub)
{
    return dataDir() + u"/captured-requests/"_s + sub;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

// One JSON object per line of --json output.
QList<QJsonObject> jsonLines(const QByteArray &out)
{
    QList<QJsonObject> objects;
    for (const QByteArray &line : out.split('\n'))
        if (!line.trimmed().isEmpty())
            objects << QJsonDocument::fromJson(line).object();
    return objects;
}

// Three Firefox ESR captures (two Glean pings and a telemetry one), ingested with the bundled
// registry as capture would have: what pingscope export writes out.
std::vector<PingRecord> someRecords()
{
    IngestOptions options;
    options.schemas = SchemaRegistry::load({}, true, nullptr);
    Validator validator(options.schemas);
    std::vector<PingRecord> all = ingestedCaptures(u"firefox-esr/"_s, options, &validator);
    std::vector<PingRecord> some;
    for (const PingRecord &r : all)
        if (some.size() < 3 && r.verdict == u"valid")
            some.push_back(r);
    return some;
}

} // namespace

class TestValidateCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void gzipBodyFile();
    void gzipBodyOnStdin();
    void captureFolderGetsTheEndpointsVerdicts();
    void gleanJsCapturesAreUnregistered();
    void ndjsonWithABrokenLine();
    void harFile();
    void jsonHasPositionAndPath();

private:
    QString bin() const { return qEnvironmentVariable("PINGSCOPE_BIN"); }
};

void TestValidateCli::gzipBodyFile()
{
    const QString body = capturesDir(kBaseline + u".body.raw"_s);
    QVERIFY(readAll(body).startsWith("\x1f\x8b"));
    const ProcessResult r =
        runProcess(bin(), {u"validate"_s, u"--namespace"_s, u"firefox-desktop"_s, u"--doctype"_s,
                           u"baseline"_s, u"--doc-version"_s, u"1"_s, body});
    QVERIFY2(r.code == 0, QByteArray(r.out + r.err).constData());
    QVERIFY2(r.out.contains(": valid"), r.out.constData());
}

void TestValidateCli::gzipBodyOnStdin()
{
    QProcess p;
    p.start(bin(), {u"validate"_s, u"--namespace"_s, u"firefox-desktop"_s, u"--doctype"_s, u"baseline"_s,
                    u"--doc-version"_s, u"1"_s, u"-"_s});
    QVERIFY(p.waitForStarted());
    p.write(readAll(capturesDir(kBaseline + u".body.raw"_s)));
    p.closeWriteChannel();
    QVERIFY(p.waitForFinished(60000));
    const QByteArray out = p.readAllStandardOutput();
    QVERIFY2(p.exitCode() == 0, QByteArray(out + p.readAllStandardError()).constData());
    QVERIFY2(out.startsWith("stdin: valid"), out.constData());
}

// The verdicts the endpoint gives the 23 Firefox ESR requests (tests/tools/replay-captured.py):
// 21 Glean pings of firefox-desktop and 2 telemetry pings, all valid.
void TestValidateCli::captureFolderGetsTheEndpointsVerdicts()
{
    const ProcessResult r = runProcess(bin(), {u"validate"_s, u"--json"_s, capturesDir(u"firefox-esr"_s)});
    QVERIFY2(r.code == 0, QByteArray(r.out + r.err).constData());
    std::map<QString, int> validByNamespace;
    const QList<QJsonObject> objects = jsonLines(r.out);
    QCOMPARE(objects.size(), 23);
    for (const QJsonObject &o : objects) {
        QVERIFY2(o.value(u"verdict"_s).toString() == u"valid", QJsonDocument(o).toJson().constData());
        ++validByNamespace[o.value(u"path"_s).toString().section(u'/', 2, 2)];
        QVERIFY(o.value(u"position"_s).toString().endsWith(u".meta.json"_s));
    }
    QCOMPARE(validByNamespace[u"firefox-desktop"_s], 21);
    QCOMPARE(validByNamespace[u"telemetry"_s], 2);

    // Text: a line per request, position then path.
    const ProcessResult text = runProcess(bin(), {u"validate"_s, capturesDir(u"firefox-esr"_s)});
    QCOMPARE(text.code, 0);
    QVERIFY2(
        text.out.contains("005-POST-firefox-desktop_baseline.meta.json /submit/firefox-desktop/baseline/1/"),
        text.out.constData());
    QCOMPARE(text.out.count(": valid ("), 23);
}

// Glean.js's pings go to application ids the registry does not know: unregistered, as the
// endpoint says; the folder also holds its browser's GET /favicon.ico and OPTIONS preflights,
// which get the endpoint's verdicts too (bad-path, not-json).
void TestValidateCli::gleanJsCapturesAreUnregistered()
{
    const ProcessResult r = runProcess(bin(), {u"validate"_s, u"--json"_s, capturesDir(u"gleanjs"_s)});
    QCOMPARE(r.code, 1);
    int posts = 0;
    for (const QJsonObject &o : jsonLines(r.out)) {
        if (o.value(u"method"_s).toString() != u"POST")
            continue;
        ++posts;
        QVERIFY2(o.value(u"verdict"_s).toString() == u"unregistered", QJsonDocument(o).toJson().constData());
    }
    QCOMPARE(posts, 14);
}

void TestValidateCli::ndjsonWithABrokenLine()
{
    const std::vector<PingRecord> records = someRecords();
    QCOMPARE(records.size(), size_t(3));
    QTemporaryDir dir;
    const QString file = dir.filePath(u"capture.ndjson"_s);
    QVERIFY(writeFile(file, toNdjsonLine(records[0]) + "{\"format\": \"pingscope-ndjson/1\", broken\n" +
                                toNdjsonLine(records[1]) + toNdjsonLine(records[2])));
    const ProcessResult r = runProcess(bin(), {u"validate"_s, file});
    QVERIFY2(r.code == 1, QByteArray(r.out + r.err).constData());
    QVERIFY2(r.out.contains("capture.ndjson line 2: unreadable"), r.out.constData());
    for (const char *n : {"line 1 ", "line 3 ", "line 4 "})
        QVERIFY2(r.out.contains(
                     QByteArray("capture.ndjson " + QByteArray(n) + records[0].path.left(8).toLatin1())),
                 r.out.constData());
    QCOMPARE(r.out.count(": valid ("), 3);
}

void TestValidateCli::harFile()
{
    const std::vector<PingRecord> records = someRecords();
    QTemporaryDir dir;
    const QString file = dir.filePath(u"session.har"_s);
    QVERIFY(writeFile(file, toHar(records)));
    const ProcessResult r = runProcess(bin(), {u"validate"_s, file});
    QVERIFY2(r.code == 0, QByteArray(r.out + r.err).constData());
    QCOMPARE(r.out.count(": valid ("), 3);
    QVERIFY2(r.out.contains(QByteArray("session.har entry 1 " + records[0].path.toLatin1())),
             r.out.constData());
}

void TestValidateCli::jsonHasPositionAndPath()
{
    const std::vector<PingRecord> records = someRecords();
    QTemporaryDir dir;
    const QString file = dir.filePath(u"capture.ndjson"_s);
    QVERIFY(writeFile(file, toNdjsonLine(records[0]) + "not json\n"));
    const ProcessResult r = runProcess(bin(), {u"validate"_s, u"--json"_s, file});
    QCOMPARE(r.code, 1);
    const QList<QJsonObject> objects = jsonLines(r.out);
    QCOMPARE(objects.size(), 2);
    // Problems come first, then the requests.
    const QJsonObject &broken = objects[0];
    const QJsonObject &ok = objects[1];
    QCOMPARE(broken.value(u"position"_s).toString(), file + u" line 2"_s);
    QCOMPARE(broken.value(u"verdict"_s).toString(), u"unreadable"_s);
    QCOMPARE(ok.value(u"position"_s).toString(), file + u" line 1"_s);
    QCOMPARE(ok.value(u"path"_s).toString(), records[0].path);
    QCOMPARE(ok.value(u"verdict"_s).toString(), u"valid"_s);
    QCOMPARE(ok.value(u"schema"_s).toString(), records[0].schemaKey);
    QVERIFY(ok.value(u"errors"_s).isArray());
    QVERIFY(ok.value(u"warnings"_s).isArray());

    // A file keeps its path and gains a position.
    const QString body = capturesDir(kBaseline + u".body.raw"_s);
    const ProcessResult f =
        runProcess(bin(), {u"validate"_s, u"--json"_s, u"--namespace"_s, u"firefox-desktop"_s, u"--doctype"_s,
                           u"baseline"_s, u"--doc-version"_s, u"1"_s, body});
    QCOMPARE(f.code, 0);
    const QJsonObject fo = QJsonDocument::fromJson(f.out.trimmed()).object();
    QCOMPARE(fo.value(u"path"_s).toString(), body);
    QCOMPARE(fo.value(u"position"_s).toString(), body);
    QCOMPARE(fo.value(u"verdict"_s).toString(), u"valid"_s);
}

QTEST_GUILESS_MAIN(TestValidateCli)
#include "tst_validatecli.moc"
