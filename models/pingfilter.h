// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include <QString>
#include <QStringList>

#include <vector>

namespace pingscope {

// What the ping table shows. Every criterion that is set must hold (they combine with AND);
// an empty string or list, or false, means "any".
struct PingFilter
{
    // Case-insensitive substring of the doc id, client id, namespace, doc type or debug tag.
    // Leading and trailing white space is ignored.
    QString text;
    // Verdict names (verdict::Valid, ...); a row passes when its verdict is one of them.
    QStringList verdicts;
    // Only rows whose verdict is a problem (verdict::isProblem).
    bool problemsOnly = false;
    // Exact values (case-sensitive, as shown in the table).
    QString ns, docType, debugTag;
    // Hide rows whose X-Source-Tags include "automation".
    bool hideAutomation = false;
    // Ids (ascending) of pings whose payload contains `text`, found by a store search
    // (StoreReader::idsWithPayloadContaining); such rows match the free-text criterion too.
    std::vector<qint64> payloadIds;
    // Received time (UTC, microseconds since the epoch) in [receivedFromUs, receivedToUs);
    // 0 leaves that end open.
    qint64 receivedFromUs = 0, receivedToUs = 0;
    // Only pings whose doc id the store had seen before (a duplicate-doc-id warning).
    bool duplicatesOnly = false;

    bool hasReceivedRange() const { return receivedFromUs != 0 || receivedToUs != 0; }

    bool isEmpty() const
    {
        return text.trimmed().isEmpty() && verdicts.isEmpty() && !problemsOnly && ns.isEmpty() &&
               docType.isEmpty() && debugTag.isEmpty() && !hideAutomation && !hasReceivedRange() &&
               !duplicatesOnly;
    }

    friend bool operator==(const PingFilter &, const PingFilter &) = default;
};

} // namespace pingscope
