// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// How soon `pingscope check` is ready, and how long a check that gets no ping takes: runs
// `pingscope check --timeout 30 --quiet-period Q -- sh -c 'echo ready'` K times and times, from
// just before the process is started, the line "pingscope check: endpoint URL" (printed once
// the endpoint listens and the store is open), a first TCP connection to that endpoint
// accepted, the command's "ready" (it runs with PINGSCOPE_ENDPOINT set) and the exit, which
// must be 1 ("no ping arrived") after the quiet period. `pingscope --version` is timed too:
// the cost of starting the program at all. Prints median and p95 of each in a table and, last,
// one JSON line. Only 127.0.0.1; every run is bounded.
//
//   build/dev/tests/bench/pingscope_bench_check_start [runs=20] [quiet-period=2] [PINGSCOPE_BIN]
// PINGSCOPE_BIN defaults to ../../app/pingscope next to this program.

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <thread>

using namespace Qt::StringLiterals;

namespace {

constexpr int kTimeoutSeconds = 30; // pingscope check --timeout

struct Series
{
    QString name;
    std::vector<double> ms;
    double percentile(double p) const // nearest rank
    {
        if (ms.empty())
            return NAN;
        std::vector<double> s = ms;
        std::sort(s.begin(), s.end());
        const size_t rank = size_t(std::ceil(p * double(s.size())));
        return s[std::clamp<size_t>(rank, 1, s.size()) - 1];
    }
};

double msSince(const QElapsedTimer &t)
{
    return double(t.nsecsElapsed()) / 1e6;
}

QString loadAverage()
{
    QFile f(u"/proc/loadavg"_s);
    if (!f.open(QIODevice::ReadOnly))
        return u"?"_s;
    const QList<QByteArray> parts = f.readAll().split(' ');
    return parts.size() >= 3 ? QString::fromLatin1(QByteArray(parts[0] + ' ' + parts[1] + ' ' + parts[2]))
                             : u"?"_s;
}

struct CheckRun
{
    double endpointMs = -1, acceptMs = -1, readyMs = -1, exitMs = -1;
    int exitCode = -1;
    QByteArray output;
};

CheckRun runCheck(const QString &bin, const QString &quiet)
{
    static const QRegularExpression endpoint(u"^pingscope check: endpoint http://127\\.0\\.0\\.1:(\\d+)"_s);
    CheckRun run;
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels); // the command's output is forwarded to ours
    QElapsedTimer t;
    t.start();
    p.start(bin, {u"check"_s, u"--timeout"_s, QString::number(kTimeoutSeconds), u"--quiet-period"_s, quiet,
                  u"--"_s, u"sh"_s, u"-c"_s, u"echo ready"_s});
    if (!p.waitForStarted(10'000))
        return run;
    QByteArray pending;
    // The check ends itself by --timeout; ten seconds more and it is stopped.
    const qint64 deadlineMs = (kTimeoutSeconds + 10) * 1000;
    while (p.state() != QProcess::NotRunning && t.elapsed() < deadlineMs) {
        if (!p.waitForReadyRead(int(deadlineMs - t.elapsed())) && p.state() != QProcess::NotRunning)
            continue;
        const double at = msSince(t);
        pending += p.readAll();
        for (qsizetype eol; (eol = pending.indexOf('\n')) >= 0;) {
            const QByteArray line = pending.left(eol);
            pending.remove(0, eol + 1);
            run.output += line + '\n';
            if (line == "ready" && run.readyMs < 0)
                run.readyMs = at;
            const auto m = endpoint.match(QString::fromUtf8(line));
            if (m.hasMatch() && run.endpointMs < 0) {
                run.endpointMs = at;
                QTcpSocket s;
                s.connectToHost(u"127.0.0.1"_s, quint16(m.captured(1).toUInt()));
                if (s.waitForConnected(2000))
                    run.acceptMs = msSince(t);
                s.abort();
            }
        }
    }
    if (p.state() != QProcess::NotRunning) {
        p.kill();
        p.waitForFinished(5000);
        return run;
    }
    run.exitMs = msSince(t);
    run.output += p.readAll();
    run.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return run;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int runs = argc > 1 ? std::clamp(std::atoi(argv[1]), 1, 1000) : 20;
    const QString quiet = argc > 2 ? QString::fromLocal8Bit(argv[2]) : u"2"_s;
    const QString bin = argc > 3
                            ? QString::fromLocal8Bit(argv[3])
                            : QDir(QCoreApplication::applicationDirPath()).filePath(u"../../app/pingscope"_s);
    if (!QFileInfo(bin).isExecutable()) {
        std::fprintf(stderr, "pingscope binary not found: %s (build the pingscope target or give its path)\n",
                     qPrintable(bin));
        return 2;
    }
    const QString loadBefore = loadAverage();

    Series version{u"pingscope --version, start to exit"_s, {}};
    for (int i = 0; i < runs; ++i) {
        QProcess p;
        QElapsedTimer t;
        t.start();
        p.start(bin, {u"--version"_s});
        if (p.waitForFinished(10'000) && p.exitCode() == 0)
            version.ms.push_back(msSince(t));
        else
            p.kill();
    }

    Series endpoint{u"check: start to the endpoint line"_s, {}};
    Series accept{u"check: start to a connection accepted"_s, {}};
    Series ready{u"check: start to the command's \"ready\""_s, {}};
    Series total{u"check with no ping: start to exit 1 (quiet period %1 s)"_s.arg(quiet), {}};
    int bad = 0;
    for (int i = 0; i < runs; ++i) {
        const CheckRun r = runCheck(bin, quiet);
        if (r.endpointMs < 0 || r.acceptMs < 0 || r.readyMs < 0 || r.exitCode != 1) {
            ++bad;
            std::fprintf(stderr, "run %d: endpoint %.1f, accept %.1f, ready %.1f, exit %d after %.1f ms:\n%s",
                         i, r.endpointMs, r.acceptMs, r.readyMs, r.exitCode, r.exitMs, r.output.constData());
            continue;
        }
        endpoint.ms.push_back(r.endpointMs);
        accept.ms.push_back(r.acceptMs);
        ready.ms.push_back(r.readyMs);
        total.ms.push_back(r.exitMs);
    }

    const QString loadAfter = loadAverage();
    std::printf("%d runs (%d failed), load average %s before, %s after, %u cores\n\n", runs, bad,
                qPrintable(loadBefore), qPrintable(loadAfter), std::thread::hardware_concurrency());
    std::printf("| figure | median ms | p95 ms | min ms | max ms |\n|---|---|---|---|---|\n");
    QJsonArray json;
    for (const Series *s : {&version, &endpoint, &accept, &ready, &total}) {
        std::printf("| %s | %.1f | %.1f | %.1f | %.1f |\n", qPrintable(s->name), s->percentile(0.5),
                    s->percentile(0.95), s->percentile(0), s->percentile(1));
        json.append(QJsonObject{{u"figure"_s, s->name},
                                {u"runs"_s, qint64(s->ms.size())},
                                {u"median_ms"_s, s->percentile(0.5)},
                                {u"p95_ms"_s, s->percentile(0.95)}});
    }
    const QJsonObject summary{{u"bench"_s, u"check_start"_s},
                              {u"runs"_s, runs},
                              {u"failed"_s, bad},
                              {u"load_before"_s, loadBefore},
                              {u"load_after"_s, loadAfter},
                              {u"figures"_s, json}};
    std::printf("\n%s\n", QJsonDocument(summary).toJson(QJsonDocument::Compact).constData());
    return bad == 0 ? 0 : 1;
}
