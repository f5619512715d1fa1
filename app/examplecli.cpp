// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "examplecli.h"
#include "console.h"

#include "exampleexport.h"
#include "store/store.h"

#include <QCommandLineParser>
#include <QFileInfo>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace pingscope {

int runExportExampleCommand(const QStringList &arguments)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        u"Saves a captured ping as a mozilla-pipeline-schemas example:\n"
        u"DIR/validation/<namespace>/<docType>.<docVersion>.<NAME>.<pass|fail>.json, the payload "
        u"pretty-printed. Telemetry pings take their version from the body. pass or fail follows the "
        u"ping's verdict unless --pass or --fail is given."_s);
    p.addHelpOption();
    p.addVersionOption();
    p.addPositionalArgument(u"export-example"_s, u"The command."_s);
    const QCommandLineOption db(u"db"_s, u"The store file."_s, u"FILE"_s);
    const QCommandLineOption id(u"id"_s, u"The ping's id (the query API's \"id\", X-Pingscope-Id)."_s,
                                u"N"_s);
    const QCommandLineOption to(u"to"_s, u"The mozilla-pipeline-schemas checkout."_s, u"DIR"_s);
    const QCommandLineOption name(u"name"_s, u"The example's name: letters, digits, '_' and '-'."_s,
                                  u"NAME"_s);
    const QCommandLineOption pass(u"pass"_s, u"Save as an example that must validate."_s);
    const QCommandLineOption fail(u"fail"_s, u"Save as an example that must not validate."_s);
    const QCommandLineOption force(u"force"_s, u"Overwrite an existing example."_s);
    p.addOptions({db, id, to, name, pass, fail, force});
    if (!p.parse(arguments)) {
        printErr(p.errorText() + u"\nTry 'pingscope export-example --help'."_s);
        return 2;
    }
    if (printedHelpOrVersion(p))
        return 0;
    for (const auto *o : {&db, &id, &to, &name}) {
        if (!p.isSet(*o)) {
            printErr(
                u"pingscope export-example: --%1 is required\nTry 'pingscope export-example --help'."_s.arg(
                    o->names().constFirst()));
            return 2;
        }
    }
    if (p.isSet(pass) && p.isSet(fail)) {
        printErr(u"pingscope export-example: give --pass or --fail, not both"_s);
        return 2;
    }
    bool ok = false;
    const qint64 pingId = p.value(id).toLongLong(&ok);
    if (!ok || pingId <= 0) {
        printErr(u"--id must be a positive number"_s);
        return 2;
    }
    if (!QFileInfo::exists(p.value(db))) {
        printErr(u"no store at %1"_s.arg(p.value(db)));
        return 2;
    }
    StoreReader reader(p.value(db));
    if (!reader.isOpen()) {
        printErr(u"cannot read %1: %2"_s.arg(p.value(db), reader.lastError()));
        return 2;
    }
    const auto rec = reader.get(pingId);
    if (!rec) {
        printErr(u"no ping with id %1 in %2"_s.arg(pingId).arg(p.value(db)));
        return 1;
    }
    ExampleRequest req;
    req.checkoutDir = p.value(to);
    req.name = p.value(name);
    req.overwrite = p.isSet(force);
    req.pass = p.isSet(pass) || (!p.isSet(fail) && !failsSchema(rec->verdict, rec->errorsJson));
    if (req.pass && failsSchema(rec->verdict, rec->errorsJson))
        printErr(u"warning: ping #%1 is invalid (%2 errors) but is saved as a pass example"_s.arg(pingId).arg(
            rec->errorCount));
    const ExampleResult r = saveExample(*rec, req);
    if (!r.ok) {
        printErr(u"pingscope export-example: %1%2"_s.arg(r.error, r.exists ? u" (use --force to overwrite)"_s
                                                                           : QString()));
        return 1;
    }
    std::printf("%s\n", qPrintable(r.path));
    return 0;
}

} // namespace pingscope
