// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "engine.h"
#include "eventspanel.h"

#include <QMainWindow>
#include <QMessageBox>
#include <QPointer>
#include <QTemporaryDir>

#include <memory>
#include <vector>

class QAction;
class QCheckBox;
class QComboBox;
class QDockWidget;
class QToolButton;
class QLineEdit;
class QLabel;
class QMenu;
class QSplitter;
class QTreeView;
class QTreeWidget;
class QPlainTextEdit;
class QTableView;
class QTabWidget;
class QTimer;

namespace pingscope {

class AttemptsPanel;
class BackgroundReader;
class PingTableModel;
class PingOverviewModel;
class MetricsModel;
class MetricChart;
class PayloadTreeModel;
class RawView;
class TrafficView;
struct TrafficSelection;
class StoreReader;

// The main window: the capture engine runs inside it; the list shows what arrived, live,
// and the tabs show the selected request.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(const EngineOptions &options, QWidget *parent = nullptr);
    ~MainWindow() override;

    Engine *engine() { return m_engine.get(); }
    PingTableModel *pingModel() { return m_model; }
    TrafficView *trafficView() { return m_traffic; }
    QDockWidget *trafficDock() { return m_trafficDock; }
    // Filters the list as a click on the traffic charts asks (doc type, verdict, time range).
    void applyTrafficSelection(const TrafficSelection &selection);
    // The list's received-time range (from the traffic charts); 0, 0: none.
    void setTimeRangeFilter(qint64 fromUs, qint64 toUs);
    // Reads newly committed pings into the list now (normally on a short timer).
    void refreshNow();

private:
    void startEngine(const EngineOptions &options);
    // The store file was deleted or replaced: offer a new one (restarting the engine).
    void offerStoreRecreation(const QString &why);
    QPointer<QMessageBox> m_storeGoneBox;
    void scheduleRefresh();
    void applyUpdates();
    void updateSchemaStatus(); // the status bar's schemas and registry, and its tooltip
    void showSelected();
    void clearAll();
    void updateStatus();
    void chooseSchemas();
    void saveAsExample();
    void openStore();
    void openStorePath(const QString &path);
    void rememberStore(const QString &path);
    void rebuildRecentMenu();
    void copyPayload();
    void copyAsCurl();
    void openInViewer();
    QWidget *makeFilterBar();
    void applyFilter();
    void adoptOlderRows(qint64 count, qint64 ms, const QString &error);
    void takePayloadMatches(quint64 search, const std::vector<qint64> &ids, qint64 searchedToId, bool done);
    void runPayloadSearch();
    void refreshFilterChoices();
    void selectNewest();
    std::vector<PingRecord> streamPings(EventsPanel::Scope scope, const PingRecord &current, qint64 afterId,
                                        int limit);
    void clearDetail();
    void revealProblem();
    void showProblems(const PingRecord &record);
    // Copy for the Problems tab: the production error message of the current error when it is
    // the one production reports, else its message. False when there is nothing to copy.
    bool copyProblem();
    bool copyOverview();
    void plotCurrentMetric();
    void reselectPlottedMetric();

public:
    // File > Import… and files dropped on the window: read on a thread of their own (readAny),
    // then checked and stored as if posted. importFinished() once their requests are queued.
    void importPaths(const QStringList &paths);
    // File > Export…: the selected pings (two or more), else every ping the filter shows, as
    // Pingscope NDJSON or HAR 1.2 (by the file name's extension), written on a thread of its own.
    void exportTo(const QString &path, bool selectionOnly);

Q_SIGNALS:
    void importFinished(qint64 requests, const QStringList &problems);
    void exportFinished(qint64 requests, const QString &error);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    // Ctrl+C in the Overview and Problems tabs copies what they show, not the payload.
    bool eventFilter(QObject *watched, QEvent *event) override;

public:
    bool isPaused() const { return m_paused; }
    // At most this many pings are listed (the newest; the store keeps them all): the window's
    // memory stays bounded however long it captures. 1,000,000 unless set (tests).
    void setListLimit(qint64 rows) { m_listLimit = std::max<qint64>(1, rows); }
    qint64 listLimit() const { return m_listLimit; }
    // Paused: the list stops moving; capture goes on and the list catches up on resume.
    void setPaused(bool paused);
    // A shell command that replays the request of ping `id` (body via base64, so gzip works).
    static QString curlCommand(const PingRecord &record, const QString &endpointUrl);

    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<StoreReader> m_reader;
    // The long reads (the rest of a large store at start, payload search), off the GUI thread.
    std::unique_ptr<BackgroundReader> m_background;
    qint64 m_loadUpdatedFirst = 0, m_loadUpdatedLast = 0; // re-checked while loading older rows
    QString m_loadText;                                   // the status bar's load progress, "" when idle
    quint64 m_payloadSearch = 0;                          // the search whose matches are wanted
    QString m_payloadSearchText; // the status bar's payload search progress, "" when idle
    QTimer *m_payloadApplyTimer = nullptr;
    qint64 m_listLimit = 1'000'000;
    qint64 m_unlisted = 0; // older pings dropped from the list to keep it within m_listLimit
    void trimList();
    void clearLists(); // the list, the charts and what the background reads for them
    static void widenRange(qint64 &lo, qint64 &hi, qint64 first, qint64 last); // lo 0: empty
    void noteUpdated(qint64 first, qint64 last); // rows re-checked: applyUpdates() re-reads them
    void dropPayloadMatches();
    void countUnlisted(); // m_unlisted: the pings older than the oldest listed
    PingTableModel *m_model = nullptr;
    QLineEdit *m_filterText = nullptr;
    QComboBox *m_verdictFilter = nullptr;
    QComboBox *m_nsFilter = nullptr;
    QComboBox *m_docTypeFilter = nullptr;
    QComboBox *m_debugFilter = nullptr;
    QCheckBox *m_hideAutomation = nullptr;
    QCheckBox *m_searchPayloads = nullptr;
    QTimer *m_payloadSearchTimer = nullptr;
    std::vector<qint64> m_payloadIds; // pings whose payload contains the filter text
    QTableView *m_table = nullptr;
    QTabWidget *m_tabs = nullptr;
    PingOverviewModel *m_overview = nullptr;
    QTreeView *m_overviewView = nullptr;
    MetricsModel *m_metrics = nullptr;
    EventsPanel *m_eventsPanel = nullptr;
    AttemptsPanel *m_attempts = nullptr;
    QToolButton *m_faultsButton = nullptr; // the status bar says when fault rules are active
    void editFaults();
    void compareSelected();
    void updateFaultsStatus();
    QTreeView *m_metricsView = nullptr;
    MetricChart *m_metricChart = nullptr;
    QSplitter *m_metricsSplit = nullptr;
    QStringList m_plottedMetric; // type, metric[, label] of the plotted metric, kept across pings
    PayloadTreeModel *m_tree = nullptr;
    QTreeView *m_treeView = nullptr;
    RawView *m_raw = nullptr;
    QTreeWidget *m_problems = nullptr;
    QLabel *m_problemsSummary = nullptr;
    QPlainTextEdit *m_headers = nullptr;
    QLabel *m_endpoint = nullptr;
    QLabel *m_counts = nullptr;
    QLabel *m_schemaStatus = nullptr;
    QSplitter *m_split = nullptr;
    QMenu *m_recentMenu = nullptr;
    QAction *m_followAction = nullptr;
    QAction *m_pauseAction = nullptr;
    bool m_paused = false;
    QTemporaryDir m_viewerDir; // payloads handed to the system JSON viewer
    EngineOptions m_options;
    QTimer *m_refreshTimer = nullptr;
    QTimer *m_updateTimer = nullptr;              // re-validated rows, applied a few times a second
    qint64 m_updatedFirst = 0, m_updatedLast = 0; // the range waiting for it
    QString m_revalidationText;                   // the status bar's re-check progress, "" when idle
    TrafficView *m_traffic = nullptr;
    QDockWidget *m_trafficDock = nullptr;
    QToolButton *m_timeRange = nullptr; // shows the time range filter; a click clears it
    qint64 m_timeFromUs = 0, m_timeToUs = 0;
    QString m_startError;
};

} // namespace pingscope
