// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "sharecli.h"
#include "console.h"

#include "engine.h"
#include "ingest.h"
#include "share/exportwriter.h"
#include "share/readany.h"
#include "store/store.h"
#include "validation/registry.h"
#include "validation/validation.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>
#include <QTimeZone>

#include <cstdio>
#include <memory>
#include <mutex>

using namespace Qt::StringLiterals;

namespace pingscope {

std::optional<qint64> parseExportTime(const QString &text)
{
    static const QRegularExpression seconds(u"^\\d+(?:\\.\\d{1,6})?$"_s);
    if (seconds.match(text).hasMatch()) {
        const qsizetype dot = text.indexOf(u'.');
        const qint64 whole = (dot < 0 ? text : text.left(dot)).toLongLong();
        const qint64 micros = dot < 0 ? 0 : QString(text.mid(dot + 1) + u"00000"_s).left(6).toLongLong();
        return whole * 1'000'000 + micros;
    }
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid())
        return std::nullopt;
    if (t.timeSpec() == Qt::LocalTime) // no Z and no offset: UTC, as the query API reads it
        t.setTimeZone(QTimeZone::utc());
    return t.toMSecsSinceEpoch() * 1000;
}

namespace {

constexpr int kPage = 500; // records listed at a time

int usageError(const QString &command, const QString &message)
{
    printErr(u"pingscope %1: %2"_s.arg(command, message));
    printErr(u"Try: pingscope %1 --help"_s.arg(command));
    return 2;
}

} // namespace

int runExportCommand(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        u"Writes the requests of a store out, to share a capture: every header in order, the body "
        u"byte for byte and the verdict each got. `pingscope import` reads them back.\n\n"
        u"Formats: ndjson (Pingscope's own, one request per line, the default) and har (HAR 1.2, "
        u"for browser devtools and HTTP tools; binary bodies as base64).\n"
        u"Exit code: 0 written, 2 on usage errors or when the store or output cannot be used.\n\n"
        u"Usage: pingscope export --db FILE [options]"_s);
    p.addHelpOption();
    p.addVersionOption();
    const QCommandLineOption db(u"db"_s, u"The store to read (a running Pingscope may be writing it)."_s,
                                u"FILE"_s);
    const QCommandLineOption format(u"format"_s, u"ndjson (default) or har."_s, u"FORMAT"_s);
    const QCommandLineOption ns(u"namespace"_s, u"Only pings of this namespace."_s, u"NS"_s);
    const QCommandLineOption docType(u"doctype"_s, u"Only pings of this document type."_s, u"DT"_s);
    const QCommandLineOption verdictOpt(u"verdict"_s,
                                        u"Only pings with this verdict (valid, invalid, ...; problems: every "
                                        u"verdict that counts as one)."_s,
                                        u"V"_s);
    const QCommandLineOption debugId(u"debug-id"_s, u"Only pings with this X-Debug-ID."_s, u"ID"_s);
    const QCommandLineOption since(u"since"_s,
                                   u"Only pings received at or after T (ISO 8601, UTC unless it says "
                                   u"otherwise, or seconds since the epoch)."_s,
                                   u"T"_s);
    const QCommandLineOption until(u"until"_s, u"Only pings received before T."_s, u"T"_s);
    const QCommandLineOption output(u"output"_s, u"Write here (default: standard output)."_s, u"FILE"_s);
    p.addOptions({db, format, ns, docType, verdictOpt, debugId, since, until, output});
    const QString cmd = u"export"_s;
    if (!p.parse(QStringList{u"pingscope export"_s} + args))
        return usageError(cmd, p.errorText());
    if (printedHelpOrVersion(p))
        return 0;
    if (!p.positionalArguments().isEmpty())
        return usageError(cmd, u"unexpected argument %1"_s.arg(p.positionalArguments().first()));
    if (!p.isSet(db))
        return usageError(cmd, u"--db FILE is needed: the store to export"_s);
    const QString fmt = p.isSet(format) ? p.value(format).toLower() : u"ndjson"_s;
    if (fmt != u"ndjson" && fmt != u"har")
        return usageError(cmd, u"--format %1: ndjson or har"_s.arg(p.value(format)));

    PingQuery q;
    q.ns = p.value(ns);
    q.docType = p.value(docType);
    q.verdict = p.value(verdictOpt);
    q.debugId = p.value(debugId);
    for (const auto &[opt, out] :
         {std::pair{&since, &q.receivedFromUs}, std::pair{&until, &q.receivedToUs}}) {
        if (!p.isSet(*opt))
            continue;
        const auto t = parseExportTime(p.value(*opt));
        if (!t)
            return usageError(cmd, u"--%1 %2: an ISO 8601 date-time (2026-11-23T02:19:25Z) or seconds since "
                                   u"the epoch"_s.arg(opt->names().first(), p.value(*opt)));
        *out = *t;
    }
    q.oldestFirst = true;
    q.withPayload = false;
    q.listColumnsOnly = true; // ids are all the list is for; get() reads each record whole
    q.limit = kPage;

    const QString dbPath = p.value(db);
    if (!QFileInfo(dbPath).isFile()) {
        printErr(u"pingscope export: no such store: %1"_s.arg(dbPath));
        return 2;
    }
    StoreReader reader(dbPath);
    if (!reader.isOpen()) {
        printErr(u"pingscope export: cannot read %1: %2"_s.arg(dbPath, reader.lastError()));
        return 2;
    }
    // A file is written whole or not at all; standard output as it goes.
    std::unique_ptr<QIODevice> out;
    if (p.isSet(output)) {
        auto file = std::make_unique<QSaveFile>(p.value(output));
        if (!file->open(QIODevice::WriteOnly)) {
            printErr(u"pingscope export: cannot write %1: %2"_s.arg(p.value(output), file->errorString()));
            return 2;
        }
        out = std::move(file);
    } else {
        auto file = std::make_unique<QFile>();
        if (!file->open(stdout, QIODevice::WriteOnly)) {
            printErr(u"pingscope export: cannot write to standard output"_s);
            return 2;
        }
        out = std::move(file);
    }
    ExportWriter writer(out.get(), fmt == u"har");
    bool writeOk = true;
    for (;;) {
        const std::vector<PingRecord> page = reader.list(q);
        if (page.empty())
            break;
        q.afterId = page.back().id;
        for (const PingRecord &summary : page) {
            const std::optional<PingRecord> r = reader.get(summary.id);
            if (!r) // cleared while we read
                continue;
            writeOk = writer.add(*r);
        }
        if (!writeOk || int(page.size()) < kPage)
            break;
    }
    writeOk = writer.finish();
    if (auto *save = qobject_cast<QSaveFile *>(out.get()); save && writeOk)
        writeOk = save->commit();
    if (!writeOk) {
        printErr(u"pingscope export: writing failed: %1"_s.arg(out->errorString()));
        return 2;
    }
    out.reset();
    std::fflush(stdout);
    printErr(u"exported %1 requests"_s.arg(writer.count()));
    return 0;
}

int runImportCommand(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        u"Reads requests from files and folders, checks each as if it had just been posted to the "
        u"endpoint (the verdicts are the ones capture gives) and stores it; the window and the "
        u"query API show them, their source naming the file and line.\n\n"
        u"PATH may be: a `pingscope export` file (.ndjson); a HAR file (ours, or one saved by "
        u"Firefox or Chrome devtools: only POST and PUT to /submit/ are read, other entries are "
        u"skipped); a folder of captured requests (NAME.meta.json beside NAME.body.raw); JSON "
        u"ping files or folders of them (named validation/NS/DOCTYPE.V.NAME.pass.json, or with "
        u"--namespace, --doctype and --version); a Glean SDK log made with GLEAN_LOG_PINGS=true "
        u"(desktop stderr, or adb logcat, whose pings in parts are joined again).\n"
        u"Prints \"PATH: N imported, M skipped, K problems\" for each PATH and every problem "
        u"with where it is. Exit code: 0 everything readable imported, 1 when there were "
        u"problems (the rest is still imported), 2 on usage errors or when the store cannot be "
        u"opened.\n\n"
        u"Usage: pingscope import --db FILE [options] PATH..."_s);
    p.addHelpOption();
    p.addPositionalArgument(u"PATH"_s, u"Files and folders to import."_s, u"PATH..."_s);
    const QCommandLineOption db(u"db"_s, u"The store to add to (made when it does not exist)."_s, u"FILE"_s);
    const QCommandLineOption ns(u"namespace"_s, u"Where JSON ping files were sent: the namespace."_s,
                                u"NS"_s);
    const QCommandLineOption docType(u"doctype"_s, u"Where JSON ping files were sent: the document type."_s,
                                     u"DT"_s);
    // --version is the document version here, as for --namespace and --doctype (--doc-version,
    // validate's spelling, too); `pingscope --version` prints the program's.
    const QCommandLineOption version(QStringList{u"version"_s, u"doc-version"_s},
                                     u"Where JSON ping files were sent: the document version (not for "
                                     u"telemetry, whose URL comes from the ping)."_s,
                                     u"V"_s);
    const QCommandLineOption schemas(u"schemas"_s,
                                     u"A mozilla-pipeline-schemas checkout (or its schemas/ folder), as for "
                                     u"the window. Repeatable."_s,
                                     u"DIR"_s);
    const QCommandLineOption noBundled(u"no-bundled-schemas"_s,
                                       u"Do not use the schemas and registry built into Pingscope."_s);
    p.addOptions({db, ns, docType, version, schemas, noBundled});
    const QString cmd = u"import"_s;
    if (!p.parse(QStringList{u"pingscope import"_s} + args))
        return usageError(cmd, p.errorText());
    if (p.isSet(u"help"_s) || p.isSet(u"help-all"_s)) {
        std::fputs(qPrintable(p.helpText()), stdout);
        return 0;
    }
    const QStringList paths = p.positionalArguments();
    if (!p.isSet(db))
        return usageError(cmd, u"--db FILE is needed: the store to import into"_s);
    if (paths.isEmpty())
        return usageError(cmd, u"no files or folders given"_s);
    ImportOverrides overrides{p.value(ns), p.value(docType), p.value(version)};
    if (overrides.isSet() && (overrides.ns.isEmpty() || overrides.docType.isEmpty() ||
                              (overrides.version.isEmpty() && overrides.ns != u"telemetry")))
        return usageError(cmd, u"--namespace, --doctype and --version go together (telemetry needs no "
                               u"--version)"_s);

    QList<SchemaLoadError> loadErrors;
    IngestOptions options;
    options.schemas = SchemaRegistry::load(p.values(schemas), !p.isSet(noBundled), &loadErrors);
    for (const auto &e : std::as_const(loadErrors))
        printErr(u"schema not loaded: %1: %2"_s.arg(e.path, e.reason));
    // The limits capture has with the default --memory-budget, so that a body too large to
    // parse there is "too-large" here too.
    const MemoryShares shares = memoryShares(EngineOptions().memoryBudget, options.maxDecodedBytes, 1);
    options.maxDecodedBytes = shares.inflate;
    options.parseBudget = shares.parse;
    Validator validator(options.schemas);

    // Writes that fail (a full disk) are problems of the request they were.
    std::mutex failuresMutex;
    std::vector<std::pair<quint64, QString>> failures;
    QString error;
    std::unique_ptr<Store> store = Store::open(p.value(db), &error);
    if (!store) {
        printErr(u"pingscope import: %1"_s.arg(error));
        return 2;
    }
    store->setWriteHandler([&](std::vector<WriteResult> &&results) {
        std::lock_guard lock(failuresMutex);
        for (const WriteResult &r : results)
            if (!r.ok)
                failures.emplace_back(r.ticket, r.error.isEmpty() ? u"not stored"_s : r.error);
    });

    bool anyProblem = false;
    quint64 ticket = 0;
    for (const QString &path : paths) {
        ImportBatch batch = readAny(path, overrides);
        std::vector<QString> positions; // by ticket - first
        const quint64 first = ticket + 1;
        for (ImportedRequest &r : batch.requests) {
            positions.push_back(r.position);
            store->enqueue(ingestSubmission(std::move(r.raw), options, &validator), ++ticket);
            if (ticket % 1000 == 0) // a bounded queue, as capture's
                store->flush();
        }
        store->flush();
        qsizetype failed = 0;
        QStringList lines;
        {
            std::lock_guard lock(failuresMutex);
            for (const auto &[t, message] : failures)
                if (t >= first) {
                    ++failed;
                    lines << u"  %1: not stored: %2"_s.arg(positions[size_t(t - first)], message);
                }
            failures.clear();
        }
        for (const ImportProblem &pr : batch.problems)
            if (!pr.skipped)
                lines << u"  %1: %2"_s.arg(pr.position.isEmpty() ? pr.file : pr.position, pr.message);
        const qsizetype problems = batch.errorCount() + failed;
        printOut(u"%1: %2 imported, %3 skipped, %4 problems"_s.arg(path)
                     .arg(qsizetype(batch.requests.size()) - failed)
                     .arg(batch.skippedCount())
                     .arg(problems));
        for (const QString &line : std::as_const(lines))
            printOut(line);
        anyProblem = anyProblem || problems > 0;
    }
    store.reset(); // commits and closes
    if (!loadErrors.isEmpty())
        return 2;
    return anyProblem ? 1 : 0;
}

} // namespace pingscope
