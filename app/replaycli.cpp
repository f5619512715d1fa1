// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "replaycli.h"
#include "console.h"

#include "http/httpclient.h"
#include "store/store.h"

#include <QCommandLineParser>
#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace pingscope {

int runReplayCommand(const QStringList &arguments)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        u"Sends stored requests again, oldest first, to another endpoint (a staging edge, another "
        u"Pingscope, a local server) as they were received: method, path and query, every header in "
        u"its order, the body byte for byte. Host names the target and Content-Length is the body's; "
        u"hop-by-hop headers are left out. Prints each answer. Refused requests, of which only the "
        u"first bytes were kept, are skipped. Exit 0 when every request was answered 2xx, 1 otherwise."_s);
    p.addHelpOption();
    p.addVersionOption();
    p.addPositionalArgument(u"replay"_s, u"The command."_s);
    const QCommandLineOption db(u"db"_s, u"The store file (default: the window's default store)."_s,
                                u"FILE"_s);
    const QCommandLineOption to(u"to"_s, u"Where to send them: http(s)://host[:port][/prefix]."_s, u"URL"_s);
    const QCommandLineOption ns(u"namespace"_s, u"Only this namespace."_s, u"NS"_s);
    const QCommandLineOption doctype(u"doctype"_s, u"Only this docType."_s, u"DT"_s);
    const QCommandLineOption verdict(u"verdict"_s, u"Only this verdict (or \"problems\")."_s, u"V"_s);
    const QCommandLineOption debugId(u"debug-id"_s, u"Only pings with this X-Debug-ID."_s, u"ID"_s);
    const QCommandLineOption id(u"id"_s, u"Only this stored id (repeatable)."_s, u"N"_s);
    const QCommandLineOption limit(u"limit"_s, u"At most N requests (default 10000)."_s, u"N"_s, u"10000"_s);
    const QCommandLineOption timeout(u"timeout"_s, u"Seconds to wait for each answer (default 30)."_s,
                                     u"SECONDS"_s, u"30"_s);
    const QCommandLineOption dryRun(u"dry-run"_s,
                                    u"Print the requests' first lines instead of sending them."_s);
    p.addOptions({db, to, ns, doctype, verdict, debugId, id, limit, timeout, dryRun});
    if (!p.parse(arguments)) {
        printErr(p.errorText() + u"\nTry 'pingscope replay --help'."_s);
        return 2;
    }
    if (printedHelpOrVersion(p))
        return 0;
    if (!p.isSet(to)) {
        printErr(u"pingscope replay: --to URL is required\nTry 'pingscope replay --help'."_s);
        return 2;
    }
    const QUrl target(p.value(to));
    if (const QString why = HttpClient::checkBase(target); !why.isEmpty()) {
        printErr(u"pingscope replay: --to: "_s + why);
        return 2;
    }
    bool ok = false;
    const int most = p.value(limit).toInt(&ok);
    const int seconds = ok ? p.value(timeout).toInt(&ok) : 0;
    if (!ok || most < 1 || seconds < 1 || seconds > 3600) {
        printErr(u"pingscope replay: --limit and --timeout need positive numbers"_s);
        return 2;
    }
    const QString path = p.isSet(db) ? p.value(db) : Store::defaultPath();
    if (!QFileInfo::exists(path)) {
        printErr(u"pingscope replay: no store at %1"_s.arg(path));
        return 2;
    }
    StoreReader reader(path);
    if (!reader.isOpen()) {
        printErr(u"pingscope replay: cannot read %1: %2"_s.arg(path, reader.lastError()));
        return 2;
    }
    std::vector<qint64> ids;
    if (p.isSet(id)) {
        for (const QString &v : p.values(id)) {
            const qint64 n = v.toLongLong(&ok);
            if (!ok || n <= 0) {
                printErr(u"pingscope replay: --id %1 is not a stored id"_s.arg(v));
                return 2;
            }
            ids.push_back(n);
        }
    } else {
        PingQuery q;
        q.ns = p.value(ns);
        q.docType = p.value(doctype);
        q.verdict = p.value(verdict);
        q.debugId = p.value(debugId);
        q.oldestFirst = true;
        q.limit = most;
        for (const PingRecord &r : reader.list(q))
            ids.push_back(r.id);
    }
    HttpClient client(target, seconds * 1000);
    int sent = 0, good = 0, failed = 0, skipped = 0;
    for (qint64 n : ids) {
        const auto rec = reader.get(n);
        if (!rec) {
            printErr(u"#%1: no such stored request"_s.arg(n));
            ++failed;
            continue;
        }
        const QString line = u"#%1 %2 %3%4"_s.arg(n).arg(
            rec->method, rec->path, rec->query.isEmpty() ? QString() : u'?' + rec->query);
        if (rec->bodyTruncated || rec->verdict == u"refused") {
            printOut(line + u" -> skipped: refused when captured, only its first bytes were kept"_s);
            ++skipped;
            continue;
        }
        if (p.isSet(dryRun)) {
            const QByteArray bytes = client.requestBytes(rec->method.toLatin1(), rec->path.toLatin1(),
                                                         rec->query.toLatin1(), rec->headers, rec->body);
            printOut(u"%1 -> would send %2 bytes:\n%3"_s.arg(line)
                         .arg(bytes.size())
                         .arg(QString::fromLatin1(bytes.left(bytes.indexOf("\r\n\r\n")))));
            continue;
        }
        ++sent;
        const UpstreamAnswer a = client.send(rec->method.toLatin1(), rec->path.toLatin1(),
                                             rec->query.toLatin1(), rec->headers, rec->body);
        if (a.status == 0) {
            printOut(u"%1 -> no answer: %2"_s.arg(line, a.error));
            ++failed;
            continue;
        }
        const QString body = QString::fromUtf8(a.body.left(200)).simplified();
        printOut(u"%1 -> %2 %3 (%4 ms)%5"_s.arg(line)
                     .arg(a.status)
                     .arg(QString::fromLatin1(a.reason))
                     .arg(a.ms)
                     .arg(body.isEmpty() ? QString() : u": "_s + body));
        if (a.status >= 200 && a.status < 300)
            ++good;
        else
            ++failed;
    }
    printErr(u"replayed %1 request(s) to %2: %3 answered 2xx, %4 not, %5 skipped"_s.arg(sent)
                 .arg(target.toString())
                 .arg(good)
                 .arg(failed)
                 .arg(skipped));
    return failed > 0 ? 1 : 0;
}

} // namespace pingscope
