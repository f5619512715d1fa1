// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "ping/decode.h"

#include <nlohmann/json.hpp>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string_view>

using namespace Qt::StringLiterals;

namespace pingscope {

namespace {

// One inflate state per thread, reset for each body: inflateInit2 and the first inflate()
// allocate about 40 KB, which cost more than inflating a small ping.
struct ThreadInflater
{
    z_stream zs{};
    bool ok = false;
    ThreadInflater() { ok = inflateInit2(&zs, 16 + MAX_WBITS) == Z_OK; }
    ~ThreadInflater()
    {
        if (ok)
            inflateEnd(&zs);
    }
    ThreadInflater(const ThreadInflater &) = delete;
    ThreadInflater &operator=(const ThreadInflater &) = delete;
};

// At the end of a gzip member: when another follows (RFC 1952 allows concatenation), resets
// the stream to inflate it.
bool startNextMember(z_stream &zs)
{
    if (zs.avail_in < 2 || zs.next_in[0] != 0x1f || zs.next_in[1] != 0x8b)
        return false;
    const uInt left = zs.avail_in;
    Bytef *next = zs.next_in;
    inflateReset(&zs);
    zs.next_in = next;
    zs.avail_in = left;
    return true;
}

} // namespace

GunzipResult gunzipIfGzip(const QByteArray &body, qint64 maxOutput)
{
    GunzipResult r;
    if (body.size() < 2 || static_cast<unsigned char>(body[0]) != 0x1f ||
        static_cast<unsigned char>(body[1]) != 0x8b)
        return r;

    thread_local ThreadInflater inflater;
    z_stream &zs = inflater.zs;
    if (!inflater.ok || inflateReset(&zs) != Z_OK) {
        r.status = GunzipResult::Status::Corrupt;
        r.message = u"zlib could not be initialised"_s;
        return r;
    }
    zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(body.constData()));
    zs.avail_in = static_cast<uInt>(body.size());
    // Inflate straight into the result, growing it; one byte past maxOutput tells "too large".
    const qint64 limit = maxOutput + 1;
    qsizetype produced = 0;
    r.data.resize(static_cast<qsizetype>(qMin<qint64>(limit, qint64(body.size()) * 4 + 256)));
    for (;;) {
        if (produced == r.data.size())
            r.data.resize(static_cast<qsizetype>(qMin<qint64>(limit, qint64(r.data.size()) * 2)));
        zs.next_out = reinterpret_cast<Bytef *>(r.data.data() + produced);
        zs.avail_out = static_cast<uInt>(qMin<qint64>(r.data.size() - produced, 1 << 30));
        const uInt before = zs.avail_out;
        const int rc = inflate(&zs, Z_NO_FLUSH);
        produced += static_cast<qsizetype>(before - zs.avail_out);
        if (produced > maxOutput) {
            produced = static_cast<qsizetype>(maxOutput);
            r.status = GunzipResult::Status::TooLarge;
            r.message = u"gzip body inflates to more than %1 bytes (%2 bytes on the wire): "
                        u"inflation stopped"_s.arg(maxOutput)
                            .arg(body.size());
            break;
        }
        if (rc == Z_STREAM_END) {
            if (startNextMember(zs))
                continue;
            if (zs.avail_in > 0) {
                r.status = GunzipResult::Status::Corrupt;
                r.message = u"%1 bytes of garbage after the end of the gzip stream"_s.arg(zs.avail_in);
            } else {
                r.status = GunzipResult::Status::Ok;
            }
            break;
        }
        if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
            r.status = GunzipResult::Status::Corrupt;
            r.message = u"gzip stream is truncated after %1 of %2 bytes"_s.arg(zs.total_in).arg(body.size());
            break;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            r.status = GunzipResult::Status::Corrupt;
            r.message = u"corrupt gzip data at byte %1: %2"_s.arg(zs.total_in)
                            .arg(QString::fromUtf8(zs.msg ? zs.msg : "inflate failed"));
            break;
        }
    }
    r.data.truncate(produced);
    return r;
}

qint64 gzipInflatedSize(const QByteArray &body, qint64 cap)
{
    if (body.size() < 2 || uchar(body[0]) != 0x1f || uchar(body[1]) != 0x8b)
        return -1;
    thread_local ThreadInflater inflater;
    z_stream &zs = inflater.zs;
    if (!inflater.ok || inflateReset(&zs) != Z_OK)
        return -1;
    zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(body.constData()));
    zs.avail_in = static_cast<uInt>(body.size());
    static thread_local char scratch[64 * 1024];
    qint64 total = 0;
    for (;;) {
        zs.next_out = reinterpret_cast<Bytef *>(scratch);
        zs.avail_out = sizeof scratch;
        const int rc = inflate(&zs, Z_NO_FLUSH);
        total += qint64(sizeof scratch) - zs.avail_out;
        if (total > cap)
            return cap + 1;
        if (rc == Z_STREAM_END) {
            if (startNextMember(zs))
                continue;
            return total;
        }
        if (rc != Z_OK && !(rc == Z_BUF_ERROR && zs.avail_in > 0))
            return -1;
    }
}

qsizetype firstInvalidUtf8(QByteArrayView bytes)
{
    const auto *s = reinterpret_cast<const unsigned char *>(bytes.data());
    const qsizetype n = bytes.size();
    qsizetype i = 0;
    while (i < n) {
        // Fast path for ASCII runs, eight bytes at a time.
        while (i + 8 <= n) {
            quint64 w;
            std::memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ULL)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        const unsigned char c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        int len = 0;
        unsigned int cp = 0;
        if (c >= 0xc2 && c <= 0xdf) {
            len = 2;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4;
            cp = c & 0x07;
        } else {
            return i;
        }
        if (i + len > n)
            return i;
        for (int k = 1; k < len; ++k) {
            if ((s[i + k] & 0xc0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        // Overlong forms, surrogates and values past U+10FFFF are invalid.
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return i;
        i += len;
    }
    return -1;
}

namespace {

// The index of the quote that closes the string opening at `open` (escapes skipped), or the
// text's end.
qsizetype closingQuote(QByteArrayView text, qsizetype open)
{
    qsizetype i = open + 1;
    while (i < text.size() && text[i] != '"')
        i += text[i] == '\\' ? 2 : 1;
    return i;
}

// Calls onOpen(depth, offset) at each [ or { outside strings, with the depth it opens; stops
// when onOpen returns true.
template <typename OnOpen> void walkOpenings(QByteArrayView text, OnOpen &&onOpen)
{
    int depth = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '"') {
            i = closingQuote(text, i);
        } else if (c == '{' || c == '[') {
            if (onOpen(++depth, i))
                return;
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
}

} // namespace

int jsonNestingDepth(QByteArrayView text)
{
    int deepest = 0;
    walkOpenings(text, [&deepest](int depth, qsizetype) {
        deepest = qMax(deepest, depth);
        return false;
    });
    return deepest;
}

JsonShape scanJsonShape(QByteArrayView text)
{
    // Per value 32 bytes (the 16-byte json in its parent's vector or map node, with amortised
    // growth), per array or object 64 more (its own allocation), per object member 80 (the map
    // node and its key), per string 48 (the std::string) plus its characters once past the 15
    // kept inline. Values: the root, one per comma, one per container that is not empty.
    JsonShape shape;
    qint64 commas = 0, opens = 0, empty = 0, members = 0, strings = 0, longStringBytes = 0;
    int depth = 0;
    bool any = false;
    char last = 0; // the last character that was not white space
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text[i];
        switch (c) {
        case '"': {
            const qsizetype close = closingQuote(text, i);
            const qint64 len = qMin(close, text.size()) - i - 1;
            i = close;
            ++strings;
            if (len > 15)
                longStringBytes += len + 17;
            any = true;
            break;
        }
        case '[':
        case '{':
            ++opens;
            shape.depth = qMax(shape.depth, ++depth);
            any = true;
            break;
        case ']':
        case '}':
            if (last == '[' || last == '{')
                ++empty;
            --depth;
            break;
        case ',':
            ++commas;
            break;
        case ':':
            ++members;
            break;
        default:
            if (c > ' ')
                any = true;
            break;
        }
        if (c > ' ')
            last = c;
    }
    shape.values = any ? 1 + commas + opens - empty : 0;
    shape.estimatedBytes = shape.values * 32 + opens * 64 + members * 80 + strings * 48 + longStringBytes;
    return shape;
}

namespace {

void fillPosition(QByteArrayView text, qint64 offset, JsonParseError &error)
{
    offset = qBound<qint64>(0, offset, text.size());
    error.byteOffset = offset;
    error.line = 1;
    qint64 lineStart = 0;
    for (qint64 i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++error.line;
            lineStart = i + 1;
        }
    }
    error.column = offset - lineStart + 1;
}

QString withoutPrefix(const char *what)
{
    std::string w = what;
    // Drop nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 2: "
    if (const auto colon = w.find(": "); colon != std::string::npos && w.rfind("[json.exception.", 0) == 0)
        w = w.substr(colon + 2);
    else if (const auto close = w.find("] ");
             close != std::string::npos && w.rfind("[json.exception.", 0) == 0)
        w = w.substr(close + 2);
    return QString::fromStdString(w);
}

// Where the first JSON value of `text` ends (after whitespace), or -1 when it cannot tell.
qint64 firstValueEnd(QByteArrayView text)
{
    qsizetype i = 0;
    if (text.size() >= 3 && uchar(text[0]) == 0xef && uchar(text[1]) == 0xbb && uchar(text[2]) == 0xbf)
        i = 3;
    auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (i < text.size() && isSpace(text[i]))
        ++i;
    if (i >= text.size())
        return -1;
    int depth = 0;
    const char first = text[i];
    if (first != '{' && first != '[' && first != '"') {
        // A bare scalar: up to the first delimiter.
        while (i < text.size() && !isSpace(text[i]) && text[i] != '{' && text[i] != '[' && text[i] != ',' &&
               text[i] != ']' && text[i] != '}' && text[i] != '"')
            ++i;
        return i;
    }
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '"') {
            i = closingQuote(text, i);
            if (depth == 0)
                return i < text.size() ? i + 1 : -1;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (--depth == 0)
                return i + 1;
        }
    }
    return -1;
}

// Number tokens outside strings whose value a double cannot hold, or that are longer than
// Jackson reads; the text with each overflow replaced by a same-signed stand-in.
struct NumberScan
{
    QList<JsonReadNotes::Overflow> overflows;
    qint64 tooLongAt = -1;
    qint64 tooLongLength = 0;
    QByteArray rewritten;
};

NumberScan scanNumbers(QByteArrayView text)
{
    NumberScan scan;
    qsizetype copied = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '"') {
            i = closingQuote(text, i);
            continue;
        }
        if (!(c == '-' || (c >= '0' && c <= '9')))
            continue;
        qsizetype j = i;
        bool integer = true;
        while (j < text.size()) {
            const char d = text[j];
            if ((d >= '0' && d <= '9') || d == '-' || d == '+')
                ++j;
            else if (d == '.' || d == 'e' || d == 'E')
                integer = false, ++j;
            else
                break;
        }
        const QByteArrayView token = text.sliced(i, j - i);
        if (token.size() > kJacksonMaxNumberLength && scan.tooLongAt < 0) {
            scan.tooLongAt = i;
            scan.tooLongLength = token.size();
        }
        const std::string t(token.data(), static_cast<size_t>(token.size()));
        const double v = std::strtod(t.c_str(), nullptr);
        if (std::isinf(v)) {
            scan.overflows.append({i, token.toByteArray(), integer});
            scan.rewritten.append(text.sliced(copied, i - copied));
            scan.rewritten.append(token.startsWith('-') ? "-1.7976931348623157e308"
                                                        : "1.7976931348623157e308");
            copied = j;
        }
        i = j - 1;
    }
    if (!scan.overflows.isEmpty())
        scan.rewritten.append(text.sliced(copied));
    return scan;
}

int hexValue(QByteArrayView t, qsizetype at)
{
    if (at + 4 > t.size())
        return -1;
    int v = 0;
    for (qsizetype k = at; k < at + 4; ++k) {
        const char c = t[k];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= c - '0';
        else if (c >= 'a' && c <= 'f')
            v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v |= c - 'A' + 10;
        else
            return -1;
    }
    return v;
}

// The text with every unpaired surrogate escape replaced by \ufffd; counts them.
QByteArray replaceLoneSurrogates(QByteArrayView text, int &count, qint64 &first)
{
    QByteArray out;
    out.reserve(text.size());
    bool inString = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (!inString) {
            inString = c == '"';
            out.append(c);
            continue;
        }
        if (c == '"') {
            inString = false;
            out.append(c);
            continue;
        }
        if (c != '\\' || i + 1 >= text.size()) {
            out.append(c);
            continue;
        }
        if (text[i + 1] != 'u') {
            out.append(text.sliced(i, 2));
            ++i;
            continue;
        }
        const int u = hexValue(text, i + 2);
        if (u >= 0xd800 && u <= 0xdbff) {
            const int next = (i + 7 < text.size() && text[i + 6] == '\\' && text[i + 7] == 'u')
                                 ? hexValue(text, i + 8)
                                 : -1;
            if (next >= 0xdc00 && next <= 0xdfff) {
                out.append(text.sliced(i, 12));
                i += 11;
                continue;
            }
        } else if (!(u >= 0xdc00 && u <= 0xdfff)) {
            out.append(text.sliced(i, qMin<qsizetype>(6, text.size() - i)));
            i += 5;
            continue;
        }
        if (u < 0) {
            out.append(c);
            continue;
        }
        if (count++ == 0)
            first = i;
        out.append("\\ufffd");
        i += 5;
    }
    return out;
}

} // namespace

bool parseJson(QByteArrayView text, nlohmann::json &out, JsonParseError &error, JsonReadNotes *notes)
{
    auto fail = [&](qint64 at, QString message) {
        fillPosition(text, at, error);
        error.message = std::move(message);
        return false;
    };
    try {
        out = nlohmann::json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::parse_error &e) {
        // nlohmann reports the 1-based count of bytes read when the error was found.
        const qint64 offset = e.byte > 0 ? static_cast<qint64>(e.byte) - 1 : 0;
        if (notes && e.id == 101 &&
            std::string_view(e.what()).find("surrogate U+") != std::string_view::npos &&
            notes->loneSurrogates == 0) {
            // Jackson takes unpaired surrogate escapes as they are; nlohmann refuses them.
            int count = 0;
            qint64 first = -1;
            const QByteArray fixed = replaceLoneSurrogates(text, count, first);
            if (count > 0) {
                notes->loneSurrogates = count;
                notes->firstLoneSurrogate = first;
                const qint64 trailing = notes->trailingOffset;
                if (parseJson(fixed, out, error, notes)) {
                    if (notes->trailingOffset != trailing)
                        notes->trailingOffset = firstValueEnd(text);
                    return true;
                }
                notes->loneSurrogates = 0;
                return fail(offset, withoutPrefix(e.what()));
            }
        }
        if (notes && e.id == 101 &&
            std::string_view(e.what()).find("expected end of input") != std::string_view::npos) {
            // A whole value, then something else: Jackson keeps the value and ignores the rest.
            const qint64 end = firstValueEnd(text);
            if (end > 0 && end < text.size())
                if (parseJson(text.first(end), out, error, notes)) {
                    notes->trailingOffset = end;
                    return true;
                }
        }
        return fail(offset, withoutPrefix(e.what()));
    } catch (const nlohmann::json::out_of_range &e) {
        // 406: a number past a double's range. Find it (nlohmann gives no offset).
        const NumberScan scan = scanNumbers(text);
        if (scan.tooLongAt >= 0 && notes)
            return fail(scan.tooLongAt,
                        u"Number value length (%1) exceeds the maximum allowed (%2, from "
                        u"StreamReadConstraints.getMaxNumberLength()), as production's parser "
                        u"reports it"_s.arg(scan.tooLongLength)
                            .arg(kJacksonMaxNumberLength));
        const qint64 at = scan.overflows.isEmpty() ? 0 : scan.overflows.first().offset;
        if (scan.overflows.isEmpty() || !notes)
            return fail(at, withoutPrefix(e.what()));
        JsonReadNotes inner;
        if (!parseJson(scan.rewritten, out, error, &inner))
            return fail(at, withoutPrefix(e.what()));
        notes->overflows = scan.overflows;
        if (inner.trailingOffset >= 0)
            notes->trailingOffset = firstValueEnd(text);
    } catch (const std::exception &e) {
        return fail(0, withoutPrefix(e.what()));
    }
    if (notes && notes->trailingOffset < 0 && std::memchr(text.data(), 0, size_t(text.size()))) {
        // nlohmann ends the input at a NUL byte; Jackson at the end of the first value. Either
        // way what follows is ignored: say so.
        const qint64 end = firstValueEnd(text);
        if (end > 0 && end < text.size())
            notes->trailingOffset = end;
    }
    if (notes) {
        // Jackson's nesting limit: a cheap count first, the depth scan only when it could matter.
        // (1,001 levels take at least 2,002 bytes.)
        const qsizetype opens =
            text.size() <= 2 * kJacksonMaxNestingDepth
                ? 0
                : std::count(text.begin(), text.end(), '[') + std::count(text.begin(), text.end(), '{');
        qsizetype at = -1;
        if (opens > kJacksonMaxNestingDepth)
            walkOpenings(text, [&at](int depth, qsizetype i) {
                if (depth <= kJacksonMaxNestingDepth)
                    return false;
                at = i; // where the 1001st level opens
                return true;
            });
        if (at >= 0) {
            out = nullptr;
            return fail(at,
                        u"Document nesting depth (%1) exceeds the maximum allowed (%2, from "
                        u"StreamReadConstraints.getMaxNestingDepth()), as production's parser reports it"_s
                            .arg(kJacksonMaxNestingDepth + 1)
                            .arg(kJacksonMaxNestingDepth));
        }
    }
    return true;
}

} // namespace pingscope
