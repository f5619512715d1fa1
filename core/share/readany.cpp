// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "share/readany.h"
#include "share/capturefolder.h"
#include "share/gleanlog.h"
#include "share/har.h"
#include "share/jsonpings.h"
#include "share/ndjson.h"
#include "share/share_p.h"

#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace pingscope {

using namespace share;

namespace {

bool holdsCaptures(const QString &dir)
{
    QDirIterator it(dir, {u"*.meta.json"_s}, QDir::Files, QDirIterator::Subdirectories);
    return it.hasNext();
}

bool firstLineIsNdjson(QByteArrayView data)
{
    static const QRegularExpression re(u"\"format\"\\s*:\\s*\"pingscope-ndjson/1\""_s);
    const qsizetype nl = data.indexOf('\n');
    const QByteArrayView first = nl < 0 ? data : data.first(nl);
    return re.match(QString::fromUtf8(first.first(std::min<qsizetype>(first.size(), 1 << 20)))).hasMatch();
}

bool isHarDocument(QByteArrayView data)
{
    const QByteArrayView t = data.trimmed();
    if (!t.startsWith('{') || !t.contains("\"log\""))
        return false;
    const ojson doc = ojson::parse(t.begin(), t.end(), nullptr, false);
    return doc.is_object() && doc.contains("log") && doc["log"].is_object() && doc["log"].contains("entries");
}

} // namespace

ImportBatch readAny(const QString &path, const ImportOverrides &overrides)
{
    const QFileInfo info(path);
    if (info.isDir())
        return holdsCaptures(path) ? readCaptureFolder(path) : readJsonFiles({path}, overrides);
    ImportBatch batch;
    if (!info.exists()) {
        batch.problems.push_back(problem(path, QString(), u"no such file or folder"_s));
        return batch;
    }
    if (path.endsWith(u".meta.json"_s))
        return readCaptureFolder(path);
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        batch.problems.push_back(problem(path, QString(), u"cannot read it: %1"_s.arg(f.errorString())));
        return batch;
    }
    const QByteArray data = f.readAll();
    const QString name = info.fileName();
    const QString suffix = info.suffix().toLower();
    if (suffix == u"har")
        return readHar(data, name);
    if (suffix == u"ndjson" || suffix == u"jsonl" || firstLineIsNdjson(data))
        return readNdjson(data, name);
    if (suffix == u"json" && isHarDocument(data))
        return readHar(data, name);
    if (data.contains("Glean ping to URL") || data.contains("New upload task with id "))
        return readGleanLog(data, name);
    if (suffix == u"json")
        return readJsonFiles({path}, overrides);
    batch.problems.push_back(problem(path, QString(),
                                     u"cannot tell what this file holds: it is not pingscope NDJSON, HAR, "
                                     u"captured requests, a Glean log (GLEAN_LOG_PINGS) or a .json ping"_s));
    return batch;
}

} // namespace pingscope
