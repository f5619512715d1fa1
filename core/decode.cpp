#include "decode.h"

#include <nlohmann/json.hpp>
#include <zlib.h>

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
                        u"inflation stopped"_s.arg(maxOutput).arg(body.size());
            break;
        }
        if (rc == Z_STREAM_END) {
            // Another member may follow (RFC 1952 allows concatenation).
            if (zs.avail_in >= 2 && zs.next_in[0] == 0x1f && zs.next_in[1] == 0x8b) {
                const uInt left = zs.avail_in;
                Bytef *next = zs.next_in;
                inflateReset(&zs);
                zs.next_in = next;
                zs.avail_in = left;
                continue;
            }
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
            r.message = u"corrupt gzip data at byte %1: %2"_s.arg(zs.total_in).arg(
                QString::fromUtf8(zs.msg ? zs.msg : "inflate failed"));
            break;
        }
    }
    r.data.truncate(produced);
    return r;
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

int jsonNestingDepth(QByteArrayView text)
{
    int depth = 0, deepest = 0;
    bool inString = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            deepest = qMax(deepest, ++depth);
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return deepest;
}

bool parseJson(QByteArrayView text, nlohmann::json &out, JsonParseError &error)
{
    try {
        out = nlohmann::json::parse(text.begin(), text.end());
        return true;
    } catch (const nlohmann::json::parse_error &e) {
        // nlohmann reports the 1-based count of bytes read when the error was found.
        qint64 offset = e.byte > 0 ? static_cast<qint64>(e.byte) - 1 : 0;
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
        std::string what = e.what();
        // Drop nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 2: "
        if (const auto colon = what.find(": "); colon != std::string::npos)
            what = what.substr(colon + 2);
        error.message = QString::fromStdString(what);
        return false;
    } catch (const std::exception &e) {
        error.message = QString::fromUtf8(e.what());
        return false;
    }
}

} // namespace pingscope
