// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

// Private to core/share: the helpers its readers and writers share.

#include "http/httpparser.h"
#include "share/importbatch.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace pingscope::share {

using ojson = nlohmann::ordered_json; // keys in the order written (and, read, in the file's order)

inline std::string toStd(const QString &s)
{
    return s.toStdString();
}
inline QString fromStd(const std::string &s)
{
    return QString::fromStdString(s);
}

// Header names and values, paths and queries are bytes. In JSON they are written one character
// per byte (Latin-1, as the store reads a path), so that any bytes come back as they were;
// text with characters past U+00FF (a browser's HAR) is read as UTF-8.
QString textFromBytes(QByteArrayView bytes);
QByteArray bytesFromText(const QString &text);

// "2026-11-23T02:19:25.192000Z" / "2026-11-23T02:19:25.192Z" (UTC).
QString isoUtcMicros(qint64 us);
QString isoUtcMillis(qint64 us);
// An ISO 8601 date-time with any number of fraction digits, "Z", an offset or none (UTC);
// " UTC" after it is read as Z. UTC microseconds since the epoch, or nullopt.
std::optional<qint64> parseIsoMicros(QStringView text);
qint64 nowMicros();

// The first header of that name (ASCII case-insensitive), or a null QByteArray.
QByteArray headerValue(const QList<HttpHeader> &headers, QByteArrayView name);

// "POST /submit/..." the way a Glean client sends a JSON ping: Content-Type (Glean's
// "application/json; charset=utf-8") and Content-Length.
RawSubmission jsonPost(const QByteArray &path, const QByteArray &query, const QByteArray &body,
                       qint64 receivedAtUs);

QString newUuid(); // lower case, without braces

// A JSON string member of `o`, or `fallback`.
QString stringMember(const ojson &o, const char *key, const QString &fallback = QString());

// The error JSON of a refused request: its message (what the server said), for
// RawSubmission::refusedReason when a refused request is read back.
QString refusedReasonFromErrors(const ojson &errors);

// A problem of `file` at `position`.
ImportProblem problem(const QString &file, const QString &position, const QString &message);

} // namespace pingscope::share
