// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "share/capturefolder.h"
#include "share/share_p.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace pingscope {

using namespace share;

namespace {

constexpr QLatin1StringView kMetaSuffix(".meta.json");

// The request of one meta file (and its body file), or why there is none.
std::optional<RawSubmission> readOne(const QString &metaPath, QString *why)
{
    QFile f(metaPath);
    if (!f.open(QIODevice::ReadOnly)) {
        *why = u"cannot read it: %1"_s.arg(f.errorString());
        return std::nullopt;
    }
    const QByteArray bytes = f.readAll();
    ojson meta;
    try {
        meta = ojson::parse(bytes.begin(), bytes.end());
    } catch (const ojson::parse_error &e) {
        *why = u"not JSON (byte %1): %2"_s.arg(e.byte).arg(QString::fromUtf8(e.what()));
        return std::nullopt;
    }
    const QString method = stringMember(meta, "method");
    const QString url = stringMember(meta, "url");
    if (method.isEmpty() || url.isEmpty()) {
        *why = u"needs \"method\" and \"url\""_s;
        return std::nullopt;
    }
    RawSubmission raw;
    raw.method = bytesFromText(method);
    const qsizetype q = url.indexOf(u'?');
    raw.path = bytesFromText(q < 0 ? url : url.left(q));
    raw.query = q < 0 ? QByteArray() : bytesFromText(url.mid(q + 1));
    raw.peer = stringMember(meta, "remote");
    if (const auto at = parseIsoMicros(stringMember(meta, "received_at"))) {
        raw.receivedAtUs = *at;
    } else {
        *why = u"needs \"received_at\" (ISO 8601)"_s;
        return std::nullopt;
    }
    if (const auto it = meta.find("rawHeaders"); it != meta.end() && it->is_array()) {
        // Node's rawHeaders: name, value, name, value, ... exactly as received.
        if (it->size() % 2 != 0) {
            *why = u"\"rawHeaders\" has an odd number of items (it is name, value, name, value, ...)"_s;
            return std::nullopt;
        }
        for (size_t i = 0; i + 1 < it->size(); i += 2) {
            const ojson &name = (*it)[i];
            const ojson &value = (*it)[i + 1];
            if (!name.is_string() || !value.is_string()) {
                *why = u"\"rawHeaders\" item %1 is not a string"_s.arg(i + 1);
                return std::nullopt;
            }
            raw.headers.append({bytesFromText(fromStd(name.get<std::string>())),
                                bytesFromText(fromStd(value.get<std::string>()))});
        }
    } else if (const auto h = meta.find("headers"); h != meta.end() && h->is_object()) {
        // Lower-cased names in the order given; a repeated header is an array of values.
        for (auto item = h->begin(); item != h->end(); ++item) {
            const QByteArray name = bytesFromText(fromStd(item.key()));
            if (item->is_array()) {
                for (const ojson &v : *item)
                    if (v.is_string())
                        raw.headers.append({name, bytesFromText(fromStd(v.get<std::string>()))});
            } else if (item->is_string()) {
                raw.headers.append({name, bytesFromText(fromStd(item->get<std::string>()))});
            } else if (item->is_number()) {
                raw.headers.append({name, QByteArray::fromStdString(item->dump())});
            }
        }
    }
    const QString bodyPath = metaPath.chopped(kMetaSuffix.size()) + u".body.raw"_s;
    QFile body(bodyPath);
    if (body.open(QIODevice::ReadOnly)) {
        raw.body = body.readAll();
    } else if (const auto n = meta.find("body_bytes_raw");
               QFileInfo::exists(bodyPath) ||
               (n != meta.end() && n->is_number_integer() && n->get<qint64>() > 0)) {
        *why = u"its body %1 is missing or unreadable"_s.arg(QFileInfo(bodyPath).fileName());
        return std::nullopt;
    }
    raw.declaredLength = raw.body.size();
    return raw;
}

} // namespace

ImportBatch readCaptureFolder(const QString &path)
{
    ImportBatch batch;
    batch.format = u"capture-folder"_s;
    const QFileInfo info(path);
    QStringList metas; // relative to `base`
    QDir base;
    if (info.isFile()) {
        if (!path.endsWith(kMetaSuffix)) {
            batch.problems.push_back(problem(path, QString(), u"not a .meta.json file"_s));
            return batch;
        }
        base = info.dir();
        metas << info.fileName();
    } else if (info.isDir()) {
        // Absolute: relativeFilePath() of a relative folder's entries gives them back whole, and
        // filePath() would then name the folder twice.
        base = QDir(info.absoluteFilePath());
        QDirIterator it(base.path(), {u"*.meta.json"_s}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext())
            metas << base.relativeFilePath(it.next());
        metas.sort();
        if (metas.isEmpty())
            batch.problems.push_back(problem(path, QString(), u"no *.meta.json files in it"_s));
    } else {
        batch.problems.push_back(problem(path, QString(), u"no such file or folder"_s));
        return batch;
    }
    for (const QString &relative : std::as_const(metas)) {
        QString why;
        std::optional<RawSubmission> raw = readOne(base.filePath(relative), &why);
        if (!raw) {
            batch.problems.push_back(problem(path, relative, why));
            continue;
        }
        raw->source = u"import: "_s + relative;
        batch.requests.push_back({std::move(*raw), relative});
    }
    return batch;
}

} // namespace pingscope
