// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// Event timeline cost: a ping with 10,000 events (target: on screen in < 100 ms) and an event
// stream over 100,000 events of 1,000 pings. Times, medians of several runs: the model (JSON
// parse, sort, lanes), the timeline (bins, chart series) and one full paint of the widget.
//
//   QT_QPA_PLATFORM=offscreen build/dev/tests/bench/pingscope_bench_timeline

#include "chart.h"
#include "eventsmodel.h"
#include "eventtimeline.h"
#include "timelinemodel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QPixmap>

#include <algorithm>
#include <cstdio>
#include <random>
#include <vector>

using namespace pingscope;

namespace {

// A Glean events ping: `count` events over `spanMs`, in 24 category.name pairs of 6 categories,
// with extras, as Firefox sends them.
QByteArray eventsPing(int count, qint64 spanMs, unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_int_distribution<qint64> when(0, spanMs);
    auto times = std::vector<qint64>(static_cast<size_t>(count));
    for (auto &t : times)
        t = when(rng);
    std::sort(times.begin(), times.end());
    static const char *categories[] = {"navigation",      "session_restore", "nimbus_events",
                                       "service_request", "jsonfile",        "newtab"};
    QByteArray json =
        R"({"ping_info":{"seq":1,"start_time":"2026-11-23T10:00+00:00","end_time":"2026-11-23T11:00+00:00"},)"
        R"("client_info":{"client_id":"a670d57c-0000-4000-8000-000000000000"},"events":[)";
    for (int i = 0; i < count; ++i) {
        const int k = int(rng() % 24);
        json += (i ? "," : "") + QByteArray(R"({"timestamp":)") + QByteArray::number(times[size_t(i)]) +
                R"(,"category":")" + categories[k % 6] + R"(","name":"action_)" + QByteArray::number(k) +
                R"(","extra":{"source":"bench","value":")" + QByteArray::number(i) + R"("}})";
    }
    json += "]}";
    return json;
}

struct Timing
{
    double model = 0, timeline = 0, paint = 0;
};

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

void report(const char *what, const std::vector<Timing> &runs, int markers)
{
    std::vector<double> m, t, p, total;
    for (const Timing &r : runs) {
        m.push_back(r.model);
        t.push_back(r.timeline);
        p.push_back(r.paint);
        total.push_back(r.model + r.timeline + r.paint);
    }
    std::printf("%-34s model %7.1f ms  timeline %6.1f ms  paint %6.1f ms  total %7.1f ms (worst %7.1f, first "
                "run %7.1f)  markers %d\n",
                what, median(m), median(t), median(p), median(total),
                *std::max_element(total.begin(), total.end()), total.front(), markers);
}

double ms(QElapsedTimer &t)
{
    const double v = double(t.nsecsElapsed()) / 1e6;
    t.restart();
    return v;
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    constexpr int kRuns = 7;

    {
        const QByteArray ping = eventsPing(10000, 3'600'000, 1);
        std::vector<Timing> runs;
        int markers = 0;
        for (int run = 0; run < kRuns; ++run) {
            EventsModel model;
            EventTimeline w;
            w.resize(1200, 600);
            w.show();
            QApplication::processEvents();
            QPixmap target(w.size());
            QElapsedTimer t;
            t.start();
            Timing r;
            model.setPayload(ping);
            r.model = ms(t);
            w.setModel(&model); // lanes, range, bins, series
            r.timeline = ms(t);
            w.render(&target);
            r.paint = ms(t);
            runs.push_back(r);
            markers = w.markers()->rowCount();
        }
        report("ping, 10,000 events, whole hour", runs, markers);
        // Zoom and pan over the same ping: re-binning and repainting only.
        EventsModel model;
        model.setPayload(ping);
        EventTimeline w;
        w.resize(1200, 600);
        w.show();
        w.setModel(&model);
        QApplication::processEvents();
        QPixmap target(w.size());
        std::vector<double> zoom;
        for (int i = 0; i < 20; ++i) {
            QElapsedTimer t;
            t.start();
            w.chart()->setXRange(i * 60'000.0, i * 60'000.0 + 600'000.0, true);
            w.rebin();
            w.render(&target);
            zoom.push_back(ms(t));
        }
        std::printf("%-34s median %.1f ms, worst %.1f ms per step (re-bin + paint)\n",
                    "  zoomed to 10 min, panning", median(zoom), *std::max_element(zoom.begin(), zoom.end()));
    }
    {
        std::vector<PingRecord> pings;
        for (int i = 0; i < 1000; ++i) {
            PingRecord r;
            r.id = i + 1;
            r.docType = QStringLiteral("events");
            r.payload = eventsPing(100, 3'600'000, unsigned(100 + i));
            pings.push_back(std::move(r));
        }
        std::vector<Timing> runs;
        int markers = 0;
        double filter = 0;
        for (int run = 0; run < 3; ++run) {
            EventStreamModel model;
            EventTimeline w;
            w.resize(1200, 600);
            w.show();
            QApplication::processEvents();
            QPixmap target(w.size());
            QElapsedTimer t;
            t.start();
            Timing r;
            model.setPings(pings);
            r.model = ms(t);
            w.setModel(&model);
            r.timeline = ms(t);
            w.render(&target);
            r.paint = ms(t);
            runs.push_back(r);
            markers = w.markers()->rowCount();
            model.setFilter(QStringLiteral("action_7"), QString());
            w.render(&target);
            filter = ms(t);
            if (model.totalCount() != 100000)
                std::printf("unexpected event count %lld\n", static_cast<long long>(model.totalCount()));
        }
        report("stream, 100,000 events, 1,000 pings", runs, markers);
        std::printf("%-34s %.1f ms (filter + re-bin + paint)\n", "  name filter on the stream", filter);
    }
    return 0;
}
