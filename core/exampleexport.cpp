// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "exampleexport.h"

#include "ping/decode.h"

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>

#include <nlohmann/json.hpp>

using namespace Qt::StringLiterals;

namespace pingscope {

bool isValidExampleName(const QString &name)
{
    if (name.isEmpty() || name.size() > 100)
        return false;
    for (QChar c : name)
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || c == u'_' ||
              c == u'-'))
            return false;
    return true;
}

QByteArray prettyExampleBytes(const QByteArray &payload)
{
    if (jsonNestingDepth(payload) > kMaxPrintableDepth)
        return payload.endsWith('\n') ? payload : payload + '\n';
    // ordered_json keeps the keys in the order the client sent them.
    const auto doc = nlohmann::ordered_json::parse(payload.begin(), payload.end(), nullptr, false);
    if (doc.is_discarded())
        return {};
    return QByteArray::fromStdString(
               doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)) +
           '\n';
}

ExampleResult examplePath(const PingRecord &r, const ExampleRequest &req)
{
    ExampleResult out;
    if (r.payload.isEmpty()) {
        out.error =
            u"ping #%1 has no JSON payload (verdict %2): only decoded JSON can be an example"_s.arg(r.id).arg(
                r.verdict);
        return out;
    }
    if (r.ns.isEmpty() || r.docType.isEmpty() || r.docVersion.isEmpty()) {
        out.error = u"ping #%1 has no namespace, document type and version (%2/%3/%4)"_s.arg(r.id).arg(
            r.ns, r.docType, r.docVersion.isEmpty() ? u"?"_s : r.docVersion);
        return out;
    }
    for (const QString &part : {r.ns, r.docType, r.docVersion})
        if (part.contains(u'/') || part.contains(u'\\') || part == u"." || part == u"..") {
            out.error = u"ping #%1 has a path part that cannot be a file name: %2"_s.arg(r.id).arg(part);
            return out;
        }
    if (!isValidExampleName(req.name)) {
        out.error = u"the example name \"%1\" may only contain letters, digits, '_' and '-'"_s.arg(req.name);
        return out;
    }
    if (req.checkoutDir.isEmpty() || !QFileInfo(req.checkoutDir).isDir()) {
        out.error = u"%1 is not a folder"_s.arg(req.checkoutDir);
        return out;
    }
    out.path = QDir(req.checkoutDir)
                   .filePath(u"validation/%1/%2.%3.%4.%5.json"_s.arg(r.ns, r.docType, r.docVersion, req.name,
                                                                     req.pass ? u"pass"_s : u"fail"_s));
    out.ok = true;
    return out;
}

ExampleResult saveExample(const PingRecord &record, const ExampleRequest &req)
{
    ExampleResult out = examplePath(record, req);
    if (!out.ok)
        return out;
    out.ok = false;
    if (QFileInfo::exists(out.path) && !req.overwrite) {
        out.exists = true;
        out.error = u"%1 exists already"_s.arg(out.path);
        return out;
    }
    const QByteArray bytes = prettyExampleBytes(record.payload);
    if (bytes.isEmpty()) {
        out.error = u"the payload of ping #%1 is not JSON"_s.arg(record.id);
        return out;
    }
    if (!QDir().mkpath(QFileInfo(out.path).absolutePath())) {
        out.error = u"cannot create folder %1"_s.arg(QFileInfo(out.path).absolutePath());
        return out;
    }
    // The file lands inside the checkout and nowhere else: no symlinked folder or file leads out.
    const QString root = QFileInfo(req.checkoutDir).canonicalFilePath();
    const QString folder = QFileInfo(QFileInfo(out.path).absolutePath()).canonicalFilePath();
    if (root.isEmpty() || !QString(folder + u'/').startsWith(QString(root + u'/'))) {
        out.error = u"%1 leads outside the checkout %2 (a symbolic link?): not written"_s.arg(
            QFileInfo(out.path).absolutePath(), req.checkoutDir);
        return out;
    }
    if (QFileInfo(out.path).isSymLink()) {
        out.error = u"%1 is a symbolic link: not written"_s.arg(out.path);
        return out;
    }
    QSaveFile f(out.path);
    if (!f.open(QIODevice::WriteOnly) ||
        !f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
        f.write(bytes) != bytes.size() || !f.commit()) {
        out.error = u"cannot write %1: %2"_s.arg(out.path, f.errorString());
        return out;
    }
    out.ok = true;
    return out;
}

} // namespace pingscope
