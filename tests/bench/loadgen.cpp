// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// pingscope_loadgen: a small HTTP/1.1 load generator for Pingscope's capture endpoint.
//
// Opens C keep-alive connections to a loopback address (127.0.0.0/8 or ::1 only; anything
// else is refused), sends POSTs whose path may contain "{uuid}" (a fresh random version-4
// UUID per request, so every ping has its own docId), waits for each full response and
// records the latency from send to the end of the response. Runs for a bounded time
// (--duration) and/or a bounded number of requests (--requests), closed-loop by default or
// paced open-loop with --rate. Prints a human summary and one JSON line.
//
// POSIX sockets + epoll, no external libraries. Single-threaded unless --threads N.

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cinttypes>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

namespace {

constexpr const char *kUsage =
    "usage: pingscope_loadgen --port PORT [options]\n"
    "\n"
    "Sends HTTP/1.1 POSTs over keep-alive connections to a loopback address only.\n"
    "\n"
    "  --host ADDR            127.0.0.0/8 address, ::1 or localhost (default 127.0.0.1)\n"
    "  --port PORT            TCP port (required)\n"
    "  --concurrency C        connections (default 32)\n"
    "  --threads N            worker threads, each with its own epoll loop (default 1)\n"
    "  --duration S           stop sending after S seconds (default 10, max 3600)\n"
    "  --requests N           stop after N requests have been sent (default: no limit)\n"
    "  --rate R               open-loop: pace R requests/s in total across all connections\n"
    "  --pipeline K           requests in flight per connection (default 1: no pipelining)\n"
    "  --body FILE            raw bytes to POST (default: empty body)\n"
    "  --header 'Name: value' extra request header (repeatable)\n"
    "  --path-template PATH   request path; each {uuid} becomes a fresh random v4 UUID\n"
    "                         (default /submit/firefox-desktop/baseline/1/{uuid})\n"
    "  --record FILE          write the UUID of every request answered 200, one per line\n"
    "  --label TEXT           label for the summary and the JSON line\n"
    "  --timeout S            per-request timeout and end-of-run drain limit (default 10)\n"
    "\n"
    "Exits 1 if any connection error (refused, reset, early close, timeout, bad response)\n"
    "occurred, 2 on bad usage, 0 otherwise.\n";

// ---------------------------------------------------------------------------------------------
// Time

int64_t nowNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

constexpr int64_t kMs = 1000000LL;
constexpr int64_t kSec = 1000000000LL;

// ---------------------------------------------------------------------------------------------
// Options

struct Options
{
    std::string host = "127.0.0.1";
    int port = 0;
    int concurrency = 32;
    int threads = 1;
    double duration = 10.0;
    int64_t requests = -1; // < 0: unlimited
    double rate = 0.0;     // <= 0: closed loop
    int pipeline = 1;
    std::string bodyFile;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string pathTemplate = "/submit/firefox-desktop/baseline/1/{uuid}";
    std::string recordFile;
    std::string label;
    double timeout = 10.0;
};

[[noreturn]] void usageError(const std::string &msg)
{
    std::fprintf(stderr, "pingscope_loadgen: %s\n\n%s", msg.c_str(), kUsage);
    std::exit(2);
}

bool parseInt64(const std::string &s, int64_t &out)
{
    if (s.empty())
        return false;
    char *end = nullptr;
    errno = 0;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (errno != 0 || end == nullptr || *end != '\0')
        return false;
    out = v;
    return true;
}

bool parseDouble(const std::string &s, double &out)
{
    if (s.empty())
        return false;
    char *end = nullptr;
    errno = 0;
    const double v = std::strtod(s.c_str(), &end);
    if (errno != 0 || end == nullptr || *end != '\0' || !(v == v))
        return false;
    out = v;
    return true;
}

std::string trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return std::string(s);
}

bool iequals(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = char(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = char(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != '\0';
}

Options parseArgs(int argc, char **argv)
{
    Options o;
    bool havePort = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "-h" || a == "--help") {
            std::fputs(kUsage, stdout);
            std::exit(0);
        }
        // Accept both "--opt value" and "--opt=value".
        std::string name = a, value;
        bool inlineValue = false;
        if (a.rfind("--", 0) == 0) {
            const auto eq = a.find('=');
            if (eq != std::string::npos) {
                name = a.substr(0, eq);
                value = a.substr(eq + 1);
                inlineValue = true;
            }
        }
        auto next = [&]() -> std::string {
            if (inlineValue)
                return value;
            if (i + 1 >= argc)
                usageError("missing value for " + name);
            return argv[++i];
        };
        int64_t n = 0;
        double d = 0;
        if (name == "--host") {
            o.host = next();
        } else if (name == "--port") {
            if (!parseInt64(next(), n) || n < 1 || n > 65535)
                usageError("--port must be 1..65535");
            o.port = int(n);
            havePort = true;
        } else if (name == "--concurrency" || name == "-c") {
            if (!parseInt64(next(), n) || n < 1 || n > 10000)
                usageError("--concurrency must be 1..10000");
            o.concurrency = int(n);
        } else if (name == "--threads") {
            if (!parseInt64(next(), n) || n < 1 || n > 256)
                usageError("--threads must be 1..256");
            o.threads = int(n);
        } else if (name == "--duration") {
            if (!parseDouble(next(), d) || d <= 0 || d > 3600)
                usageError("--duration must be > 0 and <= 3600 seconds");
            o.duration = d;
        } else if (name == "--requests") {
            if (!parseInt64(next(), n) || n < 1)
                usageError("--requests must be >= 1");
            o.requests = n;
        } else if (name == "--rate") {
            if (!parseDouble(next(), d) || d <= 0 || d > 10000000)
                usageError("--rate must be > 0");
            o.rate = d;
        } else if (name == "--pipeline") {
            if (!parseInt64(next(), n) || n < 1 || n > 1024)
                usageError("--pipeline must be 1..1024");
            o.pipeline = int(n);
        } else if (name == "--body") {
            o.bodyFile = next();
        } else if (name == "--header" || name == "-H") {
            const std::string h = next();
            const auto colon = h.find(':');
            if (colon == std::string::npos || colon == 0)
                usageError("--header needs 'Name: value', got '" + h + "'");
            std::string hn = trim(std::string_view(h).substr(0, colon));
            std::string hv = trim(std::string_view(h).substr(colon + 1));
            if (hn.empty() || !std::all_of(hn.begin(), hn.end(), isTokenChar))
                usageError("bad header name in '" + h + "'");
            if (hv.find_first_of("\r\n") != std::string::npos)
                usageError("header value must not contain CR or LF");
            o.headers.emplace_back(std::move(hn), std::move(hv));
        } else if (name == "--path-template" || name == "--path") {
            o.pathTemplate = next();
            if (o.pathTemplate.empty() || o.pathTemplate.front() != '/')
                usageError("--path-template must start with '/'");
            if (o.pathTemplate.find_first_of(" \r\n\t") != std::string::npos)
                usageError("--path-template must not contain whitespace");
        } else if (name == "--record") {
            o.recordFile = next();
        } else if (name == "--label") {
            o.label = next();
        } else if (name == "--timeout") {
            if (!parseDouble(next(), d) || d <= 0 || d > 600)
                usageError("--timeout must be > 0 and <= 600 seconds");
            o.timeout = d;
        } else {
            usageError("unknown option " + a);
        }
    }
    if (!havePort)
        usageError("--port is required");
    if (o.threads > o.concurrency)
        usageError("--threads must not exceed --concurrency");
    return o;
}

// ---------------------------------------------------------------------------------------------
// Target address: loopback only.

struct Target
{
    sockaddr_storage addr{};
    socklen_t len = 0;
    int family = AF_INET;
    std::string hostHeader; // value for the Host: header
};

Target resolveLoopback(const Options &o)
{
    Target t;
    std::string h = o.host;
    if (h == "localhost")
        h = "127.0.0.1";
    if (h.size() >= 2 && h.front() == '[' && h.back() == ']')
        h = h.substr(1, h.size() - 2);
    in_addr a4{};
    in6_addr a6{};
    if (inet_pton(AF_INET, h.c_str(), &a4) == 1) {
        const uint32_t hostOrder = ntohl(a4.s_addr);
        if ((hostOrder >> 24) != 127)
            usageError("refusing host " + o.host + ": only loopback (127.0.0.0/8, ::1) is allowed");
        auto *sa = reinterpret_cast<sockaddr_in *>(&t.addr);
        sa->sin_family = AF_INET;
        sa->sin_port = htons(uint16_t(o.port));
        sa->sin_addr = a4;
        t.len = sizeof(sockaddr_in);
        t.family = AF_INET;
        t.hostHeader = h + ":" + std::to_string(o.port);
    } else if (inet_pton(AF_INET6, h.c_str(), &a6) == 1) {
        if (std::memcmp(&a6, &in6addr_loopback, sizeof a6) != 0)
            usageError("refusing host " + o.host + ": only loopback (127.0.0.0/8, ::1) is allowed");
        auto *sa = reinterpret_cast<sockaddr_in6 *>(&t.addr);
        sa->sin6_family = AF_INET6;
        sa->sin6_port = htons(uint16_t(o.port));
        sa->sin6_addr = a6;
        t.len = sizeof(sockaddr_in6);
        t.family = AF_INET6;
        t.hostHeader = "[::1]:" + std::to_string(o.port);
    } else {
        usageError("refusing host " + o.host +
                   ": give a literal loopback address (127.0.0.0/8, ::1) or localhost");
    }
    return t;
}

// ---------------------------------------------------------------------------------------------
// Request template

struct RequestTemplate
{
    std::vector<std::string> pathParts; // path split at each "{uuid}"
    std::string afterPath;              // " HTTP/1.1\r\n" + headers + blank line
    std::string body;
    bool hasUuid = false;
};

RequestTemplate buildTemplate(const Options &o, const Target &t)
{
    RequestTemplate rt;
    const std::string_view marker = "{uuid}";
    std::string_view p = o.pathTemplate;
    for (;;) {
        const auto pos = p.find(marker);
        if (pos == std::string_view::npos) {
            rt.pathParts.emplace_back(p);
            break;
        }
        rt.pathParts.emplace_back(p.substr(0, pos));
        p.remove_prefix(pos + marker.size());
        rt.hasUuid = true;
    }
    if (!o.bodyFile.empty()) {
        std::ifstream in(o.bodyFile, std::ios::binary);
        if (!in) {
            std::fprintf(stderr, "pingscope_loadgen: cannot read body file %s\n", o.bodyFile.c_str());
            std::exit(2);
        }
        std::ostringstream ss;
        ss << in.rdbuf();
        rt.body = ss.str();
        if (rt.body.size() > 64u * 1024 * 1024) {
            std::fprintf(stderr, "pingscope_loadgen: body file larger than 64 MiB\n");
            std::exit(2);
        }
    }
    std::string h = " HTTP/1.1\r\n";
    bool userHost = false;
    for (const auto &[name, value] : o.headers) {
        if (iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding")) {
            std::fprintf(stderr, "pingscope_loadgen: ignoring --header %s (set by the generator)\n",
                         name.c_str());
            continue;
        }
        if (iequals(name, "Host"))
            userHost = true;
        h += name + ": " + value + "\r\n";
    }
    if (!userHost)
        h = " HTTP/1.1\r\nHost: " + t.hostHeader + "\r\n" + h.substr(std::strlen(" HTTP/1.1\r\n"));
    h += "Content-Length: " + std::to_string(rt.body.size()) + "\r\n\r\n";
    rt.afterPath = std::move(h);
    return rt;
}

using Uuid = std::array<char, 36>;

void makeUuid(std::mt19937_64 &rng, Uuid &out)
{
    std::array<uint8_t, 16> b{};
    const uint64_t x = rng(), y = rng();
    for (int i = 0; i < 8; ++i) {
        b[size_t(i)] = uint8_t(x >> (8 * i));
        b[size_t(i + 8)] = uint8_t(y >> (8 * i));
    }
    b[6] = uint8_t((b[6] & 0x0f) | 0x40); // version 4
    b[8] = uint8_t((b[8] & 0x3f) | 0x80); // RFC 4122 variant
    static constexpr char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 0x0f];
    }
}

// ---------------------------------------------------------------------------------------------
// Per-thread worker

std::atomic<bool> g_interrupted{false};

extern "C" void onSignal(int)
{
    g_interrupted.store(true);
}

struct Shared
{
    const Options *opts = nullptr;
    const Target *target = nullptr;
    const RequestTemplate *tmpl = nullptr;
    int64_t startNs = 0;
    int64_t stopNs = 0;              // no new requests after this
    std::atomic<int64_t> budget{-1}; // remaining requests (< 0 at start: unlimited)
    bool limited = false;
};

struct Stats
{
    std::vector<int64_t> latNs;      // send -> full response, every completed response
    std::vector<int64_t> schedLatNs; // scheduled send time -> full response (--rate only)
    std::vector<Uuid> okIds;
    std::map<int, uint64_t> statusCounts;
    uint64_t sent = 0, ok = 0, non200 = 0;
    uint64_t errConnect = 0, errReset = 0, errTimeout = 0, errParse = 0, errUnfinished = 0;
    uint64_t reconnects = 0, serverCloses = 0, unsent = 0;
    int64_t lastDoneNs = 0;
    uint64_t errors() const { return errConnect + errReset + errTimeout + errParse + errUnfinished; }
};

struct Pending
{
    int64_t sentNs = 0;
    int64_t schedNs = 0;
    Uuid id{};
};

struct Conn
{
    int fd = -1;
    bool connecting = false;
    std::string out;
    size_t outOff = 0;
    std::string in;
    size_t inOff = 0; // start of the unparsed part of `in`
    std::deque<Pending> inflight;
    // Response currently being parsed.
    bool haveHead = false;
    int status = 0;
    size_t bodyStart = 0; // offset in `in`
    int64_t contentLength = -1;
    bool chunked = false;
    bool untilEof = false;
    bool closeAfter = false;
    // Reconnect bookkeeping.
    int64_t reconnectAtNs = 0;
    int64_t connectStartNs = 0;
    int failures = 0;
};

// Result of scanning a chunked body that starts at `start`: the offset just past the body, or
// -1 if more data is needed, -2 if malformed.
int64_t chunkedEnd(const std::string &buf, size_t start)
{
    size_t p = start;
    for (int guard = 0; guard < 1000000; ++guard) {
        const auto eol = buf.find("\r\n", p);
        if (eol == std::string::npos)
            return buf.size() - p > 1024 ? -2 : -1;
        std::string_view line(buf.data() + p, eol - p);
        const auto semi = line.find(';');
        if (semi != std::string_view::npos)
            line = line.substr(0, semi);
        uint64_t size = 0;
        if (line.empty())
            return -2;
        for (char c : line) {
            int v;
            if (c >= '0' && c <= '9')
                v = c - '0';
            else if (c >= 'a' && c <= 'f')
                v = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F')
                v = c - 'A' + 10;
            else if (c == ' ' || c == '\t')
                continue;
            else
                return -2;
            if (size > (uint64_t(1) << 40))
                return -2;
            size = size * 16 + uint64_t(v);
        }
        p = eol + 2;
        if (size == 0) {
            // Trailers, then an empty line.
            for (int t = 0; t < 1000; ++t) {
                const auto e = buf.find("\r\n", p);
                if (e == std::string::npos)
                    return -1;
                const bool empty = e == p;
                p = e + 2;
                if (empty)
                    return int64_t(p);
            }
            return -2;
        }
        if (buf.size() < p + size + 2)
            return -1;
        if (buf.compare(p + size, 2, "\r\n") != 0)
            return -2;
        p += size + 2;
    }
    return -2;
}

class Worker
{
public:
    Worker(Shared &shared, int index, int connections, double rate)
        : m_sh(shared), m_opts(*shared.opts), m_rate(rate),
          m_rng(std::random_device{}() ^ (uint64_t(index) << 32) ^ uint64_t(nowNs()))
    {
        m_conns.resize(size_t(connections));
        if (m_rate > 0)
            m_intervalNs = double(kSec) / m_rate;
    }

    ~Worker()
    {
        for (auto &c : m_conns)
            if (c.fd >= 0)
                ::close(c.fd);
        if (m_timerFd >= 0)
            ::close(m_timerFd);
        if (m_ep >= 0)
            ::close(m_ep);
    }

    Worker(const Worker &) = delete;
    Worker &operator=(const Worker &) = delete;

    Stats &stats() { return m_st; }

    void run()
    {
        m_ep = epoll_create1(EPOLL_CLOEXEC);
        if (m_ep < 0) {
            std::perror("epoll_create1");
            m_st.errConnect++;
            return;
        }
        if (m_rate > 0) {
            m_timerFd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
            if (m_timerFd < 0) {
                std::perror("timerfd_create");
                m_st.errConnect++;
                return;
            }
            epoll_event ev{};
            ev.events = EPOLLIN;
            ev.data.u64 = kTimerTag;
            epoll_ctl(m_ep, EPOLL_CTL_ADD, m_timerFd, &ev);
        }
        for (size_t i = 0; i < m_conns.size(); ++i)
            openConn(i, nowNs());

        const int64_t timeoutNs = int64_t(m_opts.timeout * double(kSec));
        int64_t drainDeadline = 0;
        std::array<epoll_event, 256> events{};
        // Bounded: the loop ends at stopNs + drain time at the latest (checked every <= 10 ms).
        for (;;) {
            int64_t now = nowNs();
            if (!m_stopping && (now >= m_sh.stopNs || g_interrupted.load() || budgetExhausted()))
                beginStop(now, timeoutNs, drainDeadline);
            if (m_stopping) {
                if (inflightTotal() == 0)
                    break;
                if (now >= drainDeadline) {
                    for (auto &c : m_conns) {
                        m_st.errUnfinished += c.inflight.size();
                        c.inflight.clear();
                    }
                    break;
                }
            }
            housekeeping(now, timeoutNs);
            if (m_rate > 0 && !m_stopping)
                pumpRate(now);

            // 10 ms tick for reconnects, timeouts and the deadline.
            const int n = epoll_wait(m_ep, events.data(), int(events.size()), 10);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                std::perror("epoll_wait");
                m_st.errParse++;
                break;
            }
            now = nowNs();
            for (int k = 0; k < n; ++k) {
                const uint64_t tag = events[size_t(k)].data.u64;
                if (tag == kTimerTag) {
                    uint64_t expirations = 0;
                    while (::read(m_timerFd, &expirations, sizeof expirations) > 0) {
                    }
                    continue;
                }
                handleEvent(size_t(tag), events[size_t(k)].events, now);
            }
            if (m_rate > 0 && !m_stopping)
                pumpRate(nowNs());
        }
        if (m_rate > 0 && m_issued < m_dueAtStop)
            m_st.unsent = uint64_t(m_dueAtStop - m_issued);
    }

private:
    static constexpr uint64_t kTimerTag = ~uint64_t(0);

    Shared &m_sh;
    const Options &m_opts;
    double m_rate;
    double m_intervalNs = 0;
    std::mt19937_64 m_rng;
    std::vector<Conn> m_conns;
    Stats m_st;
    int m_ep = -1;
    int m_timerFd = -1;
    bool m_stopping = false;
    bool m_budgetOut = false;
    int64_t m_issued = 0;    // requests this worker has issued
    int64_t m_dueAtStop = 0; // --rate: requests that were due when sending stopped
    size_t m_rr = 0;         // round-robin start for --rate

    bool budgetExhausted() const { return m_budgetOut; }

    size_t inflightTotal() const
    {
        size_t n = 0;
        for (const auto &c : m_conns)
            n += c.inflight.size();
        return n;
    }

    void beginStop(int64_t now, int64_t timeoutNs, int64_t &drainDeadline)
    {
        m_stopping = true;
        drainDeadline = now + timeoutNs;
        if (m_rate > 0) {
            const int64_t end = std::min(now, m_sh.stopNs - 1);
            m_dueAtStop = dueCount(end);
            if (m_budgetOut)
                m_dueAtStop = m_issued; // stopped by --requests: nothing more was due
        }
        // Idle connections can go now; busy ones finish their responses.
        for (size_t i = 0; i < m_conns.size(); ++i)
            if (m_conns[i].inflight.empty())
                closeConn(i);
    }

    int64_t dueCount(int64_t now) const
    {
        if (now < m_sh.startNs)
            return 0;
        return int64_t(double(now - m_sh.startNs) / m_intervalNs) + 1;
    }

    void armTimer(int64_t atNs)
    {
        itimerspec its{};
        its.it_value.tv_sec = time_t(atNs / kSec);
        its.it_value.tv_nsec = long(atNs % kSec);
        timerfd_settime(m_timerFd, TFD_TIMER_ABSTIME, &its, nullptr);
    }

    // Takes one request from the global --requests budget.
    bool takeBudget()
    {
        if (!m_sh.limited)
            return true;
        if (m_budgetOut)
            return false;
        const int64_t left = m_sh.budget.fetch_sub(1) - 1;
        if (left < 0) {
            m_budgetOut = true;
            return false;
        }
        if (left == 0)
            m_budgetOut = true;
        return true;
    }

    void openConn(size_t i, int64_t now)
    {
        Conn &c = m_conns[i];
        const int failures = c.failures;
        c = Conn{};
        c.connectStartNs = now;
        c.failures = failures;
        const int fd = ::socket(m_sh.target->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            connectFailed(i, now, errno);
            return;
        }
        const int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        const int r = ::connect(fd, reinterpret_cast<const sockaddr *>(&m_sh.target->addr), m_sh.target->len);
        if (r < 0 && errno != EINPROGRESS) {
            const int e = errno;
            ::close(fd);
            connectFailed(i, now, e);
            return;
        }
        c.fd = fd;
        c.connecting = (r < 0);
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
        ev.data.u64 = i;
        if (epoll_ctl(m_ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
            const int e = errno;
            ::close(fd);
            c.fd = -1;
            connectFailed(i, now, e);
            return;
        }
        if (!c.connecting)
            onConnected(i, now);
    }

    void connectFailed(size_t i, int64_t now, int err)
    {
        Conn &c = m_conns[i];
        m_st.errConnect++;
        if (m_st.errConnect <= 3)
            std::fprintf(stderr, "pingscope_loadgen: connect to %s failed: %s\n",
                         m_sh.target->hostHeader.c_str(), std::strerror(err));
        c.failures = std::min(c.failures + 1, 7);
        c.reconnectAtNs = now + (int64_t(10) << c.failures) * kMs / 2; // 10 ms .. 640 ms
    }

    void closeConn(size_t i)
    {
        Conn &c = m_conns[i];
        if (c.fd >= 0) {
            epoll_ctl(m_ep, EPOLL_CTL_DEL, c.fd, nullptr);
            ::close(c.fd);
        }
        c.fd = -1;
        c.connecting = false;
    }

    // Drops the connection after a failure: every request in flight on it counts as failed.
    void failConn(size_t i, int64_t now, uint64_t &counter, const char *what)
    {
        Conn &c = m_conns[i];
        const uint64_t lost = c.inflight.size();
        counter += lost == 0 ? 1 : lost;
        if (m_st.errors() <= 5)
            std::fprintf(stderr,
                         "pingscope_loadgen: connection %zu: %s (%" PRIu64 " request(s) in flight lost)\n", i,
                         what, lost);
        c.inflight.clear();
        closeConn(i);
        c.failures = std::min(c.failures + 1, 7);
        c.reconnectAtNs = now + (int64_t(10) << c.failures) * kMs / 2;
    }

    void housekeeping(int64_t now, int64_t timeoutNs)
    {
        for (size_t i = 0; i < m_conns.size(); ++i) {
            Conn &c = m_conns[i];
            if (c.fd < 0) {
                if (!m_stopping && now >= c.reconnectAtNs) {
                    m_st.reconnects++;
                    openConn(i, now);
                }
                continue;
            }
            if (!c.inflight.empty() && now - c.inflight.front().sentNs > timeoutNs)
                failConn(i, now, m_st.errTimeout, "request timed out");
            else if (c.connecting && now - c.connectStartNs > timeoutNs)
                failConn(i, now, m_st.errConnect, "connect timed out");
        }
    }

    void onConnected(size_t i, int64_t now)
    {
        Conn &c = m_conns[i];
        c.connecting = false;
        c.reconnectAtNs = now;
        if (m_rate <= 0)
            fillClosedLoop(i, now);
        else
            pumpRate(now);
    }

    bool canSend(const Conn &c) const
    {
        return c.fd >= 0 && !c.connecting && !c.closeAfter && c.inflight.size() < size_t(m_opts.pipeline);
    }

    void fillClosedLoop(size_t i, int64_t now)
    {
        bool queued = false;
        while (!m_stopping && canSend(m_conns[i]) && now < m_sh.stopNs && !g_interrupted.load()) {
            if (!takeBudget())
                break;
            enqueue(i, now);
            queued = true;
        }
        if (queued)
            flush(i, now);
    }

    void pumpRate(int64_t now)
    {
        if (m_stopping)
            return;
        const int64_t end = std::min(now, m_sh.stopNs - 1);
        const int64_t due = dueCount(end);
        const size_t n = m_conns.size();
        std::vector<size_t> touched;
        while (m_issued < due) {
            // Find a connection with room, round-robin.
            size_t found = n;
            for (size_t k = 0; k < n; ++k) {
                const size_t j = (m_rr + k) % n;
                if (canSend(m_conns[j])) {
                    found = j;
                    break;
                }
            }
            if (found == n)
                break; // all busy: the backlog waits for a response (open loop)
            if (!takeBudget())
                break;
            m_rr = (found + 1) % n;
            const int64_t sched = m_sh.startNs + int64_t(double(m_issued) * m_intervalNs);
            enqueue(found, sched);
            touched.push_back(found);
        }
        for (size_t j : touched)
            if (m_conns[j].fd >= 0 && m_conns[j].outOff < m_conns[j].out.size())
                flush(j, now);
        if (m_issued >= due && m_timerFd >= 0) {
            const int64_t nextAt = m_sh.startNs + int64_t(double(m_issued) * m_intervalNs);
            if (nextAt < m_sh.stopNs)
                armTimer(std::max(nextAt, now + 1000));
        }
    }

    void enqueue(size_t i, int64_t sched)
    {
        Conn &c = m_conns[i];
        const RequestTemplate &t = *m_sh.tmpl;
        Pending p;
        p.sentNs = nowNs(); // fresh: `now` of the caller may be stale by a whole event batch
        p.schedNs = sched;
        if (t.hasUuid)
            makeUuid(m_rng, p.id);
        if (c.outOff == c.out.size()) {
            c.out.clear();
            c.outOff = 0;
        }
        c.out += "POST ";
        for (size_t k = 0; k < t.pathParts.size(); ++k) {
            if (k > 0)
                c.out.append(p.id.data(), p.id.size());
            c.out += t.pathParts[k];
        }
        c.out += t.afterPath;
        c.out += t.body;
        c.inflight.push_back(p);
        m_st.sent++;
        m_issued++;
    }

    void flush(size_t i, int64_t now)
    {
        Conn &c = m_conns[i];
        // Bounded: each pass either writes bytes or returns.
        while (c.fd >= 0 && c.outOff < c.out.size()) {
            const ssize_t w = ::send(c.fd, c.out.data() + c.outOff, c.out.size() - c.outOff, MSG_NOSIGNAL);
            if (w > 0) {
                c.outOff += size_t(w);
                continue;
            }
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                return; // wait for EPOLLOUT
            failConn(i, now, m_st.errReset, (std::string("send failed: ") + std::strerror(errno)).c_str());
            return;
        }
        if (c.outOff == c.out.size()) {
            c.out.clear();
            c.outOff = 0;
        }
    }

    void handleEvent(size_t i, uint32_t ev, int64_t now)
    {
        if (i >= m_conns.size())
            return;
        Conn &c = m_conns[i];
        if (c.fd < 0)
            return;
        if (c.connecting) {
            if (!(ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
                return;
            int err = 0;
            socklen_t len = sizeof err;
            getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
            if (err != 0 || (ev & (EPOLLERR | EPOLLHUP))) {
                closeConn(i);
                connectFailed(i, now, err != 0 ? err : ECONNREFUSED);
                return;
            }
            c.failures = 0;
            onConnected(i, now);
            if (c.fd < 0)
                return;
        }
        if (ev & EPOLLOUT)
            flush(i, now);
        if (c.fd >= 0 && (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
            readAll(i, now);
    }

    void readAll(size_t i, int64_t now)
    {
        std::array<char, 65536> buf;
        // Bounded: reads until EAGAIN, EOF or error; each iteration consumes socket data.
        for (int guard = 0; guard < 1000000; ++guard) {
            Conn &c = m_conns[i];
            if (c.fd < 0)
                return;
            const ssize_t r = ::recv(c.fd, buf.data(), buf.size(), 0);
            if (r > 0) {
                c.in.append(buf.data(), size_t(r));
                if (!parseResponses(i, now))
                    return;
                continue;
            }
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                return;
            if (r == 0) {
                onEof(i, now);
                return;
            }
            failConn(i, now, m_st.errReset, (std::string("recv failed: ") + std::strerror(errno)).c_str());
            return;
        }
    }

    void onEof(size_t i, int64_t now)
    {
        Conn &c = m_conns[i];
        if (c.haveHead && c.untilEof && !c.inflight.empty()) {
            completeResponse(i, c.in.size());
            c.closeAfter = true;
        }
        if (!c.inflight.empty() || c.inOff < c.in.size()) {
            failConn(i, now, m_st.errReset, "server closed the connection before the response ended");
            return;
        }
        // Clean close while idle (or after "Connection: close"): reconnect right away.
        if (!c.closeAfter)
            m_st.serverCloses++;
        closeConn(i);
        c.failures = 0;
        c.reconnectAtNs = now;
        if (!m_stopping) {
            m_st.reconnects++;
            openConn(i, now);
        }
    }

    // Parses as many complete responses as `in` holds. Returns false if the connection was
    // closed (error or Connection: close).
    bool parseResponses(size_t i, int64_t now)
    {
        for (int guard = 0; guard < 100000; ++guard) {
            Conn &c = m_conns[i];
            if (!c.haveHead) {
                const auto end = c.in.find("\r\n\r\n", c.inOff);
                if (end == std::string::npos) {
                    if (c.in.size() - c.inOff > 65536) {
                        failConn(i, now, m_st.errParse, "response header larger than 64 KiB");
                        return false;
                    }
                    return true;
                }
                if (c.inflight.empty()) {
                    failConn(i, now, m_st.errParse, "unsolicited response");
                    return false;
                }
                if (!parseHead(c, std::string_view(c.in).substr(c.inOff, end - c.inOff))) {
                    failConn(i, now, m_st.errParse, "malformed response head");
                    return false;
                }
                c.haveHead = true;
                c.bodyStart = end + 4;
                if (c.status >= 100 && c.status < 200 && c.status != 101) {
                    // Interim response: skip it, the final one follows.
                    c.haveHead = false;
                    c.inOff = c.bodyStart;
                    continue;
                }
            }
            size_t bodyEnd = 0;
            if (c.untilEof)
                return true; // completes at EOF
            if (c.chunked) {
                const int64_t e = chunkedEnd(c.in, c.bodyStart);
                if (e == -1)
                    return true;
                if (e < 0) {
                    failConn(i, now, m_st.errParse, "malformed chunked body");
                    return false;
                }
                bodyEnd = size_t(e);
            } else {
                const uint64_t len = uint64_t(std::max<int64_t>(c.contentLength, 0));
                if (c.in.size() - c.bodyStart < len)
                    return true;
                bodyEnd = c.bodyStart + size_t(len);
            }
            const bool closeAfter = c.closeAfter;
            completeResponse(i, bodyEnd);
            if (closeAfter) {
                Conn &cc = m_conns[i];
                if (!cc.inflight.empty()) {
                    // Pipelined requests behind a "Connection: close" response are lost.
                    failConn(i, now, m_st.errReset,
                             "server sent Connection: close with requests still pipelined");
                    return false;
                }
                closeConn(i);
                cc.failures = 0;
                cc.reconnectAtNs = now;
                if (!m_stopping) {
                    m_st.reconnects++;
                    openConn(i, now);
                }
                return false;
            }
            if (c.inOff >= c.in.size()) {
                c.in.clear();
                c.inOff = 0;
            } else if (c.inOff > 65536) {
                c.in.erase(0, c.inOff);
                c.inOff = 0;
            }
            if (m_rate <= 0)
                fillClosedLoop(i, now);
            else
                pumpRate(now);
            if (m_conns[i].fd < 0)
                return false;
        }
        return true;
    }

    static bool parseHead(Conn &c, std::string_view head)
    {
        c.status = 0;
        c.contentLength = -1;
        c.chunked = false;
        c.untilEof = false;
        c.closeAfter = false;
        auto eol = head.find("\r\n");
        const std::string_view statusLine = head.substr(0, eol);
        // "HTTP/1.x SSS reason"
        if (statusLine.size() < 12 || statusLine.substr(0, 7) != "HTTP/1." || statusLine[8] != ' ')
            return false;
        const bool http10 = statusLine[7] == '0';
        for (size_t k = 9; k < 12; ++k) {
            if (statusLine[k] < '0' || statusLine[k] > '9')
                return false;
            c.status = c.status * 10 + (statusLine[k] - '0');
        }
        bool keepAlive = !http10;
        std::string_view rest = eol == std::string_view::npos ? std::string_view{} : head.substr(eol + 2);
        while (!rest.empty()) {
            eol = rest.find("\r\n");
            const std::string_view line = rest.substr(0, eol);
            rest = eol == std::string_view::npos ? std::string_view{} : rest.substr(eol + 2);
            const auto colon = line.find(':');
            if (colon == std::string_view::npos || colon == 0)
                return false;
            const std::string_view name = line.substr(0, colon);
            const std::string value = trim(line.substr(colon + 1));
            if (iequals(name, "Content-Length")) {
                int64_t n = 0;
                if (!parseInt64(value, n) || n < 0)
                    return false;
                if (c.contentLength >= 0 && c.contentLength != n)
                    return false;
                c.contentLength = n;
            } else if (iequals(name, "Transfer-Encoding")) {
                if (value.size() >= 7 && iequals(std::string_view(value).substr(value.size() - 7), "chunked"))
                    c.chunked = true;
            } else if (iequals(name, "Connection")) {
                // Comma-separated tokens.
                std::string_view v = value;
                while (!v.empty()) {
                    const auto comma = v.find(',');
                    const std::string tok = trim(v.substr(0, comma));
                    if (iequals(tok, "close"))
                        keepAlive = false;
                    else if (iequals(tok, "keep-alive") && http10)
                        keepAlive = true;
                    v = comma == std::string_view::npos ? std::string_view{} : v.substr(comma + 1);
                }
            }
        }
        c.closeAfter = !keepAlive;
        const bool noBody = (c.status >= 100 && c.status < 200) || c.status == 204 || c.status == 304;
        if (noBody) {
            c.contentLength = 0;
            c.chunked = false;
        } else if (c.chunked) {
            c.contentLength = -1;
        } else if (c.contentLength < 0) {
            c.untilEof = true; // body delimited by the close
            c.closeAfter = true;
        }
        return true;
    }

    void completeResponse(size_t i, size_t bodyEnd)
    {
        const int64_t now = nowNs();
        Conn &c = m_conns[i];
        const Pending p = c.inflight.front();
        c.inflight.pop_front();
        c.haveHead = false;
        c.inOff = bodyEnd;
        m_st.latNs.push_back(now - p.sentNs);
        if (m_rate > 0)
            m_st.schedLatNs.push_back(now - p.schedNs);
        m_st.statusCounts[c.status]++;
        if (c.status == 200) {
            m_st.ok++;
            if (m_sh.tmpl->hasUuid && !m_opts.recordFile.empty())
                m_st.okIds.push_back(p.id);
        } else {
            m_st.non200++;
        }
        m_st.lastDoneNs = std::max(m_st.lastDoneNs, now);
        c.failures = 0;
    }
};

// ---------------------------------------------------------------------------------------------
// Reporting

double percentileMs(const std::vector<int64_t> &sorted, double q)
{
    if (sorted.empty())
        return 0.0;
    // Nearest rank.
    size_t rank = size_t(q * double(sorted.size()) + 0.999999999);
    rank = std::clamp<size_t>(rank, 1, sorted.size());
    return double(sorted[rank - 1]) / double(kMs);
}

std::string jsonString(const std::string &s)
{
    std::string o = "\"";
    for (unsigned char ch : s) {
        switch (ch) {
        case '"':
            o += "\\\"";
            break;
        case '\\':
            o += "\\\\";
            break;
        case '\n':
            o += "\\n";
            break;
        case '\r':
            o += "\\r";
            break;
        case '\t':
            o += "\\t";
            break;
        default:
            if (ch < 0x20) {
                char b[8];
                std::snprintf(b, sizeof b, "\\u%04x", ch);
                o += b;
            } else {
                o += char(ch);
            }
        }
    }
    return o + "\"";
}

} // namespace

int main(int argc, char **argv)
{
    const Options opts = parseArgs(argc, argv);
    const Target target = resolveLoopback(opts);
    const RequestTemplate tmpl = buildTemplate(opts, target);
    if (!opts.recordFile.empty() && !tmpl.hasUuid)
        std::fprintf(stderr, "pingscope_loadgen: --record given but the path has no {uuid}: "
                             "nothing to record\n");

    std::signal(SIGPIPE, SIG_IGN);
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);

    Shared sh;
    sh.opts = &opts;
    sh.target = &target;
    sh.tmpl = &tmpl;
    sh.limited = opts.requests > 0;
    sh.budget.store(opts.requests);
    sh.startNs = nowNs();
    sh.stopNs = sh.startNs + int64_t(opts.duration * double(kSec));

    std::vector<std::unique_ptr<Worker>> workers;
    for (int t = 0; t < opts.threads; ++t) {
        const int conns = opts.concurrency / opts.threads + (t < opts.concurrency % opts.threads ? 1 : 0);
        workers.push_back(std::make_unique<Worker>(sh, t, conns, opts.rate / opts.threads));
    }
    if (opts.threads == 1) {
        workers[0]->run();
    } else {
        std::vector<std::thread> threads;
        for (auto &w : workers)
            threads.emplace_back([&w] { w->run(); });
        for (auto &th : threads)
            th.join();
    }
    const int64_t endNs = nowNs();

    Stats total;
    for (auto &w : workers) {
        Stats &s = w->stats();
        total.latNs.insert(total.latNs.end(), s.latNs.begin(), s.latNs.end());
        total.schedLatNs.insert(total.schedLatNs.end(), s.schedLatNs.begin(), s.schedLatNs.end());
        total.okIds.insert(total.okIds.end(), s.okIds.begin(), s.okIds.end());
        for (const auto &[k, v] : s.statusCounts)
            total.statusCounts[k] += v;
        total.sent += s.sent;
        total.ok += s.ok;
        total.non200 += s.non200;
        total.errConnect += s.errConnect;
        total.errReset += s.errReset;
        total.errTimeout += s.errTimeout;
        total.errParse += s.errParse;
        total.errUnfinished += s.errUnfinished;
        total.reconnects += s.reconnects;
        total.serverCloses += s.serverCloses;
        total.unsent += s.unsent;
        total.lastDoneNs = std::max(total.lastDoneNs, s.lastDoneNs);
    }

    if (!opts.recordFile.empty()) {
        FILE *f = std::fopen(opts.recordFile.c_str(), "w");
        if (!f) {
            std::fprintf(stderr, "pingscope_loadgen: cannot write %s: %s\n", opts.recordFile.c_str(),
                         std::strerror(errno));
            return 2;
        }
        for (const Uuid &id : total.okIds) {
            std::fwrite(id.data(), 1, id.size(), f);
            std::fputc('\n', f);
        }
        if (std::fclose(f) != 0) {
            std::fprintf(stderr, "pingscope_loadgen: error writing %s\n", opts.recordFile.c_str());
            return 2;
        }
    }

    std::sort(total.latNs.begin(), total.latNs.end());
    std::sort(total.schedLatNs.begin(), total.schedLatNs.end());
    const uint64_t completed = total.ok + total.non200;
    // Throughput window: from the start to the last completed response (includes draining).
    const int64_t windowNs =
        std::max<int64_t>((total.lastDoneNs > 0 ? total.lastDoneNs : endNs) - sh.startNs, 1);
    const double seconds = double(windowNs) / double(kSec);
    const double rps = double(completed) / seconds;
    double meanMs = 0;
    for (int64_t v : total.latNs)
        meanMs += double(v);
    meanMs = total.latNs.empty() ? 0 : meanMs / double(total.latNs.size()) / double(kMs);
    const double p50 = percentileMs(total.latNs, 0.50);
    const double p90 = percentileMs(total.latNs, 0.90);
    const double p99 = percentileMs(total.latNs, 0.99);
    const double p999 = percentileMs(total.latNs, 0.999);
    const double maxMs = total.latNs.empty() ? 0.0 : double(total.latNs.back()) / double(kMs);
    const double minMs = total.latNs.empty() ? 0.0 : double(total.latNs.front()) / double(kMs);
    const uint64_t errors = total.errors();

    std::printf("== pingscope_loadgen%s%s ==\n", opts.label.empty() ? "" : ": ", opts.label.c_str());
    std::printf("target      http://%s%s  (%d connection(s), %d thread(s), pipeline %d)\n",
                target.hostHeader.c_str(), opts.pathTemplate.c_str(), opts.concurrency, opts.threads,
                opts.pipeline);
    if (opts.rate > 0)
        std::printf("mode        open loop, paced at %.1f requests/s\n", opts.rate);
    else
        std::printf("mode        closed loop (each connection sends after its previous response)\n");
    std::printf("body        %zu bytes%s%s\n", tmpl.body.size(), opts.bodyFile.empty() ? "" : " from ",
                opts.bodyFile.c_str());
    std::printf("requests    %" PRIu64 " sent, %" PRIu64 " answered in %.3f s = %.1f responses/s\n",
                total.sent, completed, seconds, rps);
    std::printf("status      ");
    for (const auto &[code, n] : total.statusCounts)
        std::printf("%d: %" PRIu64 "  ", code, n);
    std::printf("\n");
    std::printf("errors      %" PRIu64 " (connect %" PRIu64 ", reset/early close %" PRIu64
                ", timeout %" PRIu64 ", bad response %" PRIu64 ", unfinished at end %" PRIu64 ")\n",
                errors, total.errConnect, total.errReset, total.errTimeout, total.errParse,
                total.errUnfinished);
    std::printf("connections %" PRIu64 " reconnect(s), %" PRIu64 " idle close(s) by the server\n",
                total.reconnects, total.serverCloses);
    std::printf("latency ms  min %.3f  mean %.3f  p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f\n",
                minMs, meanMs, p50, p90, p99, p999, maxMs);
    double schedP50 = 0, schedP99 = 0, schedMax = 0;
    if (opts.rate > 0) {
        schedP50 = percentileMs(total.schedLatNs, 0.50);
        schedP99 = percentileMs(total.schedLatNs, 0.99);
        schedMax = total.schedLatNs.empty() ? 0.0 : double(total.schedLatNs.back()) / double(kMs);
        std::printf("from sched  p50 %.3f  p99 %.3f  max %.3f  (latency counted from the paced send "
                    "time, includes waiting for a free connection)\n",
                    schedP50, schedP99, schedMax);
        const double achieved = double(total.sent) / std::min(opts.duration, seconds);
        if (total.unsent > 0 || achieved < 0.95 * opts.rate)
            std::printf("warning     target rate not held: %" PRIu64
                        " paced request(s) never sent (every connection was busy)\n",
                        total.unsent);
    }
    if (!opts.recordFile.empty())
        std::printf("record      %zu acknowledged docId(s) written to %s\n", total.okIds.size(),
                    opts.recordFile.c_str());

    std::printf("{\"label\":%s,\"requests\":%" PRIu64 ",\"ok\":%" PRIu64 ",\"non200\":%" PRIu64
                ",\"errors\":%" PRIu64 ",\"seconds\":%.3f,\"rps\":%.1f,\"p50_ms\":%.3f,\"p90_ms\":%.3f,"
                "\"p99_ms\":%.3f,\"max_ms\":%.3f,\"concurrency\":%d,\"target_rps\":%.1f",
                jsonString(opts.label).c_str(), total.sent, total.ok, total.non200, errors, seconds, rps, p50,
                p90, p99, maxMs, opts.concurrency, opts.rate);
    if (opts.rate > 0)
        std::printf(",\"sched_p99_ms\":%.3f,\"unsent\":%" PRIu64, schedP99, total.unsent);
    std::printf("}\n");
    std::fflush(stdout);
    return errors > 0 ? 1 : 0;
}
