// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "share/jsonpings.h"
#include "share/share_p.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace pingscope {

using namespace share;

namespace {

struct Target
{
    QString ns, docType, version;
};

// validation/<namespace>/<docType>.<version>.<name>.<pass|fail>.json
std::optional<Target> targetFromName(const QString &path)
{
    static const QRegularExpression re(u"^(.+)\\.(\\d+)\\.([^.]+)\\.(?:pass|fail)\\.json$"_s);
    const QFileInfo info(path);
    const auto m = re.match(info.fileName());
    const QString ns = info.absoluteDir().dirName();
    if (!m.hasMatch() || ns.isEmpty())
        return std::nullopt;
    return Target{ns, m.captured(1), m.captured(2)};
}

QByteArray urlPart(const QString &s)
{
    return QUrl::toPercentEncoding(s);
}

QString scalarText(const ojson &o, const char *key)
{
    const auto it = o.find(key);
    if (it == o.end())
        return {};
    if (it->is_string())
        return fromStd(it->get<std::string>());
    if (it->is_number())
        return fromStd(it->dump());
    return {};
}

// The request for one file, or why there is none.
std::optional<RawSubmission> requestOf(const QString &file, const ImportOverrides &overrides, QString *why)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        *why = u"cannot read it: %1"_s.arg(f.errorString());
        return std::nullopt;
    }
    const QByteArray body = f.readAll();
    std::optional<Target> target;
    if (overrides.isSet())
        target = Target{overrides.ns, overrides.docType, overrides.version};
    else
        target = targetFromName(file);
    if (!target || target->ns.isEmpty() || target->docType.isEmpty()) {
        *why =
            u"cannot tell where this ping was sent: name it validation/NS/DOCTYPE.V.NAME.pass.json or pass "
            u"--namespace/--doctype/--version"_s;
        return std::nullopt;
    }
    if (target->ns != u"telemetry") {
        if (target->version.isEmpty()) {
            *why = u"a %1 ping needs a document version (--version)"_s.arg(target->ns);
            return std::nullopt;
        }
        const QByteArray path = "/submit/" + urlPart(target->ns) + '/' + urlPart(target->docType) + '/' +
                                urlPart(target->version) + '/' + newUuid().toLatin1();
        return jsonPost(path, {}, body, nowMicros());
    }
    // Legacy Telemetry: the URL names the document and the application that sent it.
    const ojson doc = ojson::parse(body.begin(), body.end(), nullptr, false);
    if (!doc.is_object()) {
        *why = u"a telemetry ping's URL is made from its \"id\" and \"application\", and this one is not a "
               u"JSON object"_s;
        return std::nullopt;
    }
    const ojson app = doc.value("application", ojson());
    const QString appName = scalarText(app, "name"), appVersion = scalarText(app, "version"),
                  channel = scalarText(app, "channel"), buildId = scalarText(app, "buildId");
    if (appName.isEmpty() || appVersion.isEmpty() || channel.isEmpty() || buildId.isEmpty()) {
        *why = u"a telemetry ping is sent to /submit/telemetry/ID/TYPE/APPNAME/APPVERSION/CHANNEL/BUILDID; "
               u"this one lacks application.name, .version, .channel or .buildId"_s;
        return std::nullopt;
    }
    QString docId = scalarText(doc, "id");
    if (docId.isEmpty())
        docId = newUuid();
    const QByteArray path = "/submit/telemetry/" + urlPart(docId) + '/' + urlPart(target->docType) + '/' +
                            urlPart(appName) + '/' + urlPart(appVersion) + '/' + urlPart(channel) + '/' +
                            urlPart(buildId);
    return jsonPost(path, "v=4", body, nowMicros()); // ?v=4: what Firefox sends
}

} // namespace

ImportBatch readJsonFiles(const QStringList &paths, const ImportOverrides &overrides)
{
    ImportBatch batch;
    batch.format = u"json-pings"_s;
    for (const QString &p : paths) {
        const QFileInfo info(p);
        QStringList files; // relative to `base`
        QDir base;
        if (info.isDir()) {
            base = QDir(p);
            QDirIterator it(p, {u"*.json"_s}, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext())
                files << base.relativeFilePath(it.next());
            files.sort();
        } else if (info.isFile()) {
            base = info.dir();
            files << info.fileName();
        } else {
            batch.problems.push_back(problem(p, QString(), u"no such file or folder"_s));
            continue;
        }
        for (const QString &relative : std::as_const(files)) {
            QString why;
            std::optional<RawSubmission> raw = requestOf(base.filePath(relative), overrides, &why);
            if (!raw) {
                batch.problems.push_back(problem(p, relative, why));
                continue;
            }
            raw->source = u"import: "_s + relative;
            batch.requests.push_back({std::move(*raw), relative});
        }
    }
    return batch;
}

} // namespace pingscope
