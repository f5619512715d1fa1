// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "ping/ping.h"

#include <QString>
#include <QStringList>

namespace pingscope {

// What the production pipeline would do with a ping, in words, from its stored verdict,
// errorsJson and pipelineJson (as ingest wrote them). Shared by the Overview's "Pipeline"
// section, the Problems tab and the verdict legend. Pure functions, any thread.

// The error production would report (the one marked "reported": true in errorsJson).
struct ProductionError
{
    bool found = false;
    QString kind;           // "decoder", "schema", ...
    QString errorType;      // "ParsePayload"
    QString exceptionClass; // "com.mozilla.telemetry.decoder.MessageScrubber$UnwantedDataException"
    QString errorMessage;   // error_message as the error table has it
    QString message;        // Pingscope's explanation in plain words
};
ProductionError reportedError(const QByteArray &errorsJson);

// "MessageScrubber" for "com.mozilla.telemetry.decoder.MessageScrubber$UnwantedDataException",
// "ValidationException" for "org.everit.json.schema.ValidationException".
QString shortExceptionName(const QString &exceptionClass);

// "payload_bytes_error.structured" for "moz-fx-data-shared-prod.payload_bytes_error.structured".
QString shortTableName(const QString &table);

// The Overview's outcome: `summary` for its Value column ("Kept: firefox_desktop.newtab_v1",
// "Error table payload_bytes_error.structured", "Dropped by the decoder without an error row",
// "Unregistered: No such docType: ns/dt"), `detail` for its Details column, and `sentence`, the
// two in one line: "Kept: firefox_desktop.newtab_v1 (live and stable tables)", "Error table
// payload_bytes_error.structured: <error_message>", "Dropped by the decoder without an error row:
// <reason>", "Unregistered: No such docType: ns/dt; the body would pass glean/glean/glean.1 once
// registered".
struct ProductionOutcome
{
    QString summary, detail, sentence;
};
ProductionOutcome productionOutcome(const PingRecord &record);

// The Problems tab's headline, the verdict in production's terms: "Rejected: the decoder sends it
// to the error table (MessageScrubber 1684980): firefox-desktop pings need ...".
QString productionHeadline(const PingRecord &record);

// One sentence per verdict for legends and tooltips ("rejected: the decoder sends it to the
// error table for a reason other than its schema ...").
QString verdictDescription(QStringView verdict);
// Every verdict, in the order of the verdict filter.
QStringList allVerdicts();
// verdictDescription() of every verdict, one a line: the legend of the Verdict column.
QString verdictLegend();

} // namespace pingscope
