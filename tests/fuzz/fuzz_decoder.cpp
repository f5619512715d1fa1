// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// libFuzzer target for the decoder's byte handling: gunzipIfGzip (capped inflation),
// firstInvalidUtf8 and parseJson, as ingestSubmission chains them.
//
// Input: a request body as sent (gzip or not). Checks: inflation never passes its cap and says
// why it stopped; a body reported valid UTF-8 converts to UTF-16 and back unchanged, one
// reported invalid has a bad byte at the offset given; a document that parses dumps to text
// that parses to the same document; a parse error has an offset inside the text.
#include "ping/decode.h"

#include <nlohmann/json.hpp>

#include <QString>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace pingscope;

namespace {

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "\n*** fuzz_decoder: %s\n", what);
    std::abort();
}

constexpr qint64 kCap = 1 << 20; // small, so that the cap is reached

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    GunzipResult gz = gunzipIfGzip(body, kCap);
    QByteArray decoded;
    switch (gz.status) {
    case GunzipResult::Status::NotGzip:
        if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
            fail("gzip magic not recognised");
        decoded = body;
        break;
    case GunzipResult::Status::Ok:
        if (gz.data.size() > kCap)
            fail("inflated past the cap");
        decoded = gz.data;
        break;
    case GunzipResult::Status::TooLarge:
        if (gz.data.size() > kCap)
            fail("kept more than the cap");
        if (gz.message.isEmpty())
            fail("too large without a message");
        return 0;
    case GunzipResult::Status::Corrupt:
        if (gz.message.isEmpty())
            fail("corrupt without a message");
        return 0;
    }
    const qsizetype bad = firstInvalidUtf8(decoded);
    if (bad >= 0) {
        if (bad >= decoded.size())
            fail("bad UTF-8 offset outside the text");
        return 0;
    }
    // (QString::fromUtf8 drops a leading byte order mark.)
    const QByteArray withoutBom = decoded.startsWith("\xEF\xBB\xBF") ? decoded.mid(3) : decoded;
    if (QString::fromUtf8(decoded).toUtf8() != withoutBom)
        fail("valid UTF-8 did not round-trip");
    nlohmann::json doc;
    JsonParseError pe;
    if (!parseJson(decoded, doc, pe)) {
        if (pe.byteOffset < 0 || pe.byteOffset > decoded.size() || pe.line < 1 || pe.column < 1)
            fail("parse error position outside the text");
        return 0;
    }
    // Deep documents are legal JSON; dumping them recursively is not what this checks, and the
    // product never prints one deeper than kMaxPrintableDepth (a 5,000-deep dump overflowed the
    // stack under ASan).
    if (jsonNestingDepth(decoded) > kMaxPrintableDepth)
        return 0;
    const std::string text = doc.dump();
    nlohmann::json again;
    JsonParseError pe2;
    if (!parseJson(QByteArrayView(text.data(), static_cast<qsizetype>(text.size())), again, pe2))
        fail("a dumped document does not parse");
    if (again != doc)
        fail("a dumped document parses to something else");
    return 0;
}
