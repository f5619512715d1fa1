// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "validatecli.h"
#include "console.h"

#include "ingest.h"
#include "ping/decode.h"
#include "ping/ping.h"
#include "revalidator.h"
#include "store/store.h"
#include "validation/registry.h"
#include "validation/validation.h"

#include <QCommandLineParser>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <nlohmann/json.hpp>

#include <cstdio>

using namespace Qt::StringLiterals;
using nlohmann::json;

namespace pingscope {

namespace {

// validation/<namespace>/<docType>.<docVersion>.<name>.<pass|fail>.json
struct ExampleName
{
    bool matched = false;
    QString ns, docType, docVersion, name, expect;
};

ExampleName parseExampleName(const QString &path)
{
    static const QRegularExpression re(u"^(.+)\\.(\\d+)\\.([^.]+)\\.(pass|fail)\\.json$"_s);
    ExampleName e;
    const QFileInfo info(path);
    const auto m = re.match(info.fileName());
    if (!m.hasMatch())
        return e;
    e.matched = true;
    e.ns = info.dir().dirName();
    e.docType = m.captured(1);
    e.docVersion = m.captured(2);
    e.name = m.captured(3);
    e.expect = m.captured(4);
    return e;
}

QString verdictName(ValidationOutcome::Kind k)
{
    switch (k) {
    case ValidationOutcome::Kind::Valid:
        return u"valid"_s;
    case ValidationOutcome::Kind::Invalid:
        return u"invalid"_s;
    case ValidationOutcome::Kind::NoSchema:
        return u"no-schema"_s;
    case ValidationOutcome::Kind::Unregistered:
        return u"unregistered"_s;
    }
    return {};
}

// pingscope validate --db FILE: re-checks a store (the writer lock keeps a running Pingscope's
// store out of reach: it re-checks its own pings).
int revalidateDb(const QString &path, const QStringList &roots, bool bundled, bool asJson)
{
    if (!QFileInfo::exists(path)) {
        printErr(u"pingscope validate: no such store: %1"_s.arg(path));
        return 2;
    }
    QList<SchemaLoadError> loadErrors;
    IngestOptions options;
    options.schemas = SchemaRegistry::load(roots, bundled, &loadErrors);
    for (const auto &e : std::as_const(loadErrors))
        printErr(u"schema not loaded: %1: %2"_s.arg(e.path, e.reason));
    QString error;
    auto store = Store::open(path, &error);
    if (!store) {
        printErr(u"pingscope validate: %1"_s.arg(error));
        return 2;
    }
    StoreReader before(path);
    const StoreStats was = before.stats();
    const RevalidationStats st = revalidateStore(*store, options);
    if (!st.error.isEmpty()) {
        printErr(u"pingscope validate: %1"_s.arg(st.error));
        return 2;
    }
    StoreReader after(path);
    const StoreStats now = after.stats();
    qint64 problems = 0;
    for (const auto &[verdictName, count] : now.byVerdict)
        if (verdict::isProblem(verdictName))
            problems += count;
    if (asJson) {
        json byVerdict = json::object(), wasByVerdict = json::object();
        for (const auto &[v, c] : now.byVerdict)
            byVerdict[v.toStdString()] = c;
        for (const auto &[v, c] : was.byVerdict)
            wasByVerdict[v.toStdString()] = c;
        printOut(QString::fromStdString(json{
            {"store", path.toStdString()},
            {"checked", st.checked},
            {"changed", st.changed},
            {"elapsed_ms", st.elapsedMs},
            {"checked_with", options.schemas->fingerprint().toStdString()},
            {"by_verdict_before", wasByVerdict},
            {"by_verdict", byVerdict}}.dump()));
    } else {
        printOut(u"%1: re-checked %2 of %3 pings with %4 in %5 ms; %6 changed"_s.arg(path)
                     .arg(st.checked)
                     .arg(now.total)
                     .arg(options.schemas->fingerprint())
                     .arg(st.elapsedMs)
                     .arg(st.changed));
        for (const auto &[v, c] : now.byVerdict) {
            const auto w = was.byVerdict.find(v);
            const qint64 old = w == was.byVerdict.end() ? 0 : w->second;
            printOut(u"  %1: %2%3"_s.arg(v).arg(c).arg(old == c ? QString() : u" (was %1)"_s.arg(old)));
        }
        for (const auto &[v, c] : was.byVerdict)
            if (!now.byVerdict.count(v))
                printOut(u"  %1: 0 (was %2)"_s.arg(v).arg(c));
    }
    return !loadErrors.isEmpty() ? 2 : problems > 0 ? 1 : 0;
}

QStringList collectFiles(const QStringList &paths, QStringList &missing)
{
    QStringList files;
    for (const QString &p : paths) {
        const QFileInfo info(p);
        if (info.isDir()) {
            QStringList inDir;
            QDirIterator it(p, {u"*.json"_s}, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext())
                inDir << it.next();
            inDir.sort();
            files << inDir;
        } else if (info.isFile()) {
            files << p;
        } else {
            missing << p;
        }
    }
    return files;
}

} // namespace

int runValidateCommand(const QStringList &arguments)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        u"Validates pings in files and folders against the pipeline's JSON schemas.\n\n"
        u"A file named validation/<namespace>/<docType>.<docVersion>.<name>.<pass|fail>.json knows "
        u"its schema from its path; other files take --namespace/--doctype/--doc-version, or are routed "
        u"by their content (a Glean ping against the generic Glean schema, a telemetry ping by its "
        u"\"type\" and \"version\").\n"
        u"Exit code: 0 when everything is as expected, 1 when not, 2 on usage or load errors."_s);
    p.addHelpOption();
    p.addVersionOption();
    p.addPositionalArgument(u"validate"_s, u"The command."_s);
    p.addPositionalArgument(u"PATH"_s, u"Ping files (JSON) or folders of them."_s, u"PATH..."_s);
    const QCommandLineOption schemas(u"schemas"_s,
                                     u"A mozilla-pipeline-schemas checkout (or its schemas/ folder). "
                                     u"Repeatable; overrides the bundled schemas."_s,
                                     u"DIR"_s);
    const QCommandLineOption noBundled(u"no-bundled-schemas"_s,
                                       u"Do not use the schemas and registry built into Pingscope."_s);
    const QCommandLineOption schemaFile(u"schema"_s, u"Validate against this one schema file."_s, u"FILE"_s);
    const QCommandLineOption draft(u"draft"_s, u"Dialect of --schema: 4, 6 or 7 (default: its $schema)."_s,
                                   u"N"_s);
    const QCommandLineOption ns(u"namespace"_s, u"Namespace of the pings given."_s, u"NAME"_s);
    const QCommandLineOption docType(u"doctype"_s, u"Document type of the pings given."_s, u"NAME"_s);
    const QCommandLineOption version(u"doc-version"_s, u"Document version of the pings given."_s, u"N"_s);
    const QCommandLineOption asJson(u"json"_s, u"Print one JSON object per file."_s);
    const QCommandLineOption expect(u"expect-from-name"_s,
                                    u"Compare each verdict with the file's .pass/.fail suffix and print "
                                    u"'N passed, N failed'."_s);
    const QCommandLineOption db(
        u"db"_s,
        u"Re-check every ping of this store with the current schemas (as the window "
        u"does after a schema change), print what changed, and exit 0 when every ping "
        u"is now valid, 1 otherwise."_s,
        u"FILE"_s);
    p.addOptions({schemas, noBundled, schemaFile, draft, ns, docType, version, asJson, expect, db});
    if (!p.parse(arguments)) {
        printErr(p.errorText() + u"\nTry 'pingscope validate --help'."_s);
        return 2;
    }
    if (printedHelpOrVersion(p))
        return 0;
    QStringList paths = p.positionalArguments();
    if (!paths.isEmpty() && paths.first() == u"validate")
        paths.removeFirst();
    if (p.isSet(db))
        return revalidateDb(p.value(db), p.values(schemas), !p.isSet(noBundled), p.isSet(asJson));
    if (paths.isEmpty()) {
        printErr(u"pingscope validate: no files given\nTry 'pingscope validate --help'."_s);
        return 2;
    }
    int draftNumber = 0;
    if (p.isSet(draft)) {
        bool ok = false;
        draftNumber = p.value(draft).toInt(&ok);
        if (!ok || (draftNumber != 4 && draftNumber != 6 && draftNumber != 7)) {
            printErr(u"--draft must be 4, 6 or 7"_s);
            return 2;
        }
    }

    int exitCode = 0;
    QList<SchemaLoadError> loadErrors;
    const auto registry = SchemaRegistry::load(p.values(schemas), !p.isSet(noBundled), &loadErrors);
    for (const auto &e : std::as_const(loadErrors))
        printErr(u"schema not loaded: %1: %2"_s.arg(e.path, e.reason));
    if (!loadErrors.isEmpty())
        exitCode = 2;
    std::unique_ptr<CompiledSchema> single;
    if (p.isSet(schemaFile)) {
        QString error;
        single = compileSchemaFile(p.value(schemaFile), draftNumber, &error);
        if (!single) {
            printErr(u"cannot load schema %1: %2"_s.arg(p.value(schemaFile), error));
            return 2;
        }
    }
    Validator validator(registry);

    QStringList missing;
    const QStringList files = collectFiles(paths, missing);
    for (const QString &m : std::as_const(missing))
        printErr(u"no such file or folder: %1"_s.arg(m));
    if (!missing.isEmpty())
        exitCode = 2;

    int passed = 0, failed = 0;
    for (const QString &file : files) {
        QFile f(file);
        QString verdict, note, schemaKey;
        QList<ValidationError> errors;
        json warnings = json::array(); // BigQuery columns: metrics that would land in additional_properties
        const ExampleName example = parseExampleName(file);
        if (!f.open(QIODevice::ReadOnly)) {
            verdict = u"unreadable"_s;
            note = f.errorString();
        } else {
            const QByteArray bytes = f.readAll();
            json doc;
            JsonParseError pe;
            if (!parseJson(bytes, doc, pe)) {
                verdict = u"not-json"_s;
                note = u"line %1, column %2 (byte %3): %4"_s.arg(pe.line)
                           .arg(pe.column)
                           .arg(pe.byteOffset)
                           .arg(pe.message);
            } else {
                ValidationOutcome o;
                if (single) {
                    o = validator.validateAgainst(*single, doc);
                } else if (p.isSet(ns) || p.isSet(docType) || p.isSet(version)) {
                    o = validator.validate(p.value(ns), p.value(docType), p.value(version), doc);
                } else if (example.matched) {
                    o = validator.validate(example.ns, example.docType, example.docVersion, doc);
                } else if (doc.is_object() && doc.contains("type") && doc.contains("version") &&
                           !doc.contains("ping_info")) {
                    // A legacy telemetry ping names its own type and version.
                    const auto &t = doc["type"];
                    const auto &v = doc["version"];
                    o = validator.validate(
                        u"telemetry"_s,
                        t.is_string() ? QString::fromStdString(t.get<std::string>()) : QString(),
                        v.is_number()
                            ? QString::number(v.get<qint64>())
                            : (v.is_string() ? QString::fromStdString(v.get<std::string>()) : QString()),
                        doc);
                } else {
                    o = validator.validate(QString(), QString(), QString(), doc);
                }
                verdict = verdictName(o.kind);
                note = o.note;
                schemaKey = o.schemaKey;
                errors = o.errors;
                if (o.kind == ValidationOutcome::Kind::Valid && o.entry && registry->pipeline() &&
                    o.entry->schemaKey.startsWith(u"glean/glean/"_s))
                    addBigQueryColumnWarnings(doc, *registry->pipeline(), *o.entry, warnings);
            }
        }
        bool ok = verdict == u"valid";
        QString expected;
        if (p.isSet(expect)) {
            if (example.matched) {
                expected = example.expect;
                ok = (expected == u"pass") == (verdict == u"valid") &&
                     (verdict == u"valid" || verdict == u"invalid");
            } else {
                expected = u"unknown"_s;
                ok = false;
                note = (note.isEmpty() ? QString() : note + u"; "_s) +
                       u"the file name does not say pass or fail"_s;
            }
        }
        ok ? ++passed : ++failed;
        if (p.isSet(asJson)) {
            json j = {{"path", file.toStdString()},
                      {"verdict", verdict.toStdString()},
                      {"schema", schemaKey.toStdString()},
                      {"note", note.toStdString()},
                      {"errors", json::array()}};
            if (!expected.isEmpty()) {
                j["expected"] = expected.toStdString();
                j["as_expected"] = ok;
            }
            for (const auto &e : std::as_const(errors))
                j["errors"].push_back({{"pointer", e.pointer.toStdString()},
                                       {"schema_path", e.schemaPath.toStdString()},
                                       {"keyword", e.keyword.toStdString()},
                                       {"message", e.message.toStdString()},
                                       {"everit", e.everit.toStdString()}});
            j["warnings"] = warnings;
            printOut(QString::fromStdString(j.dump(-1, ' ', false, json::error_handler_t::replace)));
        } else {
            QString line = u"%1: %2"_s.arg(file, verdict);
            if (!schemaKey.isEmpty())
                line += u" (%1)"_s.arg(schemaKey);
            if (!expected.isEmpty())
                line += ok ? u" as expected"_s : u" — expected %1"_s.arg(expected);
            printOut(line);
            if (!note.isEmpty())
                printOut(u"    "_s + note);
            for (const auto &e : std::as_const(errors))
                printOut(u"    %1  %2"_s.arg(e.pointer.isEmpty() ? u"/"_s : e.pointer, e.message));
            for (const json &w : warnings)
                printOut(u"    warning: "_s + QString::fromStdString(w.value("message", std::string())));
        }
    }
    if (p.isSet(expect) && !p.isSet(asJson))
        printOut(u"%1 passed, %2 failed"_s.arg(passed).arg(failed));
    else if (p.isSet(expect))
        printErr(u"%1 passed, %2 failed"_s.arg(passed).arg(failed));
    if (exitCode == 0 && failed > 0)
        exitCode = 1;
    return exitCode;
}

} // namespace pingscope
