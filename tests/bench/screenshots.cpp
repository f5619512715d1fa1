// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// Screenshots for docs/: the real window and engine, fed over loopback with what real clients
// sent (tests/data/captured-requests) and the sample pings (tests/data/sample-pings), then driven
// to each view and grabbed from the screen. Run under Xvfb (or any X server):
//
//   Xvfb :7 -screen 0 1280x800x24 & DISPLAY=:7 build/dev/tests/bench/pingscope_screenshots docs [--dark]
//
// Writes <dir>/pingscope-<view>[-dark].png and prints each path.

#include "eventsmodel.h"
#include "eventspanel.h"
#include "eventtimeline.h"
#include "mainwindow.h"
#include "pingtablemodel.h"
#include "testsupport.h"

#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPalette>
#include <QProcess>
#include <QScreen>
#include <QSplitter>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QThread>
#include <QTreeView>
#include <QUuid>

#include <cstdio>

using namespace pingscope;
using namespace Qt::StringLiterals;

namespace {

void pump(int ms)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms) {
        QApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(5);
    }
}

QPalette darkPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(45, 45, 48));
    p.setColor(QPalette::WindowText, QColor(230, 230, 230));
    p.setColor(QPalette::Base, QColor(30, 30, 32));
    p.setColor(QPalette::AlternateBase, QColor(40, 40, 44));
    p.setColor(QPalette::Text, QColor(230, 230, 230));
    p.setColor(QPalette::Button, QColor(52, 52, 56));
    p.setColor(QPalette::ButtonText, QColor(230, 230, 230));
    p.setColor(QPalette::Highlight, QColor(42, 130, 218));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::ToolTipBase, QColor(60, 60, 64));
    p.setColor(QPalette::ToolTipText, QColor(230, 230, 230));
    p.setColor(QPalette::PlaceholderText, QColor(150, 150, 150));
    p.setColor(QPalette::Mid, QColor(80, 80, 84));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(130, 130, 130));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(130, 130, 130));
    return p;
}

// A legacy telemetry sample ping, sent on its submission URL.
QByteArray telemetryRequest(const QString &file)
{
    const QByteArray body = test::readDataFile(u"sample-pings/"_s + file);
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    const QJsonObject app = o.value(u"application"_s).toObject();
    const QString id = o.value(u"id"_s).toString(QUuid::createUuid().toString(QUuid::WithoutBraces));
    const QString path = u"/submit/telemetry/%1/%2/%3/%4/%5/%6?v=4"_s.arg(
        id, o.value(u"type"_s).toString(), app.value(u"name"_s).toString(),
        app.value(u"version"_s).toString(), app.value(u"channel"_s).toString(),
        app.value(u"buildId"_s).toString());
    return test::buildRequest("POST", path.toUtf8(),
                              {{"Host", "127.0.0.1"}, {"Content-Type", "application/json"}}, body);
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    const QString out = args.value(1, u"."_s);
    const bool dark = args.contains(u"--dark"_s);
    const QString suffix = dark ? u"-dark"_s : QString();
    QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));
    if (dark)
        QApplication::setPalette(darkPalette());
    QDir().mkpath(out);

    QTemporaryDir dir;
    EngineOptions options;
    options.dbPath = dir.filePath(u"shots.pingscope"_s);
    options.capture.port = 0;
    MainWindow window(options);
    window.resize(1260, 780);
    window.move(0, 0);
    window.show();
    const quint16 port = window.engine()->port();

    auto *table = window.findChild<QTableView *>(u"pings"_s);
    // Give the detail pane most of the height, as a user looking at charts would.
    if (auto *split = qobject_cast<QSplitter *>(table->parentWidget()->parentWidget()))
        split->setSizes({230, 550});
    auto shoot = [&](const QString &name) {
        pump(400);
        const QPixmap shot = window.screen()->grabWindow(window.winId());
        const QString path = out + u"/pingscope-"_s + name + suffix + u".png"_s;
        shot.save(path);
        std::printf("%s\n", qPrintable(path));
    };

    // --firefox SCRIPT: a real Firefox ESR started by SCRIPT (a launcher taking PORT SECONDS RUNS,
    // such as the team's run-firefox.sh; two runs of 20 s) sends its pings live; the traffic
    // charts are shot during and after the run.
    const qsizetype firefoxArg = args.indexOf(u"--firefox"_s);
    if (firefoxArg >= 0 && firefoxArg + 1 < args.size()) {
        window.trafficDock()->show();
        // The list and the charts: the detail tabs are out of the way for this one.
        window.findChild<QTabWidget *>()->hide();
        pump(200);
        window.resizeDocks({window.trafficDock()}, {600}, Qt::Vertical);
        QProcess firefox;
        firefox.setProcessChannelMode(QProcess::ForwardedChannels);
        firefox.start(u"bash"_s, {args.at(firefoxArg + 1), QString::number(port), u"20"_s, u"2"_s});
        QElapsedTimer run;
        run.start();
        bool during = false;
        while (firefox.state() != QProcess::NotRunning && run.elapsed() < 180'000) {
            window.refreshNow();
            pump(100);
            if (!during && run.elapsed() > 30'000) {
                shoot(u"traffic-firefox-during"_s);
                during = true;
            }
        }
        firefox.waitForFinished(5000);
        pump(1500);
        window.refreshNow();
        std::printf("%lld pings from Firefox\n", static_cast<long long>(window.pingModel()->totalCount()));
        shoot(u"traffic-firefox"_s);
        window.trafficDock()->hide();
        return 0;
    }

    int sent = 0;
    for (const auto &r : test::loadCapturedRequests())
        if (r.method == "POST" || r.method == "PUT")
            sent += test::exchange(port, r.wire()).status == 200;
    for (const char *f : {"telemetry-main-ping-with-events.json", "telemetry-event-ping.json"})
        sent += test::exchange(port, telemetryRequest(QString::fromLatin1(f))).status == 200;
    QElapsedTimer wait;
    wait.start();
    while (window.pingModel()->totalCount() < sent && wait.elapsed() < 10000) {
        window.refreshNow();
        pump(50);
    }
    std::printf("%d requests sent, %lld rows\n", sent,
                static_cast<long long>(window.pingModel()->totalCount()));

    auto *tabs = window.findChild<QTabWidget *>();
    auto *events = window.findChild<EventsPanel *>();
    auto select = [&](const QString &docType, const QString &ns) {
        PingTableModel *m = window.pingModel();
        for (int row = 0; row < m->rowCount(); ++row)
            if (m->index(row, PingTableModel::DocType).data().toString() == docType &&
                m->index(row, PingTableModel::Namespace).data().toString() == ns) {
                table->selectRow(row);
                table->scrollTo(m->index(row, 0));
                return true;
            }
        std::fprintf(stderr, "no %s/%s ping\n", qPrintable(ns), qPrintable(docType));
        return false;
    };

    // The Firefox events ping: its timeline, one event selected.
    if (select(u"events"_s, u"firefox-desktop"_s)) {
        tabs->setCurrentWidget(events);
        events->setScope(EventsPanel::Scope::ThisPing);
        pump(200);
        events->timeline()->selectEvent(events->pingEvents()->rowCount() / 2);
        shoot(u"timeline-firefox-events"_s);
    }
    // A legacy main ping with events.
    if (select(u"main"_s, u"telemetry"_s)) {
        tabs->setCurrentWidget(events);
        events->timeline()->selectEvent(0);
        shoot(u"timeline-legacy-main"_s);
    }
    // A timing distribution: the histogram beside the metrics table.
    if (select(u"health"_s, u"firefox-desktop"_s)) {
        auto *metrics = window.findChild<QTreeView *>(u"metrics"_s);
        tabs->setCurrentWidget(metrics->parentWidget());
        pump(100);
        QAbstractItemModel *m = metrics->model();
        const QModelIndexList hits = m->match(m->index(0, 0), Qt::DisplayRole, u"glean.upload.send_success"_s,
                                              1, Qt::MatchExactly | Qt::MatchRecursive);
        if (!hits.isEmpty())
            metrics->setCurrentIndex(hits.front());
        shoot(u"metric-histogram"_s);
        const QModelIndexList counters =
            m->match(m->index(0, 0), Qt::DisplayRole, u"glean.validation.pings_submitted"_s, 1,
                     Qt::MatchExactly | Qt::MatchRecursive);
        if (!counters.isEmpty())
            metrics->setCurrentIndex(counters.front());
        shoot(u"metric-labeled-counter"_s);
    }
    // The event stream over every ping in the table.
    if (select(u"events"_s, u"firefox-desktop"_s)) {
        tabs->setCurrentWidget(events);
        events->setScope(EventsPanel::Scope::CurrentFilter);
        shoot(u"event-stream"_s);
        events->setScope(EventsPanel::Scope::ThisPing);
    }
    return 0;
}
