// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "validatecli.h"
#include "console.h"

#include "engine.h"
#include "ingest.h"
#include "ping/decode.h"
#include "ping/ping.h"
#include "revalidator.h"
#include "share/gleanlog.h"
#include "share/har.h"
#include "share/ndjson.h"
#include "share/readany.h"
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

// Folders are read for ping files and for the sharing formats; a folder of captured requests
// (NAME.meta.json) is read as such instead.
QStringList collectFiles(const QString &dir)
{
    QStringList inDir;
    QDirIterator it(dir, {u"*.json"_s, u"*.ndjson"_s, u"*.jsonl"_s, u"*.har"_s}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        inDir << it.next();
    inDir.sort();
    return inDir;
}

bool holdsCaptures(const QString &dir)
{
    QDirIterator it(dir, {u"*.meta.json"_s}, QDir::Files, QDirIterator::Subdirectories);
    return it.hasNext();
}

bool isGzip(const QByteArray &bytes)
{
    return bytes.size() >= 2 && quint8(bytes[0]) == 0x1f && quint8(bytes[1]) == 0x8b;
}

// What `pingscope export` writes names its format on every line.
bool looksLikeNdjson(const QByteArray &bytes)
{
    const qsizetype nl = bytes.indexOf('\n');
    const QByteArrayView first = QByteArrayView(bytes).first(nl < 0 ? bytes.size() : nl);
    return first.trimmed().startsWith('{') && first.contains("\"pingscope-ndjson/1\"");
}

bool looksLikeHar(const QByteArray &bytes)
{
    const QByteArrayView t = QByteArrayView(bytes).trimmed();
    if (!t.startsWith('{') || !t.contains("\"log\""))
        return false;
    const json doc = json::parse(t.begin(), t.end(), nullptr, false);
    return doc.is_object() && doc.contains("log") && doc["log"].is_object() && doc["log"].contains("entries");
}

bool looksLikeGleanLog(const QByteArray &bytes)
{
    return bytes.contains("Glean ping to URL") || bytes.contains("New upload task with id ");
}

json errorToJson(const ValidationError &e)
{
    return {{"pointer", e.pointer.toStdString()},
            {"schema_path", e.schemaPath.toStdString()},
            {"keyword", e.keyword.toStdString()},
            {"message", e.message.toStdString()},
            {"everit", e.everit.toStdString()}};
}

json parseArray(const QByteArray &text)
{
    json a = json::parse(text.begin(), text.end(), nullptr, false);
    return a.is_array() ? a : json::array();
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
        u"\"type\" and \"version\"). A gzip file (a captured .body.raw) is gunzipped first; - reads "
        u"standard input, told apart by its content like a file.\n"
        u"Requests are checked exactly as the endpoint checks them (routed by their URL path, with "
        u"production's verdicts: valid, invalid, unregistered, rejected, dropped, ...): the lines of a "
        u"`pingscope export` file (.ndjson), the submissions of a HAR file, captured requests "
        u"(NAME.meta.json beside NAME.body.raw, or a folder of them) and the pings of a Glean SDK log "
        u"(GLEAN_LOG_PINGS=true). Each is printed with its position (\"capture.ndjson line 3\") and "
        u"path; a line or entry that cannot be read is a failure at its position, the rest is still "
        u"checked.\n"
        u"Exit code: 0 when everything is as expected, 1 when not, 2 on usage or load errors."_s);
    p.addHelpOption();
    p.addVersionOption();
    p.addPositionalArgument(u"validate"_s, u"The command."_s);
    p.addPositionalArgument(
        u"PATH"_s,
        u"Ping files (JSON, gzip), NDJSON, HAR, captured requests, Glean logs, folders of them, "
        u"or - for standard input."_s,
        u"PATH..."_s);
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
    const QCommandLineOption asJson(
        u"json"_s, u"Print one JSON object per file or request (with its position and path)."_s);
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

    // Requests are checked as the endpoint checks them, with the limits it has by default.
    IngestOptions ingest;
    ingest.schemas = registry;
    const MemoryShares shares = memoryShares(EngineOptions().memoryBudget, ingest.maxDecodedBytes, 1);
    ingest.maxDecodedBytes = shares.inflate;
    ingest.parseBudget = shares.parse;
    const ImportOverrides overrides{p.value(ns), p.value(docType), p.value(version)};
    const bool printJson = p.isSet(asJson);
    const bool expectFromName = p.isSet(expect);

    int passed = 0, failed = 0;
    const auto count = [&](bool ok) { ok ? ++passed : ++failed; };
    const auto print = [](const json &j) {
        printOut(QString::fromStdString(j.dump(-1, ' ', false, json::error_handler_t::replace)));
    };

    // A JSON ping (a file, stdin, or either gunzipped): validated against the schema its name,
    // the options or its content say.
    const auto validateDocument = [&](const QString &label, const QByteArray &bytes,
                                      const ExampleName &example, QString verdict, QString note) {
        QString schemaKey;
        QList<ValidationError> errors;
        json warnings = json::array(); // BigQuery columns: metrics that would land in additional_properties
        if (verdict.isEmpty()) {
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
        if (expectFromName) {
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
        count(ok);
        if (printJson) {
            json j = {{"path", label.toStdString()},      {"position", label.toStdString()},
                      {"verdict", verdict.toStdString()}, {"schema", schemaKey.toStdString()},
                      {"note", note.toStdString()},       {"errors", json::array()}};
            if (!expected.isEmpty()) {
                j["expected"] = expected.toStdString();
                j["as_expected"] = ok;
            }
            for (const auto &e : std::as_const(errors))
                j["errors"].push_back(errorToJson(e));
            j["warnings"] = warnings;
            print(j);
        } else {
            QString line = u"%1: %2"_s.arg(label, verdict);
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
    };

    // Something in a file that did not become a request: a failure at its position.
    const auto reportProblem = [&](const QString &input, const QString &position, const QString &message) {
        count(false);
        const QString where = position.isEmpty() ? input : position;
        if (printJson) {
            print({{"file", input.toStdString()},
                   {"position", where.toStdString()},
                   {"path", ""},
                   {"verdict", "unreadable"},
                   {"schema", ""},
                   {"note", message.toStdString()},
                   {"errors", json::array()},
                   {"warnings", json::array()}});
        } else {
            printOut(u"%1: unreadable"_s.arg(where));
            printOut(u"    "_s + message);
        }
    };

    // The requests of an NDJSON, HAR, capture folder or Glean log, each ingested as if it had just
    // been posted: the endpoint's verdict, errors and warnings.
    const auto validateBatch = [&](const QString &input, ImportBatch batch, const QString &positionPrefix) {
        qsizetype skipped = 0;
        for (const ImportProblem &pr : batch.problems) {
            if (pr.skipped)
                ++skipped;
            else
                reportProblem(input, pr.position.isEmpty() ? QString() : positionPrefix + pr.position,
                              pr.message);
        }
        if (skipped > 0 && !printJson)
            printOut(u"%1: %2 entries skipped (not submissions)"_s.arg(input).arg(skipped));
        for (ImportedRequest &r : batch.requests) {
            const QString position = positionPrefix + r.position;
            const PingRecord rec = ingestSubmission(std::move(r.raw), ingest, &validator);
            const bool ok = rec.verdict == QStringView(verdict::Valid);
            count(ok);
            const json errors = parseArray(rec.errorsJson);
            const json warnings = parseArray(rec.warningsJson);
            if (printJson) {
                print({{"file", input.toStdString()},
                       {"position", position.toStdString()},
                       {"method", rec.method.toStdString()},
                       {"path", rec.path.toStdString()},
                       {"query", rec.query.toStdString()},
                       {"status", rec.statusCode},
                       {"verdict", rec.verdict.toStdString()},
                       {"schema", rec.schemaKey.toStdString()},
                       {"note", rec.schemaNote.toStdString()},
                       {"errors", errors},
                       {"warnings", warnings}});
                continue;
            }
            QString line = u"%1 %2%3: %4"_s.arg(
                position, rec.path, rec.query.isEmpty() ? QString() : u"?"_s + rec.query, rec.verdict);
            if (!rec.schemaKey.isEmpty())
                line += u" (%1)"_s.arg(rec.schemaKey);
            printOut(line);
            if (!rec.schemaNote.isEmpty())
                printOut(u"    "_s + rec.schemaNote);
            for (const json &e : errors) {
                const QString message = QString::fromStdString(e.value("message", std::string()));
                if (message == rec.schemaNote)
                    continue; // an unregistered ping's note is its error too: once is enough
                if (e.contains("pointer") && e["pointer"].is_string()) {
                    const QString pointer = QString::fromStdString(e["pointer"].get<std::string>());
                    printOut(u"    %1  %2"_s.arg(pointer.isEmpty() ? u"/"_s : pointer, message));
                } else {
                    printOut(u"    "_s + message);
                }
            }
            for (const json &w : warnings)
                printOut(u"    warning: "_s + QString::fromStdString(w.value("message", std::string())));
        }
    };

    // Bytes of a file or of stdin, read by their content: gunzipped first when gzip, then NDJSON,
    // HAR or a Glean log when they are one, else one JSON ping.
    const auto validateBytes = [&](const QString &label, QByteArray bytes, const ExampleName &example) {
        const QString suffix = QFileInfo(label).suffix().toLower();
        if (isGzip(bytes)) {
            GunzipResult gz = gunzipIfGzip(bytes, ingest.maxDecodedBytes);
            if (gz.status != GunzipResult::Status::Ok) {
                const bool tooLarge = gz.status == GunzipResult::Status::TooLarge;
                validateDocument(label, {}, example,
                                 QStringView(tooLarge ? verdict::TooLarge : verdict::BadEncoding).toString(),
                                 gz.message);
                return;
            }
            bytes = std::move(gz.data);
        }
        if (suffix == u"har" || looksLikeHar(bytes))
            validateBatch(label, readHar(bytes, label), QString());
        else if (suffix == u"ndjson" || suffix == u"jsonl" || looksLikeNdjson(bytes))
            validateBatch(label, readNdjson(bytes, label), QString());
        else if (looksLikeGleanLog(bytes))
            validateBatch(label, readGleanLog(bytes, label), QString());
        else
            validateDocument(label, bytes, example, QString(), QString());
    };

    const auto validateFile = [&](const QString &file) {
        if (file.endsWith(u".meta.json"_s)) {
            // Its position is its name: name its folder too, as for a folder of them.
            const QString dir = QFileInfo(file).path();
            validateBatch(file, readAny(QFileInfo(file).absoluteFilePath(), overrides),
                          dir == u"." ? QString() : dir + u'/');
            return;
        }
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly)) {
            validateDocument(file, {}, parseExampleName(file), u"unreadable"_s, f.errorString());
            return;
        }
        validateBytes(file, f.readAll(), parseExampleName(file));
    };

    QStringList missing;
    for (const QString &path : std::as_const(paths)) {
        const QFileInfo info(path);
        if (path == u"-") {
            QFile in;
            if (!in.open(stdin, QIODevice::ReadOnly)) {
                printErr(u"cannot read standard input: %1"_s.arg(in.errorString()));
                exitCode = 2;
                continue;
            }
            validateBytes(u"stdin"_s, in.readAll(), ExampleName());
        } else if (info.isDir()) {
            if (holdsCaptures(path)) {
                // Positions are the meta files under the folder: name the folder too.
                const QString prefix = path.endsWith(u'/') ? path : path + u'/';
                // (read by its absolute path: readCaptureFolder joins a relative folder twice)
                validateBatch(path, readAny(QFileInfo(path).absoluteFilePath(), overrides), prefix);
            } else {
                for (const QString &file : collectFiles(path))
                    validateFile(file);
            }
        } else if (info.isFile()) {
            validateFile(path);
        } else {
            missing << path;
        }
    }
    for (const QString &m : std::as_const(missing))
        printErr(u"no such file or folder: %1"_s.arg(m));
    if (!missing.isEmpty())
        exitCode = 2;

    if (expectFromName && !printJson)
        printOut(u"%1 passed, %2 failed"_s.arg(passed).arg(failed));
    else if (expectFromName)
        printErr(u"%1 passed, %2 failed"_s.arg(passed).arg(failed));
    if (exitCode == 0 && failed > 0)
        exitCode = 1;
    return exitCode;
}

} // namespace pingscope
