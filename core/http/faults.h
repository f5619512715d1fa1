// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QList>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QString>
#include <QStringView>

#include <climits>
#include <mutex>
#include <optional>
#include <vector>

namespace pingscope {

// One fault rule: which submissions it takes (namespace and docType globs, attempt numbers of
// a docId, a share of the requests) and what it does to their answer. Written as
// comma-separated items (see kFaultRuleSyntax), e.g. "doctype=baseline,first=2,status=503".
struct FaultRule
{
    enum class Action
    {
        Answer, // answer (with `status` when set, else as usual), after `delayMs`
        Close,  // close the connection without an answer (after `delayMs`)
        Reset,  // reset the connection (TCP RST) without an answer (after `delayMs`)
    };
    QString nsGlob = QStringLiteral("*");      // matched against the URL's namespace
    QString docTypeGlob = QStringLiteral("*"); // and its docType (case-insensitive globs)
    int attemptMin = 1;                        // attempts of one docId, counted from 1
    int attemptMax = INT_MAX;
    double percent = 100; // share of the matching requests taken (at random)
    Action action = Action::Answer;
    int status = 0;      // Answer: the HTTP status; 0: the usual answer
    int retryAfter = -1; // Answer: a Retry-After header in seconds; -1: none
    int delayMs = 0;     // the answer (or the close) waits this long after the ping is stored

    // The rule in the syntax it is parsed from, items in a fixed order ("first=2" is written
    // "attempt=1-2").
    QString spec() const;
    // For people: "503 with Retry-After: 60", "closed without an answer after 2000 ms".
    QString effect() const;
};

inline constexpr const char *kFaultRuleSyntax =
    "RULE is comma-separated items. What it takes: namespace=GLOB, doctype=GLOB (* and ?), "
    "attempt=N, attempt=N-M or attempt=N+ (the attempts of one docId, from 1), first=N (attempt=1-N), "
    "percent=P (that share of the requests, at random). What it does: status=CODE [retry-after=SECONDS], "
    "delay=MS (answer, or close, that much later), close (no answer), reset (TCP reset). Examples: "
    "\"first=2,status=503\", \"doctype=baseline,percent=30,status=500\", \"delay=3000\", "
    "\"namespace=firefox-desktop,reset\". Rules are tried in order; the first that takes a request wins.";

// Parses one rule; nullopt with `error` saying what is wrong (naming the item).
std::optional<FaultRule> parseFaultRule(QStringView text, QString *error);

// What the capture server does with one submission.
struct FaultDecision
{
    bool faulted = false;
    int rule = 0; // 1-based index of the rule that took it (faulted)
    int attempt = 0;
    FaultRule::Action action = FaultRule::Action::Answer;
    int status = 0; // 0: the usual answer
    int retryAfter = -1;
    int delayMs = 0;
    QString description; // stored with the ping: "503 with Retry-After: 60 (rule 1, attempt 2)"
};

// The rules in force, shared by the capture thread (decide()), the API thread and the window
// (setRules()); every member is thread-safe. Attempts are counted per namespace and docId while
// any rule is set (at most kMaxTracked docIds, then the count starts over).
class FaultInjector
{
public:
    void setRules(std::vector<FaultRule> rules);
    std::vector<FaultRule> rules() const;
    bool active() const;
    // Requests each rule took since it was set (parallel to rules()).
    std::vector<qint64> takenCounts() const;
    // Counts the attempt of the submission to `path` (a /submit/ URL) and decides its answer.
    FaultDecision decide(QByteArrayView path);
    // Seeds the generator behind percent (tests).
    void seed(quint32 value);

    static constexpr int kMaxTracked = 200'000;

    // The namespace, docType and docId a /submit/ path names (the telemetry namespace puts the
    // docId first); empty fields when it names none.
    struct Target
    {
        QByteArray ns, docType, docId;
    };
    static Target targetOf(QByteArrayView path);

private:
    mutable std::mutex m_mutex;
    std::vector<FaultRule> m_rules;
    // Each rule's namespace and docType globs, compiled when the rules are set (an empty one
    // where the glob is "*": it takes everything).
    std::vector<std::pair<QRegularExpression, QRegularExpression>> m_globs;
    std::vector<qint64> m_taken;
    QHash<QByteArray, int> m_attempts;
    QRandomGenerator m_random{QRandomGenerator::securelySeeded()};
};

} // namespace pingscope
