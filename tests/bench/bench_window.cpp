// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// GUI latency under load: the main window with its real engine on 127.0.0.1, while sender
// threads post Glean pings at a fixed rate over keep-alive connections. Reports, for every
// ping, the time from the moment its request was sent to its row appearing in the table model,
// and the longest gaps of the GUI event loop (a 5 ms timer). Loopback only; bounded in time.
// With traffic=1 (the default) the Traffic dock is shown, so its charts update live too, and
// the cost of each of their refreshes (recompute + redraw) is reported.
//
//   QT_QPA_PLATFORM=offscreen build/dev/tests/bench/pingscope_bench_window [rate=2000] [seconds=10]
//   [traffic=1]

#include "mainwindow.h"
#include "pingtablemodel.h"
#include "trafficview.h"

#include <QApplication>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTimer>

#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace pingscope;
using namespace Qt::StringLiterals;
using Clock = std::chrono::steady_clock;

namespace {

qint64 nowUs()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch()).count();
}

int connectLoopback(quint16 port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0) {
        ::close(fd);
        return -1;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

// Reads one HTTP response with an empty or Content-Length body; false on error.
bool readResponse(int fd)
{
    std::string buf;
    char chunk[4096];
    for (;;) {
        const auto end = buf.find("\r\n\r\n");
        if (end != std::string::npos) {
            size_t length = 0;
            const auto cl = buf.find("Content-Length: ");
            if (cl != std::string::npos && cl < end)
                length = std::stoul(buf.substr(cl + 16));
            if (buf.size() >= end + 4 + length)
                return buf.compare(9, 3, "200") == 0;
        }
        const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0)
            return false;
        buf.append(chunk, size_t(n));
    }
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size())))];
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", qEnvironmentVariable("QT_QPA_PLATFORM", u"offscreen"_s).toUtf8());
    QApplication app(argc, argv);
    const int rate = argc > 1 ? std::atoi(argv[1]) : 2000;
    const int seconds = argc > 2 ? std::atoi(argv[2]) : 10;
    const int total = rate * seconds;
    const bool traffic = argc > 3 ? std::atoi(argv[3]) != 0 : true;

    QTemporaryDir dir;
    EngineOptions opts;
    opts.dbPath = dir.filePath(u"bench.pingscope"_s);
    opts.capture.port = 0;
    MainWindow window(opts);
    window.resize(1200, 800);
    window.show();
    if (traffic)
        window.trafficDock()->show();
    std::vector<double> trafficMs; // recompute + redraw per refresh of the charts
    QObject::connect(window.trafficView(), &TrafficView::refreshed, window.trafficView(), [&] {
        trafficMs.push_back(window.trafficView()->lastRecomputeMs() + window.trafficView()->lastRedrawMs());
    });
    const quint16 port = window.engine()->port();
    PingTableModel *model = window.pingModel();

    std::vector<std::atomic<qint64>> sentAt(size_t(total) + 1);
    std::vector<double> latencyMs;
    latencyMs.reserve(size_t(total));
    QObject::connect(
        model, &QAbstractItemModel::rowsInserted, model, [&](const QModelIndex &, int first, int last) {
            const qint64 now = nowUs();
            for (int row = first; row <= last; ++row) {
                const QString docId = model->index(row, 0).data(PingTableModel::DocIdRole).toString();
                const int n = docId.right(12).toInt();
                if (n > 0 && n <= total && sentAt[size_t(n)] > 0)
                    latencyMs.push_back(double(now - sentAt[size_t(n)]) / 1000.0);
            }
        });
    // Event-loop stalls: gaps between the ticks of a 5 ms timer.
    std::vector<double> gapsMs;
    QElapsedTimer tick;
    tick.start();
    QTimer probe;
    probe.setInterval(5);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        gapsMs.push_back(double(tick.nsecsElapsed()) / 1e6);
        tick.restart();
    });
    probe.start();

    const QByteArray body =
        R"({"ping_info":{"seq":0,"start_time":"2026-11-23T02:19:24+00:00","end_time":"2026-11-23T02:19:25+00:00"},"client_info":{"telemetry_sdk_build":"1","app_build":"1","app_display_version":"1","architecture":"x","os":"Linux","os_version":"6","first_run_date":"2026-11-23+00:00","client_id":"a670d57c-0bc6-4205-9be7-fc8f50aad72f"},"metrics":{"counter":{"app.clicks":3}}})";
    constexpr int kThreads = 4;
    std::atomic<int> failures{0};
    std::atomic<int> done{0};
    std::vector<std::thread> senders;
    const auto start = Clock::now();
    for (int t = 0; t < kThreads; ++t) {
        senders.emplace_back([&, t] {
            const int fd = connectLoopback(port);
            if (fd < 0) {
                failures += total / kThreads;
                ++done;
                return;
            }
            for (int n = t + 1; n <= total; n += kThreads) {
                // Paced: ping n is due at n / rate seconds after the start.
                std::this_thread::sleep_until(start +
                                              std::chrono::microseconds(qint64(n) * 1'000'000 / rate));
                char id[40];
                std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", n);
                // A few doc types, so that the traffic charts stack several series.
                static const char *const docTypes[] = {"baseline", "baseline", "metrics",
                                                       "events",   "health",   "newtab"};
                const std::string req =
                    "POST /submit/bench-app/" + std::string(docTypes[n % 6]) + "/1/" + std::string(id) +
                    " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Debug-ID: bench\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n" + body.toStdString();
                sentAt[size_t(n)] = nowUs();
                if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) != ssize_t(req.size()) ||
                    !readResponse(fd))
                    ++failures;
            }
            ::close(fd);
            ++done;
        });
    }
    // Run the GUI until every ping is in the model, or a bounded time has passed.
    QElapsedTimer wall;
    wall.start();
    while ((done < kThreads || model->totalCount() < total - failures) &&
           wall.elapsed() < (seconds + 20) * 1000)
        app.processEvents(QEventLoop::AllEvents, 5);
    for (auto &s : senders)
        s.join();
    app.processEvents();
    probe.stop();

    const double longest = gapsMs.empty() ? 0 : *std::max_element(gapsMs.begin(), gapsMs.end());
    const auto over50 = std::count_if(gapsMs.begin(), gapsMs.end(), [](double g) { return g > 50; });
    std::printf("sent %d pings at %d/s for %d s: %d failed, %lld rows in the table\n", total, rate, seconds,
                failures.load(), static_cast<long long>(model->totalCount()));
    std::printf("arrival to row: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%zu measured)\n",
                percentile(latencyMs, 0.5), percentile(latencyMs, 0.99),
                latencyMs.empty() ? 0.0 : *std::max_element(latencyMs.begin(), latencyMs.end()),
                latencyMs.size());
    std::printf("GUI event loop: longest gap %.1f ms, gaps over 50 ms: %lld, p99 gap %.1f ms\n", longest,
                static_cast<long long>(over50), percentile(gapsMs, 0.99));
    if (traffic)
        std::printf("traffic charts: %zu refreshes, p50 %.1f ms, max %.1f ms (recompute + redraw)\n",
                    trafficMs.size(), percentile(trafficMs, 0.5),
                    trafficMs.empty() ? 0.0 : *std::max_element(trafficMs.begin(), trafficMs.end()));
    std::printf("{\"rate\":%d,\"seconds\":%d,\"failed\":%d,\"rows\":%lld,\"p50_ms\":%.1f,\"p99_ms\":%.1f,"
                "\"max_gap_ms\":%.1f,\"gaps_over_50ms\":%lld}\n",
                rate, seconds, failures.load(), static_cast<long long>(model->totalCount()),
                percentile(latencyMs, 0.5), percentile(latencyMs, 0.99), longest,
                static_cast<long long>(over50));
    return failures == 0 && model->totalCount() == total ? 0 : 1;
}
