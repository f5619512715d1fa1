// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "ping/ping.h"

#include <QString>

namespace pingscope {

// Saving a captured ping as a mozilla-pipeline-schemas example:
// <checkout>/validation/<namespace>/<docType>.<docVersion>.<name>.<pass|fail>.json
struct ExampleRequest
{
    QString checkoutDir; // a mozilla-pipeline-schemas checkout (the folder holding validation/)
    QString name;        // [0-9a-zA-Z_-]+
    bool pass = true;
    bool overwrite = false;
};

struct ExampleResult
{
    bool ok = false;
    bool exists = false; // refused because the file exists and overwrite was false
    QString path;        // the file (to be) written
    QString error;       // why not, in words
};

// Where the example would go, or an error (not a decoded JSON ping, no namespace/docType/version,
// bad name). Telemetry pings take their version from the body (the record's docVersion).
ExampleResult examplePath(const PingRecord &record, const ExampleRequest &request);

// Writes the payload pretty-printed (2 spaces, keys in their original order, final newline).
ExampleResult saveExample(const PingRecord &record, const ExampleRequest &request);

// The file's bytes for a payload: what saveExample writes.
QByteArray prettyExampleBytes(const QByteArray &payload);

bool isValidExampleName(const QString &name);

} // namespace pingscope
