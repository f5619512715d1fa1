// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// Re-validation: a schema change flips stored verdicts (in the store, through the engine's
// watcher and API, and from the command line), without adding duplicate or seq warnings.
#include "engine.h"
#include "revalidator.h"
#include "testsupport.h"
#include "validation/registry.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

using namespace Qt::StringLiterals;
using namespace pingscope;
using namespace pingscope::test;
using nlohmann::json;

namespace {

// (No raw strings in this file: moc does not know them.)
const QByteArray kPing =
    "{\"ping_info\": {\"seq\": 3, \"start_time\": \"2026-11-23T02:19:24+00:00\", \"end_time\": "
    "\"2026-11-23T02:19:25+00:00\"}, \"client_info\": {\"telemetry_sdk_build\": \"1\", \"client_id\": "
    "\"5d3c1a2e-7f4b-4c8e-9a1d-2b3c4d5e6f70\", \"app_build\": \"1\", \"app_display_version\": \"1\", "
    "\"architecture\": \"x\", \"os\": \"Linux\", \"os_version\": \"6\", \"first_run_date\": "
    "\"2026-11-23+00:00\"}, \"metrics\": {\"counter\": {\"app.clicks\": 2}}}";

// A schema author's new ping: custom.1 for org-example-app, as a main-branch tree would have it.
void writeCustomSchema(const QString &root, const QByteArray &requiredKey)
{
    QDir().mkpath(root + u"/schemas/org-example-app/custom"_s);
    QFile f(root + u"/schemas/org-example-app/custom/custom.1.schema.json"_s);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(
        "{\"$schema\": \"http://json-schema.org/draft-06/schema#\", \"type\": \"object\", \"required\": [\"" +
        requiredKey + "\"]}");
}

QStringList kinds(const QByteArray &warnings)
{
    QStringList out;
    for (const json &w : json::parse(warnings.begin(), warnings.end()))
        out << QString::fromStdString(w.value("kind", ""));
    return out;
}

} // namespace

class TestRevalidation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void schemaChangeFlipsStoredVerdicts();
    void watchedTreeAndApi();
    void commandLine();
};

void TestRevalidation::schemaChangeFlipsStoredVerdicts()
{
    QTemporaryDir dir, tree;
    const QString path = dir.filePath(u"r.pingscope"_s);
    const QByteArray url = "/submit/org-example-app/custom/1/5d3c1a2e-7f4b-4c8e-9a1d-2b3c4d5e6f71";
    QString error;
    auto store = Store::open(path, &error);
    QVERIFY2(store, qPrintable(error));
    IngestOptions before;
    before.schemas = SchemaRegistry::load({}, true, nullptr);
    {
        Validator v(before.schemas);
        const qint64 t = 1'795'000'000'000'000;
        store->enqueue(ingestSubmission(rawSubmission(url, {}, kPing, t), before, &v), 1);
        store->enqueue(ingestSubmission(rawSubmission(url, {}, kPing, t + 1000), before, &v), 2); // re-sent
        store->flush();
    }
    StoreReader reader(path);
    QCOMPARE(reader.get(1)->verdict, u"unregistered"_s);
    QCOMPARE(kinds(reader.get(2)->warningsJson), (QStringList{u"duplicate-doc-id"_s, u"seq"_s}));
    QCOMPARE(reader.get(1)->checkedWith, before.schemas->fingerprint());
    // The same schemas: nothing is stale.
    QCOMPARE(revalidateStore(*store, before).checked, 0);

    // The author adds the schema: both pings are registered now and valid.
    writeCustomSchema(tree.path(), "ping_info");
    IngestOptions after;
    after.schemas = SchemaRegistry::load({tree.path()}, true, nullptr);
    QVERIFY(after.schemas->fingerprint() != before.schemas->fingerprint());
    QSignalSpy updated(store.get(), &Store::recordsUpdated);
    RevalidationStats st = revalidateStore(*store, after);
    QCOMPARE(st.total, 2);
    QCOMPARE(st.checked, 2);
    QCOMPARE(st.changed, 2);
    QCOMPARE(updated.size(), 1);
    for (qint64 id : {1, 2}) {
        const auto r = reader.get(id);
        QCOMPARE(r->verdict, u"valid"_s);
        QCOMPARE(r->schemaKey, u"org-example-app/custom/custom.1"_s);
        QCOMPARE(r->checkedWith, after.schemas->fingerprint());
    }
    // Order warnings are kept as they were, never added again.
    QCOMPARE(kinds(reader.get(1)->warningsJson), QStringList());
    QCOMPARE(kinds(reader.get(2)->warningsJson), (QStringList{u"duplicate-doc-id"_s, u"seq"_s}));
    QCOMPARE(revalidateStore(*store, after).checked, 0);

    // A stricter schema flips them to invalid, with the error listed.
    writeCustomSchema(tree.path(), "no_such_key");
    IngestOptions stricter;
    stricter.schemas = SchemaRegistry::load({tree.path()}, true, nullptr);
    st = revalidateStore(*store, stricter);
    QCOMPARE(st.changed, 2);
    QCOMPARE(reader.get(1)->verdict, u"invalid"_s);
    QVERIFY(reader.get(1)->errorsJson.contains("no_such_key"));
    QCOMPARE(kinds(reader.get(2)->warningsJson), (QStringList{u"duplicate-doc-id"_s, u"seq"_s}));
}

void TestRevalidation::watchedTreeAndApi()
{
    QTemporaryDir dir, tree;
    QDir().mkpath(tree.path() + u"/schemas"_s);
    EngineOptions opts;
    opts.dbPath = dir.filePath(u"w.pingscope"_s);
    opts.capture.port = 0;
    opts.schemaRoots = {tree.path()};
    Engine engine;
    QString error;
    QVERIFY2(engine.start(opts, &error), qPrintable(error));
    const QByteArray url = "/submit/org-example-app/custom/1/5d3c1a2e-7f4b-4c8e-9a1d-2b3c4d5e6f72";
    QCOMPARE(exchange(engine.port(), buildRequest("POST", url, {}, kPing)).status, 200);
    StoreReader reader(opts.dbPath);
    QCOMPARE(reader.get(1)->verdict, u"unregistered"_s);

    // Writing the schema into the watched tree reloads the schemas and re-checks the ping.
    QSignalSpy changed(&engine, &Engine::schemasChanged);
    writeCustomSchema(tree.path(), "ping_info");
    QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(reader.get(1)->verdict, u"valid"_s, 10000);
    // New pings use the new schemas too.
    QCOMPARE(
        exchange(engine.port(),
                 buildRequest("POST", "/submit/org-example-app/custom/1/5d3c1a2e-7f4b-4c8e-9a1d-2b3c4d5e6f73",
                              {}, kPing))
            .status,
        200);
    QTRY_COMPARE_WITH_TIMEOUT(reader.count(), 2, 5000);
    QCOMPARE(reader.get(2)->verdict, u"valid"_s);

    // The schemas the API reports: the registry snapshot in use, the watched tree.
    HttpResponse schemas =
        exchange(engine.port(), buildRequest("GET", "/pingscope/v1/schemas", {}, {}, false));
    QCOMPARE(schemas.status, 200);
    const json info = json::parse(schemas.body.toStdString());
    QCOMPARE(info.at("registry").at("snapshot").get<std::string>(), "2026-07-02 (19c97f5)");
    QCOMPARE(info.at("registry").at("source").get<std::string>(), "bundled");
    QCOMPARE(info.at("registry").at("namespaces").get<int>(), 85); // 84 + org-example-app from the tree
    QCOMPARE(info.at("roots").size(), size_t(1));
    QCOMPARE(info.at("registry").at("checked_with").get<std::string>(),
             engine.schemas()->fingerprint().toStdString());

    // The API: status, then a re-check on demand (nothing is stale: 0 checked).
    HttpResponse r = exchange(engine.port(), buildRequest("GET", "/pingscope/v1/revalidate", {}, {}, false));
    QCOMPARE(r.status, 200);
    QVERIFY(r.body.contains("\"running\""));
    r = exchange(engine.port(), buildRequest("POST", "/pingscope/v1/revalidate",
                                             {{"Content-Type", "application/json"}}, "{}"));
    QCOMPARE(r.status, 202);
    QCOMPARE(
        exchange(engine.port(), buildRequest("DELETE", "/pingscope/v1/revalidate", {}, {}, false)).status,
        405);
    QTRY_VERIFY_WITH_TIMEOUT(!engine.revalidator()->isRunning(), 5000);
    // Every stored ping now carries the verdict of the schemas in use.
    for (qint64 id : {1, 2})
        QTRY_COMPARE_WITH_TIMEOUT(reader.get(id)->checkedWith, engine.schemas()->fingerprint(), 5000);
}

void TestRevalidation::commandLine()
{
    QTemporaryDir dir, tree;
    const QString path = dir.filePath(u"c.pingscope"_s);
    {
        QString error;
        auto store = Store::open(path, &error);
        IngestOptions options;
        options.schemas = SchemaRegistry::load({}, true, nullptr);
        Validator v(options.schemas);
        store->enqueue(
            ingestSubmission(
                rawSubmission("/submit/org-example-app/custom/1/5d3c1a2e-7f4b-4c8e-9a1d-2b3c4d5e6f74", {},
                              kPing, 1'795'000'000'000'000),
                options, &v),
            1);
        store->flush();
    }
    auto run = [&](const QStringList &args) {
        QProcess p;
        p.start(qEnvironmentVariable("PINGSCOPE_BIN"), QStringList{u"validate"_s} + args);
        p.waitForFinished(60000);
        return std::pair{p.exitCode(), QString::fromUtf8(p.readAllStandardOutput())};
    };
    auto [code, out] = run({u"--db"_s, path});
    QCOMPARE(code, 1); // still unregistered: a problem
    QVERIFY2(out.contains(u"unregistered: 1"_s), qPrintable(out));
    writeCustomSchema(tree.path(), "ping_info");
    std::tie(code, out) = run({u"--db"_s, path, u"--schemas"_s, tree.path()});
    QCOMPARE(code, 0);
    QVERIFY2(out.contains(u"re-checked 1 of 1 pings"_s) && out.contains(u"1 changed"_s), qPrintable(out));
    QVERIFY2(out.contains(u"valid: 1 (was 0)"_s), qPrintable(out));
    std::tie(code, out) = run({u"--db"_s, path, u"--schemas"_s, tree.path(), u"--json"_s});
    QCOMPARE(code, 0);
    const json j = json::parse(out.toStdString());
    QCOMPARE(j.at("checked").get<int>(), 0);
    QCOMPARE(run({u"--db"_s, dir.filePath(u"missing.pingscope"_s)}).first, 2);
}

QTEST_GUILESS_MAIN(TestRevalidation)
#include "tst_revalidation.moc"
