// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "ping/submitpath.h"

#include <QByteArrayList>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace pingscope {

bool isUuid(QStringView s)
{
    // 8-4-4-4-12 hex digits, either case (the decoder matches case-insensitively).
    if (s.size() != 36)
        return false;
    for (qsizetype i = 0; i < s.size(); ++i) {
        const QChar c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != u'-')
                return false;
        } else if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F'))) {
            return false;
        }
    }
    return true;
}

QString queryValue(const QByteArray &query, QByteArrayView key)
{
    for (const QByteArray &pair : query.split('&')) {
        const qsizetype eq = pair.indexOf('=');
        const QByteArrayView k = eq < 0 ? QByteArrayView(pair) : QByteArrayView(pair).first(eq);
        if (k == key) {
            QByteArray v = eq < 0 ? QByteArray("") : pair.mid(eq + 1);
            v.replace('+', ' ');
            return QUrl::fromPercentEncoding(v);
        }
    }
    return {};
}

SubmitPath parseSubmitPath(const QByteArray &path, const QByteArray &query)
{
    SubmitPath out;
    static const QByteArray prefix = "/submit/";
    if (!path.startsWith(prefix)) {
        out.problem = u"unknown URL prefix: the pipeline only accepts /submit/..."_s;
        return out;
    }
    QByteArrayList parts = path.mid(prefix.size()).split('/');
    // A trailing slash leaves an empty last part: the decoder counts it as a part too.
    QStringList p;
    p.reserve(parts.size());
    // Undecoded, as production's decoder splits the edge's uri attribute (ParseUri.java).
    for (const auto &part : std::as_const(parts))
        p.append(QString::fromUtf8(part));
    if (p.isEmpty() || p.first().isEmpty()) {
        out.problem = u"missing namespace after /submit/"_s;
        return out;
    }
    out.ns = p.first();
    const qsizetype n = p.size() - 1; // parts after the namespace

    if (out.ns == u"telemetry") {
        if (n >= 1)
            out.docId = p[1];
        if (n >= 2)
            out.docType = p[2];
        if (n == 6) {
            out.appName = p[3];
            out.appVersion = p[4];
            out.appUpdateChannel = p[5];
            out.appBuildId = p[6];
        }
        if (n != 6) {
            out.problem =
                u"telemetry URL has %1 path parts after /submit/telemetry/; the decoder "
                u"expects 6 (docId/docType/appName/appVersion/appUpdateChannel/appBuildID)"_s.arg(n);
        } else if (std::any_of(p.cbegin() + 1, p.cend(), [](const QString &s) { return s.isEmpty(); })) {
            out.problem = u"telemetry URL has an empty path part"_s;
        } else if (!isUuid(out.docId)) {
            out.problem = u"docId \"%1\" is not a UUID"_s.arg(out.docId.left(80));
        } else if (queryValue(query, "v") != u"4") {
            out.problem = u"telemetry URL without v=4 in the query: the decoder rejects it"_s;
        } else {
            out.form = SubmitPath::Form::Telemetry;
        }
        return out;
    }

    if (n >= 1)
        out.docType = p[1];
    if (n >= 2)
        out.docVersion = p[2];
    if (n >= 3)
        out.docId = p[3];
    if (n != 3) {
        out.problem = u"URL has %1 path parts after the namespace; the decoder expects 3 "
                      u"(/submit/<namespace>/<docType>/<docVersion>/<docId>)"_s.arg(n);
    } else if (std::any_of(p.cbegin(), p.cend(), [](const QString &s) { return s.isEmpty(); })) {
        out.problem = u"URL has an empty path part"_s;
    } else if (!isUuid(out.docId)) {
        out.problem = u"docId \"%1\" is not a UUID"_s.arg(out.docId.left(80));
    } else {
        out.form = SubmitPath::Form::Generic;
    }
    return out;
}

} // namespace pingscope
