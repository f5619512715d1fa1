// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "share/exportwriter.h"

#include "share/har.h"
#include "share/ndjson.h"

#include <QIODevice>

namespace pingscope {

ExportWriter::ExportWriter(QIODevice *out, bool har) : m_out(out), m_har(har)
{
    if (m_har)
        write(harPrologue());
}

bool ExportWriter::write(const QByteArray &bytes)
{
    if (m_ok && m_out->write(bytes) != bytes.size())
        m_ok = false;
    return m_ok;
}

bool ExportWriter::add(const PingRecord &record)
{
    const bool ok = m_har ? write((m_count > 0 ? QByteArray(",\n") : QByteArray()) + toHarEntry(record))
                          : write(toNdjsonLine(record));
    if (ok)
        ++m_count;
    return ok;
}

bool ExportWriter::finish()
{
    return m_har ? write(harEpilogue()) : m_ok;
}

} // namespace pingscope
