// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "share/importbatch.h"
#include "share/share_p.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QTimeZone>
#include <QUuid>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace pingscope {

qsizetype ImportBatch::skippedCount() const
{
    return std::count_if(problems.begin(), problems.end(), [](const ImportProblem &p) { return p.skipped; });
}

qsizetype ImportBatch::errorCount() const
{
    return qsizetype(problems.size()) - skippedCount();
}

namespace share {

QString textFromBytes(QByteArrayView bytes)
{
    return QString::fromLatin1(bytes);
}

QByteArray bytesFromText(const QString &text)
{
    const bool latin1 = std::all_of(text.begin(), text.end(), [](QChar c) { return c.unicode() <= 0xff; });
    return latin1 ? text.toLatin1() : text.toUtf8();
}

namespace {

// Whole seconds and the microseconds within them, for times before the epoch too.
std::pair<qint64, qint64> splitMicros(qint64 us)
{
    qint64 s = us / 1'000'000;
    qint64 rest = us % 1'000'000;
    if (rest < 0) {
        rest += 1'000'000;
        --s;
    }
    return {s, rest};
}

} // namespace

QString isoUtcMicros(qint64 us)
{
    const auto [s, rest] = splitMicros(us);
    return QDateTime::fromSecsSinceEpoch(s, QTimeZone::utc()).toString(u"yyyy-MM-ddTHH:mm:ss"_s) + u'.' +
           u"%1"_s.arg(rest, 6, 10, QChar(u'0')) + u'Z';
}

QString isoUtcMillis(qint64 us)
{
    const auto [s, rest] = splitMicros(us);
    return QDateTime::fromSecsSinceEpoch(s, QTimeZone::utc()).toString(u"yyyy-MM-ddTHH:mm:ss"_s) + u'.' +
           u"%1"_s.arg(rest / 1000, 3, 10, QChar(u'0')) + u'Z';
}

std::optional<qint64> parseIsoMicros(QStringView text)
{
    static const QRegularExpression re(
        u"^\\s*(\\d{4}-\\d\\d-\\d\\d)[T ](\\d\\d:\\d\\d(?::\\d\\d)?)(?:[.,](\\d+))?"
        u"\\s*(Z|z|UTC|[+-]\\d\\d(?::?\\d\\d)?)?\\s*$"_s);
    const auto m = re.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    QString time = m.captured(2);
    if (time.size() == 5)
        time += u":00"_s;
    QString zone = m.captured(4);
    if (zone.isEmpty() || zone == u"UTC" || zone == u"z")
        zone = u"Z"_s;
    else if (zone.size() == 5) // +0100
        zone.insert(3, u':');
    else if (zone.size() == 3) // +01
        zone += u":00"_s;
    const QDateTime dt = QDateTime::fromString(m.captured(1) + u'T' + time + zone, Qt::ISODate);
    if (!dt.isValid())
        return std::nullopt;
    const QString fraction = QString(m.captured(3) + u"000000"_s).left(6);
    return dt.toSecsSinceEpoch() * 1'000'000 + fraction.toLongLong();
}

qint64 nowMicros()
{
    return QDateTime::currentMSecsSinceEpoch() * 1000;
}

QByteArray headerValue(const QList<HttpHeader> &headers, QByteArrayView name)
{
    for (const HttpHeader &h : headers)
        if (QByteArrayView(h.name).compare(name, Qt::CaseInsensitive) == 0)
            return h.value;
    return {};
}

RawSubmission jsonPost(const QByteArray &path, const QByteArray &query, const QByteArray &body,
                       qint64 receivedAtUs)
{
    RawSubmission raw;
    raw.receivedAtUs = receivedAtUs;
    raw.method = "POST";
    raw.path = path;
    raw.query = query;
    raw.headers = {{"Content-Type", "application/json; charset=utf-8"},
                   {"Content-Length", QByteArray::number(body.size())}};
    raw.body = body;
    raw.declaredLength = body.size();
    return raw;
}

QString newUuid()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

QString stringMember(const ojson &o, const char *key, const QString &fallback)
{
    if (!o.is_object())
        return fallback;
    const auto it = o.find(key);
    return it != o.end() && it->is_string() ? fromStd(it->get<std::string>()) : fallback;
}

QString refusedReasonFromErrors(const ojson &errors)
{
    if (!errors.is_array())
        return {};
    for (const ojson &e : errors)
        if (stringMember(e, "kind") == u"refused")
            return stringMember(e, "message", u"refused"_s);
    return {};
}

ImportProblem problem(const QString &file, const QString &position, const QString &message)
{
    ImportProblem p;
    p.file = file;
    p.position = position;
    p.message = message;
    return p;
}

} // namespace share
} // namespace pingscope
