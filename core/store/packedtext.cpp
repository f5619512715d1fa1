// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "store/packedtext.h"

#include <zlib.h>

namespace pingscope {

namespace {

// Dictionary 1: what the headers of Firefox, Glean SDKs and Glean.js requests, Pingscope's
// warnings and the pipeline's derived fields usually say. Deflate finds its matches here;
// nearer the end is cheaper, so the commonest text comes last. Never edit it: stored rows
// depend on every byte (a new dictionary needs a new marker).
// Dictionary 1, for request headers: what Firefox, the Glean SDKs and Glean.js send.
// Dictionary 2, for JSON: Pingscope's warnings and the pipeline's derived fields. Deflate
// finds its matches there; nearer the end is cheaper, so the commonest text comes last. Two
// small ones, not one: priming deflate costs time in proportion to the dictionary. Never edit
// them: stored rows depend on every byte (a new dictionary needs a new marker).
constexpr char kHeaderDictionary[] =
    "Glean JavaScript SDK/ (JavaScript on Node.js)User-Agent: node\r\nUser-Agent: Glean/ (Kotlin on Android)"
    " (Swift on iOS)User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:) (Macintosh; Intel Mac OS X "
    "10.15; rv:"
    "X-Pingsender-Version: 1.0\r\nX-PingSender-Version: 1.0\r\nTransfer-Encoding: chunked\r\nx-pingscope-"
    "Accept: application/json\r\nAccept-Encoding: gzip, deflate\r\nAccept: */*\r\nAccept-Language: "
    "en-US,en;q=0.5\r\n"
    "Host: 127.0.0.1:\r\nContent-Length: \r\nContent-Type: application/json; "
    "charset=utf-8\r\nContent-Encoding: gzip\r\n"
    "X-Debug-ID: \r\nX-Source-Tags: automation\r\nX-Telemetry-Agent: Glean/ (Rust on Linux)\r\nDate: "
    "Sun, Sat, Fri, Thu, Wed, Tue, Mon, Jan Feb Mar Apr May Jun Jul Aug Sep Oct Dec Nov 2026 GMT\r\n"
    "Host: localhost:8787\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 "
    "Firefox/153.0\r\n"
    "Accept: */*\r\nAccept-Language: en-US,en;q=0.9\r\nAccept-Encoding: gzip, deflate, br, zstd\r\n"
    "content-length: content-type: application/json; charset=utf-8\r\ncontent-encoding: gzip\r\n"
    "date: , 2026 GMT\r\nx-debug-id: x-source-tags: automation\r\nx-telemetry-agent: Glean/67. (Rust on "
    "Linux)\r\n"
    "Connection: keep-alive\r\nSec-Fetch-Dest: empty\r\nSec-Fetch-Mode: no-cors\r\nSec-Fetch-Site: none\r\n"
    "Priority: u=4\r\n";

constexpr char kJsonDictionary[] =
    "\"kind\":\"trailing-data\",\"kind\":\"stripped-metadata\",\"kind\":\"number-overflow\",\"kind\":\"lone-"
    "surrogate\""
    "{\"kind\":\"debug-id\",\"message\":\"{\"kind\":\"source-tags\",\"message\":\"{\"kind\":\"ping-name\","
    "\"message\":\""
    "ping_info.seq jumped from  ping(s) from this client have not arrived\"},"
    "{\"kind\":\"duplicate-doc-id\",\"message\":\"docId  was already accepted today (ping #): this copy "
    "reaches the "
    "live table, but copy_deduplicate keeps only the day's first in the stable table\"},"
    "{\"kind\":\"duplicate-doc-id\",\"message\":\"docId  was first accepted on  (ping #): each day's stable "
    "table "
    "keeps a copy, so the document is counted twice\"},"
    "{\"kind\":\"seq\",\"message\":\"ping_info.seq  was already sent by this client for  (ping #): a re-send "
    "or a "
    "cloned profile\"},"
    "{\"kind\":\"date-skew\",\"message\":\"the Date header (, 2026 GMT) is  minutes behind the time the "
    "request was "
    "received: the client's clock is off\"},"
    "{\"kind\":\"date-skew\",\"message\":\"the Date header (, 2026 GMT) is  minutes ahead of the time the "
    "request was "
    "received: the client's clock is off\"},"
    "{\"column\":\"metrics.\",\"kind\":\"bq-column\",\"message\":\"`metrics.` is not a column of  (the table "
    "has no "
    "metric columns): not declared as a  for this ping, or declared with another type): it will land in "
    "additional_properties, where analysts rarely "
    "look\",\"pointer\":\"/metrics/\",\"table\":\"moz-fx-data-shared-prod."
    "counter/labeled_counter/string/quantity/boolean/datetime/uuid/url/text/timespan/timing_distribution/"
    "memory_distribution/custom_distribution/string_list/object/event/rate/denominator/"
    "{\"error_table\":\"moz-fx-data-shared-prod.payload_bytes_error.structured\"}"
    "{\"error_table\":\"moz-fx-data-shared-prod.payload_bytes_error.telemetry\"}"
    ",\"normalized_app_name\":\"Firefox\",\"normalized_country_code\":\"\",\"geo\":\"not known locally\""
    "{\"client_id\":\"\",\"normalized_channel\":\"release\",\"normalized_channel\":\"nightly\","
    "\"normalized_channel\":\"beta\",\"normalized_os\":\"Windows\",\"normalized_os\":\"Mac\",\"normalized_"
    "os\":\"Android\","
    "\"normalized_os\":\"iOS\",\"normalized_channel\":\"esr\",\"normalized_os\":\"Linux\",\"normalized_os_"
    "version\":\""
    "\",\"registry\":\"2026-\",\"sample_id\":,\"stable_note\":\"the automation source tag keeps it out of "
    "the "
    "stable tables "
    "(copy_deduplicate)\",\"stable_tables\":false,\"stable_tables\":true,\"submission_timestamp\":\"2026-"
    "T:Z\",\"table\":\"telemetry.main_v5\",\"table\":\"firefox_desktop.baseline_v1\",\"table\":\"firefox_"
    "desktop.";

struct Streams
{
    z_stream def{}, inf{};
    bool defOk = false, infOk = false;
    Streams()
    {
        // Cheap to reset per text: an 8 KiB window (the dictionary and a usual text fit) and a
        // small hash table (memLevel 4: 4 KiB to clear, not 64). Neither changes the format:
        // inflate reads it with its default window.
        defOk = deflateInit2(&def, Z_BEST_SPEED, Z_DEFLATED, -13, 4, Z_DEFAULT_STRATEGY) == Z_OK;
        infOk = inflateInit2(&inf, -MAX_WBITS) == Z_OK;
    }
    ~Streams()
    {
        if (defOk)
            deflateEnd(&def);
        if (infOk)
            inflateEnd(&inf);
    }
    Streams(const Streams &) = delete;
    Streams &operator=(const Streams &) = delete;
};

Streams &streams()
{
    thread_local Streams s;
    return s;
}

struct Dictionary
{
    const Bytef *bytes;
    uInt size;
};

template <size_t N> constexpr Dictionary dictionaryOf(const char (&text)[N])
{
    return {reinterpret_cast<const Bytef *>(text), uInt(N - 1)};
}

// By marker byte: 0x01 headers, 0x02 JSON.
Dictionary dictionaryFor(char marker)
{
    return marker == '\x01' ? dictionaryOf(kHeaderDictionary) : dictionaryOf(kJsonDictionary);
}

char markerOf(PackedKind kind)
{
    return kind == PackedKind::Headers ? '\x01' : '\x02';
}

} // namespace

bool isPackedText(QByteArrayView stored)
{
    return !stored.isEmpty() && (stored.front() == '\x01' || stored.front() == '\x02');
}

QByteArray packText(QByteArrayView text, PackedKind kind)
{
    const char marker = markerOf(kind);
    const Dictionary dict = dictionaryFor(marker);
    Streams &s = streams();
    const bool mustPack = isPackedText(text); // would read as packed otherwise
    if (!s.defOk || (text.size() < 24 && !mustPack) || text.size() > (qsizetype(1) << 30))
        return text.toByteArray();
    if (deflateReset(&s.def) != Z_OK || deflateSetDictionary(&s.def, dict.bytes, dict.size) != Z_OK)
        return text.toByteArray();
    QByteArray out(1 + qsizetype(deflateBound(&s.def, uLong(text.size()))), Qt::Uninitialized);
    out[0] = marker;
    s.def.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(text.data()));
    s.def.avail_in = uInt(text.size());
    s.def.next_out = reinterpret_cast<Bytef *>(out.data() + 1);
    s.def.avail_out = uInt(out.size() - 1);
    if (deflate(&s.def, Z_FINISH) != Z_STREAM_END)
        return text.toByteArray();
    out.truncate(out.size() - qsizetype(s.def.avail_out));
    if (out.size() >= text.size() && !mustPack)
        return text.toByteArray();
    return out;
}

QByteArray unpackText(const QByteArray &stored)
{
    if (!isPackedText(stored))
        return stored;
    Streams &s = streams();
    // Raw deflate carries no dictionary id: the dictionary goes in before any input.
    if (!s.infOk || inflateReset(&s.inf) != Z_OK ||
        inflateSetDictionary(&s.inf, dictionaryFor(stored.front()).bytes,
                             dictionaryFor(stored.front()).size) != Z_OK)
        return {};
    s.inf.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(stored.constData() + 1));
    s.inf.avail_in = uInt(stored.size() - 1);
    QByteArray out(std::max<qsizetype>(256, stored.size() * 6), Qt::Uninitialized);
    qsizetype produced = 0;
    for (;;) {
        if (produced == out.size())
            out.resize(out.size() * 2);
        s.inf.next_out = reinterpret_cast<Bytef *>(out.data() + produced);
        s.inf.avail_out = uInt(out.size() - produced);
        const uInt before = s.inf.avail_out;
        const int rc = inflate(&s.inf, Z_NO_FLUSH);
        produced += qsizetype(before - s.inf.avail_out);
        if (rc == Z_STREAM_END)
            break;
        if (rc != Z_OK && rc != Z_BUF_ERROR)
            return {};
        if (rc == Z_BUF_ERROR && s.inf.avail_in == 0)
            return {};
    }
    out.truncate(produced);
    return out;
}

} // namespace pingscope
