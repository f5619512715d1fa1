// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// The production registry and the decoder's rules: the bundled index regenerates byte for byte,
// names compare in snake_case as gcp-ingestion's do, and real captured bodies get production's
// verdict and message for every rule (PIPELINE.md 1.4, 3.1-3.7).
#include "ingest.h"
#include "testsupport.h"
#include "validation/decoderrules.h"
#include "validation/registry.h"
#include "validation/validation.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

using namespace Qt::StringLiterals;
using namespace pingscope;
using namespace pingscope::test;
using nlohmann::json;

namespace {

QString sourceDir()
{
    return QString::fromUtf8(PINGSCOPE_SOURCE_DIR);
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return f.readAll();
}

const CapturedRequest &capture(const QString &name)
{
    static const QList<CapturedRequest> all = loadCapturedRequests();
    for (const CapturedRequest &c : all)
        if (c.name == u"firefox-esr/"_s + name)
            return c;
    qFatal("no capture %s", qPrintable(name));
}

QList<HttpHeader> without(QList<HttpHeader> headers, QByteArrayView name)
{
    headers.removeIf([&](const HttpHeader &h) { return h.name.compare(name, Qt::CaseInsensitive) == 0; });
    return headers;
}

QByteArray bodyOf(const CapturedRequest &c)
{
    return c.decodedJson;
}

json errorsOf(const PingRecord &r)
{
    return json::parse(r.errorsJson.begin(), r.errorsJson.end());
}

json warningsOf(const PingRecord &r)
{
    return json::parse(r.warningsJson.begin(), r.warningsJson.end());
}

json reported(const PingRecord &r)
{
    for (const json &e : errorsOf(r))
        if (e.value("reported", false))
            return e;
    return json();
}

} // namespace

class TestRegistry : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void regeneratesByteForByte();
    void snakeCaseReference_data();
    void snakeCaseReference();
    void columnNames();
    void normalizedFields();
    void decoderRules_data();
    void decoderRules();
    void strippedMetadataIsNotValidated();
    void everitMessages();
    void bigQueryColumnsOfFirefoxCaptures();
    void bigQueryColumnsInTheCli();
    void generatedSchemasCheckoutOverridesBundled();

private:
    PingRecord ingest(const QByteArray &url, const QList<HttpHeader> &headers, const QByteArray &body,
                      qint64 receivedAtUs = 1'795'000'000'000'000);
    std::shared_ptr<const SchemaRegistry> m_schemas;
};

void TestRegistry::initTestCase()
{
    QList<SchemaLoadError> errors;
    m_schemas = SchemaRegistry::load({}, true, &errors);
    QVERIFY(errors.isEmpty());
    QVERIFY(m_schemas->pipeline());
}

PingRecord TestRegistry::ingest(const QByteArray &url, const QList<HttpHeader> &headers,
                                const QByteArray &body, qint64 receivedAtUs)
{
    IngestOptions options;
    options.schemas = m_schemas;
    Validator validator(m_schemas);
    return ingestSubmission(rawSubmission(url, headers, body, receivedAtUs), options, &validator);
}

void TestRegistry::regeneratesByteForByte()
{
    QTemporaryDir dir;
    const QString out = dir.filePath(u"registry.json"_s);
    QProcess tool;
    tool.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"PINGSCOPE_REGISTRY_TOOL"_s, QString::fromUtf8(PINGSCOPE_REGISTRY_TOOL));
    tool.setProcessEnvironment(env);
    tool.start(sourceDir() + u"/tools/update-registry"_s,
               {u"--commit"_s, u"19c97f5cd31cffddb9074782ac69c31fb5170ff4"_s,
                sourceDir() + u"/tests/data/generated-schemas/generated-schemas.tar.xz"_s, out});
    QVERIFY(tool.waitForFinished(120000));
    QCOMPARE(tool.exitCode(), 0);
    const QByteArray made = readFile(out);
    const QByteArray committed = readFile(sourceDir() + u"/resources/registry/registry.json"_s);
    QCOMPARE(made.size(), committed.size());
    QVERIFY2(made == committed, "resources/registry/registry.json is not what tools/update-registry makes");
    QString error;
    const auto reg = PipelineRegistry::fromIndex(made, &error);
    QVERIFY2(reg, qPrintable(error));
    QCOMPARE(reg->namespaceCount(), qsizetype(84));
    QCOMPARE(reg->entryCount(), qsizetype(1051));
    QCOMPARE(reg->snapshot().commit, u"19c97f5cd31cffddb9074782ac69c31fb5170ff4"_s);
    QVERIFY(reg->snapshot().date.startsWith(u"2026-07-02"_s));
}

void TestRegistry::snakeCaseReference_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    // gcp-ingestion's SnakeCaseTest
    QTest::addRow("Aa") << u"Aa"_s << u"aa"_s;
    QTest::addRow("aA") << u"aA"_s << u"a_a"_s;
    QTest::addRow("_a__a_") << u"_a__a_"_s << u"a_a"_s;
    QTest::addRow("RAM") << u"RAM"_s << u"ram"_s;
    QTest::addRow("a7aAa") << u"a7aAa"_s << u"a7a_aa"_s;
    QTest::addRow("A7AAa") << u"A7AAa"_s << u"a7a_aa"_s;
    QTest::addRow("dots") << u"org.mozilla.firefox"_s << u"org_mozilla_firefox"_s;
    QTest::addRow("dashes") << u"deletion-request"_s << u"deletion_request"_s;
    for (const char *file : {"alphanum_3", "word_4", "mps-diff-integration"}) {
        const QList<QByteArray> lines =
            readFile(sourceDir() + u"/tests/data/casing/"_s + QString::fromLatin1(file) + u".csv"_s)
                .split('\n');
        int n = 0;
        for (const QByteArray &line : lines) {
            const qsizetype comma = line.indexOf(',');
            if (comma < 0)
                continue;
            QTest::addRow("%s:%d", file, ++n)
                << QString::fromUtf8(line.left(comma)) << QString::fromUtf8(line.mid(comma + 1));
        }
        QVERIFY(n > 20);
    }
}

void TestRegistry::snakeCaseReference()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QCOMPARE(snakeCase(input), expected);
}

void TestRegistry::columnNames()
{
    QCOMPARE(bigQueryColumnName(u"newtab.locale"), u"newtab_locale"_s);
    QCOMPARE(bigQueryColumnName(u"3d.thing"), u"_3d_thing"_s);
    const auto *reg = m_schemas->pipeline();
    const RegistryEntry *newtab = reg->find(u"firefox-desktop"_s, u"newtab"_s, u"1"_s);
    QVERIFY(newtab);
    const auto *columns = reg->metricColumns(*newtab);
    QVERIFY(columns);
    // From newtab.1.bq (PIPELINE.md 1.3).
    QVERIFY(columns->value(u"boolean"_s).contains(u"newtab_search_enabled"_s));
    QVERIFY(columns->value(u"labeled_counter"_s).contains(u"glean_error_invalid_label"_s));
    QVERIFY(columns->value(u"text2"_s).contains(u"topsites_sponsored_tiles_received"_s));
    const RegistryEntry *content = reg->find(u"firefox-desktop"_s, u"newtab-content"_s, u"1"_s);
    QVERIFY(
        reg->metricColumns(*content)->value(u"object"_s).contains(u"newtab_content_inferred_interests"_s));
}

void TestRegistry::normalizedFields()
{
    QCOMPARE(normalizeChannel(u"release"_s), u"release"_s);
    QCOMPARE(normalizeChannel(u"Release"_s), u"Other"_s); // case-sensitive
    QCOMPARE(normalizeChannel(u"nightly-cck-foo"_s), u"nightly"_s);
    QCOMPARE(normalizeChannel(u"beta-xyz"_s), u"beta"_s);
    QCOMPARE(normalizeChannel(u"default"_s), u"Other"_s);
    QCOMPARE(normalizeOs(u"Windows_NT"_s), u"Windows"_s);
    QCOMPARE(normalizeOs(u"Darwin"_s), u"Mac"_s);
    QCOMPARE(normalizeOs(u"GNU/Linux"_s), u"Linux"_s);
    QCOMPARE(normalizeOs(u"iPhone OS"_s), u"iOS"_s);
    QCOMPARE(normalizeOs(u"Android"_s), u"Android"_s);
    QCOMPARE(normalizeOs(u"Haiku"_s), u"Other"_s);
    QCOMPARE(normalizeOsVersion(u"6.1.2.3-generic"_s), u"6.1.2"_s);
    QCOMPARE(normalizeOsVersion(u"10"_s), u"10"_s);
    QCOMPARE(normalizeOsVersion(u"v10"_s), QString());
    QCOMPARE(normalizeUuid(u"{A670D57C-0BC6-4205-9BE7-FC8F50AAD72F}"_s),
             u"a670d57c-0bc6-4205-9be7-fc8f50aad72f"_s);
    QCOMPARE(normalizeUuid(u"not-a-uuid"_s), QString());
    QCOMPARE(normalizeUuid(u"1-2-3-4-F"_s), u"1-2-3-4-f"_s); // fields of 1..16 digits, as Java's UUID
    QCOMPARE(normalizeUuid(u"1--3-4-5"_s), QString());
    QCOMPARE(normalizeUuid(u"1-2-3-4-5-6"_s), QString());
    QCOMPARE(normalizeUuid(u"1-2-3-4-"_s), QString());
    QCOMPARE(normalizeUuid(u"12345678901234567-2-3-4-5"_s), QString());
    QCOMPARE(normalizeUuid(u"1234567890123456-1234567890123456-1-1-1"_s), QString()); // over 36 characters
    QCOMPARE(normalizeUuid(u"a670d57c-0bc6-4205-9be7-fc8f50aad72g"_s), QString());
    // Python: zlib.crc32(b"a670d57c-0bc6-4205-9be7-fc8f50aad72f") % 100 == 52
    QCOMPARE(sampleIdOf(u"a670d57c-0bc6-4205-9be7-fc8f50aad72f"_s), 52);
    // Python's datetime.isoformat(): microseconds only when non-zero.
    QCOMPARE(edgeSubmissionTimestamp(1'795'000'000'000'000), u"2026-11-18T11:06:40Z"_s);
    QCOMPARE(edgeSubmissionTimestamp(1'795'000'000'000'042), u"2026-11-18T11:06:40.000042Z"_s);
    QCOMPARE(edgeSubmissionTimestamp(1'795'000'000'123'456, u"seconds"_s), u"2026-11-18T11:06:40Z"_s);
}

void TestRegistry::decoderRules_data()
{
    QTest::addColumn<QByteArray>("url");
    QTest::addColumn<QList<HttpHeader>>("headers");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("verdict");
    QTest::addColumn<QString>("errorMessage"); // production's error_message (exception.toString())

    const CapturedRequest &baseline = capture(u"005-POST-firefox-desktop_baseline"_s);
    const CapturedRequest &content = capture(u"010-POST-firefox-desktop_newtab-content"_s);
    const CapturedRequest &main = capture(u"011-POST-telemetry_a49b6c77-d6ee-4f3f-aae9-0bbee28e75ed"_s);
    const QByteArray uuid = "/1/5d3c1a2e-7f4b-4c8e-9a1d-2b3c4d5e6f70";
    const QList<HttpHeader> glean = baseline.headers;

    QTest::addRow("firefox baseline as sent")
        << baseline.url << glean << bodyOf(baseline) << u"valid"_s << QString();
    QTest::addRow("unknown ping of firefox-desktop")
        << QByteArray("/submit/firefox-desktop/not-a-real-ping" + uuid) << glean << bodyOf(baseline)
        << u"unregistered"_s
        << u"com.mozilla.telemetry.ingestion.core.schema.SchemaNotFoundException: No such docType: "
           u"firefox-desktop/not-a-real-ping"_s;
    QTest::addRow("typo'd app id")
        << QByteArray("/submit/org-mozilla-fenx/baseline" + uuid) << glean << bodyOf(baseline)
        << u"unregistered"_s
        << u"com.mozilla.telemetry.ingestion.core.schema.SchemaNotFoundException: No such "
           u"docType: org-mozilla-fenx/baseline"_s;
    QTest::addRow("missing version")
        << QByteArray("/submit/firefox-desktop/baseline/9/5d3c1a2e-7f4b-4c8e-9a1d-2b3c4d5e6f70") << glean
        << bodyOf(baseline) << u"unregistered"_s
        << u"com.mozilla.telemetry.ingestion.core.schema.SchemaNotFoundException: No "
           u"schema with name: firefox-desktop/baseline/baseline.9.schema.json"_s;
    // glean-min doc type with client_info (the baseline body posted as newtab-content).
    QTest::addRow("glean-min ping with client_info")
        << QByteArray("/submit/firefox-desktop/newtab-content" + uuid) << glean << bodyOf(baseline)
        << u"invalid"_s << QString();
    QTest::addRow("glean-min ping as sent")
        << content.url << content.headers << bodyOf(content) << u"valid"_s << QString();
    QTest::addRow("firefox-desktop without a Glean agent (curl replay)")
        << baseline.url << without(without(glean, "X-Telemetry-Agent"), "User-Agent") << bodyOf(baseline)
        << u"rejected"_s << u"com.mozilla.telemetry.decoder.MessageScrubber$UnwantedDataException: 1684980"_s;
    QTest::addRow("old-style Glean User-Agent is enough")
        << baseline.url
        << (without(without(glean, "X-Telemetry-Agent"), "User-Agent")
            << HttpHeader{"User-Agent", "Glean/0.12"})
        << bodyOf(baseline) << u"valid"_s << QString();
    QByteArray canary = bodyOf(baseline);
    canary.replace("a670d57c-0bc6-4205-9be7-fc8f50aad72f", "c0ffeec0-ffee-c0ff-eec0-ffeec0ffeec0");
    QTest::addRow("canary client id")
        << baseline.url << glean << canary << u"rejected"_s
        << u"com.mozilla.telemetry.decoder.MessageScrubber$AffectedByBugException: 1489560"_s;
    QTest::addRow("pageload-domain is dropped")
        << QByteArray("/submit/firefox-desktop/pageload-domain" + uuid) << glean << bodyOf(content)
        << u"dropped"_s
        << u"com.mozilla.telemetry.decoder.MessageScrubber$MessageShouldBeDroppedException: DENG-9045"_s;
    QTest::addRow("firefox-desktop/background-update is dropped")
        << QByteArray("/submit/firefox-desktop/background-update" + uuid) << glean << bodyOf(baseline)
        << u"dropped"_s
        << u"com.mozilla.telemetry.decoder.MessageScrubber$MessageShouldBeDroppedException: 1784911"_s;
    QTest::addRow("ignored namespace")
        << QByteArray("/submit/org-mozilla-fenix-debug/baseline" + uuid) << glean << bodyOf(baseline)
        << u"rejected"_s << u"com.mozilla.telemetry.decoder.MessageScrubber$UnwantedDataException: 1614409"_s;
    QTest::addRow("ignored namespace prefix")
        << QByteArray("/submit/com-feifan-newthing/baseline" + uuid) << glean << bodyOf(baseline)
        << u"rejected"_s << u"com.mozilla.telemetry.decoder.MessageScrubber$UnwantedDataException: 2010623"_s;
    QByteArray mainUrl = main.url;
    QTest::addRow("legacy main ping as sent")
        << mainUrl << main.headers << bodyOf(main) << u"valid"_s << QString();
    QByteArray notFirefox = mainUrl;
    notFirefox.replace("/Firefox/", "/Floorp/");
    QTest::addRow("legacy main from another appName")
        << notFirefox << main.headers << bodyOf(main) << u"rejected"_s
        << u"com.mozilla.telemetry.decoder.MessageScrubber$UnwantedDataException: 1592010"_s;
    QByteArray savedSession = mainUrl;
    savedSession.replace("/main/", "/saved-session/");
    QTest::addRow("unwanted legacy doc type")
        << savedSession << main.headers << bodyOf(main) << u"rejected"_s
        << u"com.mozilla.telemetry.decoder.MessageScrubber$UnwantedDataException: 1656910"_s;
    QTest::addRow("sslreports")
        << QByteArray("/submit/sslreports") << QList<HttpHeader>{} << QByteArray("{}") << u"rejected"_s
        << u"com.mozilla.telemetry.decoder.MessageScrubber$UnwantedDataException: 1585144"_s;
    // Past its collect_through_date (2022-01-01): the schema repository's own example.
    QTest::addRow("deprecated doc type")
        << QByteArray("/submit/messaging-system/whats-new-panel" + uuid) << QList<HttpHeader>{}
        << readDataFile(u"pipeline-schemas/validation/messaging-system/"
                        u"whats-new-panel.1.browser_session_id.pass.json"_s)
        << u"rejected"_s << u"com.mozilla.telemetry.decoder.ParsePayload$DeprecatedMessageException"_s;
    // 9 MiB after gunzip: a valid ping padded with a 9 MiB string metric.
    QByteArray big = bodyOf(baseline);
    big.insert(big.lastIndexOf('}'), ", \"x\": \"" + QByteArray(9 * 1024 * 1024, 'a') + "\"");
    QTest::addRow("over 8 MiB after gunzip")
        << baseline.url << glean << gzip(big) << u"rejected"_s
        << u"com.mozilla.telemetry.transforms.LimitPayloadSize$PayloadTooLargeException: "
           u"Message payload is %1bytes, larger than the configured limit of 8388608"_s.arg(big.size());
}

void TestRegistry::decoderRules()
{
    QFETCH(QByteArray, url);
    QFETCH(QList<HttpHeader>, headers);
    QFETCH(QByteArray, body);
    QFETCH(QString, verdict);
    QFETCH(QString, errorMessage);
    const PingRecord r = ingest(url, headers, body);
    QVERIFY2(r.verdict == verdict, qPrintable(r.verdict + u' ' + QString::fromUtf8(r.errorsJson.left(600))));
    const json rep = reported(r);
    if (verdict == u"valid") {
        QVERIFY(rep.is_null());
        return;
    }
    QVERIFY2(!rep.is_null(), r.errorsJson.constData());
    if (!errorMessage.isEmpty())
        QCOMPARE(QString::fromStdString(rep.value("error_message", "")), errorMessage);
    if (verdict == u"invalid") {
        // glean-min.1 has no ping_info or client_info: the first schema error is the reported one.
        QCOMPARE(rep.value("exception_class", ""), "org.everit.json.schema.ValidationException");
        QCOMPARE(
            QString::fromStdString(rep.value("error_message", "")),
            u"org.everit.json.schema.ValidationException: #: extraneous key [client_info] is not permitted"_s);
    }
    const auto pipeline = json::parse(r.pipelineJson.begin(), r.pipelineJson.end());
    if (verdict == u"rejected" || verdict == u"unregistered" || verdict == u"invalid")
        QVERIFY(pipeline.contains("error_table"));
    if (url.contains("whats-new-panel")) {
        // sample_id from the client_id attribute, which the metadata names before impression_id;
        // Python: zlib.crc32(b"94642acb-4996-034b-916c-147da723cc41") % 100 == 9
        QCOMPARE(pipeline.value("sample_id", -1), 9);
        QCOMPARE(pipeline.value("normalized_channel", ""), "nightly"); // release_channel
        QCOMPARE(pipeline.value("table", ""), "messaging_system.whats_new_panel_v1");
    }
    if (verdict == u"unregistered" && url.contains("firefox-desktop/not-a-real-ping"))
        QCOMPARE(pipeline.value("generic_valid", false), true); // would pass glean.1 once registered
}

void TestRegistry::everitMessages()
{
    // The forms PIPELINE.md 3.3 quotes from the error tables (bigquery-etl's udf tests).
    Validator v(m_schemas);
    const CapturedRequest &baseline = capture(u"005-POST-firefox-desktop_baseline"_s);
    const json ok = json::parse(baseline.decodedJson.begin(), baseline.decodedJson.end());
    auto firstEverit = [&](const QString &ns, const QString &dt, const QString &ver, const json &doc) {
        const ValidationOutcome o = v.validate(ns, dt, ver, doc, true);
        return o.errors.isEmpty() ? QString() : o.errors.first().everit;
    };
    json noClientInfo = ok;
    noClientInfo.erase("client_info");
    QCOMPARE(firstEverit(u"firefox-desktop"_s, u"baseline"_s, u"1"_s, noClientInfo),
             u"#: required key [client_info] not found"_s);
    json events = json::parse(capture(u"012-POST-firefox-desktop_events"_s).decodedJson.toStdString());
    events["events"][1]["timestamp"] = -2;
    QCOMPARE(firstEverit(u"firefox-desktop"_s, u"events"_s, u"1"_s, events),
             u"#/events/1/timestamp: -2 is not greater or equal to 0"_s);
    json extra = ok;
    extra["ping_info"]["buildID"] = "20240101";
    QCOMPARE(firstEverit(u"firefox-desktop"_s, u"baseline"_s, u"1"_s, extra),
             u"#/ping_info: extraneous key [buildID] is not permitted"_s);
    json badSeq = ok;
    badSeq["ping_info"]["seq"] = "zero";
    QCOMPARE(firstEverit(u"firefox-desktop"_s, u"baseline"_s, u"1"_s, badSeq),
             u"#/ping_info/seq: expected type: Integer, found: String"_s);
    // Through ingest: the reported error carries it as error_message.
    const PingRecord r =
        ingest(baseline.url, baseline.headers, QByteArray::fromStdString(noClientInfo.dump()));
    QCOMPARE(r.verdict, u"invalid"_s);
    QCOMPARE(QString::fromStdString(reported(r).value("error_message", "")),
             u"org.everit.json.schema.ValidationException: #: required key [client_info] not found"_s);
}

void TestRegistry::strippedMetadataIsNotValidated()
{
    const CapturedRequest &baseline = capture(u"005-POST-firefox-desktop_baseline"_s);
    QByteArray body = bodyOf(baseline);
    // A replay of an error-table row: the client sent pipeline fields back.
    body.insert(
        1,
        R"("metadata": {"geo": {"country": "DE"}}, "submission_timestamp": "2026-01-01T00:00:00Z", "sample_id": 7, "normalized_channel": "release", )");
    const PingRecord r = ingest(baseline.url, baseline.headers, body);
    QVERIFY2(r.verdict == u"valid"_s, r.errorsJson.constData());
    bool found = false;
    for (const json &w : warningsOf(r))
        if (w.value("kind", "") == "stripped-metadata") {
            found = true;
            QCOMPARE(w.value("fields", std::string()),
                     "metadata,normalized_channel,sample_id,submission_timestamp");
        }
    QVERIFY(found);
    const auto pipeline = json::parse(r.pipelineJson.begin(), r.pipelineJson.end());
    QCOMPARE(pipeline.value("sample_id", -1), 52); // ours, from the client id, not the 7 it sent
    QCOMPARE(pipeline.value("table", ""), "firefox_desktop.baseline_v1");
    // The capture run tagged its pings "automation": they never reach the stable tables.
    QCOMPARE(pipeline.value("stable_tables", true), false);
    const PingRecord untagged =
        ingest(baseline.url, without(baseline.headers, "X-Source-Tags"), bodyOf(baseline));
    QVERIFY(untagged.pipelineJson.contains("\"stable_tables\":true"));
}

void TestRegistry::bigQueryColumnsOfFirefoxCaptures()
{
    // Every metric Firefox ESR sent is a column of its table, except those listed here (the
    // snapshot's .bq files do not have them).
    int metrics = 0, spilled = 0;
    QStringList spilledNames;
    for (const CapturedRequest &c : loadCapturedRequests()) {
        if (!c.url.startsWith("/submit/firefox-desktop/") || !c.jsonOk)
            continue;
        const PingRecord r = ingest(c.url, c.headers, c.body);
        QVERIFY2(r.verdict == u"valid"_s, qPrintable(c.name + u' ' + r.verdict));
        const json doc = json::parse(c.decodedJson.begin(), c.decodedJson.end());
        if (const auto m = doc.find("metrics"); m != doc.end() && m->is_object())
            for (const auto &[type, byName] : m->items())
                metrics += static_cast<int>(byName.size());
        for (const json &w : warningsOf(r))
            if (w.value("kind", "") == "bq-column") {
                ++spilled;
                spilledNames << QString::fromStdString(w.value("column", "")) + u" in "_s +
                                    QString::fromStdString(w.value("table", ""));
                QVERIFY(w.value("message", "").find("additional_properties") != std::string::npos);
            }
    }
    qInfo("%d metrics in the Firefox captures, %d not columns: %s", metrics, spilled,
          qPrintable(spilledNames.join(u"; "_s)));
    QVERIFY(metrics > 100);
    QCOMPARE(spilled, 0);

    // An undeclared metric, and one of the wrong type, land in additional_properties.
    const CapturedRequest &newtab = capture(u"003-POST-firefox-desktop_newtab"_s);
    json doc = json::parse(newtab.decodedJson.begin(), newtab.decodedJson.end());
    doc["metrics"]["counter"]["pingscope.not_declared"] = 3;
    doc["metrics"]["quantity"]["newtab.search_enabled"] = 1; // declared as a boolean
    const PingRecord r = ingest(newtab.url, newtab.headers, QByteArray::fromStdString(doc.dump()));
    QCOMPARE(r.verdict, u"valid"_s);
    QStringList columns;
    for (const json &w : warningsOf(r))
        if (w.value("kind", "") == "bq-column")
            columns << QString::fromStdString(w.value("column", ""));
    QCOMPARE(columns, (QStringList{u"metrics.counter.pingscope_not_declared"_s,
                                   u"metrics.quantity.newtab_search_enabled"_s}));
    QVERIFY(r.warningsJson.contains("is not a column of firefox_desktop.newtab_v1"));
}

void TestRegistry::bigQueryColumnsInTheCli()
{
    QTemporaryDir dir;
    const CapturedRequest &newtab = capture(u"003-POST-firefox-desktop_newtab"_s);
    json doc = json::parse(newtab.decodedJson.begin(), newtab.decodedJson.end());
    doc["metrics"]["counter"]["pingscope.not_declared"] = 3;
    const QString file = dir.filePath(u"newtab.json"_s);
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray::fromStdString(doc.dump()));
    f.close();
    QProcess p;
    p.start(qEnvironmentVariable("PINGSCOPE_BIN"),
            {u"validate"_s, u"--namespace"_s, u"firefox-desktop"_s, u"--doctype"_s, u"newtab"_s,
             u"--doc-version"_s, u"1"_s, u"--json"_s, file});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0); // valid: the warning does not fail it
    const json out = json::parse(p.readAllStandardOutput().toStdString());
    QCOMPARE(out.at("verdict").get<std::string>(), "valid");
    QCOMPARE(out.at("warnings").size(), size_t(1));
    QCOMPARE(out.at("warnings")[0].at("column").get<std::string>(), "metrics.counter.pingscope_not_declared");
    p.start(qEnvironmentVariable("PINGSCOPE_BIN"),
            {u"validate"_s, u"--namespace"_s, u"firefox-desktop"_s, u"--doctype"_s, u"newtab"_s,
             u"--doc-version"_s, u"1"_s, file});
    QVERIFY(p.waitForFinished(60000));
    QVERIFY(p.readAllStandardOutput().contains(
        "warning: `metrics.counter.pingscope.not_declared` is not a column of "
        "firefox_desktop.newtab_v1"));
}

void TestRegistry::generatedSchemasCheckoutOverridesBundled()
{
    // A generated-schemas checkout given as --schemas replaces the bundled registry: here one
    // trimmed to two namespaces, so firefox-desktop pings become unregistered.
    QTemporaryDir dir;
    QProcess tar;
    tar.start(u"tar"_s, {u"-xJf"_s, sourceDir() + u"/tests/data/generated-schemas/generated-schemas.tar.xz"_s,
                         u"-C"_s, dir.path(), u"schemas/glean"_s, u"schemas/org-mozilla-fenix"_s});
    QVERIFY(tar.waitForFinished(60000));
    QCOMPARE(tar.exitCode(), 0);
    QList<SchemaLoadError> errors;
    const auto schemas = SchemaRegistry::load({dir.path()}, true, &errors);
    QVERIFY(errors.isEmpty());
    QCOMPARE(schemas->pipelineSource(), QDir::cleanPath(dir.path()));
    QCOMPARE(schemas->pipeline()->namespaceCount(), qsizetype(2));
    QVERIFY(schemas->fingerprint().contains(dir.path()));
    Validator validator(schemas);
    const CapturedRequest &baseline = capture(u"005-POST-firefox-desktop_baseline"_s);
    const json doc = json::parse(baseline.decodedJson.begin(), baseline.decodedJson.end());
    QCOMPARE(validator.validate(u"firefox-desktop"_s, u"baseline"_s, u"1"_s, doc, true).kind,
             ValidationOutcome::Kind::Unregistered);
    QCOMPARE(validator.validate(u"org-mozilla-fenix"_s, u"baseline"_s, u"1"_s, doc, true).kind,
             ValidationOutcome::Kind::Valid);
}

QTEST_GUILESS_MAIN(TestRegistry)
#include "tst_registry.moc"
