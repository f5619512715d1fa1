// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include <QByteArray>
#include <QString>

namespace pingscope {

// The parts of a /submit/ URL, and the reason the pipeline's decoder would drop the document
// when the URL does not have one of the shapes it accepts.
struct SubmitPath
{
    enum class Form
    {
        Generic,
        Telemetry,
        Invalid
    };

    Form form = Form::Invalid;
    QString ns; // namespace ("telemetry" for the legacy form)
    QString docType;
    QString docVersion; // empty for telemetry (comes from the body)
    QString docId;
    // Telemetry form only:
    QString appName, appVersion, appUpdateChannel, appBuildId;
    // Empty when the decoder would accept the URL; otherwise why it would not.
    QString problem;

    bool isValid() const { return problem.isEmpty(); }
};

// `path` is the URL path without the query; `query` is without '?'.
SubmitPath parseSubmitPath(const QByteArray &path, const QByteArray &query);

bool isUuid(QStringView s);

// The value of `key` in an application/x-www-form-urlencoded query, or a null string.
QString queryValue(const QByteArray &query, QByteArrayView key);

} // namespace pingscope
