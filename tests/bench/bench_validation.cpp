// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// Validation cost per ping, with one reused Validator per case (the way ingest workers run).
// Not a ctest test: run build/dev/tests/bench/pingscope_bench_validation [seconds-per-case].
//
// For comparison it also runs stock valijson 1.0 (std::regex for pattern/patternProperties,
// format checks, no rewriting) on the same schema and document, where that is safe: these
// documents hold no long strings, so std::regex does not overflow here.

#include "validation/validation.h"

#define VALIJSON_USE_EXCEPTIONS 1
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <QDir>
#include <QFile>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <vector>

using namespace pingscope;
using namespace Qt::StringLiterals;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

QString dataFile(const QString &relative)
{
    return QString::fromUtf8(PINGSCOPE_TEST_DATA_DIR) + u'/' + relative;
}

// The first file in `dir` whose name starts with `prefix` and ends with `suffix`.
QString findFile(const QString &dir, const QString &prefix, const QString &suffix)
{
    const QStringList names =
        QDir(dataFile(dir)).entryList({prefix + u'*' + suffix}, QDir::Files, QDir::Name);
    return names.isEmpty() ? QString() : dataFile(dir) + u'/' + names.first();
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

struct Stats
{
    double median = 0, p90 = 0, min = 0;
    size_t runs = 0;
};

// Runs `fn` for about `seconds` (at least 20 and at most 200,000 times, after a warm-up).
Stats measure(const std::function<void()> &fn, double seconds)
{
    for (int i = 0; i < 5; ++i)
        fn();
    std::vector<double> us;
    const auto deadline = Clock::now() + std::chrono::duration<double>(seconds);
    while ((us.size() < 20 || Clock::now() < deadline) && us.size() < 200000) {
        const auto t0 = Clock::now();
        fn();
        us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    }
    std::sort(us.begin(), us.end());
    return {us[us.size() / 2], us[us.size() * 9 / 10], us.front(), us.size()};
}

struct Case
{
    const char *name;
    QString file;
    QString ns, docType, docVersion; // routing, as ingest would do it
    QString schemaFile;              // for the stock valijson run
    const char *architectureFigure;  // ARCHITECTURE.md, valijson 1.0 as measured before
};

} // namespace

int main(int argc, char **argv)
{
    const double seconds = argc > 1 ? std::max(0.2, std::atof(argv[1])) : 1.5;
    const QString schemas = dataFile(u"pipeline-schemas"_s);

    auto t0 = Clock::now();
    QList<SchemaLoadError> errors;
    const auto registry = SchemaRegistry::load({schemas}, true, &errors);
    std::printf("registry: %lld schemas (bundled + %s) loaded and compiled in %.0f ms, %lld load "
                "errors\n\n",
                static_cast<long long>(registry->size()), qPrintable(schemas),
                std::chrono::duration<double, std::milli>(Clock::now() - t0).count(),
                static_cast<long long>(errors.size()));

    const bool appBaseline = registry->find(u"firefox-desktop"_s, u"baseline"_s, u"1"_s) != nullptr;
    const QString gleanSchema = schemas + u"/schemas/glean/glean/glean.1.schema.json"_s;
    const QString mainSchema = schemas + u"/schemas/telemetry/main/main.4.schema.json"_s;
    const std::vector<Case> cases = {
        {"Firefox Glean baseline", findFile(u"captured-requests/firefox-esr"_s, u"005-"_s, u".body.json"_s),
         appBaseline ? u"firefox-desktop"_s : u"glean"_s, appBaseline ? u"baseline"_s : u"glean"_s, u"1"_s,
         appBaseline ? schemas + u"/schemas/firefox-desktop/baseline/baseline.1.schema.json"_s : gleanSchema,
         "15 us"},
        {"Firefox Glean events", findFile(u"captured-requests/firefox-esr"_s, u"012-"_s, u".body.json"_s),
         u"firefox-desktop"_s, u"events"_s, u"1"_s,
         schemas + u"/schemas/firefox-desktop/events/events.1.schema.json"_s, "106 us"},
        {"Glean.js peer-test (glean.1)", findFile(u"captured-requests/gleanjs"_s, u"002-"_s, u".body.json"_s),
         u"glean"_s, u"glean"_s, u"1"_s, gleanSchema, "41 us"},
        {"Firefox legacy main (main.4)",
         findFile(u"captured-requests/firefox-esr"_s, u"011-"_s, u".body.json"_s), u"telemetry"_s, u"main"_s,
         u"4"_s, mainSchema, "824 us"},
        {"main.4 sample with events", dataFile(u"sample-pings/telemetry-main-ping-with-events.json"_s),
         u"telemetry"_s, u"main"_s, u"4"_s, mainSchema, "15.8 ms (182 KB)"},
    };

    std::printf("%-30s %8s %9s | %10s %10s %8s | %12s %9s | %s\n", "ping", "bytes", "parse us", "median us",
                "p90 us", "runs", "stock valij.", "speed-up", "ARCHITECTURE.md (stock)");
    for (const Case &c : cases) {
        const QByteArray bytes = readAll(c.file);
        if (bytes.isEmpty()) {
            std::printf("%-30s missing: %s\n", c.name, qPrintable(c.file));
            continue;
        }
        const json doc = json::parse(bytes.begin(), bytes.end());
        const Stats parse = measure(
            [&] {
                const json parsed = json::parse(bytes.begin(), bytes.end());
                (void)parsed;
            },
            seconds / 3);

        Validator validator(registry);
        const ValidationOutcome outcome = validator.validate(c.ns, c.docType, c.docVersion, doc);
        const Stats ours =
            measure([&] { (void)validator.validate(c.ns, c.docType, c.docVersion, doc); }, seconds);

        // Stock valijson on the same schema file, one reused validator.
        double stock = -1;
        try {
            const QByteArray schemaBytes = readAll(c.schemaFile);
            const json schemaDoc = json::parse(schemaBytes.begin(), schemaBytes.end());
            const bool draft4 =
                schemaDoc.value("$schema", std::string()).find("draft-04") != std::string::npos;
            valijson::Schema schema;
            valijson::SchemaParser parser(draft4 ? valijson::SchemaParser::kDraft4
                                                 : valijson::SchemaParser::kDraft7);
            parser.populateSchema(valijson::adapters::NlohmannJsonAdapter(schemaDoc), schema);
            valijson::Validator stockValidator;
            const valijson::adapters::NlohmannJsonAdapter target(doc);
            stock = measure(
                        [&] {
                            valijson::ValidationResults results;
                            (void)stockValidator.validate(schema, target, &results);
                        },
                        seconds)
                        .median;
        } catch (const std::exception &e) {
            std::fprintf(stderr, "stock valijson failed on %s: %s\n", c.name, e.what());
        }

        std::printf("%-30s %8lld %9.1f | %10.1f %10.1f %8zu | %12.1f %8.1fx | %s\n", c.name,
                    static_cast<long long>(bytes.size()), parse.median, ours.median, ours.p90, ours.runs,
                    stock, stock > 0 ? stock / ours.median : 0.0, c.architectureFigure);
        if (outcome.kind != ValidationOutcome::Kind::Valid)
            std::printf("    (not valid against %s: %lld errors)\n", qPrintable(outcome.schemaKey),
                        static_cast<long long>(outcome.errors.size()));
    }

    // A new Validator per ping, for the record (ARCHITECTURE.md: about 4.5 times slower).
    {
        const QByteArray bytes = readAll(cases[0].file);
        const json doc = json::parse(bytes.begin(), bytes.end());
        const Case &c = cases[0];
        const Stats fresh = measure(
            [&] {
                Validator v(registry);
                (void)v.validate(c.ns, c.docType, c.docVersion, doc);
            },
            seconds / 2);
        std::printf("\n%s with a new Validator per ping: median %.1f us\n", c.name, fresh.median);
    }
    return 0;
}
