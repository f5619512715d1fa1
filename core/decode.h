#pragma once

#include <QByteArray>
#include <QString>

#include <nlohmann/json_fwd.hpp>

namespace pingscope {

struct GunzipResult
{
    enum class Status { NotGzip, Ok, Corrupt, TooLarge };
    Status status = Status::NotGzip;
    QByteArray data;   // inflated bytes (Ok), or what was inflated before the failure
    QString message;   // for Corrupt / TooLarge
};

// Inflates `body` when it starts with the gzip magic (1f 8b), whatever the headers said.
// Concatenated gzip members are inflated in turn. Inflation stops with TooLarge once the
// output would pass `maxOutput`, so a gzip bomb costs at most that much memory.
GunzipResult gunzipIfGzip(const QByteArray &body, qint64 maxOutput);

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

// Parses JSON; on failure fills `error` and returns false. Never throws.
bool parseJson(QByteArrayView text, nlohmann::json &out, JsonParseError &error);

} // namespace pingscope
