// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "options.h"
#include "console.h"
#include "http/httpclient.h"
#include "validation/validation.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QRandomGenerator>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace pingscope {

std::optional<qint64> parseByteSize(const QString &text)
{
    QString t = text.trimmed().toUpper();
    if (t.endsWith(u"IB"_s))
        t.chop(2);
    else if (t.endsWith(u'B'))
        t.chop(1);
    qint64 unit = 1;
    if (!t.isEmpty()) {
        const QChar last = t.back();
        const qsizetype k = QStringView(u"KMGT").indexOf(last);
        if (k >= 0) {
            unit = qint64(1) << (10 * (k + 1));
            t.chop(1);
        }
    }
    bool ok = false;
    const double n = t.toDouble(&ok);
    if (!ok || n < 0 || n * double(unit) > 9.0e18 || t.isEmpty())
        return std::nullopt;
    return static_cast<qint64>(n * double(unit));
}

bool parseCommandLine(const QStringList &arguments, AppOptions &out, int &exitCode)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        u"Pingscope captures Glean and Firefox Telemetry pings on a local endpoint that has the URLs "
        u"of Mozilla's production edge server, keeps every request in a store, decodes it and shows "
        u"what is wrong with it.\n\n"
        u"Point a debug build at the endpoint: Glean SDK serverEndpoint \"http://127.0.0.1:9464\", "
        u"Firefox prefs telemetry.fog.test.localhost_port=9464 and "
        u"toolkit.telemetry.server=\"http://127.0.0.1:9464\".\n\n"
        u"Offline: pingscope validate [--schemas DIR]... [--json] [--expect-from-name] PATH... "
        u"(see pingscope validate --help).\n"
        u"Schema examples: pingscope export-example --db FILE --id N --to DIR --name NAME "
        u"(see pingscope export-example --help).\n"
        u"CI gate: pingscope check [--expect SPEC]... [--report-junit FILE] [-- COMMAND [ARGS...]] "
        u"(see pingscope check --help).\n"
        u"Sharing captures: pingscope export --db FILE [--format ndjson|har] > FILE, pingscope import "
        u"--db FILE PATH... (NDJSON, HAR, captured requests, JSON pings, Glean logs; see their --help).\n\n"
        u"Verdicts follow the production registry built into Pingscope: mozilla-pipeline-schemas "
        u"generated-schemas snapshot "_s +
        bundledRegistrySnapshot() +
        u" (84 namespaces). --schemas with a checkout of that branch replaces it."_s);
    p.addHelpOption();
    p.addVersionOption();
    const QCommandLineOption headless(u"headless"_s,
                                      u"Run the endpoint, store and query API without a window, "
                                      u"printing the endpoint URL (for CI and machines without a "
                                      u"display). Stop with Ctrl+C or SIGTERM."_s);
    const QCommandLineOption port({u"p"_s, u"port"_s},
                                  u"TCP port of the capture endpoint (default 9464). 0 picks a free "
                                  u"port and prints it."_s,
                                  u"N"_s, u"9464"_s);
    const QCommandLineOption listen(u"listen"_s,
                                    u"Address to listen on (default 127.0.0.1). Anything other than a "
                                    u"loopback address exposes the endpoint to the network and prints a "
                                    u"warning; the query API then needs a token (see --api-token)."_s,
                                    u"ADDRESS"_s, u"127.0.0.1"_s);
    const QCommandLineOption apiToken(u"api-token"_s,
                                      u"Token the query API requires (Authorization: Bearer TOKEN). With a "
                                      u"non-loopback --listen address one is generated and printed at start "
                                      u"unless given here; on loopback the API needs none unless given."_s,
                                      u"TOKEN"_s);
    const QCommandLineOption db(u"db"_s, u"Store file (SQLite). Default: %1"_s.arg(Store::defaultPath()),
                                u"FILE"_s);
    const QCommandLineOption maxBody(u"max-body"_s,
                                     u"Largest request body accepted, in bytes (default 10485760, as "
                                     u"production). Larger bodies are answered 413 and kept as refused."_s,
                                     u"BYTES"_s, u"10485760"_s);
    const QCommandLineOption maxDecoded(
        u"max-decoded"_s,
        u"Largest size a gzip body may inflate to, in bytes (default "
        u"67108864, or an eighth of --memory-budget). Past it the body is kept compressed: "
        u"rejected when that is over production's 8 MiB, else too-large."_s,
        u"BYTES"_s, u"67108864"_s);
    const QCommandLineOption requestTimeout(u"request-timeout"_s,
                                            u"Seconds a client has to send a whole request before the "
                                            u"connection is dropped (default 10)."_s,
                                            u"SECONDS"_s, u"10"_s);
    const QCommandLineOption idleTimeout(u"idle-timeout"_s,
                                         u"Seconds an idle keep-alive connection is kept open "
                                         u"(default 60)."_s,
                                         u"SECONDS"_s, u"60"_s);
    const QCommandLineOption faultStatus(u"respond-status"_s,
                                         u"Answer every accepted ping with this HTTP status instead of "
                                         u"200, to test a client's retries (5xx: Glean retries; 4xx: "
                                         u"Glean deletes the ping). Pings are still stored. The same as "
                                         u"--fault status=CODE."_s,
                                         u"CODE"_s);
    const QCommandLineOption fault(
        u"fault"_s,
        u"A fault rule, to test a client's retries (repeatable; tried in order). Faulted pings are "
        u"still stored, with what they were answered. "_s +
            QString::fromLatin1(kFaultRuleSyntax) +
            u" Change them later in the window (Capture > Faults) or with PUT /pingscope/v1/faults."_s,
        u"RULE"_s);
    const QCommandLineOption forward(
        u"forward"_s,
        u"Also send every captured request on to this endpoint once it is stored (e.g. a staging edge, "
        u"https://host or http://127.0.0.1:8080), as it was received, and record the upstream's answer "
        u"next to the ping. The client still gets Pingscope's answer."_s,
        u"URL"_s);
    const QCommandLineOption threads(u"ingest-threads"_s,
                                     u"Number of decoding and validation threads (default: one per core)."_s,
                                     u"N"_s, u"0"_s);
    const QCommandLineOption schemas(u"schemas"_s,
                                     u"A mozilla-pipeline-schemas checkout (or its schemas/ folder) to "
                                     u"validate against. Repeatable; a later tree overrides an earlier one "
                                     u"and the schemas built into Pingscope. A checkout of the "
                                     u"generated-schemas branch (with .bq files) replaces the built-in "
                                     u"production registry."_s,
                                     u"DIR"_s);
    const QCommandLineOption noBundled(
        u"no-bundled-schemas"_s, u"Use only the --schemas trees, not the schemas built into Pingscope."_s);
    const QCommandLineOption noValidation(u"no-validation"_s,
                                          u"Do not check pings against schemas (verdict \"parsed\")."_s);
    const QCommandLineOption maxStore(
        u"max-store-size"_s,
        u"Largest size of the store file (e.g. 500M, 8G; 0: no limit; default 8G). "
        u"At the limit pings are answered 507 and not kept; the window warns at 90 %."_s,
        u"SIZE"_s, u"8G"_s);
    const QCommandLineOption memoryBudget(
        u"memory-budget"_s,
        u"Memory for request bodies, inflating and parsing, all requests "
        u"together (e.g. 256M, 1G; default 512M). A body that would need more is "
        u"kept unparsed with a verdict that says so."_s,
        u"SIZE"_s, u"512M"_s);
    p.addOptions({headless, port, listen, apiToken, db, maxBody, maxDecoded, requestTimeout, idleTimeout,
                  faultStatus, fault, forward, threads, schemas, noBundled, noValidation, maxStore,
                  memoryBudget});

    if (!p.parse(arguments)) {
        printErr(p.errorText() + u"\nTry 'pingscope --help'."_s);
        exitCode = 2;
        return false;
    }
    if (printedHelpOrVersion(p)) {
        exitCode = 0;
        return false;
    }
    if (!p.positionalArguments().isEmpty() && isSubcommand(p.positionalArguments().first())) {
        printErr(
            u"pingscope: options go after the command: pingscope %1 [OPTIONS] (see pingscope %1 --help)"_s
                .arg(p.positionalArguments().first()));
        exitCode = 2;
        return false;
    }
    if (!p.positionalArguments().isEmpty()) {
        printErr(u"unexpected argument: %1\nTry 'pingscope --help'."_s.arg(p.positionalArguments().first()));
        exitCode = 2;
        return false;
    }
    auto number = [&](const QCommandLineOption &o, qint64 min, qint64 max, qint64 &outValue) {
        bool ok = false;
        const qint64 v = p.value(o).toLongLong(&ok);
        if (!ok || v < min || v > max) {
            printErr(u"--%1 must be a number from %2 to %3"_s.arg(o.names().constLast()).arg(min).arg(max));
            exitCode = 2;
            return false;
        }
        outValue = v;
        return true;
    };
    qint64 v = 0;
    out.headless = p.isSet(headless);
    auto &e = out.engine;
    if (!number(port, 0, 65535, v))
        return false;
    e.capture.port = static_cast<quint16>(v);
    if (!e.capture.address.setAddress(p.value(listen))) {
        printErr(u"--listen: '%1' is not an IP address"_s.arg(p.value(listen)));
        exitCode = 2;
        return false;
    }
    out.listenWarning = !e.capture.address.isLoopback();
    if (p.isSet(apiToken)) {
        const QByteArray token = p.value(apiToken).toUtf8();
        if (token.size() < 16 || token.contains(' ') || token.contains(',')) {
            printErr(u"--api-token must be at least 16 characters, without spaces or commas"_s);
            exitCode = 2;
            return false;
        }
        e.capture.apiToken = token;
    } else if (out.listenWarning) {
        // 128 bits from the system's generator, as hex.
        QByteArray raw(16, Qt::Uninitialized);
        QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(raw.data()), 4);
        e.capture.apiToken = raw.toHex();
        out.tokenGenerated = true;
    }
    out.dbGiven = p.isSet(db);
    e.dbPath = out.dbGiven ? p.value(db) : Store::defaultPath();
    if (!number(maxBody, 1, qint64(1) << 31, v))
        return false;
    e.capture.maxBody = v;
    if (!number(maxDecoded, 1024, qint64(1) << 32, v))
        return false;
    e.ingest.maxDecodedBytes = v;
    if (!number(requestTimeout, 1, 3600, v))
        return false;
    e.capture.requestTimeoutMs = static_cast<int>(v * 1000);
    if (!number(idleTimeout, 1, 86400, v))
        return false;
    e.capture.idleTimeoutMs = static_cast<int>(v * 1000);
    if (p.isSet(forward)) {
        const QUrl url(p.value(forward));
        if (const QString why = HttpClient::checkBase(url); !why.isEmpty()) {
            printErr(u"pingscope: --forward: "_s + why);
            exitCode = 2;
            return false;
        }
        e.forwardUrl = url;
    }
    for (const QString &text : p.values(fault)) {
        QString why;
        const auto rule = parseFaultRule(text, &why);
        if (!rule) {
            printErr(u"pingscope: --fault \"%1\": %2"_s.arg(text, why));
            exitCode = 2;
            return false;
        }
        e.faultRules.push_back(*rule);
    }
    if (p.isSet(faultStatus)) {
        if (!number(faultStatus, 200, 599, v))
            return false;
        FaultRule rule;
        rule.status = static_cast<int>(v);
        e.faultRules.push_back(rule);
    }
    if (!number(threads, 0, 64, v))
        return false;
    e.ingestThreads = static_cast<int>(v);
    auto size = [&](const QCommandLineOption &o, qint64 min, qint64 &outValue) {
        const std::optional<qint64> bytes = parseByteSize(p.value(o));
        if (!bytes || (*bytes != 0 && *bytes < min)) {
            printErr(u"--%1 must be a size such as 500M or 8G (at least %2), or 0; not '%3'"_s.arg(
                o.names().constLast(), formatBytes(min), p.value(o)));
            exitCode = 2;
            return false;
        }
        outValue = *bytes;
        return true;
    };
    if (!size(maxStore, 1 << 20, v))
        return false;
    e.maxStoreBytes = v;
    if (!size(memoryBudget, 64 << 20, v))
        return false;
    if (v == 0) {
        printErr(u"--memory-budget cannot be 0"_s);
        exitCode = 2;
        return false;
    }
    e.memoryBudget = v;
    e.schemaRoots = p.values(schemas);
    e.bundledSchemas = !p.isSet(noBundled);
    e.validate = !p.isSet(noValidation);
    return true;
}

} // namespace pingscope
