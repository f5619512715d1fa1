// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "ping/submitpath.h"
#include "validation/registry.h"
#include "validation/validation.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include <thread>

using namespace pingscope;
using namespace Qt::StringLiterals;
using nlohmann::json;

namespace {

QString dataDir()
{
    return QString::fromUtf8(PINGSCOPE_TEST_DATA_DIR);
}

QString pipelineRoot()
{
    return dataDir() + u"/pipeline-schemas"_s;
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

json readJson(const QString &path)
{
    const QByteArray bytes = readFile(path);
    return json::parse(bytes.begin(), bytes.end());
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

QString kindName(ValidationOutcome::Kind k)
{
    switch (k) {
    case ValidationOutcome::Kind::Valid:
        return u"valid"_s;
    case ValidationOutcome::Kind::Invalid:
        return u"invalid"_s;
    case ValidationOutcome::Kind::NoSchema:
        return u"no schema"_s;
    case ValidationOutcome::Kind::Unregistered:
        return u"unregistered"_s;
    }
    return {};
}

// Everything about an outcome, for failure messages and the log.
QString describe(const ValidationOutcome &o, qsizetype maxErrors = 20)
{
    QString s = kindName(o.kind) + u" against "_s + o.schemaKey;
    if (!o.note.isEmpty())
        s += u" [" + o.note + u']';
    for (qsizetype i = 0; i < o.errors.size() && i < maxErrors; ++i) {
        const ValidationError &e = o.errors[i];
        s += u"\n    "_s + e.pointer.left(200) + u" (" + e.keyword + u" at " + e.schemaPath.left(200) +
             u"): " + e.message;
    }
    if (o.errors.size() > maxErrors)
        s += u"\n    ... %1 more"_s.arg(o.errors.size() - maxErrors);
    return s;
}

const ValidationError *findError(const ValidationOutcome &o, const QString &pointer, const QString &keyword)
{
    for (const ValidationError &e : o.errors)
        if (e.pointer == pointer && e.keyword == keyword)
            return &e;
    return nullptr;
}

// A valid Glean baseline ping (glean.1), built here so that tests can break one part at a time.
json gleanPing()
{
    return json::parse(R"({
      "ping_info": {"seq": 5, "start_time": "2019-03-29T09:50-04:00", "end_time": "2019-03-29T10:02-04:00",
                    "reason": "active"},
      "client_info": {"app_build": "1234", "app_display_version": "1.0.3", "architecture": "x86_64",
                      "first_run_date": "2019-03-29-04:00", "os": "Linux", "os_version": "6.1",
                      "telemetry_sdk_build": "67.3.2",
                      "client_id": "c0ffee00-1234-4cde-8f00-000000000001"},
      "metrics": {"counter": {"app.clicks": 3}, "string": {"app.name": "x"},
                  "datetime": {"app.when": "2019-03-29T09:50-04:00"}}
    })");
}

// The examples' file names: <docType>.<docVersion>.<name>.<pass|fail>.json, where the docType
// may contain '-' and '.'-free version digits; resolved against the schema files that exist.
struct ExampleName
{
    QString docType, docVersion, name;
    bool pass = false;
    bool ok = false;
};

ExampleName parseExampleName(const QString &schemasDir, const QString &ns, const QString &fileName)
{
    ExampleName best;
    QString rest = fileName;
    if (rest.endsWith(u".pass.json"_s)) {
        best.pass = true;
        rest.chop(10);
    } else if (rest.endsWith(u".fail.json"_s)) {
        rest.chop(10);
    } else {
        return best;
    }
    const QDir nsDir(schemasDir + u'/' + ns);
    for (const QString &folder : nsDir.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        for (const QString &schema :
             QDir(nsDir.filePath(folder)).entryList({u"*.schema.json"_s}, QDir::Files)) {
            const QString stem = schema.chopped(12); // "<docType>.<docVersion>"
            if (!rest.startsWith(stem + u'.') || stem.size() <= best.docType.size() + best.docVersion.size())
                continue;
            const qsizetype dot = stem.lastIndexOf(u'.');
            best.docType = stem.left(dot);
            best.docVersion = stem.mid(dot + 1);
            best.name = rest.mid(stem.size() + 1);
            best.ok = true;
        }
    }
    return best;
}

} // namespace

class TestValidation : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void bundledSchemas();
    void pipelineSchemasAllLoad();
    void examples_data();
    void examples();
    void examplesSummary();
    void samplePings_data();
    void samplePings();
    void capturedRequests_data();
    void capturedRequests();
    void everyErrorWithPointersAndPaths();
    void oneOfAndAnyOfSayTheUsefulThing();
    void routing();
    void mozillaFormatsAreNotChecked();
    void standardDateFormats();
    void patternPropertiesAndAdditionalProperties();
    void millionCharacterUrl();
    void deeplyNestedValue();
    void recursiveSchemaOnDeepValue();
    void mebibyteKey();
    void regexEngineGivingUpIsAnError();
    void brokenSchemasAreReportedOthersLoad();
    void devicesAndFifosAreNotRead();
    void userTreeOverridesBundled();
    void compileOneFile();
    void manyErrorsAreCapped();
    void validatorsInThreads();

private:
    std::shared_ptr<const SchemaRegistry> m_bundled;  // bundled only
    std::shared_ptr<const SchemaRegistry> m_pipeline; // bundled + tests/data/pipeline-schemas
    QList<SchemaLoadError> m_pipelineErrors;
};

void TestValidation::initTestCase()
{
    QElapsedTimer timer;
    timer.start();
    QList<SchemaLoadError> errors;
    m_bundled = SchemaRegistry::load({}, true, &errors);
    QVERIFY(m_bundled);
    QVERIFY2(errors.isEmpty(), qPrintable(errors.value(0).path + u": "_s + errors.value(0).reason));
    const qint64 bundledMs = timer.restart();
    m_pipeline = SchemaRegistry::load({pipelineRoot()}, true, &m_pipelineErrors);
    qInfo("loaded %lld bundled schemas in %lld ms; bundled + pipeline-schemas (%lld) in %lld ms",
          static_cast<long long>(m_bundled->size()), static_cast<long long>(bundledMs),
          static_cast<long long>(m_pipeline->size()), static_cast<long long>(timer.elapsed()));
}

void TestValidation::bundledSchemas()
{
    // The registry production deploys (generated-schemas 19c97f5): 84 namespaces, 1,051 versions.
    QCOMPARE(m_bundled->size(), qsizetype(1051));
    QVERIFY(m_bundled->roots().isEmpty());
    QVERIFY(m_bundled->pipeline());
    QCOMPARE(m_bundled->pipeline()->namespaceCount(), qsizetype(84));
    QCOMPARE(m_bundled->pipeline()->describe(), u"2026-07-02 (19c97f5)"_s);
    QCOMPARE(m_bundled->pipelineSource(), u"bundled"_s);
    struct Key
    {
        const char16_t *ns, *docType, *version, *display;
    };
    for (const Key &k :
         {Key{u"glean", u"glean", u"1", u"glean/glean/glean.1"},
          Key{u"glean", u"glean", u"2", u"glean/glean/glean.2"},
          Key{u"firefox-desktop", u"newtab", u"1", u"glean/glean/glean.1"},
          Key{u"firefox-desktop", u"newtab-content", u"1", u"glean/glean/glean-min.1"},
          Key{u"telemetry", u"main", u"4", u"telemetry/main/main.4"},
          Key{u"telemetry", u"main", u"5", u"telemetry/main/main.5"},
          Key{u"telemetry", u"event", u"4", u"telemetry/event/event.4"},
          Key{u"telemetry", u"new-profile", u"4", u"telemetry/new-profile/new-profile.4"},
          Key{u"telemetry", u"first-shutdown", u"4", u"telemetry/first-shutdown/first-shutdown.4"},
          Key{u"telemetry", u"crash", u"4", u"telemetry/crash/crash.4"},
          Key{u"telemetry", u"health", u"4", u"telemetry/health/health.4"},
          Key{u"telemetry", u"sync", u"5", u"telemetry/sync/sync.5"},
          Key{u"activity-stream", u"impression-stats", u"1",
              u"activity-stream/impression-stats/impression-stats.1"}}) {
        const QString ns = QString::fromUtf16(k.ns), docType = QString::fromUtf16(k.docType),
                      version = QString::fromUtf16(k.version), display = QString::fromUtf16(k.display);
        const CompiledSchema *s = m_bundled->find(ns, docType, version);
        QVERIFY2(s, qPrintable(display));
        QCOMPARE(s->key(), display);
        QCOMPARE(m_bundled->sourceOf(ns, docType, version), u"bundled:"_s + display);
        QCOMPARE(s->draft(), display.startsWith(u"glean/"_s) ? 6 : 4);
    }
    QVERIFY(!m_bundled->find(u"telemetry"_s, u"main"_s, u"6"_s));
    // glean-min has no URL of its own (production looks up glean/glean-min/glean-min.1).
    QVERIFY(!m_bundled->find(u"glean"_s, u"glean-min"_s, u"1"_s));
    for (const QString &name : {u"glean.1"_s, u"glean-min.1"_s, u"glean.2"_s, u"glean-min.2"_s}) {
        QVERIFY2(m_bundled->generic(name), qPrintable(name));
        QCOMPARE(m_bundled->generic(name)->source(), u"bundled:glean/glean/"_s + name);
    }
    QVERIFY(m_bundled->sourceOf(u"nope"_s, u"nope"_s, u"1"_s).isEmpty());
}

// Schemas of the curated main-branch tree that the registry does not address: glean/glean/glean-min.1
// and .2 (counted with Python: every other main-branch ns/docType/version is in generated-schemas).
constexpr qsizetype kPipelineTreeOnly = 2;

void TestValidation::pipelineSchemasAllLoad()
{
    QString all;
    for (const SchemaLoadError &e : m_pipelineErrors)
        all += e.path + u": "_s + e.reason + u'\n';
    QVERIFY2(m_pipelineErrors.isEmpty(), qPrintable(all));
    // 75 files in the tree (tests/data/pipeline-schemas); those the registry also has override its copies.
    QCOMPARE(m_pipeline->size(), qsizetype(1051 + kPipelineTreeOnly));
    QCOMPARE(m_pipeline->roots(), QStringList{QDir::cleanPath(pipelineRoot())});
    QVERIFY(m_pipeline->sourceOf(u"glean"_s, u"glean"_s, u"1"_s)
                .endsWith(u"/schemas/glean/glean/glean.1.schema.json"_s));
    QVERIFY(m_pipeline->find(u"firefox-desktop"_s, u"baseline"_s, u"1"_s));
    QVERIFY(m_pipeline->find(u"metadata"_s, u"sources"_s, u"1"_s)); // the one with a local $ref
}

void TestValidation::examples_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("ns");
    QTest::addColumn<QString>("docType");
    QTest::addColumn<QString>("docVersion");
    QTest::addColumn<bool>("pass");
    const QString schemas = pipelineRoot() + u"/schemas"_s;
    const QDir validation(pipelineRoot() + u"/validation"_s);
    int rows = 0;
    for (const QString &ns : validation.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        for (const QString &file :
             QDir(validation.filePath(ns)).entryList({u"*.json"_s}, QDir::Files, QDir::Name)) {
            const ExampleName n = parseExampleName(schemas, ns, file);
            QVERIFY2(n.ok, qPrintable(u"cannot tell the schema of "_s + ns + u'/' + file));
            QTest::addRow("%s/%s", qPrintable(ns), qPrintable(file))
                << validation.filePath(ns + u'/' + file) << ns << n.docType << n.docVersion << n.pass;
            ++rows;
        }
    }
    QCOMPARE(rows, 125);
}

void TestValidation::examples()
{
    QFETCH(QString, path);
    QFETCH(QString, ns);
    QFETCH(QString, docType);
    QFETCH(QString, docVersion);
    QFETCH(bool, pass);
    const json doc = readJson(path);
    Validator validator(m_pipeline);
    const ValidationOutcome o = validator.validate(ns, docType, docVersion, doc);
    const bool ok = o.kind == (pass ? ValidationOutcome::Kind::Valid : ValidationOutcome::Kind::Invalid);
    if (!pass && ok)
        qInfo("%s", qPrintable(QFileInfo(path).fileName() + u": "_s + describe(o, 5)));
    QVERIFY2(ok, qPrintable(describe(o)));
    QCOMPARE(o.schemaKey, ns + u'/' + docType + u'/' + docType + u'.' + docVersion);
    QVERIFY(o.note.isEmpty());
    for (const ValidationError &e : o.errors) {
        QVERIFY2(!e.keyword.isEmpty() && !e.message.isEmpty(), qPrintable(describe(o)));
        QVERIFY2(e.schemaPath.endsWith(u'/' + e.keyword) || e.schemaPath.contains(u'/' + e.keyword + u'/'),
                 qPrintable(describe(o)));
    }
}

// All examples at once, counted here (not by examples(), so that it holds whatever runs first).
void TestValidation::examplesSummary()
{
    int m_examplesPassed = 0, m_examplesFailed = 0;
    QStringList m_exampleFailures;
    const QString schemas = pipelineRoot() + u"/schemas"_s;
    const QDir validation(pipelineRoot() + u"/validation"_s);
    Validator validator(m_pipeline);
    for (const QString &ns : validation.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        for (const QString &file :
             QDir(validation.filePath(ns)).entryList({u"*.json"_s}, QDir::Files, QDir::Name)) {
            const ExampleName n = parseExampleName(schemas, ns, file);
            QVERIFY2(n.ok, qPrintable(u"cannot tell the schema of "_s + ns + u'/' + file));
            const ValidationOutcome o = validator.validate(ns, n.docType, n.docVersion,
                                                           readJson(validation.filePath(ns + u'/' + file)));
            const bool ok =
                o.kind == (n.pass ? ValidationOutcome::Kind::Valid : ValidationOutcome::Kind::Invalid);
            ++(ok ? m_examplesPassed : m_examplesFailed);
            if (!ok)
                m_exampleFailures << file;
        }
    }
    qInfo("pipeline examples: %d of %d give the verdict their file name says, %d do not%s", m_examplesPassed,
          m_examplesPassed + m_examplesFailed, m_examplesFailed,
          m_exampleFailures.isEmpty() ? "" : qPrintable(u": "_s + m_exampleFailures.join(u", "_s)));
    QCOMPARE(m_examplesFailed, 0);
    QCOMPARE(m_examplesPassed, 125);
}

void TestValidation::samplePings_data()
{
    // The README's tables: file, schema to use, verdict.
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("schema"); // "ns/docType/docVersion"
    QTest::addColumn<bool>("pass");
    const QString readme = QString::fromUtf8(readFile(dataDir() + u"/sample-pings/README.md"_s));
    QVERIFY(!readme.isEmpty());
    static const QRegularExpression fileRe(u"^\\| `([^`]+\\.json)`"_s);
    static const QRegularExpression schemaRe(u"`(telemetry/[a-z-]+)/[a-z-]+\\.(\\d+)`"_s);
    const bool allTelemetryPass = readme.contains(u"All three pass their schema."_s);
    int rows = 0;
    for (const QString &line : readme.split(u'\n')) {
        const auto file = fileRe.match(line);
        if (!file.hasMatch())
            continue;
        const QString name = file.captured(1);
        QString schema;
        bool pass = false;
        if (name.startsWith(u"glean"_s)) {
            QVERIFY2(line.contains(u"glean.1"_s), qPrintable(line));
            schema = u"glean/glean/1"_s;
            pass = !line.contains(u"**fail**"_s);
        } else {
            const auto m = schemaRe.match(line);
            QVERIFY2(m.hasMatch(), qPrintable(line));
            schema = m.captured(1) + u'/' + m.captured(2);
            pass = allTelemetryPass;
        }
        QTest::addRow("%s", qPrintable(name)) << name << schema << pass;
        ++rows;
    }
    QCOMPARE(rows, 9);
}

void TestValidation::samplePings()
{
    QFETCH(QString, file);
    QFETCH(QString, schema);
    QFETCH(bool, pass);
    const QStringList key = schema.split(u'/');
    const json doc = readJson(dataDir() + u"/sample-pings/"_s + file);
    Validator validator(m_pipeline);
    const ValidationOutcome o = validator.validate(key[0], key[1], key[2], doc);
    QVERIFY2(o.kind == (pass ? ValidationOutcome::Kind::Valid : ValidationOutcome::Kind::Invalid),
             qPrintable(describe(o)));
    if (!pass) {
        // The docs fragment lacks client_info (required).
        const ValidationError *e = findError(o, QString(), u"required"_s);
        QVERIFY2(e, qPrintable(describe(o)));
        QCOMPARE(e->message, u"`client_info` is missing (required)"_s);
        QCOMPARE(e->schemaPath, u"/required"_s);
    }
}

void TestValidation::capturedRequests_data()
{
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("ns");
    QTest::addColumn<QString>("docType");
    QTest::addColumn<QString>("docVersion");
    QTest::addColumn<bool>("fromGlean");
    QDirIterator it(dataDir() + u"/captured-requests"_s, {u"*.body.json"_s}, QDir::Files,
                    QDirIterator::Subdirectories);
    QStringList bodies;
    while (it.hasNext())
        bodies << it.next();
    bodies.sort();
    for (const QString &body : bodies) {
        const QString metaPath = body.chopped(10) + u".meta.json"_s; // ".body.json"
        const json meta = readJson(metaPath);
        const QByteArray url = QByteArray::fromStdString(meta.at("url").get<std::string>());
        const qsizetype q = url.indexOf('?');
        const SubmitPath sp =
            parseSubmitPath(q < 0 ? url : url.left(q), q < 0 ? QByteArray() : url.mid(q + 1));
        QVERIFY2(sp.form != SubmitPath::Form::Invalid, url.constData());
        QString version = sp.docVersion;
        if (sp.form == SubmitPath::Form::Telemetry) {
            const json doc = readJson(body);
            const json &v = doc.contains("version") ? doc.at("version") : doc.value("v", json());
            version = v.is_number() ? QString::number(v.get<qint64>())
                                    : QString::fromStdString(v.get<std::string>());
        }
        const json headers = meta.value("headers", json::object());
        const bool fromGlean = headers.value("x-telemetry-agent", std::string()).rfind("Glean/", 0) == 0;
        QTest::addRow("%s", qPrintable(QDir(dataDir()).relativeFilePath(body)))
            << body << sp.ns << sp.docType << version << fromGlean;
    }
    QVERIFY(bodies.size() >= 30);
}

void TestValidation::capturedRequests()
{
    QFETCH(QString, body);
    QFETCH(QString, ns);
    QFETCH(QString, docType);
    QFETCH(QString, docVersion);
    QFETCH(bool, fromGlean);
    const json doc = readJson(body);
    Validator validator(m_pipeline);
    const ValidationOutcome o = validator.validate(ns, docType, docVersion, doc, fromGlean);
    qInfo("%s", qPrintable(QFileInfo(body).fileName() + u": "_s + describe(o, 3)));
    if (ns == u"telemetry" || ns == u"firefox-desktop") {
        QVERIFY2(o.kind == ValidationOutcome::Kind::Valid, qPrintable(describe(o)));
        QVERIFY2(o.note.isEmpty(), qPrintable(o.note)); // registered: their own entry
        QVERIFY(o.entry);
    } else {
        // The Glean.js test apps are not in the registry; their bodies pass glean.1.
        QVERIFY2(o.kind == ValidationOutcome::Kind::Unregistered, qPrintable(describe(o)));
        QVERIFY2(o.errors.isEmpty(), qPrintable(describe(o)));
        QCOMPARE(o.genericKey, u"glean/glean/glean.1"_s);
    }
}

void TestValidation::everyErrorWithPointersAndPaths()
{
    json doc = gleanPing();
    doc["ping_info"]["seq"] = "5";                  // type
    doc["ping_info"]["bogus"] = 1;                  // additionalProperties: false
    doc["client_info"].erase("os_version");         // required
    doc["client_info"]["client_id"] = "not-a-uuid"; // pattern
    doc["metrics"]["counter"]["app.clicks"] = -3;   // allowed: glean.1 sets no minimum
    doc["metrics"]["rate"]["app.ratio"] = {{"numerator", -3}, {"denominator", 4}}; // minimum 0
    doc["metrics"]["string"]["Bad-Name"] = "x";                                    // propertyNames pattern
    doc["metrics"]["string"]["app.a/b~c"] = 7; // type and name, with a pointer to escape

    Validator validator(m_bundled);
    const ValidationOutcome o = validator.validate(u"glean"_s, u"glean"_s, u"1"_s, doc);
    qInfo("%s", qPrintable(describe(o)));
    QCOMPARE(o.kind, ValidationOutcome::Kind::Invalid);
    QCOMPARE(o.errors.size(), qsizetype(8));

    struct Expected
    {
        const char16_t *pointer, *keyword, *schemaPath, *message;
    };
    const Expected expected[] = {
        {u"/ping_info/seq", u"type", u"/properties/ping_info/properties/seq/type",
         u"`ping_info.seq` should be an integer, not a string"},
        {u"/ping_info/bogus", u"additionalProperties", u"/properties/ping_info/additionalProperties",
         u"`ping_info.bogus` is not allowed: the schema lists no such property here"},
        {u"/client_info", u"required", u"/properties/client_info/required",
         u"`client_info.os_version` is missing (required)"},
        {u"/client_info/client_id", u"pattern", u"/properties/client_info/properties/client_id/pattern",
         u"`client_info.client_id` does not match the pattern "
         u"^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$: "
         u"\"not-a-uuid\""},
        {u"/metrics/rate/app.ratio/numerator", u"minimum",
         u"/properties/metrics/properties/rate/additionalProperties/properties/numerator/minimum",
         u"`metrics.rate.app.ratio.numerator` is -3, below the minimum 0"},
        {u"/metrics/string/Bad-Name", u"pattern",
         u"/properties/metrics/properties/string/propertyNames/pattern",
         u"the property name \"Bad-Name\" in `metrics.string` does not match the pattern "
         u"^[a-z_][a-z0-9_\\.]+$: "
         u"\"Bad-Name\""},
        {u"/metrics/string/app.a~1b~0c", u"type",
         u"/properties/metrics/properties/string/additionalProperties/type",
         u"`metrics.string.app.a/b~c` should be a string, not an integer"},
        {u"/metrics/string/app.a~1b~0c", u"pattern",
         u"/properties/metrics/properties/string/propertyNames/pattern",
         u"the property name \"app.a/b~c\" in `metrics.string` does not match the pattern "
         u"^[a-z_][a-z0-9_\\.]+$: "
         u"\"app.a/b~c\""},
    };
    for (const Expected &x : expected) {
        const QString pointer = QString::fromUtf16(x.pointer);
        const ValidationError *e = findError(o, pointer, QString::fromUtf16(x.keyword));
        QVERIFY2(e, qPrintable(pointer));
        QCOMPARE(e->schemaPath, QString::fromUtf16(x.schemaPath));
        QCOMPARE(e->message, QString::fromUtf16(x.message));
    }
    QVERIFY(!findError(o, u"/metrics/counter/app.clicks"_s, u"minimum"_s));

    // The same document is fine once fixed, with the same Validator (state is reused).
    const ValidationOutcome good = validator.validate(u"glean"_s, u"glean"_s, u"1"_s, gleanPing());
    QVERIFY2(good.kind == ValidationOutcome::Kind::Valid, qPrintable(describe(good)));
}

void TestValidation::oneOfAndAnyOfSayTheUsefulThing()
{
    Validator validator(m_bundled);
    // ping_info.experiments.<id>.extra: oneOf [null, {object}]
    json doc = gleanPing();
    doc["ping_info"]["experiments"]["exp-a"] = {{"branch", "control"}, {"extra", "oops"}};
    doc["ping_info"]["experiments"]["exp-b"] = {{"branch", "control"}, {"extra", {{"type", 5}}}};
    const ValidationOutcome o = validator.validate(u"glean"_s, u"glean"_s, u"1"_s, doc);
    qInfo("%s", qPrintable(describe(o)));
    QCOMPARE(o.errors.size(), qsizetype(2));
    const ValidationError *a = findError(o, u"/ping_info/experiments/exp-a/extra"_s, u"oneOf"_s);
    QVERIFY2(a, qPrintable(describe(o)));
    QCOMPARE(a->message, u"`ping_info.experiments.exp-a.extra` should be an object or null, not a string"_s);
    QCOMPARE(a->schemaPath,
             u"/properties/ping_info/properties/experiments/additionalProperties/properties/extra/oneOf"_s);
    // Only the object branch fits an object: its own error, with the branch in the path.
    const ValidationError *b = findError(o, u"/ping_info/experiments/exp-b/extra/type"_s, u"type"_s);
    QVERIFY2(b, qPrintable(describe(o)));
    QCOMPARE(
        b->schemaPath,
        u"/properties/ping_info/properties/experiments/additionalProperties/properties/extra/oneOf/1/properties/type/type"_s);

    // telemetry health: payload anyOf [{required: [sendFailure]}, {required:
    // [pingDiscardedForSize]}]
    json health = readJson(pipelineRoot() + u"/validation/telemetry/health.4.sample.pass.json"_s);
    health["payload"].erase("sendFailure");
    health["payload"].erase("pingDiscardedForSize");
    const ValidationOutcome h = validator.validate(u"telemetry"_s, u"health"_s, u"4"_s, health);
    QCOMPARE(h.errors.size(), qsizetype(1));
    QCOMPARE(h.errors[0].pointer, u"/payload"_s);
    QCOMPARE(h.errors[0].keyword, u"anyOf"_s);
    QCOMPARE(h.errors[0].schemaPath, u"/properties/payload/anyOf"_s);
    QCOMPARE(h.errors[0].message,
             u"`payload` needs at least one of the properties \"sendFailure\", \"pingDiscardedForSize\""_s);
}

void TestValidation::routing()
{
    Validator validator(m_bundled);
    using Kind = ValidationOutcome::Kind;
    // An unknown Glean application: production answers "No such docType"; the generic schema's
    // result is kept for information.
    ValidationOutcome o =
        validator.validate(u"org-example-app"_s, u"custom-ping"_s, u"1"_s, gleanPing(), true);
    QCOMPARE(o.kind, Kind::Unregistered);
    QCOMPARE(o.productionError, u"No such docType: org-example-app/custom-ping"_s);
    QCOMPARE(o.genericKey, u"glean/glean/glean.1"_s);
    QVERIFY(o.errors.isEmpty());
    QVERIFY2(o.note.contains(u"would pass glean/glean/glean.1 once registered"_s), qPrintable(o.note));
    QVERIFY2(o.note.contains(u"registry 2026-07-02 (19c97f5)"_s), qPrintable(o.note));
    // A typo'd app id and a ping the app does not have: the same.
    QCOMPARE(validator.validate(u"org-mozilla-fenx"_s, u"baseline"_s, u"1"_s, gleanPing(), true).kind,
             Kind::Unregistered);
    o = validator.validate(u"firefox-desktop"_s, u"not-a-real-ping"_s, u"1"_s, gleanPing(), true);
    QCOMPARE(o.kind, Kind::Unregistered);
    QCOMPARE(o.productionError, u"No such docType: firefox-desktop/not-a-real-ping"_s);
    // Names are compared in snake_case, as SchemaStore does.
    o = validator.validate(u"org.mozilla.firefox"_s, u"deletion_request"_s, u"1"_s, gleanPing(), true);
    QCOMPARE(o.kind, Kind::Valid);
    QVERIFY(o.entry);
    QCOMPARE(o.entry->table(), u"org_mozilla_firefox.deletion_request_v1"_s);
    // A version the registry lacks.
    o = validator.validate(u"firefox-desktop"_s, u"baseline"_s, u"7"_s, gleanPing(), true);
    QCOMPARE(o.kind, Kind::Unregistered);
    QCOMPARE(o.productionError, u"No schema with name: firefox-desktop/baseline/baseline.7.schema.json"_s);
    QVERIFY2(o.note.contains(u"it has version(s) 1"_s), qPrintable(o.note));

    // glean vs glean-min is the registry's choice per doc type, not the body's shape.
    o = validator.validate(u"firefox-desktop"_s, u"newtab-content"_s, u"1"_s, gleanPing(), true);
    QCOMPARE(o.schemaKey, u"glean/glean/glean-min.1"_s);
    QCOMPARE(o.kind, Kind::Invalid); // glean-min.1: ping_info and client_info are not permitted
    QVERIFY(std::any_of(o.errors.begin(), o.errors.end(),
                        [](const ValidationError &e) { return e.pointer == u"/ping_info"_s; }));
    const json minimal = json::parse(R"({"metrics": {"counter": {"app.clicks": 1}}})");
    QCOMPARE(validator.validate(u"firefox-desktop"_s, u"newtab-content"_s, u"1"_s, minimal, true).kind,
             Kind::Valid);
    o = validator.validate(u"firefox-desktop"_s, u"newtab"_s, u"1"_s, minimal, true);
    QCOMPARE(o.schemaKey, u"glean/glean/glean.1"_s);
    QCOMPARE(o.kind, Kind::Invalid); // glean.1 requires both sections
    QCOMPARE(o.entry->table(), u"firefox_desktop.newtab_v1"_s);
    QCOMPARE(o.entry->metadata.deleteAfterDays, 775);
    // glean.2 where the registry says so (org-mozilla-fenix-nightly).
    bool anyGlean2 = false;
    for (const RegistryEntry &e : m_bundled->pipeline()->entries())
        anyGlean2 =
            anyGlean2 || (e.ns == u"org-mozilla-fenix-nightly" && e.schemaKey == u"glean/glean/glean.2");
    QVERIFY(anyGlean2);

    // Unregistered without a Glean shape: no generic check.
    o = validator.validate(u"org-example-app"_s, u"custom-ping"_s, u"1"_s, minimal, false);
    QCOMPARE(o.kind, Kind::Unregistered);
    QVERIFY(o.genericKey.isEmpty());
    // Telemetry: the registry's schemas; never the Glean fallback.
    o = validator.validate(u"telemetry"_s, u"unknown-thing"_s, u"4"_s, gleanPing(), true);
    QCOMPARE(o.kind, Kind::Unregistered);
    QVERIFY(o.genericKey.isEmpty());
    o = validator.validate(u"telemetry"_s, u"main"_s, QString(), json::object());
    QCOMPARE(o.kind, Kind::Unregistered);
    QVERIFY2(o.productionError.contains(u"top-level 'version' or 'v' field"_s),
             qPrintable(o.productionError));
    o = validator.validate(u"telemetry"_s, u"main"_s, u"4"_s, json::object());
    QCOMPARE(o.kind, Kind::Invalid);
    QCOMPARE(o.schemaKey, u"telemetry/main/main.4"_s);
    QCOMPARE(o.entry->table(), u"telemetry.main_v4"_s);
    // split_config: main v4 lands in main_v5 and main_use_counter_v4, not in main_v4.
    QCOMPARE(m_bundled->pipeline()->destinationTables(*o.entry),
             (QStringList{u"telemetry.main_v5"_s, u"telemetry.main_use_counter_v4"_s}));

    // A user tree names its roots in the note; nothing loaded at all says so.
    Validator empty(SchemaRegistry::load({}, false, nullptr));
    o = empty.validate(u"org-example-app"_s, u"custom-ping"_s, u"1"_s, gleanPing(), true);
    QCOMPARE(o.kind, Kind::NoSchema);
    QVERIFY2(o.note.contains(u"no schemas are loaded"_s), qPrintable(o.note));
    Validator none(nullptr);
    QCOMPARE(none.validate(u"glean"_s, u"glean"_s, u"1"_s, gleanPing()).kind, Kind::NoSchema);
}

void TestValidation::mozillaFormatsAreNotChecked()
{
    // datetime (Glean's own), json, bytes: not checked, whatever the string.
    json doc = gleanPing();
    doc["ping_info"]["start_time"] = "2019-03-29T09:50-04:00"; // no seconds: not RFC 3339
    doc["ping_info"]["end_time"] = "not a time at all";
    doc["client_info"]["first_run_date"] = "2019-03-29-04:00";
    doc["metrics"]["datetime"]["app.when"] = "2019-03-29T09:50-04:00";
    doc["metrics"]["object"]["app.obj"] = json::parse(R"({"a": [1, 2, {"b": null}]})");
    Validator validator(m_bundled);
    const ValidationOutcome o = validator.validate(u"glean"_s, u"glean"_s, u"1"_s, doc);
    QVERIFY2(o.kind == ValidationOutcome::Kind::Valid, qPrintable(describe(o)));
    // A non-string under a format is a type error, not a crash (valijson's format check throws).
    doc["ping_info"]["start_time"] = 17;
    const ValidationOutcome t = validator.validate(u"glean"_s, u"glean"_s, u"1"_s, doc);
    QCOMPARE(t.errors.size(), qsizetype(1));
    QCOMPARE(t.errors[0].keyword, u"type"_s);
}

void TestValidation::standardDateFormats()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"dates.schema.json"_s);
    const QByteArray text1 = R"({"$schema": "http://json-schema.org/draft-07/schema#",
        "properties": {"dt": {"format": "date-time"}, "d": {"format": "date"}, "t": {"format": "time"},
                       "n": {"type": "integer"}}})";
    QVERIFY(writeFile(path, text1));
    QString error;
    const auto schema = compileSchemaFile(path, 0, &error);
    QVERIFY2(schema, qPrintable(error));
    QCOMPARE(schema->draft(), 7);
    Validator validator(m_bundled);
    auto check = [&](const char *text) { return validator.validateAgainst(*schema, json::parse(text)); };
    const char *case10 = R"({"dt": "2019-03-29T09:50:00-04:00", "d": "2024-02-29", "t": "23:59:60Z"})";
    QCOMPARE(check(case10).kind, ValidationOutcome::Kind::Valid);
    const char *case11 = R"({"dt": 5, "d": null, "t": []})";
    QCOMPARE(check(case11).kind, ValidationOutcome::Kind::Valid); // not strings
    const char *case12 = R"({"n": 3.0})";
    QCOMPARE(check(case12).kind, ValidationOutcome::Kind::Valid); // draft-06+: 3.0 is an integer
    const ValidationOutcome bad =
        check(R"({"dt": "2019-03-29T09:50-04:00", "d": "2023-02-29", "t": "25:00:00Z",
                                           "n": 3.5})");
    QCOMPARE(bad.errors.size(), qsizetype(4));
    QCOMPARE(bad.errors[0].schemaPath, u"/properties/d/format"_s);
    QVERIFY(findError(bad, u"/dt"_s, u"format"_s));
    QVERIFY(findError(bad, u"/t"_s, u"format"_s));
    QVERIFY(findError(bad, u"/n"_s, u"type"_s));
    QVERIFY(schema->key().isEmpty());
    QCOMPARE(schema->source(), path);
}

void TestValidation::patternPropertiesAndAdditionalProperties()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"pp.schema.json"_s);
    const QByteArray text2 =
        R"({"$schema": "http://json-schema.org/draft-04/schema#", "type": "object",
        "properties": {"fixed": {"type": "string"}},
        "patternProperties": {"^[0-9]+$": {"type": "integer", "minimum": 0}, "_x": {"type": "integer"}},
        "additionalProperties": {"type": "boolean"}})";
    QVERIFY(writeFile(path, text2));
    QString error;
    const auto schema = compileSchemaFile(path, 0, &error);
    QVERIFY2(schema, qPrintable(error));
    QCOMPARE(schema->draft(), 4);
    Validator validator(m_bundled);
    // Patterns are searched, not fully matched: "12_x" and "a_x" match "_x". Neither "fixed"
    // nor a name matched by a pattern is "additional".
    ValidationOutcome o = validator.validateAgainst(*schema, json::parse(R"({"fixed": "a", "12": 3, "12_x": 4,
                                                                           "a_x": 1, "other": true})"));
    QVERIFY2(o.kind == ValidationOutcome::Kind::Valid, qPrintable(describe(o)));
    o = validator.validateAgainst(*schema, json::parse(R"({"7": -1, "a_x": "s", "other": 1, "fixed": 2})"));
    QCOMPARE(o.errors.size(), qsizetype(4));
    QCOMPARE(findError(o, u"/7"_s, u"minimum"_s)->schemaPath, u"/patternProperties/^[0-9]+$/minimum"_s);
    QCOMPARE(findError(o, u"/a_x"_s, u"type"_s)->schemaPath, u"/patternProperties/_x/type"_s);
    QCOMPARE(findError(o, u"/other"_s, u"type"_s)->schemaPath, u"/additionalProperties/type"_s);
    QCOMPARE(findError(o, u"/fixed"_s, u"type"_s)->schemaPath, u"/properties/fixed/type"_s);

    // main.4: histograms keyed by name under patternProperties, on the 383 KB sample.
    const json sample = readJson(dataDir() + u"/sample-pings/telemetry-main-ping-with-events.json"_s);
    o = validator.validate(u"telemetry"_s, u"main"_s, u"4"_s, sample);
    QVERIFY2(o.kind == ValidationOutcome::Kind::Valid, qPrintable(describe(o)));
}

void TestValidation::millionCharacterUrl()
{
    // glean.1: metrics.url.* is {"type": "string", "pattern":
    // "^((?!data)([a-zA-Z][a-zA-Z0-9-\+\.]*):(.*))$"}. std::regex (valijson 1.0) overflows the
    // stack near 30,000 characters on it.
    Validator validator(m_bundled);
    json doc = gleanPing();
    doc["metrics"]["url"]["app.link"] = "https://example.com/" + std::string(1000000, 'a');
    QElapsedTimer timer;
    timer.start();
    ValidationOutcome o = validator.validate(u"glean"_s, u"glean"_s, u"1"_s, doc);
    QVERIFY2(o.kind == ValidationOutcome::Kind::Valid, qPrintable(describe(o)));

    doc["metrics"]["url"]["app.link"] = std::string(1000000, 'a'); // no scheme
    o = validator.validate(u"glean"_s, u"glean"_s, u"1"_s, doc);
    QCOMPARE(o.errors.size(), qsizetype(1));
    QCOMPARE(o.errors[0].pointer, u"/metrics/url/app.link"_s);
    QCOMPARE(o.errors[0].keyword, u"pattern"_s);
    QCOMPARE(o.errors[0].schemaPath, u"/properties/metrics/properties/url/additionalProperties/pattern"_s);
    QVERIFY(
        o.errors[0].message.startsWith(u"`metrics.url.app.link` does not match the pattern ^((?!data)"_s));
    QVERIFY(o.errors[0].message.size() < 400); // the value is clipped in the message

    doc["metrics"]["url"]["app.link"] = "data:" + std::string(1000000, 'a');
    o = validator.validate(u"glean"_s, u"glean"_s, u"1"_s, doc);
    QCOMPARE(o.kind, ValidationOutcome::Kind::Invalid);
    qInfo("three 1,000,000-character url checks: %lld ms", static_cast<long long>(timer.elapsed()));
    QVERIFY(timer.elapsed() < 5000);
}

void TestValidation::deeplyNestedValue()
{
    // nlohmann parses iteratively and destroys iteratively (3.11): 100,000 levels are fine. We
    // never dump() such a value (dump recurses).
    const int depth = 100000;
    std::string deep(depth, '[');
    deep += std::string(depth, ']');
    // (Copying a json value recurses too: each deep value is parsed, then moved in.)
    json doc = gleanPing();
    doc["metrics"]["object"]["app.deep"] = json::parse(deep);                   // object metric: open
    doc["metrics"]["string"]["app.deep"] = json::parse(deep);                   // wrong type
    doc["metrics"]["labeled_counter"]["app.deep"]["label"] = json::parse(deep); // wrong type, deeper
    doc["surprise"] = json::parse(deep);                                        // additionalProperties: false
    Validator validator(m_bundled);
    QElapsedTimer timer;
    timer.start();
    const ValidationOutcome o = validator.validate(u"glean"_s, u"glean"_s, u"1"_s, doc);
    qInfo("%s (%lld ms)", qPrintable(describe(o)), static_cast<long long>(timer.elapsed()));
    QCOMPARE(o.errors.size(), qsizetype(3));
    QCOMPARE(findError(o, u"/metrics/string/app.deep"_s, u"type"_s)->message,
             u"`metrics.string.app.deep` should be a string, not an array"_s);
    QVERIFY(findError(o, u"/metrics/labeled_counter/app.deep/label"_s, u"type"_s));
    QVERIFY(findError(o, u"/surprise"_s, u"additionalProperties"_s));

    // The same inside a telemetry ping, where main.4 leaves many objects open.
    json main = readJson(pipelineRoot() + u"/validation/telemetry/main.4.sample.pass.json"_s);
    main["payload"]["deep"] = json::parse(deep);
    const ValidationOutcome m = validator.validate(u"telemetry"_s, u"main"_s, u"4"_s, main);
    QVERIFY2(m.kind == ValidationOutcome::Kind::Valid || m.kind == ValidationOutcome::Kind::Invalid, "");
}

void TestValidation::recursiveSchemaOnDeepValue()
{
    // A schema that recurses through $ref follows the value down: the depth guard stops it.
    QTemporaryDir dir;
    const QString path = dir.filePath(u"tree.schema.json"_s);
    const QByteArray text3 =
        R"({"$schema": "http://json-schema.org/draft-04/schema#", "$ref": "#/definitions/node",
        "definitions": {"node": {"type": "array", "items": {"$ref": "#/definitions/node"}}}})";
    QVERIFY(writeFile(path, text3));
    QString error;
    const auto schema = compileSchemaFile(path, 0, &error);
    QVERIFY2(schema, qPrintable(error));
    Validator validator(m_bundled);
    QCOMPARE(validator.validateAgainst(*schema, json::parse("[[[], [[]]]]")).kind,
             ValidationOutcome::Kind::Valid);
    const ValidationOutcome bad = validator.validateAgainst(*schema, json::parse("[[[], [[5]]]]"));
    QCOMPARE(bad.errors.size(), qsizetype(1));
    QCOMPARE(bad.errors[0].pointer, u"/0/1/0/0"_s);
    QCOMPARE(bad.errors[0].schemaPath, u"/definitions/node/type"_s);
    const int depth = 100000;
    const json deep = json::parse(std::string(depth, '[') + std::string(depth, ']'));
    const ValidationOutcome o = validator.validateAgainst(*schema, deep);
    QCOMPARE(o.kind, ValidationOutcome::Kind::Invalid);
    QVERIFY2(o.errors.value(0).message.contains(u"nested too deeply"_s), qPrintable(describe(o)));

    // A cycle of bare references is a load error, not a hang.
    const QByteArray text4 =
        R"({"$ref": "#/definitions/a", "definitions": {"a": {"$ref": "#/definitions/b"},
                                "b": {"$ref": "#/definitions/a"}}})";
    QVERIFY(writeFile(path, text4));
    QVERIFY(!compileSchemaFile(path, 0, &error));
    QVERIFY2(error.contains(u"circular"_s), qPrintable(error));
}

void TestValidation::mebibyteKey()
{
    const std::string key(1 << 20, 'a');
    json doc = gleanPing();
    doc["metrics"]["counter"][key] = 1; // propertyNames: maxLength 111
    doc[key] = 1;                       // additionalProperties: false
    Validator validator(m_bundled);
    QElapsedTimer timer;
    timer.start();
    const ValidationOutcome o = validator.validate(u"glean"_s, u"glean"_s, u"1"_s, doc);
    qInfo("1 MiB keys: %lld ms", static_cast<long long>(timer.elapsed()));
    QCOMPARE(o.errors.size(), qsizetype(2));
    const QString pointer = u"/metrics/counter/"_s + QString::fromStdString(key);
    const ValidationError *e = findError(o, pointer, u"maxLength"_s);
    QVERIFY(e);
    QCOMPARE(e->schemaPath, u"/properties/metrics/properties/counter/propertyNames/maxLength"_s);
    QVERIFY(e->message.contains(u"is 1048576 characters long, over the maximum length 111"_s));
    QVERIFY(e->message.size() < 300);
    QVERIFY(findError(o, u'/' + QString::fromStdString(key), u"additionalProperties"_s));
}

void TestValidation::regexEngineGivingUpIsAnError()
{
    // A catastrophic pattern in a user schema: PCRE2 stops at its match limit. That must be a
    // validation error, never a pass and never a hang.
    QTemporaryDir dir;
    const QString path = dir.filePath(u"evil.schema.json"_s);
    const QByteArray text5 = R"({"$schema": "http://json-schema.org/draft-06/schema#",
        "properties": {"s": {"type": "string", "pattern": "^(a+)+$"}},
        "patternProperties": {"^(b+)+$": {"type": "integer"}},
        "additionalProperties": false})";
    QVERIFY(writeFile(path, text5));
    QString error;
    const auto schema = compileSchemaFile(path, 0, &error);
    QVERIFY2(schema, qPrintable(error));
    Validator validator(m_bundled);
    json doc;
    doc["s"] = std::string(40, 'a') + "!";
    doc[std::string(40, 'b') + "!"] = 1;
    QElapsedTimer timer;
    timer.start();
    const ValidationOutcome o = validator.validateAgainst(*schema, doc);
    qInfo("%s (%lld ms)", qPrintable(describe(o)), static_cast<long long>(timer.elapsed()));
    QCOMPARE(o.kind, ValidationOutcome::Kind::Invalid);
    const ValidationError *s = findError(o, u"/s"_s, u"pattern"_s);
    QVERIFY(s);
    QVERIFY2(s->message.contains(u"could not be checked"_s), qPrintable(s->message));
    const ValidationError *k =
        findError(o, u'/' + QString::fromStdString(std::string(40, 'b') + "!"), u"patternProperties"_s);
    QVERIFY2(k, qPrintable(describe(o)));
    QCOMPARE(k->schemaPath, u"/patternProperties/^(b+)+$"_s);
    QVERIFY(timer.elapsed() < 5000);
}

// Schema paths that are (or link to) a device or a FIFO are never read: /dev/zero would be read
// forever at start, a FIFO would block it. (A hang here is caught by the test's timeout.)
void TestValidation::devicesAndFifosAreNotRead()
{
    QTemporaryDir dir;
    const QString root = dir.path();
    QVERIFY(QDir().mkpath(root + u"/schemas/dev/zero"_s));
    QVERIFY(QDir().mkpath(root + u"/schemas/dev/fifo"_s));
    QVERIFY(QFile::link(u"/dev/zero"_s, root + u"/schemas/dev/zero/zero.1.schema.json"_s));
    QCOMPARE(::mkfifo(QFile::encodeName(root + u"/schemas/dev/fifo/fifo.1.schema.json"_s).constData(), 0600),
             0);
    QVERIFY(writeFile(root + u"/schemas/dev/fine/fine.1.schema.json"_s, R"({"type": "object"})"));
    QList<SchemaLoadError> errors;
    const auto registry = SchemaRegistry::load({root, u"/dev/zero"_s}, false, &errors);
    QVERIFY(registry);
    Validator v(registry);
    QCOMPARE(v.validate(u"dev"_s, u"fine"_s, u"1"_s, json::object()).kind, ValidationOutcome::Kind::Valid);
    QCOMPARE(v.validate(u"dev"_s, u"zero"_s, u"1"_s, json::object()).kind, ValidationOutcome::Kind::NoSchema);
    for (const SchemaLoadError &e : errors)
        if (e.path.contains(u"zero"_s) || e.path.contains(u"fifo"_s))
            QVERIFY2(e.reason.contains(u"not a regular file"_s) || e.reason.contains(u"not a folder"_s) ||
                         e.reason.contains(u"not found"_s) || e.reason.contains(u"does not"_s),
                     qPrintable(e.path + u": "_s + e.reason));
}

void TestValidation::brokenSchemasAreReportedOthersLoad()
{
    QTemporaryDir dir;
    const QString root = dir.path();
    const QString notJson = root + u"/schemas/broken/thing/thing.1.schema.json"_s;
    const QString badRegex = root + u"/schemas/broken/regex/regex.1.schema.json"_s;
    const QString badKeyword = root + u"/schemas/broken/minimum/minimum.1.schema.json"_s;
    const QString badRef = root + u"/schemas/broken/ref/ref.1.schema.json"_s;
    const QString badMain = root + u"/schemas/telemetry/main/main.4.schema.json"_s;
    QVERIFY(writeFile(notJson, "{ \"type\": "));
    // "\u0028" is "(" (an unbalanced one here would confuse moc, which does not know raw strings).
    const QByteArray unclosedGroup = R"({"properties": {"a": {"pattern": "\u0028unclosed"}}})";
    QVERIFY(writeFile(badRegex, unclosedGroup));
    const QByteArray text6 = R"({"properties": {"a": {"minimum": "zero"}}})";
    QVERIFY(writeFile(badKeyword, text6));
    const QByteArray text7 = R"({"properties": {"a": {"$ref": "http://example.com/remote.json"}}})";
    QVERIFY(writeFile(badRef, text7));
    QVERIFY(writeFile(badMain, "[1, 2"));
    const QByteArray fine =
        R"({"$schema": "http://json-schema.org/draft-04/schema#", "required": ["x"],
        "mozPipelineMetadata": {"bq_table": "t"}, "comment": "tolerated", "minumum": 3})";
    QVERIFY(writeFile(root + u"/schemas/fine/thing/thing.1.schema.json"_s, fine));
    QList<SchemaLoadError> errors;
    const auto registry = SchemaRegistry::load({root, root + u"/missing"_s}, true, &errors);
    QString all;
    for (const SchemaLoadError &e : errors)
        all += e.path + u": "_s + e.reason + u'\n';
    qInfo("%s", qPrintable(all));
    QCOMPARE(errors.size(), qsizetype(6));
    auto reasonFor = [&](const QString &path) {
        for (const SchemaLoadError &e : errors)
            if (e.path == path)
                return e.reason;
        return QString();
    };
    QVERIFY(reasonFor(notJson).startsWith(u"not valid JSON"_s));
    QVERIFY2(reasonFor(badRegex).contains(u"at /properties/a/pattern: invalid regular expression"_s),
             qPrintable(all));
    QVERIFY2(reasonFor(badKeyword).contains(u"at /properties/a"_s), qPrintable(all));
    QVERIFY2(reasonFor(badRef).contains(u"only references inside the same file"_s), qPrintable(all));
    QVERIFY2(reasonFor(badMain).contains(u"the registry's schema stays in use"_s), qPrintable(all));
    QCOMPARE(reasonFor(root + u"/missing"_s), u"folder does not exist"_s);
    // The others load: the good user schema and every one of the registry.
    QCOMPARE(registry->size(), qsizetype(1052));
    QVERIFY(registry->find(u"fine"_s, u"thing"_s, u"1"_s));
    QVERIFY(!registry->find(u"broken"_s, u"thing"_s, u"1"_s));
    QCOMPARE(registry->sourceOf(u"telemetry"_s, u"main"_s, u"4"_s), u"bundled:telemetry/main/main.4"_s);
    QCOMPARE(registry->roots(), QStringList{QDir::cleanPath(root)});
    Validator validator(registry);
    const ValidationOutcome o = validator.validate(u"fine"_s, u"thing"_s, u"1"_s, json::object());
    QCOMPARE(o.errors.size(), qsizetype(1));
    QCOMPARE(o.errors[0].message, u"`x` is missing (required)"_s);
}

void TestValidation::userTreeOverridesBundled()
{
    QTemporaryDir dir;
    // The root may also be the "schemas" folder itself.
    const QString override = dir.filePath(u"glean/glean/glean.1.schema.json"_s);
    const QByteArray text8 =
        R"({"$schema": "http://json-schema.org/draft-06/schema#", "type": "object",
                                    "required": ["only_in_override"]})";
    QVERIFY(writeFile(override, text8));
    QTemporaryDir later;
    const QString laterOverride = later.filePath(u"schemas/glean/glean/glean.1.schema.json"_s);
    const QByteArray text9 =
        R"({"$schema": "http://json-schema.org/draft-06/schema#", "type": "object",
                                         "required": ["only_in_later"]})";
    QVERIFY(writeFile(laterOverride, text9));
    QList<SchemaLoadError> errors;
    auto registry = SchemaRegistry::load({dir.path()}, true, &errors);
    QVERIFY(errors.isEmpty());
    QCOMPARE(registry->size(), qsizetype(1051));
    QCOMPARE(registry->sourceOf(u"glean"_s, u"glean"_s, u"1"_s), QDir::cleanPath(override));
    Validator validator(registry);
    ValidationOutcome o = validator.validate(u"org-example-app"_s, u"custom"_s, u"1"_s, gleanPing());
    QCOMPARE(o.schemaSource, QDir::cleanPath(override));
    QCOMPARE(o.errors.value(0).message, u"`only_in_override` is missing (required)"_s);

    registry = SchemaRegistry::load({dir.path(), later.path()}, true, &errors);
    QCOMPARE(registry->sourceOf(u"glean"_s, u"glean"_s, u"1"_s), QDir::cleanPath(laterOverride));
    registry = SchemaRegistry::load({dir.path()}, false, &errors);
    QCOMPARE(registry->size(), qsizetype(1));
}

void TestValidation::compileOneFile()
{
    QString error;
    auto schema =
        compileSchemaFile(pipelineRoot() + u"/schemas/telemetry/main/main.4.schema.json"_s, 0, &error);
    QVERIFY2(schema, qPrintable(error));
    QCOMPARE(schema->draft(), 4);
    Validator validator(m_bundled);
    const json ok = readJson(pipelineRoot() + u"/validation/telemetry/main.4.gc_sample.pass.json"_s);
    QCOMPARE(validator.validateAgainst(*schema, ok).kind, ValidationOutcome::Kind::Valid);
    // Forcing another draft changes the rules: draft-04's boolean exclusiveMinimum is not
    // valid draft-07, and so on; main.4 still compiles as draft 7 (it has none).
    QVERIFY(compileSchemaFile(pipelineRoot() + u"/schemas/telemetry/main/main.4.schema.json"_s, 7, &error));
    QVERIFY(!compileSchemaFile(pipelineRoot() + u"/schemas/telemetry/main/main.4.schema.json"_s, 5, &error));
    QVERIFY(error.contains(u"not supported"_s));
    QVERIFY(!compileSchemaFile(u"/nonexistent/x.schema.json"_s, 0, &error));
    QVERIFY(error.startsWith(u"cannot read"_s));
}

void TestValidation::manyErrorsAreCapped()
{
    // Every error is kept up to 1000; then one line says how many more there were.
    json doc = gleanPing();
    for (int i = 0; i < 3000; ++i)
        doc["events"].push_back({{"category", "app"}, {"name", "click"}, {"timestamp", -i - 1}});
    Validator validator(m_bundled);
    const ValidationOutcome o = validator.validate(u"glean"_s, u"glean"_s, u"1"_s, doc);
    QCOMPARE(o.errors.size(), qsizetype(1001));
    QCOMPARE(o.errors[0].pointer, u"/events/0/timestamp"_s);
    QCOMPARE(o.errors[0].message, u"`events[0].timestamp` is -1, below the minimum 0"_s);
    QCOMPARE(o.errors[0].schemaPath, u"/properties/events/items/properties/timestamp/minimum"_s);
    QCOMPARE(o.errors[999].pointer, u"/events/999/timestamp"_s);
    QCOMPARE(o.errors.last().message, u"2000 more errors not listed (at most 1000 are kept)"_s);
}

void TestValidation::validatorsInThreads()
{
    // One registry shared read-only, one Validator per thread.
    const json main = readJson(dataDir() + u"/sample-pings/telemetry-main-ping-with-events.json"_s);
    json bad = gleanPing();
    bad["metrics"]["url"]["app.link"] = "no scheme";
    std::vector<int> failures(4, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            Validator validator(m_pipeline);
            for (int i = 0; i < 5; ++i) {
                if (validator.validate(u"telemetry"_s, u"main"_s, u"4"_s, main).kind !=
                    ValidationOutcome::Kind::Valid)
                    ++failures[t];
                if (validator.validate(u"glean"_s, u"glean"_s, u"1"_s, bad).errors.size() != 1)
                    ++failures[t];
            }
        });
    }
    for (auto &t : threads)
        t.join();
    QCOMPARE(failures, std::vector<int>(4, 0));
}

QTEST_GUILESS_MAIN(TestValidation)
#include "tst_validation.moc"
