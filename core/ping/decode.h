// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <nlohmann/json_fwd.hpp>

namespace pingscope {

struct GunzipResult
{
    enum class Status
    {
        NotGzip,
        Ok,
        Corrupt,
        TooLarge
    };
    Status status = Status::NotGzip;
    QByteArray data; // inflated bytes (Ok), or what was inflated before the failure
    QString message; // for Corrupt / TooLarge
};

// Inflates `body` when it starts with the gzip magic (1f 8b), whatever the headers said.
// Concatenated gzip members are inflated in turn. Inflation stops with TooLarge once the
// output would pass `maxOutput`, so a gzip bomb costs at most that much memory.
GunzipResult gunzipIfGzip(const QByteArray &body, qint64 maxOutput);

// The size `body` (gzip) inflates to, counted without keeping the bytes; cap + 1 when it is
// more than `cap`, -1 when it is not gzip or is corrupt before that.
qint64 gzipInflatedSize(const QByteArray &body, qint64 cap);

// Offset of the first byte that is not part of valid UTF-8, or -1 when all of it is valid.
qsizetype firstInvalidUtf8(QByteArrayView bytes);

struct JsonParseError
{
    qint64 byteOffset = 0; // 0-based offset of the offending byte
    qint64 line = 1;       // 1-based
    qint64 column = 1;     // 1-based, in bytes
    QString message;
};

// The deepest nesting of arrays and objects in JSON text (a byte scan, no parse). Parsing and
// validation are iterative, but printing a document recurses once per level, so deep documents
// are shown as text.
int jsonNestingDepth(QByteArrayView text);
inline constexpr int kMaxPrintableDepth = 1000;

// What parsing JSON text would build, from a byte scan (no parse): the number of values, and
// an estimate of the memory nlohmann::json takes for them (calibrated on arrays of empty
// containers, numbers, short and long strings and objects: within 0.6-2x of what malloc
// reports, never below it for those shapes). The ingest memory budget decides from it whether
// a body is parsed at all.
struct JsonShape
{
    qint64 values = 0;
    qint64 estimatedBytes = 0;
    int depth = 0;
};
JsonShape scanJsonShape(QByteArrayView text);

// What production's parser (Jackson's ObjectMapper.readTree with its defaults, in
// gcp-ingestion's Json.readObjectNode) does differently from a strict parse, noted while
// reading the way it does.
struct JsonReadNotes
{
    // Bytes after the first JSON value: Jackson stops there and ignores them (no
    // FAIL_ON_TRAILING_TOKENS). -1: none.
    qint64 trailingOffset = -1;
    // Numbers past a double's range: Jackson reads a float as +-Infinity and an integer as a
    // BigInteger; they are parsed here as +-1.7976931348623157e308 stand-ins.
    struct Overflow
    {
        qint64 offset = 0;
        QByteArray token;
        bool integer = false;
    };
    QList<Overflow> overflows;
    // \ud800-style escapes without their pair: Jackson keeps them; parsed here as U+FFFD.
    int loneSurrogates = 0;
    qint64 firstLoneSurrogate = -1;
};

// Jackson's StreamReadConstraints (2.15): deeper nesting and longer numbers fail the parse.
inline constexpr int kJacksonMaxNestingDepth = 1000;
inline constexpr int kJacksonMaxNumberLength = 1000;

// Parses JSON; on failure fills `error` and returns false. Never throws. With `notes`, reads
// the way production does: trailing bytes after the first value are ignored, overflowing
// numbers are kept as stand-ins, nesting past 1000 levels and numbers over 1000 characters are
// errors (Jackson's limits); each is noted. Without, a strict parse of the whole text.
bool parseJson(QByteArrayView text, nlohmann::json &out, JsonParseError &error,
               JsonReadNotes *notes = nullptr);

} // namespace pingscope
