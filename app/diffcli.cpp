// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "diffcli.h"
#include "console.h"

#include "analysis/jsondiff.h"
#include "ingest.h"
#include "ping/decode.h"
#include "store/store.h"

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <memory>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace pingscope {

namespace {

using ojson = nlohmann::ordered_json;

struct Input
{
    QString name; // in messages and the header: "ping 12 (firefox-desktop/baseline/1)", a path
    ojson doc;
};

// JSON text to a document with the client's key order. What a strict parse refuses but
// production's reader takes (bytes after the value, numbers past a double, lone surrogates) is
// read as production reads it, with a warning.
bool parseDocument(const QByteArray &text, const QString &name, ojson &out, QString *error)
{
    if (jsonNestingDepth(text) > kMaxPrintableDepth) {
        *error = u"%1: nested deeper than %2 levels; not compared"_s.arg(name).arg(kMaxPrintableDepth);
        return false;
    }
    out = ojson::parse(text.begin(), text.end(), nullptr, false);
    if (!out.is_discarded())
        return true;
    nlohmann::json lenient;
    JsonParseError pe;
    JsonReadNotes notes;
    if (!parseJson(text, lenient, pe, &notes)) {
        *error = u"%1: not JSON: line %2, column %3 (byte %4): %5"_s.arg(name)
                     .arg(pe.line)
                     .arg(pe.column)
                     .arg(pe.byteOffset)
                     .arg(pe.message);
        return false;
    }
    if (notes.overflows.isEmpty() && notes.loneSurrogates == 0 && notes.trailingOffset >= 0) {
        out = ojson::parse(text.begin(), text.begin() + notes.trailingOffset, nullptr, false);
        if (!out.is_discarded()) {
            printErr(u"pingscope diff: %1: the %2 bytes after the JSON value are ignored, as the pipeline "
                     u"ignores them"_s.arg(name)
                         .arg(text.size() - notes.trailingOffset));
            return true;
        }
    }
    // Only the sorted document has the stand-ins for what nlohmann cannot hold.
    out = lenient;
    printErr(u"pingscope diff: %1: read as the pipeline reads it (numbers out of range or unpaired "
             u"surrogates); its keys are compared in alphabetical order"_s.arg(name));
    return true;
}

// A JSON file, gzip or not; "-" is standard input.
bool readFile(const QString &path, Input &in, QString *error)
{
    QByteArray bytes;
    if (path == u"-") {
        in.name = u"standard input"_s;
        QFile f;
        if (!f.open(stdin, QIODevice::ReadOnly)) {
            *error = u"standard input: cannot read: %1"_s.arg(f.errorString());
            return false;
        }
        bytes = f.readAll();
    } else {
        in.name = path;
        const QFileInfo info(path);
        if (!info.exists()) {
            *error = u"%1: no such file (a stored ping is given by its id, digits only)"_s.arg(path);
            return false;
        }
        if (info.isDir()) {
            *error = u"%1: a folder, not a file"_s.arg(path);
            return false;
        }
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            *error = u"%1: cannot read: %2"_s.arg(path, f.errorString());
            return false;
        }
        bytes = f.readAll();
    }
    // The endpoint's own limit (--max-decoded's default) keeps a gzip bomb's cost bounded.
    const qint64 maxDecoded = IngestOptions{}.maxDecodedBytes;
    GunzipResult g = gunzipIfGzip(bytes, maxDecoded);
    switch (g.status) {
    case GunzipResult::Status::NotGzip:
        break;
    case GunzipResult::Status::Ok:
        bytes = std::move(g.data);
        break;
    case GunzipResult::Status::Corrupt:
        *error = u"%1: corrupt gzip: %2"_s.arg(in.name, g.message);
        return false;
    case GunzipResult::Status::TooLarge:
        *error =
            u"%1: gzip that inflates to more than %2; not compared"_s.arg(in.name, formatBytes(maxDecoded));
        return false;
    }
    return parseDocument(bytes, in.name, in.doc, error);
}

// A stored ping's decoded payload.
bool readStored(qint64 id, const QString &dbPath, std::unique_ptr<StoreReader> &reader, Input &in,
                QString *error)
{
    in.name = u"ping %1"_s.arg(id);
    if (!reader) {
        if (!QFileInfo::exists(dbPath)) {
            *error = u"%1: no store at %2 (name the store with --db)"_s.arg(in.name, dbPath);
            return false;
        }
        reader = std::make_unique<StoreReader>(dbPath);
    }
    if (!reader->isOpen()) {
        *error = u"%1: cannot read the store %2: %3"_s.arg(in.name, dbPath, reader->lastError());
        return false;
    }
    const auto record = reader->get(id);
    if (!record) {
        *error = u"%1: no ping with this id in %2"_s.arg(in.name, dbPath);
        return false;
    }
    QStringList what;
    for (const QString &part : {record->ns, record->docType, record->docVersion})
        if (!part.isEmpty())
            what << part;
    if (!what.isEmpty())
        in.name += u" ("_s + what.join(u'/') + u')';
    if (record->payload.isEmpty()) {
        *error = u"%1: has no JSON payload to compare (its verdict is %2)"_s.arg(in.name, record->verdict);
        return false;
    }
    return parseDocument(record->payload, in.name, in.doc, error);
}

bool useColor(const QString &mode)
{
    if (mode == u"always")
        return true;
    if (mode == u"never")
        return false;
    return ::isatty(STDOUT_FILENO) && qEnvironmentVariableIsEmpty("NO_COLOR") &&
           qgetenv("TERM") != QByteArrayView("dumb");
}

} // namespace

int runDiffCommand(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        u"Compares two pings by JSON pointer: what B adds (+), removes (-) and changes (~) from A, key by "
        u"key in A's order. Arrays are aligned, so an inserted element or event is one addition (Glean "
        u"events are matched by category, name and timestamp). For two Glean pings the seq, start and "
        u"end times, reason and client are called out first; for two legacy telemetry pings the "
        u"creation date, document id and client.\n\n"
        u"A and B are each a stored ping's id (digits: the query API's \"id\", X-Pingscope-Id; write "
        u"./12 for a file named 12), or a JSON file, gzip or not, or - for standard input.\n"
        u"Exit code: 0 when they are equal, 1 when they differ, 2 on usage errors or an input that "
        u"cannot be read."_s);
    p.addHelpOption();
    p.addVersionOption();
    p.addPositionalArgument(u"diff"_s, u"The command."_s);
    p.addPositionalArgument(u"A"_s, u"The first ping: an id, a file or -."_s);
    p.addPositionalArgument(u"B"_s, u"The second ping: an id, a file or -."_s);
    const QCommandLineOption db(
        u"db"_s, u"The store the ids are read from (default: %1)."_s.arg(Store::defaultPath()), u"FILE"_s);
    const QCommandLineOption asJson(
        u"json"_s, u"Print one JSON object: {\"a\", \"b\", \"equal\", \"notes\", \"entries\": [{\"op\": "
                   u"\"add|remove|change\", \"pointer\", \"before\", \"after\"}]}."_s);
    const QCommandLineOption color(u"color"_s,
                                   u"Colour the lines: auto (when standard output is a terminal and NO_COLOR "
                                   u"is unset), always or never. Default: auto."_s,
                                   u"WHEN"_s, u"auto"_s);
    p.addOptions({db, asJson, color});
    const auto usage = [](const QString &message) {
        printErr(u"pingscope diff: "_s + message);
        printErr(u"Try 'pingscope diff --help'."_s);
        return 2;
    };
    if (!p.parse(QStringList{u"pingscope diff"_s} + args))
        return usage(p.errorText());
    if (printedHelpOrVersion(p))
        return 0;
    const QString colorMode = p.value(color);
    if (colorMode != u"auto" && colorMode != u"always" && colorMode != u"never")
        return usage(u"--color %1: give auto, always or never"_s.arg(colorMode));
    const QStringList inputs = p.positionalArguments();
    if (inputs.size() != 2)
        return usage(inputs.size() < 2 ? u"give two pings to compare, A and B"_s
                                       : u"unexpected %1: give two pings, A and B"_s.arg(inputs.at(2)));
    if (inputs.at(0) == u"-" && inputs.at(1) == u"-")
        return usage(u"only one of A and B can be standard input (-)"_s);

    const QString dbPath = p.isSet(db) ? p.value(db) : Store::defaultPath();
    static const QRegularExpression idPattern(u"^[0-9]{1,18}$"_s);
    std::unique_ptr<StoreReader> reader;
    std::array<Input, 2> in;
    for (size_t k = 0; k < in.size(); ++k) {
        const QString &arg = inputs.at(static_cast<qsizetype>(k));
        QString error;
        const bool ok = idPattern.match(arg).hasMatch()
                            ? readStored(arg.toLongLong(), dbPath, reader, in[k], &error)
                            : readFile(arg, in[k], &error);
        if (!ok) {
            printErr(u"pingscope diff: "_s + error);
            return 2;
        }
    }

    const JsonDiff diff = diffJson(in[0].doc, in[1].doc);
    if (p.isSet(asJson)) {
        ojson out = {{"a", in[0].name.toStdString()}, {"b", in[1].name.toStdString()}};
        const ojson body = diffToJson(diff);
        for (auto it = body.begin(); it != body.end(); ++it)
            out[it.key()] = it.value();
        printOut(QString::fromStdString(out.dump(-1, ' ', false, ojson::error_handler_t::replace)));
    } else {
        const bool colored = useColor(colorMode);
        const auto header = [colored](const QString &s) {
            return colored ? u"\x1b[1m"_s + s + u"\x1b[0m"_s : s;
        };
        printOut(header(u"--- A: "_s + in[0].name));
        printOut(header(u"+++ B: "_s + in[1].name));
        printOut(formatDiff(diff, colored));
    }
    return diff.equal() ? 0 : 1;
}

} // namespace pingscope
