// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// Re-validation at scale: a store of N pings (the Firefox ESR and Glean.js capture mix, default
// 100,000) checked with the bundled registry, then opened in the real main window with a
// --schemas tree added (another fingerprint), so the engine re-checks every stored ping in the
// background while the window shows them. Reports pings/s of the re-check, the longest GUI
// event-loop gaps (a 5 ms timer) meanwhile, and how many rows changed verdict. No network.
//
//   QT_QPA_PLATFORM=offscreen build/dev/tests/bench/pingscope_bench_revalidation [pings=100000]

#include "mainwindow.h"
#include "pingtablemodel.h"
#include "revalidator.h"
#include "testsupport.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>

using namespace pingscope;
using namespace pingscope::test;
using namespace Qt::StringLiterals;

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    const int n = argc > 1 ? std::atoi(argv[1]) : 100000;
    QTemporaryDir dir, tree;
    const QString db = dir.filePath(u"reval.pingscope"_s);

    // Fill: every capture ingested once with the bundled registry, then copied with new doc ids.
    QElapsedTimer fill;
    fill.start();
    IngestOptions bundled;
    bundled.schemas = SchemaRegistry::load({}, true, nullptr);
    Validator validator(bundled.schemas);
    const std::vector<PingRecord> templates = ingestedCaptures(QString(), bundled, &validator);
    {
        QString error;
        auto store = Store::open(db, &error);
        if (!store) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 1;
        }
        fillStore(*store, templates, n);
    }
    std::printf("store: %d pings (%zu distinct captures) filled in %.1f s\n", n, templates.size(),
                double(fill.elapsed()) / 1000.0);

    // A tree that registers one Glean.js test app: its pings flip from unregistered to valid.
    QDir().mkpath(tree.filePath(u"schemas/peers-gleanjs-node/events"_s));
    {
        QFile f(tree.filePath(u"schemas/peers-gleanjs-node/events/events.1.schema.json"_s));
        f.open(QIODevice::WriteOnly);
        f.write("{\"$schema\": \"http://json-schema.org/draft-06/schema#\", \"type\": \"object\"}");
    }

    EngineOptions opts;
    opts.dbPath = db;
    opts.capture.port = 0;
    opts.schemaRoots = {tree.path()};
    QElapsedTimer total;
    total.start();
    MainWindow window(opts);
    window.resize(1200, 800);
    window.show();
    std::vector<double> gapsMs;
    QElapsedTimer tick;
    tick.start();
    QTimer probe;
    probe.setInterval(5);
    bool checking = false; // gaps count from the first progress report (not the window's start-up load)
    QObject::connect(&probe, &QTimer::timeout, [&] {
        if (checking)
            gapsMs.push_back(double(tick.nsecsElapsed()) / 1e6);
        tick.restart();
    });
    probe.start();
    Revalidator *rv = window.engine()->revalidator();
    QObject::connect(
        rv, &Revalidator::progress, &app, [&] { checking = true; }, Qt::QueuedConnection);
    qint64 checked = 0, changed = 0, ms = 0;
    QObject::connect(
        rv, &Revalidator::finished, &app,
        [&](qint64 c, qint64 ch, qint64 t) {
            checked = c;
            changed = ch;
            ms = t;
            QTimer::singleShot(600, &app, &QCoreApplication::quit); // let the last table update land
        },
        Qt::QueuedConnection);
    QTimer::singleShot(600'000, &app, &QCoreApplication::quit);
    app.exec();
    probe.stop();
    std::sort(gapsMs.begin(), gapsMs.end());
    const double longest = gapsMs.empty() ? 0 : gapsMs.back();
    const auto over50 = std::count_if(gapsMs.begin(), gapsMs.end(), [](double g) { return g > 50; });
    const double p99 = gapsMs.empty() ? 0 : gapsMs[size_t(double(gapsMs.size() - 1) * 0.99)];
    std::printf(
        "re-check: %lld pings in %.1f s = %.0f pings/s, %lld rows rewritten; window rows %d, problems %lld\n",
        static_cast<long long>(checked), double(ms) / 1000.0,
        ms > 0 ? double(checked) * 1000.0 / double(ms) : 0.0, static_cast<long long>(changed),
        window.pingModel()->rowCount(), static_cast<long long>(window.pingModel()->problemCount()));
    std::printf(
        "GUI event loop meanwhile: longest gap %.1f ms, p99 %.1f ms, gaps over 50 ms: %lld (of %zu ticks)\n",
        longest, p99, static_cast<long long>(over50), gapsMs.size());
    return 0;
}
