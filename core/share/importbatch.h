// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "http/submission.h"

#include <QString>

#include <vector>

namespace pingscope {

// Sharing captures: what the readers of core/share make of a file (pure functions, any thread).
// A request read back from a shared file, as if the capture server had just received it:
// ingestSubmission() gives it its verdict.
struct ImportedRequest
{
    RawSubmission raw; // raw.source says where it came from ("import: capture.ndjson line 3")
    QString position;  // "capture.ndjson line 3", "session.har entry 2"
};

// Something in a file that did not become a request.
struct ImportProblem
{
    QString file;
    QString position; // "capture.ndjson line 2"; empty: the whole file
    QString message;
    // Left out on purpose, not an error: a HAR entry that is not a submission (a page, a
    // script, a GET).
    bool skipped = false;
};

struct ImportBatch
{
    std::vector<ImportedRequest> requests;
    std::vector<ImportProblem> problems; // skipped entries included
    // What was read: "pingscope-ndjson/1", "har", "capture-folder", "json-pings", "glean-log"
    // (empty when the file could not be read at all).
    QString format;

    qsizetype skippedCount() const;
    qsizetype errorCount() const; // problems that are not skips
};

// Where JSON ping files were sent when their names do not say (pingscope import --namespace
// --doctype --version). Empty: not given.
struct ImportOverrides
{
    QString ns, docType, version;
    bool isSet() const { return !ns.isEmpty() || !docType.isEmpty() || !version.isEmpty(); }
};

} // namespace pingscope
