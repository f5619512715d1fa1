// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "attemptspanel.h"
#include "backgroundreader.h"
#include "chart.h"
#include "comparedialog.h"
#include "connectdialog.h"
#include "exampledialog.h"
#include "faultsdialog.h"
#include "http/faults.h"
#include "mainwindow.h"
#include "metricsmodel.h"
#include "payloadtreemodel.h"
#include "pingtablemodel.h"
#include "testsupport.h"
#include "trafficmodel.h"
#include "trafficview.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDesktopServices>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QTreeView>
#include <QTreeWidget>
#include <QUrl>

#include <nlohmann/json.hpp>

using namespace pingscope;
using namespace pingscope::test;
using namespace Qt::StringLiterals;

class UrlCatcher : public QObject
{
    Q_OBJECT
public:
    QUrl url;
public Q_SLOTS:
    void open(const QUrl &u) { url = u; }
};

// The window remembers stores, schema folders and its layout in QSettings: this test's settings
// go to a file of its own in a temporary folder (main, below), never the user's.
QString g_settingsDir;

// The window, offscreen: pings sent to its endpoint appear in the list, and selecting one
// shows its payload and problems.
class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void settingsAreTheTestsOwn();
    void liveListAndDetail();
    void connectSnippetsNameThePort();
    void exampleDialogWritesExactFiles();
    void filterBarPauseAndCurlReplay();
    void trafficDockFiltersTheList();
    void productionVerdicts();
    void storeDeletedOffersANewOne();
    void largeStoreListsNewestFirstThenTheRest();
    void listStaysWithinItsLimit();
    void faultRulesAndAttempts();
    void compareTwoPings();
    void importAndExport();
};

// A store with more pings than the first page: the newest 2,000 are listed as the window
// opens, the rest are read in the background and join the list (and the traffic charts)
// under the filter set meanwhile; a payload search then finds matches in old and new rows.
void TestMainWindow::largeStoreListsNewestFirstThenTheRest()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(u"large.pingscope"_s);
    constexpr int kPings = 4500;
    {
        QString error;
        auto store = Store::open(db, Store::Options{0}, &error);
        QVERIFY2(store, qPrintable(error));
        std::vector<PingRecord> templates(3);
        for (int i = 0; i < 3; ++i) {
            PingRecord &t = templates[size_t(i)];
            t.receivedAtUs = 1764547200000000;
            t.method = u"POST"_s;
            t.ns = u"org-mozilla-fenix"_s;
            t.docType = i == 0 ? u"metrics"_s : u"baseline"_s;
            t.docVersion = u"1"_s;
            t.verdict = i == 2 ? u"invalid"_s : u"valid"_s;
            t.errorCount = i == 2 ? 1 : 0;
            t.payload = i == 0 ? QByteArray(R"({"metrics":{"counter":{"rare.needle":1}}})")
                               : QByteArray(R"({"x":1})");
            t.body = t.payload;
            t.bodyBytes = t.decodedBytes = t.body.size();
        }
        fillStore(*store, templates, kPings);
    }
    EngineOptions opts;
    opts.dbPath = db;
    opts.capture.port = 0;
    opts.validate = false; // keep the stored verdicts: no re-check with the bundled registry
    MainWindow window(opts);
    window.show();
    PingTableModel *model = window.pingModel();
    // At once: the newest page (the rest joins from the event loop only).
    QCOMPARE(model->totalCount(), qint64(2000));
    QCOMPARE(model->idAt(0), qint64(kPings));
    auto *verdicts = window.findChild<QComboBox *>(u"verdictFilter"_s);
    verdicts->setCurrentIndex(verdicts->findData(u"@problems"_s));
    QTRY_COMPARE_WITH_TIMEOUT(model->totalCount(), qint64(kPings), 10000);
    QCOMPARE(model->rowCount(), kPings / 3);
    QCOMPARE(window.trafficView()->model()->entryCount(), qint64(kPings));
    verdicts->setCurrentIndex(0);
    QCOMPARE(model->rowCount(), kPings);

    // Payload search, in slices off the GUI thread: every third ping carries the needle.
    auto *text = window.findChild<QLineEdit *>(u"filterText"_s);
    auto *payloads = window.findChild<QCheckBox *>(u"searchPayloads"_s);
    payloads->setChecked(true);
    text->setText(u"RARE.needle"_s);
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), kPings / 3, 10000);
    for (int row = 0; row < model->rowCount(); ++row)
        QCOMPARE(model->idAt(row) % 3, qint64(1)); // template 0: ids 1, 4, 7, ...
    // A new text drops the old matches.
    text->setText(u"no such text"_s);
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 0, 5000);
}

// The list is kept to a bounded size: past the limit (and a twentieth) the oldest rows go, from
// the list and the charts, and the status bar says the rest is in the store. The background
// load of a large store reads only the newest rows that fit.
void TestMainWindow::listStaysWithinItsLimit()
{
    QTemporaryDir dir;
    EngineOptions opts;
    opts.dbPath = dir.filePath(u"limit.pingscope"_s);
    opts.capture.port = 0;
    opts.validate = false;
    MainWindow window(opts);
    window.setListLimit(1000);
    window.show();
    PingTableModel *model = window.pingModel();
    std::vector<std::pair<PingRecord, quint64>> records;
    for (int i = 1; i <= 2500; ++i) {
        PingRecord r;
        r.receivedAtUs = 1764547200000000 + qint64(i) * 1000;
        r.method = u"POST"_s;
        r.ns = u"app"_s;
        r.docType = i % 2 ? u"odd"_s : u"even"_s;
        r.docId = u"doc-%1"_s.arg(i);
        r.verdict = u"parsed"_s;
        r.statusCode = 200;
        records.emplace_back(std::move(r), 0);
    }
    window.engine()->store()->enqueue(std::move(records));
    window.engine()->store()->flush();
    QTRY_COMPARE_WITH_TIMEOUT(model->newestId(), qint64(2500), 5000);
    QVERIFY2(model->totalCount() >= 1000 && model->totalCount() < 1050,
             qPrintable(QString::number(model->totalCount())));
    QCOMPARE(model->idAt(model->rowCount() - 1), 2500 - model->totalCount() + 1);
    QTRY_COMPARE_WITH_TIMEOUT(window.trafficView()->model()->entryCount(), model->totalCount(), 5000);
    auto *counts = window.findChild<QLabel *>(u"counts"_s);
    QVERIFY(counts);
    const QString older = QLocale().toString(2500 - model->totalCount());
    QVERIFY2(counts->text().contains(older + u" older in the store only"_s), qPrintable(counts->text()));

    // The background load stops at the rows that fit.
    BackgroundReader reader(opts.dbPath);
    QSignalSpy loaded(&reader, &BackgroundReader::olderLoaded);
    reader.loadOlder(2001, 700);
    QVERIFY(loaded.wait(10000));
    const PingTableModel::Rows rows = reader.takeOlderRows();
    QCOMPARE(rows.size(), size_t(700));
    QCOMPARE(rows.newestId(), qint64(2000));
}

// The store file deleted while the window captures: the next ping is answered 503 (not kept),
// the window says so and offers a new store; accepting makes one and capture goes on.
void TestMainWindow::storeDeletedOffersANewOne()
{
    QTemporaryDir dir;
    EngineOptions opts;
    opts.dbPath = dir.filePath(u"gone.pingscope"_s);
    opts.capture.port = 0;
    MainWindow window(opts);
    window.show();
    QVERIFY(window.engine()->isRunning());
    const QByteArray path = "/submit/org-mozilla-fenix/baseline/1/00000000-0000-4000-8000-00000000000";
    QCOMPARE(exchange(window.engine()->port(), buildRequest("POST", path + "1", {}, "{}")).status, 200);
    QVERIFY(QFile::remove(opts.dbPath));
    const HttpResponse r = exchange(window.engine()->port(), buildRequest("POST", path + "2", {}, "{}"));
    QCOMPARE(r.status, 503);
    QVERIFY2(r.body.contains("was deleted"), r.body.constData());
    QMessageBox *box = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((box = window.findChild<QMessageBox *>()) != nullptr && box->isVisible(), 5000);
    QVERIFY2(box->text().contains(u"answered 503 and not kept"_s), qPrintable(box->text()));
    QAbstractButton *recreate = nullptr;
    for (QAbstractButton *b : box->buttons())
        if (b->text() == u"Make a new store"_s)
            recreate = b;
    QVERIFY(recreate);
    recreate->click();
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(opts.dbPath) && window.engine()->isRunning(), 5000);
    QCOMPARE(exchange(window.engine()->port(), buildRequest("POST", path + "3", {}, "{}")).status, 200);
    // A new store: only what came after.
    StoreReader reader(opts.dbPath);
    QCOMPARE(reader.count(), 1);
    QVERIFY(reader.get(1)->docId.endsWith(u"3"_s));
}

// The Traffic dock: hidden at first, fed by the same batches as the list, and a click on a
// bar filters the list to its doc type and second; the filter bar shows the time range and
// clears it.
void TestMainWindow::trafficDockFiltersTheList()
{
    QTemporaryDir dir;
    EngineOptions opts;
    opts.dbPath = dir.filePath(u"t.pingscope"_s);
    opts.capture.port = 0;
    opts.validate = false;
    MainWindow window(opts);
    window.resize(1200, 900);
    window.show();
    QDockWidget *dock = window.trafficDock();
    QVERIFY(dock);
    QVERIFY(!dock->isVisible());
    const quint16 port = window.engine()->port();
    auto send = [&](const QByteArray &docType, int n, const QByteArray &body) {
        const QByteArray id = "00000000-0000-4000-8000-" + QByteArray::number(n).rightJustified(12, '0');
        return exchange(port, buildRequest("POST", "/submit/app-alpha/" + docType + "/1/" + id, {}, body))
            .status;
    };
    QCOMPARE(send("baseline", 1, "{}"), 200);
    QCOMPARE(send("metrics", 2, "{\"a\": 1}"), 200);
    QCOMPARE(send("baseline", 3, "not json"), 200);
    PingTableModel *model = window.pingModel();
    QTRY_COMPARE_WITH_TIMEOUT(model->totalCount(), 3, 5000);
    TrafficView *traffic = window.trafficView();
    QCOMPARE(traffic->model()->rowCount(), 0); // hidden: not computed yet
    QCOMPARE(traffic->model()->entryCount(), 3);

    // View > Traffic charts.
    QAction *toggle = dock->toggleViewAction();
    QCOMPARE(toggle->text(), u"&Traffic charts"_s);
    toggle->trigger();
    QVERIFY(dock->isVisible());
    QTRY_VERIFY(traffic->model()->rowCount() > 0);
    QCOMPARE(traffic->model()->docTypes(), (QStringList{u"baseline"_s, u"metrics"_s}));
    Chart *counts = traffic->countsChart();
    QTRY_COMPARE(counts->seriesCount(), 2);
    QVERIFY(!traffic->grab().isNull());
    // The baseline bar of the bucket of ping 1.
    const qint64 receivedUs =
        model->index(model->rowOfId(1), 0).data(PingTableModel::ReceivedUsRole).toLongLong();
    int bucket = -1;
    for (int row = 0; row < traffic->model()->rowCount(); ++row)
        if (traffic->model()->bucketStartUs(row) <= receivedUs &&
            receivedUs < traffic->model()->bucketStartUs(row) + traffic->model()->bucketWidthUs())
            bucket = row;
    QVERIFY(bucket >= 0);
    QVERIFY(counts->seriesPoints(0)[bucket].y() >= 1);
    Q_EMIT counts->pointClicked(0, bucket);
    const PingFilter f = model->filter();
    QCOMPARE(f.docType, u"baseline"_s);
    QCOMPARE(f.receivedFromUs, traffic->model()->bucketStartUs(bucket));
    QCOMPARE(f.receivedToUs, f.receivedFromUs + traffic->model()->bucketWidthUs());
    QVERIFY(model->rowOfId(1) >= 0);
    QVERIFY(model->rowOfId(2) < 0); // metrics
    auto *range = window.findChild<QToolButton *>(u"timeRangeFilter"_s);
    QVERIFY(range);
    QVERIFY(range->isVisible());
    QVERIFY2(range->text().startsWith(u"Received "_s), qPrintable(range->text()));
    auto *docTypes = window.findChild<QComboBox *>(u"docTypeFilter"_s);
    QVERIFY(docTypes);
    QCOMPARE(docTypes->currentData().toString(), u"baseline"_s); // the doc type choice follows

    // The Invalid series: problems only, the doc type choice back to all.
    Q_EMIT traffic->problemsChart()->legendClicked(0);
    QVERIFY(model->filter().problemsOnly);
    QVERIFY(model->filter().docType.isEmpty());
    QCOMPARE(model->filter().receivedFromUs, 0);
    QCOMPARE(model->rowCount(), 1);
    QCOMPARE(model->idAt(0), 3);
    QVERIFY(!range->isVisible());

    // A bucket, then the filter bar's button clears its time range.
    Q_EMIT traffic->problemsChart()->pointClicked(1, bucket); // duplicates in that bucket
    QVERIFY(range->isVisible());
    QVERIFY(model->filter().receivedFromUs != 0);
    QVERIFY(!model->filter().problemsOnly);
    QVERIFY(model->filter().duplicatesOnly);
    QCOMPARE(model->rowCount(), 0);
    range->click();
    QCOMPARE(model->filter().receivedFromUs, 0);
    QCOMPARE(model->filter().receivedToUs, 0);
    QVERIFY(!range->isVisible());
    auto *verdicts = window.findChild<QComboBox *>(u"verdictFilter"_s);
    QCOMPARE(verdicts->currentData().toString(), u"@duplicates"_s);
    verdicts->setCurrentIndex(0);
    QCOMPARE(model->rowCount(), 3);

    // A re-sent doc id is a duplicate: the Duplicates series lists just it.
    QCOMPARE(send("baseline", 1, "{}"), 200);
    QTRY_COMPARE_WITH_TIMEOUT(model->totalCount(), 4, 5000);
    Q_EMIT traffic->problemsChart()->legendClicked(1);
    QVERIFY(model->filter().duplicatesOnly);
    QCOMPARE(verdicts->currentData().toString(), u"@duplicates"_s);
    QCOMPARE(model->rowCount(), 1);
    QCOMPARE(model->idAt(0), 4);
}

void TestMainWindow::filterBarPauseAndCurlReplay()
{
    QTemporaryDir dir;
    EngineOptions opts;
    opts.dbPath = dir.filePath(u"f.pingscope"_s);
    opts.capture.port = 0;
    MainWindow window(opts);
    window.show();
    const quint16 port = window.engine()->port();
    auto send = [&](const QByteArray &ns, int n, const QByteArray &body,
                    const QList<HttpHeader> &headers = {}) {
        const QByteArray id = "00000000-0000-4000-8000-" + QByteArray::number(n).rightJustified(12, '0');
        return exchange(port, buildRequest("POST", "/submit/" + ns + "/custom/1/" + id, headers, gzip(body)))
            .status;
    };
    QCOMPARE(send("app-alpha", 1, "{}", {{"X-Source-Tags", "automation"}}), 200);
    QCOMPARE(send("app-beta", 2, "not json"), 200);
    QCOMPARE(send("app-beta", 3, "{}", {{"X-Debug-ID", "beta-tag"}}), 200);
    PingTableModel *model = window.pingModel();
    QTRY_COMPARE_WITH_TIMEOUT(model->totalCount(), 3, 5000);

    auto *text = window.findChild<QLineEdit *>(u"filterText"_s);
    QVERIFY(text);
    text->setText(u"BETA"_s); // case-insensitive, namespace or debug tag
    QCOMPARE(model->rowCount(), 2);
    text->clear();
    QCOMPARE(model->rowCount(), 3);
    // Payload text: found only when payloads are searched too.
    text->setText(u"app.clicks"_s);
    QCOMPARE(model->rowCount(), 0);
    auto *payloads = window.findChild<QCheckBox *>(u"searchPayloads"_s);
    QVERIFY(payloads);
    QCOMPARE(send("app-delta", 9, R"({"metrics":{"counter":{"app.clicks":7}}})"), 200);
    QTRY_COMPARE_WITH_TIMEOUT(model->totalCount(), 4, 5000);
    payloads->setChecked(true);
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, 3000);
    QCOMPARE(model->idAt(0), 4);
    payloads->setChecked(false);
    text->clear();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 4, 3000);
    auto *hide = window.findChild<QCheckBox *>(u"hideAutomation"_s);
    hide->setChecked(true);
    QCOMPARE(model->rowCount(), 3);
    hide->setChecked(false);
    const QList<QComboBox *> combos = {window.findChild<QComboBox *>(u"verdictFilter"_s),
                                       window.findChild<QComboBox *>(u"namespaceFilter"_s)};
    QVERIFY(combos[0] && combos[1]);
    combos[0]->setCurrentIndex(combos[0]->findData(u"@problems"_s));
    QCOMPARE(model->rowCount(), 4); // app-alpha, app-beta, app-delta are not registered; one is not JSON
    QTRY_VERIFY(combos[0]->findData(u"unregistered"_s) > 0);
    combos[0]->setCurrentIndex(combos[0]->findData(u"unregistered"_s));
    QCOMPARE(model->rowCount(), 3);
    combos[0]->setCurrentIndex(combos[0]->findData(u"not-json"_s));
    QCOMPARE(model->rowCount(), 1);
    combos[0]->setCurrentIndex(0);
    QTRY_VERIFY(combos[1]->findData(u"app-alpha"_s) > 0); // namespaces offered with counts
    combos[1]->setCurrentIndex(combos[1]->findData(u"app-beta"_s));
    QCOMPARE(model->rowCount(), 2);
    combos[1]->setCurrentIndex(0);

    // Paused: capture goes on, the list does not move; resumed: it catches up.
    window.setPaused(true);
    QCOMPARE(send("app-gamma", 4, "{}"), 200);
    QTest::qWait(300);
    QCOMPARE(model->totalCount(), 4);
    window.setPaused(false);
    QTRY_COMPARE_WITH_TIMEOUT(model->totalCount(), 5, 5000);

    // Copy as curl: the command replays the request byte for byte.
    StoreReader reader(opts.dbPath);
    const auto original = reader.get(3);
    QVERIFY(original);
    const QString cmd = MainWindow::curlCommand(*original, window.engine()->endpointUrl());
    QProcess sh;
    sh.start(u"bash"_s, {u"-c"_s, cmd});
    QVERIFY(sh.waitForFinished(20000));
    QCOMPARE(sh.exitCode(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(reader.count(), 6, 5000);
    const auto replayed = reader.get(6);
    QCOMPARE(replayed->body, original->body);
    QCOMPARE(replayed->path, original->path);
    QCOMPARE(replayed->debugId, u"beta-tag"_s);
}

void TestMainWindow::exampleDialogWritesExactFiles()
{
    QTemporaryDir dir;
    PingRecord valid;
    valid.id = 1;
    valid.ns = u"org-example-app"_s;
    valid.docType = u"baseline"_s;
    valid.docVersion = u"1"_s;
    valid.verdict = u"valid"_s;
    valid.payload = R"({"z":1,"a":2})";
    PingRecord invalid = valid;
    invalid.id = 2;
    invalid.verdict = u"invalid"_s;
    // One invalid ping: pre-filled as "fail".
    {
        ExampleDialog d({invalid}, dir.path());
        QCOMPARE(
            d.targetPaths(),
            QStringList{dir.filePath(u"validation/org-example-app/baseline.1.captured-invalid.fail.json"_s)});
        QVERIFY(d.warning().isEmpty());
        d.setPass(true); // warned about
        QVERIFY(d.warning().contains(u"invalid"_s));
    }
    // Two pings: numbered names; the file bytes are the pretty payload with keys in order.
    ExampleDialog d({valid, invalid}, dir.path());
    d.setName(u"first-run"_s);
    d.setPass(true);
    const QStringList paths = d.targetPaths();
    QCOMPARE(paths,
             (QStringList{dir.filePath(u"validation/org-example-app/baseline.1.first-run-1.pass.json"_s),
                          dir.filePath(u"validation/org-example-app/baseline.1.first-run-2.pass.json"_s)}));
    int asked = 0;
    d.setConfirmOverwrite([&](const QString &) {
        ++asked;
        return false;
    });
    QStringList errors;
    QCOMPARE(d.save(&errors), paths);
    QVERIFY(errors.isEmpty());
    QFile f(paths[0]);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), QByteArray("{\n  \"z\": 1,\n  \"a\": 2\n}\n"));
    // Saving again asks before replacing; a "no" keeps the files and reports why.
    QVERIFY(d.save(&errors).isEmpty());
    QCOMPARE(asked, 2);
    QCOMPARE(errors.size(), 2);
    d.setConfirmOverwrite([&](const QString &) { return true; });
    errors.clear();
    QCOMPARE(d.save(&errors), paths);
    // A bad name is refused.
    d.setName(u"bad name"_s);
    QVERIFY(!d.problems().isEmpty());
}

void TestMainWindow::settingsAreTheTestsOwn()
{
    QVERIFY(!g_settingsDir.isEmpty());
    const QString file = QSettings().fileName();
    QVERIFY2(file.startsWith(g_settingsDir + u'/'), qPrintable(file));
}

void TestMainWindow::liveListAndDetail()
{
    QTemporaryDir dir;
    EngineOptions opts;
    opts.dbPath = dir.filePath(u"w.pingscope"_s);
    opts.capture.port = 0;
    MainWindow window(opts);
    window.show();
    QVERIFY(window.engine()->isRunning());
    QVERIFY(window.windowTitle().contains(u"w.pingscope"_s));
    const quint16 port = window.engine()->port();
    const QByteArray good = R"({"ping_info": {"seq": 0, "start_time": "2026-11-23T02:19:24+00:00",
        "end_time": "2026-11-23T02:19:25+00:00"}, "client_info": {"telemetry_sdk_build": "1",
        "app_build": "1", "app_display_version": "1", "architecture": "x", "os": "Linux",
        "os_version": "6", "first_run_date": "2026-11-23+00:00"}})";
    QByteArray bad = good;
    bad.replace("\"seq\": 0", "\"seq\": \"zero\"");
    QCOMPARE(exchange(port,
                      buildRequest(
                          "POST", "/submit/org-mozilla-fenix/baseline/1/00000000-0000-4000-8000-000000000001",
                          {{"X-Debug-ID", "w-test"}}, good))
                 .status,
             200);
    QCOMPARE(exchange(port,
                      buildRequest(
                          "POST", "/submit/org-mozilla-fenix/baseline/1/00000000-0000-4000-8000-000000000002",
                          {}, bad))
                 .status,
             200);
    PingTableModel *model = window.pingModel();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, 5000);
    QCOMPARE(model->problemCount(), 1);
    // Newest on top: the invalid one; it is selected and its problems are listed with pointers.
    auto *table = window.findChild<QTableView *>(u"pings"_s);
    QVERIFY(table);
    table->selectRow(0);
    auto *summary = window.findChild<QLabel *>(u"problemsSummary"_s);
    QVERIFY(summary);
    QVERIFY2(summary->text().contains(u"Verdict: invalid"_s), qPrintable(summary->text()));
    auto *problems = window.findChild<QTreeWidget *>(u"problems"_s);
    QVERIFY(problems);
    QTreeWidgetItem *seqError = nullptr;
    for (int i = 0; i < problems->topLevelItemCount(); ++i)
        if (problems->topLevelItem(i)->text(1) == u"/ping_info/seq"_s)
            seqError = problems->topLevelItem(i);
    QVERIFY(seqError);
    QVERIFY(seqError->text(3).contains(u"should be an integer"_s));
    // Production reports one schema error (the first); the others are marked as not reported.
    int reported = 0;
    for (int i = 0; i < problems->topLevelItemCount(); ++i)
        reported += problems->topLevelItem(i)->text(2) == u"reported"_s;
    QCOMPARE(reported, 1);
    QVERIFY(seqError->text(2) == u"reported"_s || seqError->text(2) == u"not reported"_s);
    // Selecting the error reveals its node in the payload tree.
    problems->setCurrentItem(seqError);
    auto *tree = window.findChild<QTreeView *>(u"payloadTree"_s);
    QVERIFY(tree);
    QCOMPARE(tree->currentIndex().data(PayloadTreeModel::PointerRole).toString(), u"/ping_info/seq"_s);
    table->selectRow(1);
    QVERIFY(summary->text().contains(u"Verdict: valid"_s));
    QString all;
    for (auto *t : window.findChildren<QPlainTextEdit *>())
        all += t->toPlainText();
    QVERIFY(all.contains(u"X-Debug-ID: w-test"_s));
    QVERIFY(all.contains(u"\"client_info\""_s)); // the raw view
    // Open in the system JSON viewer: the desktop gets a file with the pretty payload.
    UrlCatcher catcher;
    QDesktopServices::setUrlHandler(u"file"_s, &catcher, "open");
    QAction *viewer = nullptr;
    for (QAction *a : window.findChildren<QAction *>())
        if (a->text() == u"&Open in JSON viewer"_s)
            viewer = a;
    QVERIFY(viewer);
    viewer->trigger();
    QDesktopServices::unsetUrlHandler(u"file"_s);
    QVERIFY(catcher.url.isLocalFile());
    QFile opened(catcher.url.toLocalFile());
    QVERIFY(opened.open(QIODevice::ReadOnly));
    QVERIFY(opened.readAll().startsWith("{\n  \"ping_info\": {"));
    // The overview of the selected ping.
    auto *overview = window.findChild<QTreeView *>(u"overview"_s);
    QVERIFY(overview);
    const auto *om = overview->model();
    QStringList sections;
    for (int i = 0; i < om->rowCount(); ++i)
        sections << om->index(i, 0).data().toString();
    QVERIFY2(sections.contains(u"client_info"_s), qPrintable(sections.join(u',')));
}

// The Faults dialog puts rules in force while capture runs, the status bar says so, and the
// Attempts tab shows the client's retries of one docId with what each was answered.
void TestMainWindow::faultRulesAndAttempts()
{
    QTemporaryDir dir;
    EngineOptions opts;
    opts.dbPath = dir.filePath(u"f.pingscope"_s);
    opts.capture.port = 0;
    MainWindow window(opts);
    window.show();
    auto *status = window.findChild<QToolButton *>(u"faultsStatus"_s);
    QVERIFY(status);
    QVERIFY(!status->isVisible());
    {
        FaultsDialog dialog(window.engine()->faults(), &window);
        dialog.setRuleTexts({u"first=2,status=503"_s, u"explode"_s});
        QVERIFY(!dialog.apply()); // a row that does not read: nothing changes
        QVERIFY(dialog.findChild<QLabel *>(u"faultMessage"_s)->text().contains(u"Rule 2"_s));
        QVERIFY(!window.engine()->faults()->active());
        dialog.setRuleTexts({u"first=2,status=503"_s});
        QVERIFY(dialog.apply());
    }
    QCOMPARE(window.engine()->faults()->rules().size(), 1u);
    QTRY_VERIFY_WITH_TIMEOUT(status->isVisible(), 3000);
    QVERIFY2(status->text().contains(u"1 rule"_s), qPrintable(status->text()));

    const quint16 port = window.engine()->port();
    const QByteArray path = "/submit/org-mozilla-fenix/baseline/1/00000000-0000-4000-8000-0000000000aa";
    for (int expected : {503, 503, 200})
        QCOMPARE(exchange(port, buildRequest("POST", path, {}, R"({"ping_info":{"seq":1}})")).status,
                 expected);
    PingTableModel *model = window.pingModel();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 3, 5000);
    auto *table = window.findChild<QTableView *>(u"pings"_s);
    table->selectRow(0);
    auto *panel = window.findChild<AttemptsPanel *>(u"attemptsPanel"_s);
    QVERIFY(panel);
    QVERIFY2(panel->summary().contains(u"3 requests"_s), qPrintable(panel->summary()));
    QVERIFY2(panel->summary().contains(u"503, 503, 200"_s), qPrintable(panel->summary()));
    auto *list = panel->findChild<QTreeWidget *>(u"attempts"_s);
    QCOMPARE(list->topLevelItemCount(), 3);
    QVERIFY(list->topLevelItem(0)->text(5).contains(u"rule 1"_s));
    QVERIFY(list->topLevelItem(2)->text(5).isEmpty());
    QVERIFY(list->currentItem() == list->topLevelItem(2)); // the selected ping is the 3rd attempt
    // Activating the first attempt selects it in the list.
    Q_EMIT list->itemActivated(list->topLevelItem(0), 0);
    QCOMPARE(model->idAt(table->currentIndex().row()),
             list->topLevelItem(0)->data(0, Qt::UserRole).toLongLong());

    window.engine()->faults()->setRules({});
    QTRY_VERIFY_WITH_TIMEOUT(!status->isVisible(), 3000);
}

// Ping > Compare on two selected pings of one client: the seq gap first, then the differences.
void TestMainWindow::compareTwoPings()
{
    QTemporaryDir dir;
    EngineOptions opts;
    opts.dbPath = dir.filePath(u"c.pingscope"_s);
    opts.capture.port = 0;
    MainWindow window(opts);
    window.show();
    const quint16 port = window.engine()->port();
    for (int seq : {4, 6}) {
        const QByteArray body =
            R"({"ping_info":{"seq":)" + QByteArray::number(seq) +
            R"(,"reason":"active"},"client_info":{"client_id":"c0ffee00-0000-4000-8000-000000000001"},"metrics":{"counter":{"app.opened":)" +
            QByteArray::number(seq * 10) + "}}}";
        QCOMPARE(
            exchange(port,
                     buildRequest("POST",
                                  "/submit/org-mozilla-fenix/baseline/1/00000000-0000-4000-8000-00000000000" +
                                      QByteArray::number(seq),
                                  {}, body))
                .status,
            200);
    }
    QTRY_COMPARE_WITH_TIMEOUT(window.pingModel()->rowCount(), 2, 5000);
    auto *table = window.findChild<QTableView *>(u"pings"_s);
    table->selectAll();
    QAction *compare = nullptr;
    for (QAction *a : window.findChildren<QAction *>())
        if (a->text() == u"Co&mpare the two selected pings"_s)
            compare = a;
    QVERIFY(compare);
    QStringList pointers;
    QString notes;
    QTimer::singleShot(0, &window, [&] {
        auto *dialog = qobject_cast<CompareDialog *>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        notes = dialog->notesText();
        for (int i = 0; i < dialog->entries()->topLevelItemCount(); ++i)
            pointers << dialog->entries()->topLevelItem(i)->text(1);
        dialog->reject();
    });
    compare->trigger();
    QVERIFY2(notes.contains(u"4 → 6"_s), qPrintable(notes));
    QCOMPARE(pointers, (QStringList{u"/ping_info/seq"_s, u"/metrics/counter/app.opened"_s}));
}

// File > Import (and drops) read a capture folder; File > Export writes what the list shows.
void TestMainWindow::importAndExport()
{
    QTemporaryDir dir;
    EngineOptions opts;
    opts.dbPath = dir.filePath(u"i.pingscope"_s);
    opts.capture.port = 0;
    MainWindow window(opts);
    window.show();
    QSignalSpy imported(&window, &MainWindow::importFinished);
    window.importPaths({dataDir() + u"/captured-requests/firefox-esr"_s, dir.filePath(u"missing.ndjson"_s)});
    QVERIFY(imported.wait(10000));
    QCOMPARE(imported.at(0).at(0).toLongLong(), 23);
    QCOMPARE(imported.at(0).at(1).toStringList().size(), 1); // the missing file, named
    QVERIFY(imported.at(0).at(1).toStringList().constFirst().contains(u"missing.ndjson"_s));
    PingTableModel *model = window.pingModel();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 23, 10000);
    StoreReader reader(opts.dbPath);
    const auto newest = reader.get(reader.newestId());
    QVERIFY(newest && newest->source.startsWith(u"import: "_s));

    QSignalSpy exported(&window, &MainWindow::exportFinished);
    const QString ndjson = dir.filePath(u"out.ndjson"_s), har = dir.filePath(u"out.har"_s);
    window.exportTo(ndjson, false);
    QVERIFY(exported.wait(10000));
    QCOMPARE(exported.at(0).at(0).toLongLong(), 23);
    QFile f(ndjson);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll().count('\n'), 23);
    window.exportTo(har, false);
    QVERIFY(exported.wait(10000));
    QFile h(har);
    QVERIFY(h.open(QIODevice::ReadOnly));
    const QByteArray text = h.readAll();
    const auto doc = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    QVERIFY(!doc.is_discarded());
    QCOMPARE(doc["log"]["entries"].size(), 23u);
}

void TestMainWindow::connectSnippetsNameThePort()
{
    const auto snippets = ConnectDialog::snippets(u"http://127.0.0.1:4321"_s, 4321);
    QVERIFY(snippets.size() >= 6);
    QStringList titles;
    for (const auto &s : snippets) {
        titles << s.title;
        if (s.title != u"Tags"_s)
            QVERIFY2(s.text.contains(u"4321"_s), qPrintable(s.title));
    }
    for (const auto &want :
         {u"Kotlin (Android)"_s, u"Swift (iOS)"_s, u"Rust"_s, u"Python"_s, u"Firefox"_s, u"Glean.js"_s})
        QVERIFY(titles.contains(want));
    const QString firefox = snippets[4].text;
    QVERIFY(firefox.contains(u"telemetry.fog.test.localhost_port\", 4321"_s));
    QVERIFY(firefox.contains(u"toolkit.telemetry.server\", \"http://127.0.0.1:4321\""_s));
    ConnectDialog dialog(u"http://127.0.0.1:4321"_s, 4321);
    QCOMPARE(dialog.findChild<QTabWidget *>()->count(), snippets.size());
}

// Real Firefox and Glean.js pings through the window's engine (bundled registry): the Problems
// tab says the verdict in production's terms, marks the error production reports (Ctrl+C copies
// its error_message) and generic-schema errors of an unregistered ping; the Overview starts with
// the Pipeline; a metric that is not a BigQuery column is marked in Metrics and Tree.
void TestMainWindow::productionVerdicts()
{
    QTemporaryDir dir;
    EngineOptions opts;
    opts.dbPath = dir.filePath(u"p.pingscope"_s);
    opts.capture.port = 0;
    MainWindow window(opts);
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QVERIFY(window.engine()->isRunning());
    const quint16 port = window.engine()->port();

    CapturedRequest baseline, gleanjs, newtab;
    for (const auto &c : loadCapturedRequests()) {
        if (c.name == u"firefox-esr/005-POST-firefox-desktop_baseline")
            baseline = c;
        else if (c.name == u"gleanjs/001-POST-peers-gleanjs-node_events")
            gleanjs = c;
        else if (c.name == u"firefox-esr/003-POST-firefox-desktop_newtab")
            newtab = c;
    }
    QVERIFY(!baseline.body.isEmpty() && !gleanjs.body.isEmpty() && !newtab.body.isEmpty());
    // The captured headers, without those buildRequest writes and those named in `drop`.
    const auto headersOf = [](const CapturedRequest &c, QList<QByteArray> drop) {
        drop << "content-length"
             << "host";
        QList<HttpHeader> out;
        for (const auto &h : c.headers)
            if (!drop.contains(h.name.toLower()))
                out.append(h);
        return out;
    };
    const auto send = [&](const CapturedRequest &c, const QByteArray &docId, const QList<HttpHeader> &headers,
                          const QByteArray &body) {
        QByteArray url = c.url;
        url.truncate(url.lastIndexOf('/') + 1);
        return exchange(port, buildRequest("POST", url + docId, headers, body)).status;
    };
    QCOMPARE(exchange(port, baseline.wire()).status, 200); // 1 valid
    QCOMPARE(send(baseline, "00000000-0000-4000-8000-000000000002",
                  headersOf(baseline, {"x-telemetry-agent"}), baseline.body),
             200);                                        // 2 rejected
    QCOMPARE(exchange(port, gleanjs.wire()).status, 200); // 3 unregistered
    QByteArray badSeq = gleanjs.decodedJson;
    QVERIFY(badSeq.contains("\"seq\":"));
    badSeq.replace("\"seq\":", "\"seq\":\"zero\",\"was\":");
    QCOMPARE(send(gleanjs, "00000000-0000-4000-8000-000000000004", headersOf(gleanjs, {"content-encoding"}),
                  badSeq),
             200); // 4 unregistered, generic errors
    auto doc = nlohmann::json::parse(newtab.decodedJson.begin(), newtab.decodedJson.end());
    doc["metrics"]["counter"]["newtab.undeclared_clicks"] = 3;
    QCOMPARE(send(newtab, "00000000-0000-4000-8000-000000000005", headersOf(newtab, {}),
                  gzip(QByteArray::fromStdString(doc.dump()))),
             200); // 5 valid, bq-column
    PingTableModel *model = window.pingModel();
    QTRY_COMPARE_WITH_TIMEOUT(model->totalCount(), 5, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 5, 5000);

    auto *table = window.findChild<QTableView *>(u"pings"_s);
    auto *tabs = window.findChild<QTabWidget *>();
    auto *summary = window.findChild<QLabel *>(u"problemsSummary"_s);
    auto *problems = window.findChild<QTreeWidget *>(u"problems"_s);
    auto *overview = window.findChild<QTreeView *>(u"overview"_s);
    QVERIFY(table && tabs && summary && problems && overview);
    const auto select = [&](qint64 id) {
        const int row = model->rowOfId(id);
        QVERIFY(row >= 0);
        table->selectRow(row);
        table->setCurrentIndex(model->index(row, 0));
    };
    const auto itemWhere = [&](int column, const QString &text) -> QTreeWidgetItem * {
        for (int i = 0; i < problems->topLevelItemCount(); ++i)
            if (problems->topLevelItem(i)->text(column) == text)
                return problems->topLevelItem(i);
        return nullptr;
    };
    const int problemsTab = tabs->indexOf(problems->parentWidget());
    QVERIFY(problemsTab >= 0);
    QCOMPARE(tabs->tabText(problemsTab), u"Problems"_s);
    QCOMPARE(problems->headerItem()->text(2), u"Production"_s);

    // Rejected by the scrubber: the headline, the reported decoder error, Ctrl+C.
    select(2);
    QCOMPARE(model
                 ->data(table->currentIndex().siblingAtColumn(PingTableModel::Verdict),
                        PingTableModel::VerdictRole)
                 .toString(),
             u"rejected"_s);
    QVERIFY2(summary->text().contains(
                 u"Rejected: the decoder sends it to the error table (MessageScrubber 1684980): "
                 u"firefox-desktop pings need a User-Agent or X-Telemetry-Agent starting with "_s),
             qPrintable(summary->text()));
    QVERIFY2(summary->text().contains(u"error_message <code>com.mozilla.telemetry.decoder.MessageScrubber$"
                                      u"UnwantedDataException: 1684980</code>"_s),
             qPrintable(summary->text()));
    QTreeWidgetItem *reported = itemWhere(2, u"reported"_s);
    QVERIFY(reported);
    QCOMPARE(reported->text(0), u"decoder"_s);
    QCOMPARE(reported->text(1), u"ParsePayload"_s);
    QVERIFY(reported->font(2).bold());
    QVERIFY(!reported->icon(2).isNull());
    QVERIFY2(reported->toolTip(2).contains(u"error_message: com.mozilla.telemetry.decoder.MessageScrubber$"
                                           u"UnwantedDataException: 1684980"_s),
             qPrintable(reported->toolTip(2)));
    QVERIFY(reported->toolTip(2).contains(u"exception_class: com.mozilla.telemetry.decoder.MessageScrubber$"
                                          u"UnwantedDataException"_s));
    tabs->setCurrentIndex(problemsTab);
    problems->setCurrentItem(reported);
    problems->setFocus();
    QTRY_VERIFY(problems->hasFocus());
    QApplication::clipboard()->clear();
    QTest::keySequence(problems, QKeySequence::Copy);
    QCOMPARE(QApplication::clipboard()->text(),
             u"com.mozilla.telemetry.decoder.MessageScrubber$UnwantedDataException: 1684980"_s);
    // The seq warning (a re-send of ping 1's seq) is a warning, not reported.
    QTreeWidgetItem *seq = itemWhere(0, u"seq"_s);
    QVERIFY(seq);
    QCOMPARE(seq->text(2), u"warning"_s);
    QApplication::clipboard()->clear();
    problems->setCurrentItem(seq);
    QTest::keySequence(problems, QKeySequence::Copy);
    QCOMPARE(QApplication::clipboard()->text(), seq->text(3)); // not a production error: its message

    // The Overview starts with the Pipeline; Ctrl+C copies the whole outcome.
    tabs->setCurrentWidget(overview);
    const QAbstractItemModel *om = overview->model();
    QCOMPARE(om->index(0, 0).data().toString(), u"Pipeline"_s);
    const QModelIndex outcome = om->index(0, 1, om->index(0, 0));
    QCOMPARE(om->index(0, 0, om->index(0, 0)).data().toString(), u"Outcome"_s);
    QCOMPARE(outcome.data().toString(), u"Error table payload_bytes_error.structured"_s);
    overview->setFocus();
    overview->setCurrentIndex(outcome);
    QTRY_VERIFY(overview->hasFocus());
    QTest::keySequence(overview, QKeySequence::Copy);
    QCOMPARE(QApplication::clipboard()->text(),
             u"Error table payload_bytes_error.structured: com.mozilla.telemetry.decoder.MessageScrubber$"
             u"UnwantedDataException: 1684980"_s);

    // Kept, with the automation tag.
    select(1);
    QVERIFY2(summary->text().contains(
                 u"Valid: production keeps it in firefox_desktop.baseline_v1, live table only: "
                 u"the automation source tag keeps it out of the stable tables"_s),
             qPrintable(summary->text()));
    QCOMPARE(om->index(0, 1, om->index(0, 0)).data().toString(), u"Kept: firefox_desktop.baseline_v1"_s);

    // Unregistered: No such docType, and the generic schema's errors for information only.
    select(3);
    QVERIFY2(summary->text().contains(
                 u"Unregistered: the decoder sends it to the error table "
                 u"(SchemaNotFoundException): No such docType: peers-gleanjs-node/events; the "
                 u"body would pass glean/glean/glean.1 once registered"_s),
             qPrintable(summary->text()));
    QVERIFY(itemWhere(2, u"reported"_s));
    QVERIFY(!itemWhere(2, u"for information (generic schema)"_s)); // the body passes the generic schema
    select(4);
    QVERIFY2(summary->text().contains(u"No such docType: peers-gleanjs-node/events; the body fails "
                                      u"glean/glean/glean.1 too"_s),
             qPrintable(summary->text()));
    QTreeWidgetItem *generic = itemWhere(1, u"/ping_info/seq"_s);
    QVERIFY(generic);
    QCOMPARE(generic->text(0), u"schema"_s);
    QCOMPARE(generic->text(2), u"for information (generic schema)"_s);
    QVERIFY(generic->font(2).italic());
    QVERIFY(itemWhere(2, u"reported"_s)); // the SchemaNotFoundException is what production reports
    QCOMPARE(itemWhere(2, u"reported"_s)->text(0), u"decoder"_s);

    // A counter the newtab table has no column for: marked in the Metrics and Tree tabs.
    select(5);
    auto *metricsView = window.findChild<QTreeView *>(u"metrics"_s);
    QVERIFY(metricsView);
    auto *metrics = qobject_cast<MetricsModel *>(metricsView->model());
    QVERIFY(metrics);
    const QModelIndex counter = metrics->indexOf(u"counter"_s, u"newtab.undeclared_clicks"_s);
    QVERIFY(counter.isValid());
    QVERIFY2(counter.data(MetricsModel::WarningRole)
                 .toString()
                 .contains(u"is not a column of firefox_desktop.newtab_v1"_s),
             qPrintable(counter.data(MetricsModel::WarningRole).toString()));
    QCOMPARE(counter.data(Qt::DecorationRole).metaType(), QMetaType::fromType<QIcon>());
    QTreeWidgetItem *bq = itemWhere(0, u"bq-column"_s);
    QVERIFY(bq);
    QCOMPARE(bq->text(1), u"/metrics/counter/newtab.undeclared_clicks"_s);
    QCOMPARE(bq->text(2), u"additional_properties"_s);
    auto *tree = window.findChild<QTreeView *>(u"payloadTree"_s);
    QVERIFY(tree);
    auto *treeModel = qobject_cast<PayloadTreeModel *>(tree->model());
    const QModelIndex node = treeModel->indexForPointer(u"/metrics/counter/newtab.undeclared_clicks"_s);
    QVERIFY(node.isValid());
    QVERIFY(!node.data(PayloadTreeModel::WarningRole).toString().isEmpty());
    QVERIFY(tree->isExpanded(node.parent())); // shown, not left collapsed
    QVERIFY(tree->isExpanded(node.parent().parent()));

    // The verdict legend: the filter's items say what each verdict means in production.
    auto *verdicts = window.findChild<QComboBox *>(u"verdictFilter"_s);
    QVERIFY(verdicts);
    for (const QString &v : {u"unregistered"_s, u"rejected"_s, u"dropped"_s})
        QVERIFY2(
            verdicts->itemData(verdicts->findData(v), Qt::ToolTipRole).toString().startsWith(v + u": "_s),
            qPrintable(v));
    QVERIFY(verdicts->toolTip().contains(u"dropped: removed by the decoder without an error row"_s));
}

int main(int argc, char **argv)
{
    QTemporaryDir settingsDir;
    g_settingsDir = settingsDir.path();
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, g_settingsDir);
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(u"Pingscope"_s);
    QCoreApplication::setApplicationName(u"tst_mainwindow"_s);
    app.setAttribute(Qt::AA_Use96Dpi, true);
    TestMainWindow test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "tst_mainwindow.moc"
