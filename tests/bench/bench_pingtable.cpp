// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// PingTableModel at a million rows: filter, sort, live appends, lookups and memory.
// Not a ctest test: run build/dev/tests/bench/pingscope_bench_pingtable [rows] [repeats].
//
// The rows look like real captures: a few dozen namespaces and doc types with a skewed
// distribution, random version-4 doc ids (a few empty or odd), a few hundred clients, 10%
// problem verdicts and some automation source tags. Every operation is timed `repeats` times
// on the full table (median and worst); the target is 250 ms for each.

#include "pingtablemodel.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QPersistentModelIndex>

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <random>
#include <vector>

using namespace pingscope;
using namespace Qt::StringLiterals;
using Clock = std::chrono::steady_clock;

namespace {

qint64 statusKb(const char *field) // from /proc/self/status
{
    QFile f(u"/proc/self/status"_s);
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray key = QByteArray(field) + ':';
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith(key))
            return line.mid(key.size()).trimmed().split(' ').value(0).toLongLong();
    return -1;
}

class Synth
{
public:
    Synth() : m_rng(20240501)
    {
        m_namespaces = {u"firefox-desktop"_s,
                        u"org-mozilla-fenix"_s,
                        u"org-mozilla-firefox"_s,
                        u"org-mozilla-firefox-beta"_s,
                        u"org-mozilla-fenix-nightly"_s,
                        u"org-mozilla-ios-firefox"_s,
                        u"org-mozilla-ios-firefoxbeta"_s,
                        u"org-mozilla-focus"_s,
                        u"org-mozilla-klar"_s,
                        u"org-mozilla-reference-browser"_s,
                        u"mozilla-vpn"_s,
                        u"mozillavpn-cirrus"_s,
                        u"accounts-frontend"_s,
                        u"accounts-backend"_s,
                        u"monitor-frontend"_s,
                        u"moso-mastodon-web"_s,
                        u"firefox-translations"_s,
                        u"thunderbird-desktop"_s,
                        u"mozphab"_s,
                        u"mdn-fred"_s,
                        u"relay-backend"_s,
                        u"glean-dictionary"_s,
                        u"debug-ping-view"_s,
                        u"burnham"_s,
                        u"pine"_s,
                        u"firefox-desktop-background-update"_s,
                        u"firefox-desktop-background-tasks"_s,
                        u"peers-gleanjs-web"_s,
                        u"org-peers-node-client"_s,
                        u"telemetry"_s};
        m_docTypes = {u"baseline"_s,
                      u"metrics"_s,
                      u"events"_s,
                      u"deletion-request"_s,
                      u"newtab"_s,
                      u"pageload"_s,
                      u"use-counters"_s,
                      u"first-startup"_s,
                      u"crash"_s,
                      u"dau-reporting"_s,
                      u"usage-reporting"_s,
                      u"health"_s,
                      u"messaging-system"_s,
                      u"nimbus-targeting-context"_s,
                      u"top-sites"_s,
                      u"quick-suggest"_s,
                      u"search-with"_s,
                      u"spoc"_s,
                      u"fx-accounts"_s,
                      u"prio"_s,
                      u"background-update"_s,
                      u"sync"_s,
                      u"bookmarks-sync"_s,
                      u"history-sync"_s,
                      u"tabs-sync"_s,
                      u"temp-sync"_s,
                      u"newtab-content"_s,
                      u"addons"_s,
                      u"broken-site-report"_s,
                      u"serp-categorization"_s,
                      u"user-characteristics"_s,
                      u"captcha-detection"_s,
                      u"peer-test"_s};
        m_legacyDocTypes = {u"main"_s,   u"event"_s,   u"new-profile"_s, u"first-shutdown"_s,
                            u"update"_s, u"modules"_s, u"crash"_s,       u"heartbeat"_s};
        m_debugTags = {u"peers-1"_s,    u"peers-2"_s,      u"bench-02"_s,    u"ci-run-1234"_s,
                       u"qa-nightly"_s, u"glean-dev"_s,    u"vpn-test"_s,    u"fenix-perf"_s,
                       u"a11y"_s,       u"my-debug-tag"_s, u"search-test"_s, u"newtab-exp"_s};
        for (int i = 0; i < 300; ++i)
            m_clients.append(uuid());
        m_seq.assign(size_t(m_clients.size()), 0);
        m_time = 1714550400000000; // 2024-05-01 08:00 UTC
    }

    // Records [firstId, firstId + n), newest first.
    std::vector<PingRecord> batch(qint64 firstId, int n)
    {
        std::vector<PingRecord> out(static_cast<size_t>(n));
        for (int k = 0; k < n; ++k)
            fill(out[size_t(n - 1 - k)], firstId + k);
        return out;
    }

private:
    QString uuid()
    {
        static const char16_t hex[] = u"0123456789abcdef";
        char16_t text[36];
        const quint64 a = m_rng(), b = m_rng();
        for (int i = 0, nibble = 0; i < 36; ++i) {
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                text[i] = u'-';
                continue;
            }
            const quint64 half = nibble < 16 ? a : b;
            int v = int((half >> (4 * (nibble % 16))) & 0xf);
            if (nibble == 12)
                v = 4; // version 4
            if (nibble == 16)
                v = 8 | (v & 3); // variant
            text[i] = hex[v];
            ++nibble;
        }
        return QString(reinterpret_cast<const QChar *>(text), 36);
    }

    // Zipf-like: index i with weight 1 / (i + 1).
    int skewed(int n)
    {
        const double u = std::uniform_real_distribution<double>(0, 1)(m_rng);
        return std::min(n - 1, int(std::exp(u * std::log(double(n) + 1)) - 1));
    }

    void fill(PingRecord &r, qint64 id)
    {
        std::uniform_int_distribution<int> percent(0, 999);
        r.id = id;
        m_time += qint64(std::exponential_distribution<double>(1.0 / 50000)(m_rng)); // 50 ms apart
        r.receivedAtUs = m_time;
        r.method = u"POST"_s;
        r.ns = m_namespaces[skewed(int(m_namespaces.size()))];
        const bool legacy = r.ns == u"telemetry"_s;
        r.docType = legacy ? m_legacyDocTypes[skewed(int(m_legacyDocTypes.size()))]
                           : m_docTypes[skewed(int(m_docTypes.size()))];
        r.docVersion = legacy ? (percent(m_rng) < 900 ? u"4"_s : u"5"_s) : u"1"_s;
        const int client = skewed(int(m_clients.size()));
        r.clientId = m_clients[client];
        r.seq = legacy ? -1 : m_seq[size_t(client)]++;
        r.bodyBytes = std::clamp(qint64(std::lognormal_distribution<double>(7.5, 1.0)(m_rng)), qint64(120),
                                 qint64(900000));
        r.decodedBytes = r.bodyBytes * (2 + percent(m_rng) % 5);
        r.docId = uuid();

        const int v = percent(m_rng); // 10% problems
        if (v < 70) {
            r.verdict = u"invalid"_s;
            r.errorCount = 1 + percent(m_rng) % 12;
        } else if (v < 80) {
            r.verdict = u"not-json"_s;
            r.errorCount = 1;
            r.decodedBytes = -1;
        } else if (v < 85) {
            r.verdict = u"bad-encoding"_s;
            r.errorCount = 1;
            r.decodedBytes = -1;
        } else if (v < 95) {
            r.verdict = u"bad-path"_s;
            r.errorCount = 1;
            r.docId.clear();
            r.ns.clear();
            r.docType.clear();
            r.docVersion.clear();
        } else if (v < 100) {
            r.verdict = u"refused"_s;
            r.errorCount = 1;
            r.docId.clear();
            r.decodedBytes = -1;
        } else if (v < 150) {
            r.verdict = u"parsed"_s;
        } else if (v < 300) {
            r.verdict = u"no-schema"_s;
        } else {
            r.verdict = u"valid"_s;
        }
        if (v >= 100 && percent(m_rng) < 2)
            r.docId = u"doc-%1"_s.arg(id); // odd, not a UUID
        const int d = percent(m_rng);
        r.debugId = d < 600 ? QString() : m_debugTags[skewed(int(m_debugTags.size()))];
        const int t = percent(m_rng);
        r.sourceTags = t < 750   ? QString()
                       : t < 900 ? u"automation"_s
                       : t < 950 ? u"automation,perf"_s
                                 : u"perf"_s;
    }

    std::mt19937_64 m_rng;
    QStringList m_namespaces, m_docTypes, m_legacyDocTypes, m_debugTags, m_clients;
    std::vector<qint64> m_seq;
    qint64 m_time = 0;
};

std::function<void()> g_pin = [] {};

struct Result
{
    double median = 0, worst = 0;
};

Result timeIt(int repeats, const std::function<void()> &setup, const std::function<void()> &op)
{
    std::vector<double> ms;
    for (int i = 0; i < repeats; ++i) {
        setup();
        g_pin();
        const auto t0 = Clock::now();
        op();
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    return {ms[ms.size() / 2], ms.back()};
}

int g_over = 0;

void report(const char *what, const Result &r, qint64 rows, double targetMs = 250)
{
    const bool over = targetMs > 0 && r.worst >= targetMs;
    g_over += over;
    std::printf("%-58s %9lld %9.1f %9.1f  %s\n", what, static_cast<long long>(rows), r.median, r.worst,
                targetMs > 0 ? (over ? "OVER" : "ok") : "");
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int rows = argc > 1 ? std::max(1000, std::atoi(argv[1])) : 1000000;
    const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
    constexpr int batchSize = 1000;

    Synth synth;
    PingTableModel model;
    malloc_trim(0);
    const qint64 rssBefore = statusKb("VmRSS");

    // Fill in batches, as the feed does (arrival order: one insertion per batch).
    double fillMs = 0;
    qint64 nextId = 1;
    while (nextId <= rows) {
        const int n = int(std::min<qint64>(batchSize, rows - nextId + 1));
        const std::vector<PingRecord> batch = synth.batch(nextId, n);
        nextId += n;
        const auto t0 = Clock::now();
        model.addPings(batch);
        fillMs += std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    }
    const qint64 rssFilled = statusKb("VmRSS");
    malloc_trim(0);
    const qint64 rssTrimmed = statusKb("VmRSS");
    const size_t own = model.storageBytes();

    std::printf("PingTableModel benchmark: %d rows, %lld problems, %lld namespaces, %lld doc types, "
                "%lld clients; %d repeats\n\n",
                rows, static_cast<long long>(model.problemCount()),
                static_cast<long long>(model.distinctValues(PingTableModel::Namespace).size()),
                static_cast<long long>(model.distinctValues(PingTableModel::DocType).size()),
                static_cast<long long>(model.distinctValues(PingTableModel::ClientId).size()), repeats);
    std::printf("fill: %.0f ms for %d batches of %d (%.2f us per row, addPings only)\n", fillMs,
                (rows + batchSize - 1) / batchSize, batchSize, fillMs * 1000 / rows);
    std::printf("memory: storageBytes %.1f MB = %.1f bytes/row\n", own / 1e6, double(own) / rows);
    std::printf("memory: RSS %lld kB before, %lld kB filled (+%.1f bytes/row), %lld kB after malloc_trim "
                "(+%.1f bytes/row)\n\n",
                static_cast<long long>(rssBefore), static_cast<long long>(rssFilled),
                (rssFilled - rssBefore) * 1024.0 / rows, static_cast<long long>(rssTrimmed),
                (rssTrimmed - rssBefore) * 1024.0 / rows);

    // A view's current index and selection anchor: persistent indexes that every layout change
    // moves. A filter may hide their rows; they are put back on visible rows before each run.
    QPersistentModelIndex current, anchor;
    auto pin = [&] {
        if (!current.isValid())
            current = model.index(model.rowCount() / 3, PingTableModel::Verdict);
        if (!anchor.isValid())
            anchor = model.index(model.rowCount() / 2, 0);
    };
    g_pin = pin;

    std::printf("%-58s %9s %9s %9s\n", "operation (1M rows unless said)", "visible", "median ms", "worst ms");
    auto none = [] {};
    auto filterOp = [&](const char *what, const PingFilter &f) {
        const Result r = timeIt(
            repeats, [&] { model.clearFilter(); }, [&] { model.setFilter(f); });
        report(what, r, model.visibleCount());
    };
    PingFilter f;
    f.text = u"fenix"_s;
    filterOp("filter: text \"fenix\" (namespace pools)", f);
    f.text = u"3fa9"_s;
    filterOp("filter: text \"3fa9\" (hex: every doc id searched)", f);
    f.text = u"0c5e4"_s;
    filterOp("filter: text \"0c5e4\" (hex, short)", f);
    f.text = u"peers-1"_s;
    filterOp("filter: text \"peers-1\" (debug tags)", f);
    f = {};
    f.problemsOnly = true;
    filterOp("filter: problems only", f);
    f = {};
    f.verdicts = {u"invalid"_s, u"not-json"_s};
    filterOp("filter: verdict set {invalid, not-json}", f);
    f = {};
    f.ns = u"org-mozilla-fenix"_s;
    filterOp("filter: namespace org-mozilla-fenix", f);
    f = {};
    f.docType = u"metrics"_s;
    filterOp("filter: doc type metrics", f);
    f = {};
    f.hideAutomation = true;
    filterOp("filter: hide automation", f);
    f = {};
    f.problemsOnly = true;
    f.hideAutomation = true;
    f.ns = u"firefox-desktop"_s;
    f.text = u"e"_s;
    filterOp("filter: problems + no automation + namespace + text \"e\"", f);

    PingFilter quick;
    quick.problemsOnly = true;
    {
        const Result r = timeIt(
            repeats, [&] { model.setFilter(quick); }, [&] { model.clearFilter(); });
        report("clear filter (from problems only)", r, model.visibleCount());
    }
    {
        PingFilter text;
        text.text = u"3fa9"_s;
        const Result r = timeIt(
            repeats, [&] { model.setFilter(text); }, [&] { model.clearFilter(); });
        report("clear filter (from text \"3fa9\")", r, model.visibleCount());
    }

    auto sortOp = [&](const char *what, int column, Qt::SortOrder order) {
        const Result r = timeIt(
            repeats, [&] { model.sort(-1); }, [&] { model.sort(column, order); });
        report(what, r, model.visibleCount());
    };
    sortOp("sort: namespace ascending (string)", PingTableModel::Namespace, Qt::AscendingOrder);
    sortOp("sort: namespace descending (string)", PingTableModel::Namespace, Qt::DescendingOrder);
    sortOp("sort: doc type ascending (string)", PingTableModel::DocType, Qt::AscendingOrder);
    sortOp("sort: debug tag ascending (string)", PingTableModel::DebugTag, Qt::AscendingOrder);
    sortOp("sort: client id ascending (string, 300 values)", PingTableModel::ClientId, Qt::AscendingOrder);
    sortOp("sort: doc id ascending (string, 128-bit + odd ids)", PingTableModel::DocId, Qt::AscendingOrder);
    sortOp("sort: verdict descending (rank, errors)", PingTableModel::Verdict, Qt::DescendingOrder);
    sortOp("sort: size ascending (number pair)", PingTableModel::Size, Qt::AscendingOrder);
    sortOp("sort: seq descending (number)", PingTableModel::Seq, Qt::DescendingOrder);
    sortOp("sort: received ascending (number)", PingTableModel::Received, Qt::AscendingOrder);
    {
        const Result r = timeIt(
            repeats, [&] { model.sort(PingTableModel::Namespace, Qt::AscendingOrder); },
            [&] { model.sort(-1); });
        report("sort: back to arrival order", r, model.visibleCount());
    }
    model.setFilter(quick);
    sortOp("sort while filtered (problems): size descending", PingTableModel::Size, Qt::DescendingOrder);
    sortOp("sort while filtered (problems): doc type ascending", PingTableModel::DocType, Qt::AscendingOrder);
    model.sort(PingTableModel::Namespace, Qt::AscendingOrder);
    {
        PingFilter text;
        text.text = u"fenix"_s;
        const Result r = timeIt(
            repeats, [&] { model.setFilter(quick); }, [&] { model.setFilter(text); });
        report("filter while sorted by namespace: text \"fenix\"", r, model.visibleCount());
        const Result c = timeIt(
            repeats, [&] { model.setFilter(text); }, [&] { model.clearFilter(); });
        report("clear filter while sorted by namespace", c, model.visibleCount());
    }

    // Live appends at 1M rows.
    auto appendOp = [&](const char *what, int n) {
        std::vector<std::vector<PingRecord>> batches;
        for (int i = 0; i < repeats; ++i) {
            batches.push_back(synth.batch(nextId, n));
            nextId += n;
        }
        size_t k = 0;
        const Result r = timeIt(repeats, none, [&] { model.addPings(batches[k++]); });
        report(what, r, model.visibleCount(), 50);
    };
    model.setFilter({});
    model.sort(-1);
    appendOp("append 100 in arrival order (rowsInserted at 0) [50]", 100);
    model.sort(PingTableModel::Received, Qt::DescendingOrder);
    appendOp("append 100 sorted by received desc (rowsInserted) [50]", 100);
    model.sort(PingTableModel::Namespace, Qt::AscendingOrder);
    appendOp("append 100 sorted by namespace (layoutChanged) [50]", 100);
    PingFilter live;
    live.hideAutomation = true;
    live.text = u"org"_s;
    model.setFilter(live);
    model.sort(PingTableModel::DocId, Qt::DescendingOrder);
    appendOp("append 100 filtered + sorted by doc id (layoutChanged) [50]", 100);
    appendOp("append 1000 filtered + sorted by doc id [50]", 1000);

    // Lookups and what a view asks for.
    model.setFilter({});
    model.sort(PingTableModel::Size, Qt::AscendingOrder);
    std::vector<qint64> ids;
    for (int i = 0; i < 1000; ++i)
        ids.push_back(1 + qint64(i) * (rows / 1000));
    {
        const Result r = timeIt(repeats, none, [&] {
            for (qint64 id : ids)
                (void)model.rowOfId(id);
        });
        report("rowOfId x1000 (sorted by size) [10]", r, model.visibleCount(), 10);
    }
    {
        const Result r = timeIt(repeats, none, [&] {
            for (int row = 500000; row < 540000; ++row)
                (void)model.idAt(row);
        });
        report("idAt x40000 [10]", r, model.visibleCount(), 10);
    }
    {
        const Result r = timeIt(repeats, none, [&] {
            for (int row = 500000; row < 500050; ++row)
                for (int c = 0; c < PingTableModel::ColumnCount; ++c) {
                    (void)model.data(model.index(row, c), Qt::DisplayRole);
                    (void)model.data(model.index(row, c), Qt::DecorationRole);
                    (void)model.data(model.index(row, c), Qt::ToolTipRole);
                }
        });
        report("data(): a screen, 50 rows x 11 columns x 3 roles [10]", r, model.visibleCount(), 10);
    }
    {
        const Result r = timeIt(repeats, none, [&] {
            (void)model.distinctValues(PingTableModel::Namespace);
            (void)model.distinctValues(PingTableModel::DocType);
            (void)model.distinctValues(PingTableModel::DebugTag);
        });
        report("distinctValues: namespaces + doc types + debug tags [10]", r, model.visibleCount(), 10);
    }
    {
        // The window's list limit: past it a twentieth of the rows leaves in one step. Timed once
        // (it changes the model), after the rows above, while sorted by size.
        QElapsedTimer t;
        t.start();
        model.dropOldest(size_t(rows / 20));
        Result r;
        r.median = r.worst = double(t.nsecsElapsed()) / 1e6;
        report("dropOldest: a twentieth of the rows (window list limit) [50]", r, model.visibleCount(), 50);
    }
    std::printf("\npersistent indexes at the end: current on id %lld, anchor on id %lld\n",
                static_cast<long long>(current.data(PingTableModel::IdRole).toLongLong()),
                static_cast<long long>(anchor.data(PingTableModel::IdRole).toLongLong()));
    std::printf("peak RSS (VmHWM): %lld kB; final storageBytes %.1f MB for %lld rows\n",
                static_cast<long long>(statusKb("VmHWM")), model.storageBytes() / 1e6,
                static_cast<long long>(model.totalCount()));
    std::printf("%s\n", g_over ? "SOME OPERATIONS OVER TARGET" : "all operations within target");
    return g_over ? 1 : 0;
}
