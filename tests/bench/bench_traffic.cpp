// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// The traffic charts at a million pings: TrafficModel appends, full and live recomputes,
// zooms, and the TrafficView's recompute + redraw. Not a ctest test: run
//   QT_QPA_PLATFORM=offscreen build/dev/tests/bench/pingscope_bench_traffic [pings] [repeats]
//
// The pings arrive at 2,000/s (a million span 500 s), with 12 doc types of skewed frequency,
// 5% invalid, 1% duplicates, 0.5% refused, sizes from 200 bytes to 200 kB, and received
// times a few milliseconds out of order (several ingest threads).

#include "chart.h"
#include "trafficmodel.h"
#include "trafficview.h"

#include <QApplication>
#include <QElapsedTimer>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <random>
#include <vector>

using namespace pingscope;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kStartUs = 1795400000000000; // 2026-11-23 around 02:13 UTC
constexpr int kRate = 2000;

class Synth
{
public:
    // Pings [first, first + n), newest first, as StoreReader::list returns a batch.
    std::vector<PingRecord> batch(qint64 first, int n)
    {
        static const QString types[] = {
            u"baseline"_s,        u"metrics"_s, u"events"_s,           u"health"_s,
            u"usage-reporting"_s, u"newtab"_s,  u"messaging-system"_s, u"nimbus-targeting-context"_s,
            u"addons"_s,          u"main"_s,    u"deletion-request"_s, u"crash"_s};
        std::vector<PingRecord> out;
        out.resize(size_t(n));
        for (int i = 0; i < n; ++i) {
            PingRecord &r = out[size_t(n - 1 - i)];
            r.id = first + i;
            r.receivedAtUs = kStartUs + r.id * 1'000'000 / kRate + qint64(m_rng() % 3000);
            const unsigned pick = m_rng() % 100;
            r.docType = types[pick < 40 ? 0 : pick < 60 ? 1 : pick < 75 ? 2 : 3 + pick % 9];
            const unsigned v = m_rng() % 1000;
            r.verdict = v < 5 ? u"refused"_s : v < 55 ? u"invalid"_s : u"valid"_s;
            if (m_rng() % 100 == 0)
                r.warningsJson = R"([{"kind":"duplicate-doc-id","message":"docId was already received"}])";
            r.bodyBytes = 100 + qint64(m_rng() % 50'000);
            r.decodedBytes = r.bodyBytes * 4;
        }
        return out;
    }

private:
    std::mt19937 m_rng{20261123};
};

struct Timing
{
    double median = 0, worst = 0;
};

Timing time(int repeats, const std::function<void()> &setup, const std::function<void()> &work)
{
    std::vector<double> ms;
    for (int i = 0; i < repeats; ++i) {
        if (setup)
            setup();
        QElapsedTimer t;
        t.start();
        work();
        ms.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    std::sort(ms.begin(), ms.end());
    return {ms[ms.size() / 2], ms.back()};
}

void report(const char *what, const Timing &t)
{
    std::printf("%-58s median %8.2f ms, worst %8.2f ms\n", what, t.median, t.worst);
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", qEnvironmentVariable("QT_QPA_PLATFORM", u"offscreen"_s).toUtf8());
    QApplication app(argc, argv);
    const int pings = argc > 1 ? std::atoi(argv[1]) : 1'000'000;
    const int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
    constexpr int kBatch = 100; // 20 refreshes a second at 2,000 pings/s

    // ---- the model
    Synth synth;
    TrafficModel model;
    model.setDeferred(true);
    double appendMs = 0, appendWorst = 0;
    qint64 next = 1;
    while (next <= pings) {
        const int n = int(std::min<qint64>(kBatch, pings - next + 1));
        const auto b = synth.batch(next, n);
        QElapsedTimer t;
        t.start();
        model.addPings(b);
        const double ms = double(t.nsecsElapsed()) / 1e6;
        appendMs += ms;
        appendWorst = std::max(appendWorst, ms);
        next += n;
    }
    std::printf("%d pings, %d doc types, span %.0f s\n", pings, int(model.docTypes().size()),
                double(model.sessionEndUs() - model.sessionStartUs()) / 1e6);
    std::printf("%-58s mean %8.4f ms, worst %8.2f ms\n", "append a batch of 100 (deferred)",
                appendMs / double((pings + kBatch - 1) / kBatch), appendWorst);

    report("recompute every bucket (whole session)",
           time(
               repeats, [&] { model.setRange(1, 2); }, [&] { model.setRange(0, 0); }));
    std::printf("  -> %d buckets of %lld s\n", model.rowCount(),
                static_cast<long long>(model.bucketWidthUs() / 1'000'000));
    report("live: 100 more pings + recompute (following)", time(
                                                               repeats,
                                                               [&] {
                                                                   model.addPings(synth.batch(next, kBatch));
                                                                   next += kBatch;
                                                               },
                                                               [&] { model.recompute(); }));
    const qint64 from = model.sessionStartUs(), span = model.sessionEndUs() - from;
    report("zoom to the middle 10% (setRange)",
           time(
               repeats, [&] { model.setRange(0, 0); },
               [&] { model.setRange(from + span * 45 / 100, from + span * 55 / 100); }));
    std::printf("  -> %d buckets of %lld s\n", model.rowCount(),
                static_cast<long long>(model.bucketWidthUs() / 1'000'000));
    report("zoom to 2 minutes", time(
                                    repeats, [&] { model.setRange(0, 0); },
                                    [&] { model.setRange(from + span / 2, from + span / 2 + 120'000'000); }));

    // ---- the view: recompute + redraw of the three charts
    TrafficView view; // hidden while fed, as when the dock is closed
    view.resize(1200, 800);
    next = 1;
    Synth again;
    while (next <= pings) {
        const int n = int(std::min<qint64>(10'000, pings - next + 1));
        view.addPings(again.batch(next, n));
        next += n;
    }
    view.show();
    report("view: first refresh (recompute all + build series)",
           time(1, nullptr, [&] { view.refreshNow(); }));
    std::printf("  -> recompute %.2f ms, redraw %.2f ms\n", view.lastRecomputeMs(), view.lastRedrawMs());
    double recompute = 0, redraw = 0, worstRecompute = 0, worstRedraw = 0;
    const Timing live = time(
        repeats * 4,
        [&] {
            view.addPings(again.batch(next, 500)); // 250 ms at 2,000/s
            next += 500;
        },
        [&] {
            view.refreshNow();
            recompute += view.lastRecomputeMs();
            redraw += view.lastRedrawMs();
            worstRecompute = std::max(worstRecompute, view.lastRecomputeMs());
            worstRedraw = std::max(worstRedraw, view.lastRedrawMs());
        });
    report("view: live refresh with 500 new pings", live);
    std::printf("  -> recompute mean %.2f ms (worst %.2f), redraw mean %.2f ms (worst %.2f)\n",
                recompute / (repeats * 4), worstRecompute, redraw / (repeats * 4), worstRedraw);
    report("view: paint (grab) after a refresh", time(repeats, nullptr, [&] { (void)view.grab(); }));
    report("view: zoom to the middle 10% (recompute + redraw)",
           time(
               repeats, [&] { view.showWholeSession(); },
               [&] { view.zoomTo(from + span * 45 / 100, from + span * 55 / 100); }));
    report("view: zoom + paint", time(
                                     repeats, [&] { view.showWholeSession(); },
                                     [&] {
                                         view.zoomTo(from + span * 45 / 100, from + span * 55 / 100);
                                         (void)view.grab();
                                     }));
    return 0;
}
