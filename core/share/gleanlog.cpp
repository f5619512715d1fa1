// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "share/gleanlog.h"
#include "share/share_p.h"

#include <QHash>
#include <QRegularExpression>

#include <algorithm>
#include <cctype>

using namespace Qt::StringLiterals;

namespace pingscope {

using namespace share;

namespace {

// glean-core's chunk size and android_logger's LOGGING_MSG_MAX_LEN: both 4,000 bytes.
constexpr qsizetype kLogcatMax = 4000;
constexpr QByteArrayView kPingHeader("Glean ping to URL: ");
constexpr QByteArrayView kUploadTask("New upload task with id ");

struct Line
{
    int no = 0;
    QByteArrayView full;
    QByteArrayView message; // after the logcat prefix; the whole line elsewhere
};

// The lines of one logcat writer (process, thread and tag), or every other line of the file.
struct Stream
{
    bool logcat = false;
    std::vector<Line> lines;
};

// Where the first JSON object or array of a text ends, the text fed piece by piece.
class JsonEnd
{
public:
    // True once the value is complete, or once the text turned out not to start one.
    bool feed(QByteArrayView text);
    bool complete() const { return m_end >= 0; }
    bool notJson() const { return m_notJson; }
    qsizetype end() const { return m_end; } // bytes of the value, from the first byte fed

private:
    qsizetype m_fed = 0, m_end = -1;
    int m_depth = 0;
    bool m_started = false, m_inString = false, m_escape = false, m_notJson = false;
};

bool JsonEnd::feed(QByteArrayView text)
{
    const qsizetype base = m_fed;
    m_fed += text.size();
    if (m_end >= 0 || m_notJson)
        return true;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (m_inString) {
            if (m_escape)
                m_escape = false;
            else if (c == '\\')
                m_escape = true;
            else if (c == '"')
                m_inString = false;
            continue;
        }
        if (!m_started) {
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
                continue;
            if (c != '{' && c != '[') {
                m_notJson = true;
                return true;
            }
            m_started = true;
            m_depth = 1;
            continue;
        }
        if (c == '"') {
            m_inString = true;
        } else if (c == '{' || c == '[') {
            ++m_depth;
        } else if ((c == '}' || c == ']') && --m_depth == 0) {
            m_end = base + i + 1;
            return true;
        }
    }
    return false;
}

// The length of a logcat line's prefix and the writer it names; nullopt: not logcat.
// threadtime: "08-21 10:31:15.123  4321  4350 I libglean_ffi: ..." (optionally with the year and
// a uid column); time: "08-21 10:31:15.123 I/libglean_ffi( 4321): ..."; brief:
// "I/libglean_ffi( 4321): ...".
std::optional<std::pair<qsizetype, QString>> logcatPrefix(QByteArrayView line)
{
    static const QRegularExpression threadtime(u"^(?:\\d{4}-)?\\d\\d-\\d\\d\\s+\\d\\d:\\d\\d:\\d\\d\\.\\d+"
                                               u"\\s+(?:\\S+\\s+)?(\\d+)\\s+(\\d+)\\s+[VDIWEFA]\\s+"
                                               u"(.*?)\\s*:(?: |$)"_s);
    static const QRegularExpression timeOrBrief(
        u"^(?:(?:\\d{4}-)?\\d\\d-\\d\\d\\s+\\d\\d:\\d\\d:\\d\\d\\.\\d+\\s+)?[VDIWEFA]/(.*?)\\(\\s*(\\d+)\\):(?: |$)"_s);
    if (line.size() < 4 || !(line[1] == '/' || (line[0] >= '0' && line[0] <= '9')))
        return std::nullopt;
    // Latin-1: one character per byte, so that offsets are byte offsets.
    const QString head = QString::fromLatin1(line.first(std::min<qsizetype>(line.size(), 300)));
    if (const auto m = threadtime.match(head); m.hasMatch())
        return std::pair{m.capturedEnd(0), m.captured(1) + u'/' + m.captured(2) + u'/' + m.captured(3)};
    if (const auto m = timeOrBrief.match(head); m.hasMatch())
        return std::pair{m.capturedEnd(0), m.captured(2) + u"//"_s + m.captured(1)};
    return std::nullopt;
}

struct Header
{
    QByteArray path;
    int part = 1, total = 1;
};

// "Glean ping to URL: /submit/... [Part 2 of 3]" (glean-core; the Kotlin and Python uploaders
// wrote the same before the Rust core logged pings).
std::optional<Header> pingHeader(QByteArrayView message)
{
    const qsizetype at = message.indexOf(kPingHeader);
    if (at < 0)
        return std::nullopt;
    static const QRegularExpression re(u"^(/\\S*)(?: \\[Part (\\d+) of (\\d+)\\])?$"_s);
    const auto m = re.match(QString::fromLatin1(message.sliced(at + kPingHeader.size()).trimmed()));
    if (!m.hasMatch())
        return std::nullopt;
    Header h;
    h.path = m.captured(1).toLatin1();
    if (m.hasCaptured(2)) {
        h.part = m.captured(2).toInt();
        h.total = m.captured(3).toInt();
    }
    return h;
}

// "New upload task with id ID (path: /submit/...)": desktop logs name the path only here.
QByteArray uploadTaskPath(QByteArrayView message)
{
    const qsizetype at = message.indexOf(kUploadTask);
    if (at < 0)
        return {};
    static const QRegularExpression re(u"^\\S+ \\(path: (/\\S*)\\)\\s*$"_s);
    const auto m = re.match(QString::fromLatin1(message.sliced(at + kUploadTask.size())));
    return m.hasMatch() ? m.captured(1).toLatin1() : QByteArray();
}

// A Rust log record as android_logger writes it under a custom tag: "module::path: message".
bool startsRustRecord(QByteArrayView message)
{
    qsizetype i = 0;
    bool nested = false;
    const auto ident = [&message](qsizetype at) {
        qsizetype j = at;
        while (j < message.size() && (std::isalnum(uchar(message[j])) || message[j] == '_'))
            ++j;
        return j;
    };
    if (message.isEmpty() || !(std::isalpha(uchar(message[0])) || message[0] == '_'))
        return false;
    i = ident(0);
    while (message.sliced(i).startsWith("::")) {
        const qsizetype j = ident(i + 2);
        if (j == i + 2)
            return false;
        i = j;
        nested = true;
    }
    return nested && message.sliced(i).startsWith(": ");
}

// The line a record begins that ends the record being read.
bool endsRecord(const Stream &s, QByteArrayView message, bool chunked)
{
    if (message.contains(kPingHeader) || message.contains(kUploadTask))
        return true;
    if (s.logcat)
        return startsRustRecord(message);
    // Pretty-printed JSON goes on with indented lines and closing brackets; anything else is the
    // next record of the log (a chunk of a "-v raw" logcat may start anywhere in a line).
    return !chunked && !message.isEmpty() && !QByteArrayView(" \t{}]").contains(message[0]);
}

// A desktop record whose message is the ping's JSON: "[... INFO  glean_core::upload] {".
bool startsDesktopJson(QByteArrayView message)
{
    const QByteArrayView t = message.trimmed();
    return t == "{" || (t.endsWith(" {") && message.contains("glean_core::upload"));
}

// A time with its zone near the start of a desktop log line (env_logger's "[2026-08-21T10:31:15Z
// INFO ...", MOZ_LOG's "2026-08-21 10:31:15.123456 UTC - ...").
std::optional<qint64> lineTime(QByteArrayView line)
{
    static const QRegularExpression re(
        u"(\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d:\\d\\d(?:[.,]\\d+)?)\\s?(Z|UTC|[+-]\\d\\d:?\\d\\d)(?![\\d:])"_s);
    const auto m = re.match(QString::fromLatin1(line.first(std::min<qsizetype>(line.size(), 80))));
    if (!m.hasMatch())
        return std::nullopt;
    return parseIsoMicros(QString(m.captured(1) + m.captured(2)));
}

struct Ping
{
    QByteArray path;
    int lineNo = 0;
    int total = 1, nextPart = 2;
    qsizetype lastPartSize = 0;
    QByteArray text;
    JsonEnd scan;
    std::optional<qint64> timeUs;
};

class Reader
{
public:
    explicit Reader(const QString &fileName) : m_file(fileName) {}
    void read(const Stream &s);
    ImportBatch batch;

private:
    struct Part
    {
        QByteArray text;
        size_t next = 0;
    };
    Part readPart(const Stream &s, size_t first, bool chunked, JsonEnd &scan, QByteArrayView initial) const;
    void finish(Ping &ping);
    QString position(int lineNo) const { return u"%1 line %2"_s.arg(m_file).arg(lineNo); }
    void addProblem(int lineNo, const QString &message)
    {
        batch.problems.push_back(problem(m_file, position(lineNo), message));
    }
    QString m_file;
};

// The text a record carries after its first line (lines[first]), up to where the next record
// begins or the JSON is complete. In logcat, android_logger wrote a message of more than 4,000
// bytes as several: cut at its last newline within 4,000 bytes (the next one starts with that
// newline, which logcat shows as an empty line) or, without one, after 4,000 bytes in the middle
// of a line. That is undone here by following the same byte counts.
Reader::Part Reader::readPart(const Stream &s, size_t first, bool chunked, JsonEnd &scan,
                              QByteArrayView initial) const
{
    const std::vector<Line> &lines = s.lines;
    Part part;
    bool atStart = initial.isEmpty(); // the first newline is the one after the record's first line
    if (!initial.isEmpty()) {
        part.text = initial.toByteArray();
        scan.feed(initial);
    }
    const auto add = [&](QByteArrayView piece, bool newline) {
        const qsizetype from = part.text.size();
        if (newline && !atStart)
            part.text += '\n';
        atStart = false;
        part.text += piece;
        return scan.feed(QByteArrayView(part.text).sliced(from));
    };
    const auto inRecord = [&](size_t i) {
        return i < lines.size() && !endsRecord(s, lines[i].message, chunked);
    };
    qsizetype m = lines[first].message.size(); // bytes of the logcat message being read
    size_t i = first + 1;
    // What glean-core logs in place of a body it cannot decode.
    if (initial.isEmpty() && i < lines.size() && lines[i].message.trimmed() == "<invalid ping payload>") {
        add(lines[i].message.trimmed(), true);
        part.next = i + 1;
        return part;
    }
    while (inRecord(i)) {
        const QByteArrayView l = lines[i].message;
        bool done = false;
        if (!s.logcat) {
            if (!chunked && l.trimmed().isEmpty()) { // pretty JSON has no empty lines
                ++i;
                continue;
            }
            done = add(l, true);
            ++i;
        } else if (m >= kLogcatMax) {
            // The message before was cut 4,000 bytes in, in the middle of a line.
            if (l.isEmpty() && inRecord(i + 1)) {
                done = add(lines[i + 1].message, true);
                m = 1 + lines[i + 1].message.size();
                i += 2;
            } else if (l.isEmpty()) {
                done = add({}, true);
                m = 1;
                ++i;
            } else {
                done = add(l, false);
                m = l.size();
                ++i;
            }
        } else if (l.isEmpty() && inRecord(i + 1)) {
            // An empty line is where android_logger cut at a newline when the line after it and
            // the newline that ends it would not have fit in the message (pretty JSON has no empty
            // lines of its own). A last line counts its newline too: a part may end with one,
            // which logcat does not show.
            const QByteArrayView next = lines[i + 1].message;
            if (m + 1 + next.size() >= kLogcatMax) {
                done = add(next, true);
                m = 1 + next.size();
                i += 2;
            } else {
                done = add(l, true);
                m += 1;
                ++i;
            }
        } else {
            done = add(l, true);
            m += 1 + l.size();
            ++i;
        }
        if (done)
            break;
    }
    part.next = i;
    return part;
}

void Reader::finish(Ping &ping)
{
    const QString to = QString::fromLatin1(ping.path);
    // Scanned again whole: the newlines put back between parts were not fed to ping.scan.
    JsonEnd scan;
    scan.feed(ping.text);
    if (scan.notJson()) {
        if (ping.text.trimmed() == "<invalid ping payload>")
            addProblem(ping.lineNo, u"Glean could not read the body of this ping to %1 to log it (it logged "
                                    u"\"<invalid ping payload>\")"_s.arg(to));
        else
            addProblem(ping.lineNo, u"what Glean logged for the ping to %1 is not JSON"_s.arg(to));
        return;
    }
    if (!scan.complete()) {
        if (ping.total > 1 && ping.nextPart <= ping.total)
            addProblem(ping.lineNo, u"the ping to %1 is cut off: the log has parts 1 to %2 of %3"_s.arg(to)
                                        .arg(ping.nextPart - 1)
                                        .arg(ping.total));
        else
            addProblem(ping.lineNo,
                       u"the ping to %1 is cut off: the log ends its JSON before it is complete"_s.arg(to));
        return;
    }
    const QByteArray body = ping.text.left(scan.end());
    ojson doc;
    try {
        doc = ojson::parse(body.begin(), body.end());
    } catch (const ojson::parse_error &e) {
        addProblem(ping.lineNo, u"the ping to %1 is not JSON (byte %2): %3"_s.arg(to).arg(e.byte).arg(
                                    QString::fromUtf8(e.what())));
        return;
    }
    qint64 at = ping.timeUs.value_or(0);
    if (!ping.timeUs) {
        const ojson info = doc.is_object() ? doc.value("ping_info", ojson()) : ojson();
        at = parseIsoMicros(stringMember(info, "end_time")).value_or(nowMicros());
    }
    const qsizetype q = ping.path.indexOf('?');
    RawSubmission raw = jsonPost(q < 0 ? ping.path : ping.path.left(q),
                                 q < 0 ? QByteArray() : ping.path.mid(q + 1), body, at);
    raw.source = u"import: "_s + position(ping.lineNo);
    batch.requests.push_back({std::move(raw), position(ping.lineNo)});
}

void Reader::read(const Stream &s)
{
    const std::vector<Line> &lines = s.lines;
    std::optional<Ping> ping;
    QByteArray taskPath; // desktop: the path of the upload task whose JSON comes next
    for (size_t i = 0; i < lines.size();) {
        const Line &line = lines[i];
        if (const auto h = pingHeader(line.message)) {
            if (ping && !(h->path == ping->path && h->part == ping->nextPart)) {
                finish(*ping);
                ping.reset();
            }
            if (!ping && h->part != 1) {
                addProblem(line.no, u"part %1 of %2 of a ping to %3 whose earlier parts are not in the log"_s
                                        .arg(h->part)
                                        .arg(h->total)
                                        .arg(QString::fromLatin1(h->path)));
                JsonEnd ignored;
                i = readPart(s, i, true, ignored, {}).next;
                continue;
            }
            if (!ping) {
                ping.emplace();
                ping->path = h->path;
                ping->lineNo = line.no;
                if (!s.logcat)
                    ping->timeUs = lineTime(line.full);
            }
            Part part = readPart(s, i, h->total > 1, ping->scan, {});
            // A part but the last is 4,000 bytes (a few less when that would cut a UTF-8
            // character). One of 3,999 before a part that starts with an ASCII byte ended with
            // a newline, which logcat does not show.
            if (h->part > 1 && ping->lastPartSize == kLogcatMax - 1 && !part.text.isEmpty() &&
                uchar(part.text[0]) < 0x80 && part.text[0] != '\n')
                ping->text += '\n';
            ping->text += part.text;
            ping->lastPartSize = part.text.size();
            ping->total = h->total;
            ping->nextPart = h->part + 1;
            i = part.next;
            // glean-core counts payload / 4000 + 1 parts, one too many when the payload is a
            // multiple of 4,000 bytes: a complete JSON is the end whatever the count said.
            if (ping->scan.complete() || ping->scan.notJson() || h->part >= h->total) {
                finish(*ping);
                ping.reset();
            }
            continue;
        }
        if (const QByteArray path = uploadTaskPath(line.message); !path.isEmpty()) {
            taskPath = path;
            ++i;
            continue;
        }
        if (!s.logcat && !taskPath.isEmpty() && startsDesktopJson(line.message)) {
            if (ping) {
                finish(*ping);
                ping.reset();
            }
            Ping p;
            p.path = taskPath;
            p.lineNo = line.no;
            p.timeUs = lineTime(line.full);
            Part part = readPart(s, i, false, p.scan, "{");
            p.text = std::move(part.text);
            i = part.next;
            finish(p);
            taskPath.clear();
            continue;
        }
        ++i;
    }
    if (ping)
        finish(*ping);
}

} // namespace

ImportBatch readGleanLog(QByteArrayView text, const QString &fileName)
{
    // Logcat lines go to their writer's stream (other processes and threads interleave with a
    // ping's lines); every other line to one stream of their own.
    std::vector<Stream> streams(1);
    QHash<QString, size_t> byWriter;
    qsizetype start = 0;
    int lineNo = 0;
    while (start < text.size()) {
        qsizetype end = text.indexOf('\n', start);
        if (end < 0)
            end = text.size();
        QByteArrayView full = text.sliced(start, end - start);
        start = end + 1;
        ++lineNo;
        if (full.endsWith('\r'))
            full.chop(1);
        if (const auto prefix = logcatPrefix(full)) {
            auto it = byWriter.find(prefix->second);
            if (it == byWriter.end()) {
                it = byWriter.insert(prefix->second, streams.size());
                streams.push_back({true, {}});
            }
            streams[*it].lines.push_back({lineNo, full, full.sliced(prefix->first)});
        } else {
            streams[0].lines.push_back({lineNo, full, full});
        }
    }
    Reader reader(fileName);
    reader.batch.format = u"glean-log"_s;
    for (const Stream &s : streams)
        reader.read(s);
    // In the order of the file, whichever stream each came from.
    const auto lineOf = [](const QString &position) { return position.section(u' ', -1).toInt(); };
    std::stable_sort(reader.batch.requests.begin(), reader.batch.requests.end(),
                     [&](const ImportedRequest &a, const ImportedRequest &b) {
                         return lineOf(a.position) < lineOf(b.position);
                     });
    std::stable_sort(reader.batch.problems.begin(), reader.batch.problems.end(),
                     [&](const ImportProblem &a, const ImportProblem &b) {
                         return lineOf(a.position) < lineOf(b.position);
                     });
    return std::move(reader.batch);
}

} // namespace pingscope
