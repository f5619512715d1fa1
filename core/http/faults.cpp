// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "http/faults.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace pingscope {

namespace {

QRegularExpression compileGlob(const QString &glob)
{
    if (glob == u"*")
        return {};
    return QRegularExpression(QRegularExpression::wildcardToRegularExpression(glob),
                              QRegularExpression::CaseInsensitiveOption);
}

bool globMatches(const QRegularExpression &re, QByteArrayView text)
{
    return re.pattern().isEmpty() || re.match(QString::fromUtf8(text)).hasMatch();
}

bool toInt(QStringView v, int min, int max, int *out)
{
    bool ok = false;
    const int n = v.toInt(&ok);
    if (!ok || n < min || n > max)
        return false;
    *out = n;
    return true;
}

} // namespace

QString FaultRule::spec() const
{
    QStringList items;
    if (nsGlob != u"*")
        items << u"namespace="_s + nsGlob;
    if (docTypeGlob != u"*")
        items << u"doctype="_s + docTypeGlob;
    if (attemptMin != 1 || attemptMax != INT_MAX) {
        if (attemptMax == INT_MAX)
            items << u"attempt=%1+"_s.arg(attemptMin);
        else if (attemptMin == attemptMax)
            items << u"attempt=%1"_s.arg(attemptMin);
        else
            items << u"attempt=%1-%2"_s.arg(attemptMin).arg(attemptMax);
    }
    if (percent < 100)
        items << u"percent="_s + QString::number(percent);
    if (status > 0)
        items << u"status=%1"_s.arg(status);
    if (retryAfter >= 0)
        items << u"retry-after=%1"_s.arg(retryAfter);
    if (delayMs > 0)
        items << u"delay=%1"_s.arg(delayMs);
    if (action == Action::Close)
        items << u"close"_s;
    else if (action == Action::Reset)
        items << u"reset"_s;
    return items.join(u',');
}

QString FaultRule::effect() const
{
    QString what;
    switch (action) {
    case Action::Answer:
        what = status > 0 ? QString::number(status) : u"the usual answer"_s;
        if (retryAfter >= 0)
            what += u" with Retry-After: %1"_s.arg(retryAfter);
        break;
    case Action::Close:
        what = u"closed without an answer"_s;
        break;
    case Action::Reset:
        what = u"connection reset"_s;
        break;
    }
    if (delayMs > 0)
        what += u" after %1 ms"_s.arg(delayMs);
    return what;
}

std::optional<FaultRule> parseFaultRule(QStringView text, QString *error)
{
    auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return std::nullopt;
    };
    FaultRule rule;
    bool acts = false, haveAttempt = false;
    const auto items = text.split(u',', Qt::SkipEmptyParts);
    if (items.isEmpty())
        return fail(u"the rule is empty"_s);
    for (QStringView raw : items) {
        const QStringView item = raw.trimmed();
        const qsizetype eq = item.indexOf(u'=');
        const QString key = (eq < 0 ? item : item.left(eq)).trimmed().toString().toLower();
        const QStringView value = eq < 0 ? QStringView() : item.mid(eq + 1).trimmed();
        auto needValue = [&] { return eq >= 0 && !value.isEmpty(); };
        if (key == u"namespace" || key == u"doctype") {
            if (!needValue())
                return fail(
                    u"\"%1\" needs a value (a name or a glob such as baseline or glean-*)"_s.arg(key));
            (key == u"namespace" ? rule.nsGlob : rule.docTypeGlob) = value.toString();
        } else if (key == u"attempt" || key == u"attempts" || key == u"first") {
            if (haveAttempt)
                return fail(u"attempt numbers are given twice (use one of attempt= and first=)"_s);
            haveAttempt = true;
            const QString v = value.toString();
            int a = 0, b = 0;
            if (key == u"first") {
                if (!toInt(value, 1, 1'000'000, &b))
                    return fail(u"first=N needs a number of attempts from 1, not \"%1\""_s.arg(v));
                rule.attemptMin = 1;
                rule.attemptMax = b;
            } else if (v.endsWith(u'+') && toInt(QStringView(v).chopped(1), 1, 1'000'000, &a)) {
                rule.attemptMin = a;
            } else if (const qsizetype dash = v.indexOf(u'-'); dash > 0) {
                if (!toInt(QStringView(v).left(dash), 1, 1'000'000, &a) ||
                    !toInt(QStringView(v).mid(dash + 1), 1, 1'000'000, &b) || b < a)
                    return fail(
                        u"attempt=%1 is not a range N-M of attempt numbers (from 1, N <= M)"_s.arg(v));
                rule.attemptMin = a;
                rule.attemptMax = b;
            } else if (toInt(value, 1, 1'000'000, &a)) {
                rule.attemptMin = rule.attemptMax = a;
            } else {
                return fail(u"attempt=%1 is not an attempt number (N, N-M or N+, from 1)"_s.arg(v));
            }
        } else if (key == u"percent") {
            bool ok = false;
            const double p = value.toString().remove(u'%').toDouble(&ok);
            if (!ok || p < 0 || p > 100)
                return fail(u"percent=%1 is not a share from 0 to 100"_s.arg(value.toString()));
            rule.percent = p;
        } else if (key == u"status") {
            if (!toInt(value, 100, 599, &rule.status))
                return fail(u"status=%1 is not an HTTP status (100-599)"_s.arg(value.toString()));
            acts = true;
        } else if (key == u"retry-after" || key == u"retryafter") {
            if (!toInt(value, 0, 86'400 * 7, &rule.retryAfter))
                return fail(u"retry-after=%1 is not a number of seconds"_s.arg(value.toString()));
        } else if (key == u"delay") {
            QString v = value.toString();
            if (v.endsWith(u"ms"))
                v.chop(2);
            if (!toInt(v, 0, 600'000, &rule.delayMs))
                return fail(u"delay=%1 is not a number of milliseconds (0-600000)"_s.arg(value.toString()));
            acts = acts || rule.delayMs > 0;
        } else if (key == u"close" || key == u"reset") {
            if (eq >= 0)
                return fail(u"\"%1\" takes no value"_s.arg(key));
            if (rule.action != FaultRule::Action::Answer)
                return fail(u"a rule either closes or resets the connection, not both"_s);
            rule.action = key == u"close" ? FaultRule::Action::Close : FaultRule::Action::Reset;
            acts = true;
        } else {
            return fail(
                u"unknown item \"%1\"; %2"_s.arg(item.toString(), QString::fromLatin1(kFaultRuleSyntax)));
        }
    }
    if (rule.action != FaultRule::Action::Answer && (rule.status > 0 || rule.retryAfter >= 0))
        return fail(u"a rule that closes or resets the connection sends no status or Retry-After"_s);
    if (rule.retryAfter >= 0 && rule.status == 0)
        return fail(
            u"retry-after needs a status (e.g. status=503,retry-after=60 or status=429,retry-after=60)"_s);
    if (!acts)
        return fail(u"the rule does nothing: give status=CODE, delay=MS, close or reset"_s);
    return rule;
}

void FaultInjector::setRules(std::vector<FaultRule> rules)
{
    std::lock_guard lock(m_mutex);
    m_rules = std::move(rules);
    m_globs.clear();
    for (const FaultRule &r : m_rules)
        m_globs.emplace_back(compileGlob(r.nsGlob), compileGlob(r.docTypeGlob));
    m_taken.assign(m_rules.size(), 0);
    if (m_rules.empty())
        m_attempts.clear();
}

std::vector<FaultRule> FaultInjector::rules() const
{
    std::lock_guard lock(m_mutex);
    return m_rules;
}

bool FaultInjector::active() const
{
    std::lock_guard lock(m_mutex);
    return !m_rules.empty();
}

std::vector<qint64> FaultInjector::takenCounts() const
{
    std::lock_guard lock(m_mutex);
    return m_taken;
}

void FaultInjector::seed(quint32 value)
{
    std::lock_guard lock(m_mutex);
    m_random.seed(value);
}

FaultInjector::Target FaultInjector::targetOf(QByteArrayView path)
{
    // /submit/<namespace>/<docType>/<docVersion>/<docId>, or for legacy Telemetry
    // /submit/telemetry/<docId>/<docType>/<appName>/...
    Target t;
    const QList<QByteArray> parts = path.toByteArray().split('/');
    if (parts.size() < 3 || !parts[0].isEmpty() || parts[1] != "submit")
        return t;
    t.ns = parts[2];
    if (t.ns == "telemetry") {
        if (parts.size() > 3)
            t.docId = parts[3];
        if (parts.size() > 4)
            t.docType = parts[4];
    } else {
        if (parts.size() > 3)
            t.docType = parts[3];
        if (parts.size() > 5)
            t.docId = parts[5];
    }
    return t;
}

FaultDecision FaultInjector::decide(QByteArrayView path)
{
    FaultDecision d;
    std::lock_guard lock(m_mutex);
    if (m_rules.empty())
        return d;
    const Target t = targetOf(path);
    QByteArray key = t.ns + '/' + t.docId.toLower();
    if (m_attempts.size() >= kMaxTracked && !m_attempts.contains(key))
        m_attempts.clear();
    d.attempt = ++m_attempts[key];
    for (size_t i = 0; i < m_rules.size(); ++i) {
        const FaultRule &r = m_rules[i];
        if (d.attempt < r.attemptMin || d.attempt > r.attemptMax)
            continue;
        if (!globMatches(m_globs[i].first, t.ns) || !globMatches(m_globs[i].second, t.docType))
            continue;
        if (r.percent < 100 && !(m_random.bounded(100.0) < r.percent))
            continue;
        ++m_taken[i];
        d.faulted = true;
        d.rule = static_cast<int>(i) + 1;
        d.action = r.action;
        d.status = r.status;
        d.retryAfter = r.retryAfter;
        d.delayMs = r.delayMs;
        d.description =
            u"%1 (rule %2: %3; attempt %4)"_s.arg(r.effect()).arg(d.rule).arg(r.spec()).arg(d.attempt);
        break;
    }
    return d;
}

} // namespace pingscope
