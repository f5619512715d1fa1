// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "ping/ping.h"

class QIODevice;

namespace pingscope {

// Writes records one at a time as Pingscope NDJSON or one HAR 1.2 document (pingscope export
// and the window's File > Export…): nothing but the record being written is held.
class ExportWriter
{
public:
    ExportWriter(QIODevice *out, bool har);
    // False once a write failed; later records are not written.
    bool add(const PingRecord &record);
    // Ends the HAR document; false when a write failed.
    bool finish();
    qint64 count() const { return m_count; }

private:
    bool write(const QByteArray &bytes);
    QIODevice *m_out;
    bool m_har;
    bool m_ok = true;
    qint64 m_count = 0;
};

} // namespace pingscope
