// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "ping/ping.h"
#include "share/importbatch.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <vector>

namespace pingscope {

// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), what browser devtools and HTTP
// tools open. One entry per request; the answer Pingscope gave is the response (status only).
// The verdict, errors, warnings, store id and exact receive time ride along in the entry's
// custom "_pingscope" object, which other tools ignore.
QByteArray toHar(const std::vector<PingRecord> &records);

// The same document in pieces, for writing a store out without holding it:
// harPrologue() + toHarEntry(r1) + ",\n" + toHarEntry(r2) + ... + harEpilogue().
QByteArray harPrologue();
QByteArray toHarEntry(const PingRecord &r);
QByteArray harEpilogue();

// The submissions of a HAR file: ours, and those browser devtools (Firefox, Chrome) export.
// Only POST and PUT requests to a /submit/ path are read; every other entry is a skipped
// problem ("session.har entry 3"). A body a browser saved as text after replacing bytes it
// could not show (U+FFFD) is a problem: it cannot be restored.
ImportBatch readHar(QByteArrayView data, const QString &fileName);

} // namespace pingscope
