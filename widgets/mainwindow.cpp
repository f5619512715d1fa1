// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "mainwindow.h"
#include "attemptspanel.h"
#include "comparedialog.h"
#include "faultsdialog.h"
#include "share/exportwriter.h"
#include "share/readany.h"

#include "backgroundreader.h"

#include <QElapsedTimer>

#include "validation/registry.h"

#include "connectdialog.h"
#include "eventspanel.h"
#include "exampledialog.h"
#include "markers.h"
#include "metricchart.h"
#include "metricsmodel.h"
#include "payloadtreemodel.h"
#include "ping/decode.h"
#include "pingoverviewmodel.h"
#include "pingtablemodel.h"
#include "productionverdict.h"
#include "rawview.h"
#include "schemadialog.h"
#include "store/store.h"
#include "trafficview.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QDesktopServices>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollBar>
#include <QSettings>
#include <QShortcut>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QTreeView>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

#include <thread>

using namespace Qt::StringLiterals;

namespace pingscope {

namespace {

// The Problems tab's columns, and what its items keep.
enum ProblemColumn
{
    ProblemKind,
    ProblemWhere,
    ProblemProduction,
    ProblemMessage
};
constexpr int ProductionMessageRole = Qt::UserRole + 2; // error_message of the reported error

const QColor kErrorText(0xc0, 0x1c, 0x28);
const QColor kInfoText(0x6b, 0x72, 0x80);

QString jsonText(const nlohmann::json &obj, const char *key)
{
    const auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
}

} // namespace

MainWindow::MainWindow(const EngineOptions &options, QWidget *parent)
    : QMainWindow(parent), m_engine(std::make_unique<Engine>())
{
    setWindowTitle(u"Pingscope — %1"_s.arg(QFileInfo(options.dbPath).fileName()));
    resize(1200, 760);

    auto *fileMenu = menuBar()->addMenu(tr("&File"));
    auto *openAction = fileMenu->addAction(tr("&Open store…"), this, &MainWindow::openStore);
    openAction->setShortcut(QKeySequence::Open);
    m_recentMenu = fileMenu->addMenu(tr("Recent stores"));
    fileMenu->addSeparator();
    auto *quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    auto *captureMenu = menuBar()->addMenu(tr("&Capture"));
    m_pauseAction = captureMenu->addAction(tr("&Pause live updates"));
    m_pauseAction->setCheckable(true);
    m_pauseAction->setShortcut(Qt::CTRL | Qt::Key_P);
    m_pauseAction->setToolTip(tr("Stop updating the list; capture goes on"));
    connect(m_pauseAction, &QAction::toggled, this, &MainWindow::setPaused);
    m_followAction = captureMenu->addAction(tr("&Follow newest"));
    m_followAction->setCheckable(true);
    m_followAction->setChecked(true);
    m_followAction->setToolTip(tr("Select each new ping as it arrives"));
    captureMenu->addSeparator();
    auto *faultsAction = captureMenu->addAction(tr("&Faults…"), this, &MainWindow::editFaults);
    faultsAction->setToolTip(tr("Make the endpoint fail on purpose, to test your app's retries"));
    auto *pingMenu = menuBar()->addMenu(tr("P&ing"));
    auto *copyPayloadAction = pingMenu->addAction(tr("&Copy payload"), this, &MainWindow::copyPayload);
    copyPayloadAction->setShortcut(QKeySequence::Copy);
    pingMenu->addAction(tr("Copy as c&url command"), this, &MainWindow::copyAsCurl);
    pingMenu->addAction(tr("&Open in JSON viewer"), this, &MainWindow::openInViewer);
    pingMenu->addAction(tr("&Save as schema example…"), this, &MainWindow::saveAsExample);
    fileMenu->insertAction(quit, fileMenu->addAction(tr("&Import…"), this, [this] {
        const QStringList files = QFileDialog::getOpenFileNames(
            this, tr("Import requests"), QString(),
            tr("Captures (*.ndjson *.jsonl *.har *.json *.meta.json *.log *.txt);;All files (*)"));
        if (!files.isEmpty())
            importPaths(files);
    }));
    fileMenu->insertAction(quit, fileMenu->addAction(tr("&Export…"), this, [this] {
        QString filter;
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Export requests"), u"pings.ndjson"_s,
                                         tr("Pingscope NDJSON (*.ndjson);;HAR 1.2 (*.har)"), &filter);
        if (!path.isEmpty())
            exportTo(path, m_table->selectionModel()->selectedRows().size() > 1);
    }));
    fileMenu->insertSeparator(quit);
    setAcceptDrops(true);
    auto *compareAction =
        pingMenu->addAction(tr("Co&mpare the two selected pings"), this, &MainWindow::compareSelected);
    compareAction->setShortcut(Qt::CTRL | Qt::Key_D);
    compareAction->setToolTip(tr("Select two pings (Ctrl+click) and compare their payloads key by key"));
    auto *viewMenu = menuBar()->addMenu(tr("&View"));

    auto *bar = addToolBar(tr("Capture"));
    bar->setObjectName(u"captureToolbar"_s);
    bar->setMovable(false);
    m_endpoint = new QLabel(this);
    m_endpoint->setTextInteractionFlags(Qt::TextSelectableByMouse);
    bar->addWidget(m_endpoint);
    auto *copy = bar->addAction(tr("Copy URL"));
    connect(copy, &QAction::triggered, this, [this] {
        if (m_engine->isRunning())
            QApplication::clipboard()->setText(m_engine->endpointUrl());
    });
    auto *connectApp = bar->addAction(tr("Connect your app…"));
    connect(connectApp, &QAction::triggered, this, [this] {
        if (!m_engine->isRunning())
            return;
        ConnectDialog dialog(m_engine->endpointUrl(), m_engine->port(), this);
        dialog.exec();
    });
    captureMenu->addAction(copy);
    captureMenu->addAction(connectApp);
    bar->addSeparator();
    bar->addAction(m_pauseAction);
    bar->addAction(m_followAction);
    auto *clear = bar->addAction(tr("Clear…"));
    captureMenu->addSeparator();
    captureMenu->addAction(clear);
    connect(clear, &QAction::triggered, this, &MainWindow::clearAll);
    bar->addSeparator();
    // Counts and schemas live in the status bar, where they have room.
    m_counts = new QLabel(this);
    m_counts->setObjectName(u"counts"_s);
    statusBar()->addPermanentWidget(m_counts);
    bar->addSeparator();
    auto *saveExampleAction = bar->addAction(tr("Save as example…"));
    saveExampleAction->setToolTip(
        tr("Save the selected pings as mozilla-pipeline-schemas validation examples"));
    connect(saveExampleAction, &QAction::triggered, this, &MainWindow::saveAsExample);
    auto *schemas = bar->addAction(tr("Schemas…"));
    connect(schemas, &QAction::triggered, this, &MainWindow::chooseSchemas);
    m_schemaStatus = new QLabel(this);
    statusBar()->addPermanentWidget(m_schemaStatus);
    m_faultsButton = new QToolButton(this);
    m_faultsButton->setObjectName(u"faultsStatus"_s);
    m_faultsButton->setAutoRaise(true);
    m_faultsButton->setToolTip(tr("Fault rules change how pings are answered; click to edit them"));
    connect(m_faultsButton, &QToolButton::clicked, this, &MainWindow::editFaults);
    statusBar()->addPermanentWidget(m_faultsButton);
    m_faultsButton->hide();
    // Rules also change through the API (PUT /pingscope/v1/faults): looked at once a second.
    auto *faultsTimer = new QTimer(this);
    connect(faultsTimer, &QTimer::timeout, this, &MainWindow::updateFaultsStatus);
    faultsTimer->start(1000);

    m_model = new PingTableModel(this);
    m_table = new QTableView(this);
    m_table->setObjectName(u"pings"_s);
    m_table->setModel(m_model);
    // Sorting happens inside the model; start in arrival order (newest first).
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSortIndicatorClearable(true);
    // Columns can be hidden from the header's context menu, and dragged to reorder.
    m_table->horizontalHeader()->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(
        m_table->horizontalHeader(), &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
            QMenu menu(this);
            for (int c = 0; c < PingTableModel::ColumnCount; ++c) {
                auto *a = menu.addAction(m_model->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString());
                a->setCheckable(true);
                a->setChecked(!m_table->isColumnHidden(c));
                connect(a, &QAction::toggled, this, [this, c](bool on) { m_table->setColumnHidden(c, !on); });
            }
            menu.exec(m_table->horizontalHeader()->mapToGlobal(pos));
        });
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionsMovable(true);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    // Widths from typical contents, so that nothing common is clipped.
    const QString samples[] = {u"00:00:00.000"_s,
                               u"org-mozilla-firefox-beta"_s,
                               u"nimbus-targeting-context"_s,
                               u"Ver."_s,
                               u"bad-encoding (22)"_s,
                               u"peers-firefox-1"_s,
                               u"automation"_s,
                               u"Seq."_s,
                               u"e8067695"_s,
                               u"298 bytes / 1,485 bytes"_s,
                               u"a670d57c"_s};
    static_assert(std::size(samples) == PingTableModel::ColumnCount);
    for (int c = 0; c < PingTableModel::ColumnCount; ++c)
        m_table->setColumnWidth(c, fontMetrics().horizontalAdvance(samples[c]) + 28);

    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    auto makeText = [&](const QString &placeholder) {
        auto *t = new QPlainTextEdit(this);
        t->setReadOnly(true);
        t->setFont(mono);
        t->setPlaceholderText(placeholder);
        t->setLineWrapMode(QPlainTextEdit::NoWrap);
        return t;
    };
    m_headers = makeText(tr("Select a ping to see its request headers."));
    m_tree = new PayloadTreeModel(this);
    m_treeView = new QTreeView(this);
    m_treeView->setObjectName(u"payloadTree"_s);
    m_treeView->setModel(m_tree);
    m_treeView->setUniformRowHeights(true);
    m_treeView->setAlternatingRowColors(true);
    m_treeView->setColumnWidth(PayloadTreeModel::Key,
                               fontMetrics().horizontalAdvance(u"nimbus_targeting_environment"_s) + 60);
    m_treeView->setColumnWidth(PayloadTreeModel::Value, fontMetrics().horizontalAdvance(u"M"_s) * 48);
    m_treeView->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_treeView, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        const QModelIndex index = m_treeView->indexAt(pos);
        QMenu menu(this);
        menu.addAction(tr("Expand all"), m_treeView, &QTreeView::expandAll);
        menu.addAction(tr("Collapse all"), m_treeView, &QTreeView::collapseAll);
        if (index.isValid()) {
            menu.addSeparator();
            menu.addAction(tr("Copy value"), this, [index] {
                QApplication::clipboard()->setText(index.data(PayloadTreeModel::ValueTextRole).toString());
            });
            menu.addAction(tr("Copy path"), this, [index] {
                QApplication::clipboard()->setText(index.data(PayloadTreeModel::PathRole).toString());
            });
            menu.addAction(tr("Copy JSON pointer"), this, [index] {
                QApplication::clipboard()->setText(index.data(PayloadTreeModel::PointerRole).toString());
            });
        }
        menu.exec(m_treeView->viewport()->mapToGlobal(pos));
    });
    connect(m_tree, &QAbstractItemModel::modelReset, this, [this] {
        if (m_tree->rowCount() > 0)
            m_treeView->expand(m_tree->index(0, 0));
        // Warned nodes (metrics that are not BigQuery columns) are shown, not left collapsed.
        for (const QString &pointer : m_tree->warningPointers())
            for (QModelIndex p = m_tree->indexForPointer(pointer).parent(); p.isValid(); p = p.parent())
                m_treeView->expand(p);
    });
    m_raw = new RawView(this);
    auto *problemsPane = new QWidget(this);
    auto *problemsLayout = new QVBoxLayout(problemsPane);
    problemsLayout->setContentsMargins(4, 4, 4, 4);
    m_problemsSummary = new QLabel(tr("Select a ping to see what is wrong with it."), problemsPane);
    m_problemsSummary->setObjectName(u"problemsSummary"_s);
    m_problemsSummary->setWordWrap(true);
    m_problemsSummary->setTextFormat(Qt::RichText);
    m_problemsSummary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problemsSummary->setToolTip(tr("What production would do with the ping. Verdicts:\n") +
                                  verdictLegend());
    problemsLayout->addWidget(m_problemsSummary);
    m_problems = new QTreeWidget(problemsPane);
    m_problems->setObjectName(u"problems"_s);
    m_problems->setRootIsDecorated(false);
    m_problems->setUniformRowHeights(true);
    m_problems->setHeaderLabels({tr("Kind"), tr("Where"), tr("Production"), tr("Message")});
    m_problems->headerItem()->setToolTip(
        ProblemProduction, tr("\"reported\": the error production's error table gets (its error_message "
                              "is in the tooltip; Ctrl+C copies it)"));
    m_problems->setColumnWidth(ProblemKind, fontMetrics().horizontalAdvance(u"stripped-metadata"_s) + 40);
    m_problems->setColumnWidth(ProblemWhere,
                               fontMetrics().horizontalAdvance(u"/metrics/labeled_counter/x.y"_s) + 24);
    m_problems->setColumnWidth(ProblemProduction,
                               fontMetrics().horizontalAdvance(u"for information (generic schema)"_s) + 40);
    m_problems->setToolTip(
        tr("Select an error to reveal it in the Tree and Raw tabs; double-click to go there"));
    m_problems->setContextMenuPolicy(Qt::CustomContextMenu);
    m_problems->installEventFilter(this);
    connect(m_problems, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        QTreeWidgetItem *item = m_problems->itemAt(pos);
        if (!item)
            return;
        m_problems->setCurrentItem(item);
        QMenu menu(this);
        const QString production = item->data(0, ProductionMessageRole).toString();
        QAction *copyProduction = menu.addAction(tr("Copy production error message"), this, [production] {
            QApplication::clipboard()->setText(production);
        });
        copyProduction->setShortcut(QKeySequence::Copy);
        copyProduction->setEnabled(!production.isEmpty());
        const QString message = item->text(ProblemMessage);
        menu.addAction(tr("Copy message"), this, [message] { QApplication::clipboard()->setText(message); });
        if (const QVariant pointer = item->data(0, Qt::UserRole); pointer.isValid())
            menu.addAction(tr("Copy JSON pointer"), this,
                           [p = pointer.toString()] { QApplication::clipboard()->setText(p); });
        menu.exec(m_problems->viewport()->mapToGlobal(pos));
    });
    problemsLayout->addWidget(m_problems);
    connect(m_problems, &QTreeWidget::currentItemChanged, this, &MainWindow::revealProblem);
    // Enter or double-click: go to the revealed node in the tree.
    connect(m_problems, &QTreeWidget::itemActivated, this, [this] {
        revealProblem();
        m_tabs->setCurrentWidget(m_treeView);
    });
    m_tabs = new QTabWidget(this);
    m_overview = new PingOverviewModel(this);
    m_overviewView = new QTreeView(this);
    m_overviewView->setObjectName(u"overview"_s);
    m_overviewView->setModel(m_overview);
    m_overviewView->setUniformRowHeights(true);
    m_overviewView->setAlternatingRowColors(true);
    m_overviewView->setColumnWidth(PingOverviewModel::Field,
                                   fontMetrics().horizontalAdvance(u"normalized_os_version"_s) + 60);
    // Wide enough for the error table's name; longer values (error_message, URLs) keep both ends.
    m_overviewView->setColumnWidth(
        PingOverviewModel::Value,
        fontMetrics().horizontalAdvance(u"moz-fx-data-shared-prod.payload_bytes_error.structured"_s) + 24);
    m_overviewView->setTextElideMode(Qt::ElideMiddle);
    connect(m_overview, &QAbstractItemModel::modelReset, m_overviewView, &QTreeView::expandAll);
    // Every value can be copied: Ctrl+C (the value, or a whole section), or the context menu.
    m_overviewView->installEventFilter(this);
    m_overviewView->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_overviewView, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        const QModelIndex index = m_overviewView->indexAt(pos);
        if (!index.isValid())
            return;
        QMenu menu(this);
        const bool section = !index.parent().isValid();
        if (!section) {
            QAction *value = menu.addAction(tr("Copy value"), this, [this, index] {
                QApplication::clipboard()->setText(m_overview->copyText(index));
            });
            value->setShortcut(QKeySequence::Copy);
            menu.addAction(tr("Copy row"), this,
                           [this, index] { QApplication::clipboard()->setText(m_overview->rowText(index)); });
        }
        const QModelIndex sectionIndex = section ? index.siblingAtColumn(0) : index.parent();
        menu.addAction(
            tr("Copy section \"%1\"").arg(sectionIndex.data().toString()), this,
            [this, sectionIndex] { QApplication::clipboard()->setText(m_overview->copyText(sectionIndex)); });
        menu.exec(m_overviewView->viewport()->mapToGlobal(pos));
    });
    m_tabs->addTab(m_overviewView, tr("Overview"));
    m_tabs->addTab(m_treeView, tr("Tree"));
    m_tabs->addTab(m_raw, tr("Raw"));
    m_metrics = new MetricsModel(this);
    m_metricsView = new QTreeView(this);
    m_metricsView->setObjectName(u"metrics"_s);
    m_metricsView->setModel(m_metrics);
    m_metricsView->setUniformRowHeights(true);
    m_metricsView->setAlternatingRowColors(true);
    m_metricsView->setColumnWidth(MetricsModel::Name,
                                  fontMetrics().horizontalAdvance(u"peer.basic.errors_by_kind_long"_s) + 60);
    m_metricsView->setColumnWidth(
        MetricsModel::Value,
        fontMetrics().horizontalAdvance(u"count 12, sum 87,167,006 ns, 7 bucket(s) used"_s) + 24);
    connect(m_metrics, &QAbstractItemModel::modelReset, m_metricsView, &QTreeView::expandAll);
    // The plot of the selected distribution or labeled counter, beside the table.
    m_metricChart = new MetricChart(this);
    m_metricChart->setObjectName(u"metricPlot"_s);
    connect(m_metricsView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &MainWindow::plotCurrentMetric);
    connect(m_metrics, &QAbstractItemModel::modelReset, this, &MainWindow::reselectPlottedMetric);
    m_metricsSplit = new QSplitter(Qt::Horizontal, this);
    m_metricsSplit->setObjectName(u"metricsSplit"_s);
    m_metricsSplit->addWidget(m_metricsView);
    m_metricsSplit->addWidget(m_metricChart);
    m_metricsSplit->setStretchFactor(0, 1);
    m_metricsSplit->setStretchFactor(1, 1);
    m_metricsSplit->setChildrenCollapsible(false);
    m_tabs->addTab(m_metricsSplit, tr("Metrics"));
    m_eventsPanel = new EventsPanel(this);
    m_eventsPanel->setObjectName(u"events"_s);
    m_eventsPanel->setPingSource([this](EventsPanel::Scope scope, const PingRecord &current, qint64 afterId,
                                        int limit) { return streamPings(scope, current, afterId, limit); });
    connect(m_eventsPanel, &EventsPanel::pingActivated, this, [this](qint64 id) {
        const int row = m_model->rowOfId(id);
        if (row >= 0) {
            m_table->selectRow(row);
            m_table->scrollTo(m_model->index(row, 0));
        }
    });
    m_tabs->addTab(m_eventsPanel, tr("Events"));
    m_tabs->addTab(problemsPane, tr("Problems"));
    m_tabs->addTab(m_headers, tr("Request"));
    m_attempts = new AttemptsPanel(this);
    m_attempts->setObjectName(u"attemptsPanel"_s);
    connect(m_attempts, &AttemptsPanel::pingActivated, this, [this](qint64 id) {
        const int row = m_model->rowOfId(id);
        if (row >= 0) {
            m_table->selectRow(row);
            m_table->scrollTo(m_model->index(row, 0));
        }
    });
    m_tabs->addTab(m_attempts, tr("Attempts"));

    auto *listPane = new QWidget(this);
    auto *listLayout = new QVBoxLayout(listPane);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->setSpacing(2);
    listLayout->addWidget(makeFilterBar());
    listLayout->addWidget(m_table);
    m_split = new QSplitter(Qt::Vertical, this);
    m_split->addWidget(listPane);
    m_split->addWidget(m_tabs);
    m_split->setStretchFactor(0, 3);
    m_split->setStretchFactor(1, 2);
    setCentralWidget(m_split);

    // The traffic monitor: a dock, hidden until asked for (View menu, toolbar).
    m_traffic = new TrafficView(this);
    m_traffic->setObjectName(u"traffic"_s);
    m_trafficDock = new QDockWidget(tr("Traffic"), this);
    m_trafficDock->setObjectName(u"trafficDock"_s);
    m_trafficDock->setWidget(m_traffic);
    addDockWidget(Qt::BottomDockWidgetArea, m_trafficDock);
    m_trafficDock->hide();
    QAction *trafficAction = m_trafficDock->toggleViewAction();
    trafficAction->setText(tr("&Traffic charts"));
    trafficAction->setShortcut(Qt::CTRL | Qt::Key_T);
    trafficAction->setToolTip(
        tr("Pings per doc type, problems and sizes over the session; click a bar to filter the list"));
    viewMenu->addAction(trafficAction);
    bar->addSeparator();
    bar->addAction(trafficAction);
    connect(m_traffic, &TrafficView::filterRequested, this, &MainWindow::applyTrafficSelection);

    // Window layout, column widths and order, and the splitter are remembered.
    QSettings settings;
    restoreGeometry(settings.value(u"window/geometry"_s).toByteArray());
    restoreState(settings.value(u"window/state"_s).toByteArray());
    m_table->horizontalHeader()->restoreState(settings.value(u"window/tableHeader"_s).toByteArray());
    m_split->restoreState(settings.value(u"window/splitter"_s).toByteArray());
    if (!m_metricsSplit->restoreState(settings.value(u"window/metricsSplitter"_s).toByteArray()))
        m_metricsSplit->setSizes(
            {600, 400}); // the metrics' names and values need the room more than the plot
    m_followAction->setChecked(settings.value(u"window/follow"_s, true).toBool());
    rebuildRecentMenu();

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MainWindow::showSelected);

    m_refreshTimer = new QTimer(this);
    m_refreshTimer->setSingleShot(true);
    m_refreshTimer->setInterval(50);
    connect(m_refreshTimer, &QTimer::timeout, this, &MainWindow::refreshNow);
    m_updateTimer = new QTimer(this);
    m_updateTimer->setSingleShot(true);
    m_updateTimer->setInterval(250);
    connect(m_updateTimer, &QTimer::timeout, this, &MainWindow::applyUpdates);
    connect(m_engine.get(), &Engine::storeProblem, this, [this](const QString &message, bool failing) {
        // Stays until writing works again (then shown for a while). The short form fits beside
        // the counters; the whole message, with SQLite's reason, is the tooltip.
        const QString shortForm = message.section(u" ("_s, 0, 0);
        statusBar()->showMessage(failing ? tr("Store error: %1").arg(shortForm) : message,
                                 failing ? 0 : 10000);
        statusBar()->setToolTip(failing ? message : QString());
    });
    connect(m_engine.get(), &Engine::storeFileGone, this, &MainWindow::offerStoreRecreation);
    connect(m_engine.get(), &Engine::storeSpaceLow, this, [this](qint64 used, qint64 max) {
        statusBar()->showMessage(
            tr("Store nearly full: %1 of its %2 limit; at the limit pings are answered 507 "
               "and not kept (clear the store, or start with a larger --max-store-size)")
                .arg(formatBytes(used), formatBytes(max)));
    });
    connect(m_engine.get(), &Engine::schemasChanged, this, [this] {
        updateSchemaStatus();
        statusBar()->showMessage(tr("Schemas changed on disk: reloaded; re-checking the stored pings"),
                                 10000);
    });

    startEngine(options);
    updateFaultsStatus();
}

MainWindow::~MainWindow()
{
    m_background.reset();
    m_reader.reset();
    m_engine->stop();
}

void MainWindow::offerStoreRecreation(const QString &why)
{
    if (m_storeGoneBox)
        return;
    const QString path = QDir::toNativeSeparators(m_options.dbPath);
    m_storeGoneBox =
        new QMessageBox(QMessageBox::Warning, tr("The store file is gone"),
                        tr("The store file %1 was deleted or replaced while Pingscope was running: "
                           "pings are answered 503 and not kept.")
                            .arg(path),
                        QMessageBox::NoButton, this);
    m_storeGoneBox->setInformativeText(
        tr("The pings listed here were in that file. Make a new, empty store at %1 "
           "and capture again?")
            .arg(path));
    m_storeGoneBox->setDetailedText(why);
    QPushButton *recreate = m_storeGoneBox->addButton(tr("Make a new store"), QMessageBox::AcceptRole);
    m_storeGoneBox->addButton(tr("Not now"), QMessageBox::RejectRole);
    m_storeGoneBox->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_storeGoneBox, &QMessageBox::buttonClicked, this, [this, recreate](QAbstractButton *b) {
        if (b != recreate)
            return;
        // The same store path and port: the engine makes a new file there.
        QTimer::singleShot(0, this, [this] { openStorePath(m_options.dbPath); });
    });
    m_storeGoneBox->open();
}

void MainWindow::startEngine(const EngineOptions &options)
{
    m_options = options;
    m_background.reset();
    m_loadText.clear();
    m_payloadSearchText.clear();
    m_reader.reset();
    setWindowTitle(u"Pingscope — %1"_s.arg(QFileInfo(options.dbPath).fileName()));
    QString error;
    if (!m_engine->start(options, &error)) {
        m_startError = error;
        m_endpoint->setText(tr("Not capturing: %1").arg(error));
        statusBar()->showMessage(tr("Capture could not start. Try another port with --port."));
        QTimer::singleShot(0, this, [this] {
            QMessageBox::warning(this, tr("Pingscope"),
                                 tr("The capture endpoint could not start:\n%1\n\nStart Pingscope with "
                                    "--port N to use another port.")
                                     .arg(m_startError));
        });
        updateStatus();
        return;
    }
    m_endpoint->setText(tr("Capturing on <b>%1</b>").arg(m_engine->endpointUrl()));
    updateSchemaStatus();
    statusBar()->showMessage(tr("Store: %1").arg(m_engine->store()->path()));
    m_reader = std::make_unique<StoreReader>(m_engine->store()->path());
    m_background = std::make_unique<BackgroundReader>(m_engine->store()->path());
    connect(m_background.get(), &BackgroundReader::loadProgress, this, [this](qint64 loaded, qint64 total) {
        m_loadText = tr("loading older pings: %L1 of %L2").arg(loaded).arg(total);
        updateStatus();
    });
    connect(m_background.get(), &BackgroundReader::olderLoaded, this, &MainWindow::adoptOlderRows);
    connect(m_background.get(), &BackgroundReader::payloadMatches, this, &MainWindow::takePayloadMatches);
    rememberStore(m_engine->store()->path());
    connect(m_engine->store(), &Store::recordsCommitted, this, &MainWindow::scheduleRefresh,
            Qt::QueuedConnection);
    connect(
        m_engine->store(), &Store::cleared, this,
        [this] {
            clearLists();
            updateStatus();
        },
        Qt::QueuedConnection);
    // Re-validation (schemas changed, or pings checked with another registry): the verdicts of
    // rows already listed change; batched, off the writer thread.
    connect(
        m_engine->store(), &Store::recordsUpdated, this,
        [this](qint64 first, qint64 last) {
            if (m_background &&
                m_background->isLoading()) // the load may have read them before: again once adopted
                widenRange(m_loadUpdatedFirst, m_loadUpdatedLast, first, last);
            noteUpdated(first, last);
        },
        Qt::QueuedConnection);
    if (Revalidator *rv = m_engine->revalidator()) {
        connect(
            rv, &Revalidator::progress, this,
            [this](qint64 done, qint64 total) {
                m_revalidationText =
                    tr("re-checking %1 of %2 pings with the new schemas").arg(done).arg(total);
                updateStatus();
            },
            Qt::QueuedConnection);
        connect(
            rv, &Revalidator::finished, this,
            [this](qint64 checked, qint64 changed, qint64 ms) {
                m_revalidationText.clear();
                if (checked > 0)
                    statusBar()->showMessage(
                        tr("Re-checked %1 pings with the current schemas in %2 s: %3 changed")
                            .arg(checked)
                            .arg(double(ms) / 1000.0, 0, 'f', 1)
                            .arg(changed),
                        10000);
                updateStatus();
            },
            Qt::QueuedConnection);
    }
    refreshNow();
}

void MainWindow::updateSchemaStatus()
{
    if (const auto registry = m_engine->schemas()) {
        const auto &errors = m_engine->schemaLoadErrors();
        m_schemaStatus->setText(
            errors.isEmpty()
                ? tr("%n schema(s)", nullptr, int(registry->size()))
                : tr("%n schema(s), %1 failed to load", nullptr, int(registry->size())).arg(errors.size()));
        QString tip =
            registry->roots().isEmpty() ? tr("Built-in schemas only") : registry->roots().join(u'\n');
        if (const PipelineRegistry *pipeline = registry->pipeline()) {
            m_schemaStatus->setText(m_schemaStatus->text() + tr(" · registry %1").arg(pipeline->describe()));
            tip = tr("Production registry: generated-schemas %1 (%2, %3 namespaces)\n")
                      .arg(pipeline->describe(), registry->pipelineSource() == u"bundled"
                                                     ? tr("built in")
                                                     : registry->pipelineSource())
                      .arg(pipeline->namespaceCount()) +
                  tip;
        }
        m_schemaStatus->setToolTip(tip);
    } else {
        m_schemaStatus->setText(tr("validation off"));
    }
}

void MainWindow::applyUpdates()
{
    if (!m_reader || m_updatedLast <= 0)
        return;
    // A slice at a time, so the event loop never waits long (about 5 ms per 1,000 rows).
    constexpr int kSlice = 1000;
    const auto records = m_reader->verdictsBetween(m_updatedFirst, m_updatedLast, kSlice);
    const qint64 sliceLast = records.empty() ? m_updatedLast : records.back().id;
    const qint64 current = m_model->idAt(m_table->currentIndex().row());
    const bool currentChanged = current >= m_updatedFirst && current <= sliceLast;
    if (records.size() < size_t(kSlice) || sliceLast >= m_updatedLast) {
        m_updatedFirst = m_updatedLast = 0;
    } else {
        m_updatedFirst = sliceLast + 1;
        QTimer::singleShot(0, this, &MainWindow::applyUpdates);
    }
    m_model->updatePings(records);
    m_traffic->updatePings(records);
    if (currentChanged)
        showSelected();
    updateStatus();
}

void MainWindow::scheduleRefresh()
{
    if (!m_refreshTimer->isActive())
        m_refreshTimer->start();
}

void MainWindow::refreshNow()
{
    if (!m_reader || m_paused)
        return;
    // A store opened with many pings: list its newest at once, read the rest in the background
    // (adoptOlderRows() takes them), so that the window shows rows within a second.
    constexpr int kFirstPage = 2000;
    const bool first = m_model->newestId() == 0 && !m_background->isLoading();
    PingQuery q;
    q.afterId = m_model->newestId();
    q.limit = first ? kFirstPage : -1;
    q.listColumnsOnly = true;
    const auto batch = m_reader->list(q);
    if (batch.empty())
        return updateStatus();
    if (first && batch.size() == size_t(kFirstPage)) {
        m_loadUpdatedFirst = m_loadUpdatedLast = 0;
        if (m_listLimit > kFirstPage)
            m_background->loadOlder(batch.back().id, m_listLimit - kFirstPage);
    }
    // Unless following, keep what the user looks at where it is: in arrival order new rows
    // go on top and would push the view down.
    QScrollBar *scroll = m_table->verticalScrollBar();
    const int before = scroll->value();
    const int rowsBefore = m_model->rowCount();
    m_model->addPings(batch);
    m_eventsPanel->pingsArrived();
    m_traffic->addPings(batch);
    trimList();
    if (m_followAction->isChecked() || !m_table->currentIndex().isValid()) {
        selectNewest();
    } else if (before > 0 && m_model->sortColumn() < 0) {
        scroll->setValue(before + (m_model->rowCount() - rowsBefore) *
                                      m_table->verticalHeader()->defaultSectionSize());
    }
    updateStatus();
}

std::vector<PingRecord> MainWindow::streamPings(EventsPanel::Scope scope, const PingRecord &current,
                                                qint64 afterId, int limit)
{
    std::vector<PingRecord> out;
    if (!m_reader)
        return out;
    PingQuery q;
    q.limit = limit;
    q.afterId = afterId;
    q.withPayload = true;
    switch (scope) {
    case EventsPanel::Scope::ThisPing:
        return out;
    case EventsPanel::Scope::DebugTag:
        if (current.debugId.isEmpty())
            return out;
        q.debugId = current.debugId;
        return m_reader->list(q);
    case EventsPanel::Scope::Client:
        if (current.clientId.isEmpty())
            return out;
        q.clientId = current.clientId;
        return m_reader->list(q);
    case EventsPanel::Scope::CurrentFilter:
        // The rows the table shows, newest first.
        std::vector<qint64> ids;
        for (int row = 0; row < m_model->rowCount(); ++row)
            if (const qint64 id = m_model->idAt(row); id > afterId)
                ids.push_back(id);
        std::sort(ids.begin(), ids.end(), std::greater<>());
        if (int(ids.size()) > limit)
            ids.resize(size_t(limit));
        for (qint64 id : ids)
            if (auto rec = m_reader->get(id))
                out.push_back(std::move(*rec));
        return out;
    }
    return out;
}

void MainWindow::selectNewest()
{
    const int row = m_model->rowOfId(m_model->newestId());
    if (row < 0)
        return;
    m_table->selectRow(row);
    m_table->scrollTo(m_model->index(row, 0));
}

QWidget *MainWindow::makeFilterBar()
{
    auto *bar = new QWidget(this);
    auto *row = new QHBoxLayout(bar);
    row->setContentsMargins(4, 2, 4, 2);
    m_filterText = new QLineEdit(bar);
    m_filterText->setObjectName(u"filterText"_s);
    m_filterText->setPlaceholderText(
        tr("Filter (Ctrl+F): doc id, client id, namespace, doc type, debug tag, payload"));
    m_filterText->setClearButtonEnabled(true);
    row->addWidget(m_filterText, 3);
    auto combo = [&](const QString &all) {
        auto *c = new QComboBox(bar);
        c->addItem(all, QString());
        c->setSizeAdjustPolicy(QComboBox::AdjustToContents);
        row->addWidget(c, 1);
        connect(c, &QComboBox::currentIndexChanged, this, &MainWindow::applyFilter);
        return c;
    };
    m_verdictFilter = combo(tr("All verdicts"));
    m_verdictFilter->addItem(tr("Problems only"), u"@problems"_s);
    m_verdictFilter->addItem(tr("Duplicates only"), u"@duplicates"_s);
    for (const char16_t *v : {verdict::Valid, verdict::Invalid, verdict::Unregistered, verdict::Rejected,
                              verdict::Dropped, verdict::NoSchema, verdict::NotJson, verdict::BadEncoding,
                              verdict::BadPath, verdict::TooLarge, verdict::Refused, verdict::Parsed}) {
        m_verdictFilter->addItem(QString::fromUtf16(v), QString::fromUtf16(v));
        m_verdictFilter->setItemData(m_verdictFilter->count() - 1, verdictDescription(v), Qt::ToolTipRole);
    }
    m_verdictFilter->setItemData(
        1,
        tr("Every verdict production rejects or drops: invalid, unregistered, rejected, "
           "dropped, not-json, bad-encoding, bad-path, refused"),
        Qt::ToolTipRole);
    m_verdictFilter->setToolTip(tr("Show pings with this verdict:\n") + verdictLegend());
    m_nsFilter = combo(tr("All namespaces"));
    m_docTypeFilter = combo(tr("All doc types"));
    m_debugFilter = combo(tr("All debug tags"));
    m_verdictFilter->setObjectName(u"verdictFilter"_s);
    m_nsFilter->setObjectName(u"namespaceFilter"_s);
    m_docTypeFilter->setObjectName(u"docTypeFilter"_s);
    m_debugFilter->setObjectName(u"debugTagFilter"_s);
    m_searchPayloads = new QCheckBox(tr("Payloads"), bar);
    m_searchPayloads->setObjectName(u"searchPayloads"_s);
    m_searchPayloads->setToolTip(
        tr("Also search the text of every payload in the store (slower on large stores)"));
    row->insertWidget(1, m_searchPayloads);
    m_payloadApplyTimer = new QTimer(this);
    m_payloadApplyTimer->setSingleShot(true);
    m_payloadApplyTimer->setInterval(400);
    connect(m_payloadApplyTimer, &QTimer::timeout, this, &MainWindow::applyFilter);
    m_payloadSearchTimer = new QTimer(this);
    m_payloadSearchTimer->setSingleShot(true);
    m_payloadSearchTimer->setInterval(300);
    connect(m_payloadSearchTimer, &QTimer::timeout, this, &MainWindow::runPayloadSearch);
    connect(m_searchPayloads, &QCheckBox::toggled, this, [this] { m_payloadSearchTimer->start(); });
    m_hideAutomation = new QCheckBox(tr("Hide automation"), bar);
    m_hideAutomation->setObjectName(u"hideAutomation"_s);
    m_hideAutomation->setToolTip(tr("Hide pings whose X-Source-Tags include \"automation\""));
    row->addWidget(m_hideAutomation);
    m_timeRange = new QToolButton(bar);
    m_timeRange->setObjectName(u"timeRangeFilter"_s);
    m_timeRange->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_timeRange->setIcon(style()->standardIcon(QStyle::SP_DialogCloseButton));
    m_timeRange->setToolTip(
        tr("Only pings received in this time range (from the traffic charts); click to show all times"));
    m_timeRange->hide();
    row->addWidget(m_timeRange);
    connect(m_timeRange, &QToolButton::clicked, this, [this] { setTimeRangeFilter(0, 0); });
    connect(m_hideAutomation, &QCheckBox::toggled, this, &MainWindow::applyFilter);
    connect(m_filterText, &QLineEdit::textChanged, this, [this] {
        // Payload matches belong to the old text: drop them, search again after a pause.
        dropPayloadMatches();
        applyFilter();
        if (m_searchPayloads->isChecked())
            m_payloadSearchTimer->start();
    });
    auto *find = new QShortcut(QKeySequence::Find, this);
    connect(find, &QShortcut::activated, this, [this] {
        m_filterText->setFocus();
        m_filterText->selectAll();
    });
    connect(m_model, &PingTableModel::distinctValuesChanged, this, &MainWindow::refreshFilterChoices);
    return bar;
}

void MainWindow::refreshFilterChoices()
{
    auto fill = [this](QComboBox *c, PingTableModel::Column column) {
        const QString current = c->currentData().toString();
        const QSignalBlocker block(c);
        while (c->count() > 1)
            c->removeItem(1);
        for (const auto &v : m_model->distinctValues(column))
            c->addItem(u"%1 (%2)"_s.arg(v.value).arg(v.count), v.value);
        const int i = c->findData(current);
        c->setCurrentIndex(i < 0 ? 0 : i);
    };
    fill(m_nsFilter, PingTableModel::Namespace);
    fill(m_docTypeFilter, PingTableModel::DocType);
    fill(m_debugFilter, PingTableModel::DebugTag);
}

void MainWindow::runPayloadSearch()
{
    const QString text = m_filterText->text().trimmed();
    dropPayloadMatches();
    if (m_searchPayloads->isChecked() && text.size() >= 2 && m_background) {
        // Off the GUI thread, newest first; matches join the filter as slices finish.
        m_payloadSearch = m_background->searchPayloads(text);
        m_payloadSearchText = tr("searching payloads…");
    }
    applyFilter();
}

void MainWindow::dropPayloadMatches()
{
    m_payloadIds.clear();
    m_payloadSearch = 0;
    m_payloadSearchText.clear();
    if (m_background)
        m_background->cancelSearch();
}

void MainWindow::takePayloadMatches(quint64 search, const std::vector<qint64> &ids, qint64 searchedToId,
                                    bool done)
{
    if (search != m_payloadSearch)
        return;
    // Slices come newest first: each one's ids are below those held.
    if (!ids.empty())
        m_payloadIds.insert(m_payloadIds.begin(), ids.begin(), ids.end());
    if (done) {
        m_payloadSearch = 0;
        m_payloadSearchText.clear();
        m_payloadApplyTimer->stop();
        applyFilter();
        return;
    }
    const qint64 newest = m_model->newestId();
    m_payloadSearchText =
        tr("searching payloads: %L1 found, %2 % searched")
            .arg(m_payloadIds.size())
            .arg(newest > 0 ? int(100 * (newest - std::min(newest, searchedToId)) / newest) : 100);
    // Re-filtering a million rows per slice would keep the GUI busy: at most a few per second.
    if (!ids.empty() && !m_payloadApplyTimer->isActive())
        m_payloadApplyTimer->start();
    updateStatus();
}

void MainWindow::clearLists()
{
    // What the background still reads is of the old rows: drop it.
    if (m_background) {
        m_background->cancelLoad();
        m_loadText.clear();
    }
    m_model->clear();
    m_traffic->clear();
    m_unlisted = 0;
}

void MainWindow::widenRange(qint64 &lo, qint64 &hi, qint64 first, qint64 last)
{
    lo = lo ? std::min(lo, first) : first;
    hi = std::max(hi, last);
}

void MainWindow::noteUpdated(qint64 first, qint64 last)
{
    widenRange(m_updatedFirst, m_updatedLast, first, last);
    if (!m_updateTimer->isActive())
        m_updateTimer->start();
}

void MainWindow::trimList()
{
    // In steps of a twentieth: dropping is a pass over the rows, not one per arrival.
    const qint64 over = m_model->totalCount() - m_listLimit;
    if (over < std::max<qint64>(1, m_listLimit / 20))
        return;
    m_model->dropOldest(size_t(over));
    m_traffic->dropOldest(size_t(over));
    countUnlisted();
    updateStatus();
}

void MainWindow::countUnlisted()
{
    // Ids are dense (a failed commit gives its ids back; a clear leaves none older): what is
    // older than the oldest row listed is the id range below it.
    m_unlisted = 0;
    if (m_reader && m_model->oldestId() > 0)
        if (const qint64 oldestStored = m_reader->oldestId(); oldestStored > 0)
            m_unlisted = std::max<qint64>(0, m_model->oldestId() - oldestStored);
}

void MainWindow::adoptOlderRows(qint64 count, qint64 ms, const QString &error)
{
    m_loadText.clear();
    if (!error.isEmpty()) {
        statusBar()->showMessage(tr("Could not read the older pings of this store: %1").arg(error), 15000);
        updateStatus();
        return;
    }
    m_model->adoptOlder(m_background->takeOlderRows());
    m_traffic->adoptOlder(m_background->takeOlderTraffic());
    countUnlisted(); // older ones than those that fit the list stay in the store only
    trimList();
    if (m_loadUpdatedLast > 0) {
        noteUpdated(m_loadUpdatedFirst, m_loadUpdatedLast);
        m_loadUpdatedFirst = m_loadUpdatedLast = 0;
    }
    statusBar()->showMessage(
        tr("Listed %L1 older pings in %2 s").arg(count).arg(double(ms) / 1000.0, 0, 'f', 1), 5000);
    updateStatus();
}

void MainWindow::applyFilter()
{
    const qint64 selectedId = m_model->idAt(m_table->currentIndex().row());
    PingFilter f;
    f.text = m_filterText->text();
    const QString v = m_verdictFilter->currentData().toString();
    if (v == u"@problems")
        f.problemsOnly = true;
    else if (v == u"@duplicates")
        f.duplicatesOnly = true;
    else if (!v.isEmpty())
        f.verdicts = {v};
    f.ns = m_nsFilter->currentData().toString();
    f.docType = m_docTypeFilter->currentData().toString();
    f.debugTag = m_debugFilter->currentData().toString();
    f.hideAutomation = m_hideAutomation->isChecked();
    f.payloadIds = m_payloadIds;
    f.receivedFromUs = m_timeFromUs;
    f.receivedToUs = m_timeToUs;
    m_model->setFilter(f);
    // Keep the selected ping selected when it is still shown.
    if (const int row = m_model->rowOfId(selectedId); row >= 0) {
        m_table->selectRow(row);
        m_table->scrollTo(m_model->index(row, 0));
    }
    updateStatus();
}

void MainWindow::setTimeRangeFilter(qint64 fromUs, qint64 toUs)
{
    m_timeFromUs = fromUs;
    m_timeToUs = toUs;
    if (fromUs == 0 && toUs == 0) {
        m_timeRange->hide();
    } else {
        const auto text = [](qint64 us, const QString &format) {
            return us == 0 ? QString() : QDateTime::fromMSecsSinceEpoch(us / 1000).toString(format);
        };
        const bool sameDay = fromUs != 0 && toUs != 0 &&
                             QDateTime::fromMSecsSinceEpoch(fromUs / 1000).date() ==
                                 QDateTime::fromMSecsSinceEpoch((toUs - 1) / 1000).date();
        m_timeRange->setText(tr("Received %1 – %2")
                                 .arg(text(fromUs, u"yyyy-MM-dd HH:mm:ss"_s),
                                      text(toUs, sameDay ? u"HH:mm:ss"_s : u"yyyy-MM-dd HH:mm:ss"_s)));
        m_timeRange->show();
    }
    applyFilter();
}

void MainWindow::applyTrafficSelection(const TrafficSelection &s)
{
    {
        const QSignalBlocker blockVerdict(m_verdictFilter);
        const QSignalBlocker blockDocType(m_docTypeFilter);
        int v = 0;
        if (s.problemsOnly)
            v = m_verdictFilter->findData(u"@problems"_s);
        else if (s.duplicatesOnly)
            v = m_verdictFilter->findData(u"@duplicates"_s);
        else if (!s.verdict.isEmpty())
            v = m_verdictFilter->findData(s.verdict);
        m_verdictFilter->setCurrentIndex(std::max(v, 0));
        int d = 0;
        if (s.hasDocType) {
            d = m_docTypeFilter->findData(s.docType);
            if (d < 0) { // not offered yet (the choices follow the list's batches)
                m_docTypeFilter->addItem(s.docType, s.docType);
                d = m_docTypeFilter->count() - 1;
            }
        }
        m_docTypeFilter->setCurrentIndex(d);
    }
    setTimeRangeFilter(s.fromUs, s.toUs); // applies the whole filter
}

void MainWindow::setPaused(bool paused)
{
    if (m_pauseAction->isChecked() != paused) {
        m_pauseAction->setChecked(paused); // toggles back into this function
        return;
    }
    m_paused = paused;
    if (!paused)
        refreshNow();
    updateStatus();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(u"window/geometry"_s, saveGeometry());
    settings.setValue(u"window/state"_s, saveState());
    settings.setValue(u"window/tableHeader"_s, m_table->horizontalHeader()->saveState());
    settings.setValue(u"window/splitter"_s, m_split->saveState());
    // A splitter whose tab was never shown has not been laid out: its sizes mean nothing.
    if (m_metricsSplit->sizes().value(0) >= 100)
        settings.setValue(u"window/metricsSplitter"_s, m_metricsSplit->saveState());
    settings.setValue(u"window/follow"_s, m_followAction->isChecked());
    QMainWindow::closeEvent(event);
}

void MainWindow::openStore()
{
    const QString dir = m_engine->store() ? QFileInfo(m_engine->store()->path()).absolutePath() : QString();
    const QString path = QFileDialog::getSaveFileName(this, tr("Open or create a store"), dir,
                                                      tr("Pingscope stores (*.pingscope);;All files (*)"),
                                                      nullptr, QFileDialog::DontConfirmOverwrite);
    if (!path.isEmpty())
        openStorePath(path);
}

void MainWindow::openStorePath(const QString &path)
{
    EngineOptions options = m_options;
    options.dbPath = path;
    options.ingest.schemas.reset();
    options.capture.port = m_engine->port() ? m_engine->port() : options.capture.port;
    m_engine->stop();
    clearLists();
    clearDetail();
    startEngine(options);
    updateFaultsStatus();
}

void MainWindow::rememberStore(const QString &path)
{
    QSettings settings;
    QStringList recent = settings.value(u"recentStores"_s).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > 8)
        recent.removeLast();
    settings.setValue(u"recentStores"_s, recent);
    settings.setValue(u"lastStore"_s, path);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(u"recentStores"_s).toStringList();
    for (const QString &path : recent)
        m_recentMenu->addAction(path, this, [this, path] { openStorePath(path); });
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::copyPayload()
{
    const qint64 id = m_model->idAt(m_table->currentIndex().row());
    if (!m_reader || id <= 0)
        return;
    if (const auto rec = m_reader->get(id))
        QApplication::clipboard()->setText(rec->payload.isEmpty() ? QString::fromLatin1(rec->body.toHex(' '))
                                                                  : QString::fromUtf8(rec->payload));
}

QString MainWindow::curlCommand(const PingRecord &r, const QString &endpointUrl)
{
    const auto quote = [](const QString &text) {
        QString q = text;
        q.replace(u"'"_s, u"'\\''"_s);
        q.prepend(u'\'');
        q.append(u'\'');
        return q;
    };
    QString url = endpointUrl;
    url += r.path;
    if (!r.query.isEmpty()) {
        url += u'?';
        url += r.query;
    }
    QString cmd = u"printf %s "_s;
    cmd += quote(QString::fromLatin1(r.body.toBase64()));
    cmd += u" | base64 -d | curl -sS -X "_s;
    cmd += r.method;
    cmd += u' ';
    cmd += quote(url);
    for (const auto &h : r.headers) {
        const QByteArray name = h.name.toLower();
        if (name == "host" || name == "content-length" || name == "connection" ||
            name == "transfer-encoding" || name == "expect")
            continue;
        cmd += u" -H "_s;
        cmd += quote(QString::fromLatin1(h.name) + u": "_s + QString::fromLatin1(h.value));
    }
    cmd += u" --data-binary @-"_s;
    return cmd;
}

void MainWindow::openInViewer()
{
    const qint64 id = m_model->idAt(m_table->currentIndex().row());
    if (!m_reader || id <= 0)
        return;
    const auto rec = m_reader->get(id);
    if (!rec || rec->payload.isEmpty()) {
        statusBar()->showMessage(tr("This ping has no JSON payload"), 5000);
        return;
    }
    // A file the desktop's JSON viewer can open; kept until the window closes.
    // The names come from the request's URL: only letters, digits, '.', '_' and '-' reach the
    // file name, so nothing a client sends can point it elsewhere.
    auto safe = [](const QString &part) {
        QString out;
        for (QChar c : part.left(64))
            out += (c.isLetterOrNumber() && c.unicode() < 128) || c == u'_' || c == u'-' ? c : u'_';
        return out.isEmpty() ? u"_"_s : out;
    };
    const QString path =
        m_viewerDir.filePath(u"ping-%1-%2-%3.json"_s.arg(id).arg(safe(rec->ns), safe(rec->docType)));
    QFile f(path);
    if (!m_viewerDir.isValid() || !f.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        !f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
        f.write(prettyExampleBytes(rec->payload)) < 0) {
        statusBar()->showMessage(tr("Could not write %1").arg(path), 5000);
        return;
    }
    f.close();
    if (!QDesktopServices::openUrl(QUrl::fromLocalFile(path)))
        statusBar()->showMessage(tr("No application opens JSON files; the payload is in %1").arg(path),
                                 10000);
}

void MainWindow::copyAsCurl()
{
    const qint64 id = m_model->idAt(m_table->currentIndex().row());
    if (!m_reader || id <= 0 || !m_engine->isRunning())
        return;
    if (const auto rec = m_reader->get(id))
        QApplication::clipboard()->setText(curlCommand(*rec, m_engine->endpointUrl()));
}

void MainWindow::updateStatus()
{
    const QString shown = m_model->visibleCount() == m_model->totalCount()
                              ? tr("%Ln ping(s)", nullptr, int(m_model->totalCount()))
                              : tr("%L1 of %Ln ping(s) shown", nullptr, int(m_model->totalCount()))
                                    .arg(m_model->visibleCount());
    m_counts->setText(shown + u", "_s + tr("%Ln with problems", nullptr, int(m_model->problemCount())) +
                      (m_paused ? tr(" — paused (capture goes on)") : QString()) +
                      (m_revalidationText.isEmpty() ? QString() : u" — "_s + m_revalidationText) +
                      (m_loadText.isEmpty() ? QString() : u" — "_s + m_loadText) +
                      (m_unlisted > 0
                           ? tr(" — the newest listed; %L1 older in the store only").arg(m_unlisted)
                           : QString()) +
                      (m_payloadSearchText.isEmpty() ? QString() : u" — "_s + m_payloadSearchText));
}

void MainWindow::clearDetail()
{
    m_overview->clear();
    m_metrics->clear();
    m_eventsPanel->setPing(nullptr);
    m_tree->clear();
    m_raw->clear();
    m_problems->clear();
    m_problemsSummary->setText(tr("Select a ping to see what is wrong with it.").toHtmlEscaped());
    m_headers->clear();
    m_attempts->clear();
}

void MainWindow::revealProblem()
{
    const QTreeWidgetItem *item = m_problems->currentItem();
    if (!item)
        return;
    const QVariant pointer = item->data(0, Qt::UserRole);
    const QVariant offset = item->data(0, Qt::UserRole + 1);
    if (pointer.isValid()) {
        const QModelIndex node =
            m_tree->indexForPointer(pointer.toString(), PayloadTreeModel::PointerMatch::NearestAncestor);
        if (node.isValid()) {
            for (QModelIndex p = node.parent(); p.isValid(); p = p.parent())
                m_treeView->expand(p);
            m_treeView->setCurrentIndex(node);
            m_treeView->scrollTo(node, QAbstractItemView::PositionAtCenter);
        }
        m_raw->revealPointer(pointer.toString());
    } else if (offset.isValid()) {
        m_raw->revealOffset(offset.toLongLong());
    }
}

void MainWindow::plotCurrentMetric()
{
    const QModelIndex current = m_metricsView->currentIndex().siblingAtColumn(0);
    m_plottedMetric.clear();
    for (QModelIndex i = current; i.isValid(); i = i.parent())
        m_plottedMetric.prepend(i.data().toString());
    m_metricChart->showMetric(current);
}

void MainWindow::reselectPlottedMetric()
{
    // Browsing pings of one kind: the same metric stays plotted when the next ping has it.
    const QStringList path = m_plottedMetric;
    QModelIndex found;
    for (const QString &name : path) {
        QModelIndex next;
        for (int r = 0; r < m_metrics->rowCount(found) && !next.isValid(); ++r)
            if (m_metrics->index(r, 0, found).data().toString() == name)
                next = m_metrics->index(r, 0, found);
        found = next;
        if (!found.isValid())
            break;
    }
    if (found.isValid()) {
        m_metricsView->setCurrentIndex(found);
        m_metricsView->scrollTo(found);
    } else {
        m_metricChart->clear();
    }
    m_plottedMetric = path;
}

void MainWindow::showSelected()
{
    const QModelIndex current = m_table->currentIndex();
    const qint64 id = m_model->idAt(current.row());
    if (!m_reader || id <= 0)
        return;
    const auto rec = m_reader->get(id);
    if (!rec)
        return;
    m_overview->setPing(*rec);
    m_metrics->setPayload(rec->payload, rec->warningsJson);
    m_eventsPanel->setPing(&*rec);
    m_tree->setPayload(rec->payload, rec->errorsJson, rec->warningsJson);
    m_raw->setPing(*rec);
    showProblems(*rec);
    QString headers =
        u"%1 %2%3\n\n"_s.arg(rec->method, rec->path, rec->query.isEmpty() ? QString() : u'?' + rec->query);
    for (const auto &h : rec->headers)
        headers += QString::fromLatin1(h.name) + u": "_s + QString::fromLatin1(h.value) + u'\n';
    m_headers->setPlainText(headers);
    m_attempts->setPing(*rec, rec->docId.isEmpty() ? std::vector<PingRecord>{*rec}
                                                   : m_reader->attempts(rec->docId));
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    QStringList paths;
    for (const QUrl &url : event->mimeData()->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    importPaths(paths);
}

void MainWindow::importPaths(const QStringList &paths)
{
    statusBar()->showMessage(tr("Importing %1…").arg(paths.join(u", "_s)));
    QPointer<MainWindow> self(this);
    std::thread([self, paths] {
        std::vector<RawSubmission> requests;
        QStringList problems;
        for (const QString &path : paths) {
            ImportBatch batch = readAny(path, {});
            for (ImportedRequest &r : batch.requests)
                requests.push_back(std::move(r.raw));
            for (const ImportProblem &p : batch.problems)
                if (!p.skipped)
                    problems << u"%1 %2: %3"_s.arg(p.file, p.position, p.message);
        }
        QMetaObject::invokeMethod(qApp, [self, requests = std::move(requests), problems]() mutable {
            if (!self)
                return;
            const auto n = qint64(requests.size());
            self->m_engine->importRequests(std::move(requests));
            self->statusBar()->showMessage(
                problems.isEmpty()
                    ? tr("Imported %n request(s); they are checked as if they had just been posted", nullptr,
                         int(n))
                    : tr("Imported %n request(s); %1 could not be read (see the message)", nullptr, int(n))
                          .arg(problems.size()),
                15000);
            Q_EMIT self->importFinished(n, problems);
        });
    }).detach();
}

void MainWindow::exportTo(const QString &path, bool selectionOnly)
{
    std::vector<qint64> ids;
    if (selectionOnly) {
        for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
            ids.push_back(m_model->idAt(index.row()));
    } else {
        for (int row = 0; row < m_model->rowCount(); ++row)
            ids.push_back(m_model->idAt(row));
    }
    std::sort(ids.begin(), ids.end()); // oldest first, as pingscope export writes them
    const bool har = path.endsWith(u".har"_s, Qt::CaseInsensitive);
    const QString store = m_engine->store() ? m_engine->store()->path() : QString();
    statusBar()->showMessage(tr("Exporting %n request(s) to %1…", nullptr, int(ids.size())).arg(path));
    QPointer<MainWindow> self(this);
    std::thread([self, ids = std::move(ids), har, path, store] {
        QString error;
        qint64 written = 0;
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly)) {
            error = file.errorString();
        } else {
            StoreReader reader(store);
            ExportWriter writer(&file, har);
            for (qint64 id : ids) {
                if (const auto rec = reader.get(id); rec && !writer.add(*rec))
                    break;
            }
            written = writer.count();
            if (!writer.finish() || !file.commit())
                error = file.errorString();
        }
        QMetaObject::invokeMethod(qApp, [self, written, error, path] {
            if (!self)
                return;
            self->statusBar()->showMessage(
                error.isEmpty() ? tr("Exported %n request(s) to %1", nullptr, int(written)).arg(path)
                                : tr("Could not export to %1: %2").arg(path, error),
                15000);
            Q_EMIT self->exportFinished(written, error);
        });
    }).detach();
}

void MainWindow::compareSelected()
{
    std::vector<qint64> ids;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        ids.push_back(m_model->idAt(index.row()));
    if (ids.size() != 2 || !m_reader) {
        statusBar()->showMessage(tr("Select two pings to compare (Ctrl+click the second)"), 5000);
        return;
    }
    std::sort(ids.begin(), ids.end()); // A is the older
    std::optional<PingRecord> recs[2] = {m_reader->get(ids[0]), m_reader->get(ids[1])};
    nlohmann::ordered_json docs[2];
    QString names[2];
    for (int i = 0; i < 2; ++i) {
        if (!recs[i] || recs[i]->payload.isEmpty()) {
            statusBar()->showMessage(tr("Ping #%1 has no JSON payload to compare").arg(ids[size_t(i)]), 5000);
            return;
        }
        docs[i] =
            nlohmann::ordered_json::parse(recs[i]->payload.begin(), recs[i]->payload.end(), nullptr, false);
        if (docs[i].is_discarded()) {
            statusBar()->showMessage(tr("Ping #%1's payload does not parse").arg(ids[size_t(i)]), 5000);
            return;
        }
        names[i] =
            u"#%1 %2 (%3)"_s.arg(recs[i]->id)
                .arg(
                    recs[i]->docType,
                    QDateTime::fromMSecsSinceEpoch(recs[i]->receivedAtUs / 1000).toString(u"HH:mm:ss.zzz"_s));
    }
    CompareDialog dialog(names[0], names[1], diffJson(docs[0], docs[1]), this);
    dialog.exec();
}

void MainWindow::editFaults()
{
    FaultsDialog dialog(m_engine->faults(), this);
    dialog.exec();
    updateFaultsStatus();
}

void MainWindow::updateFaultsStatus()
{
    const std::vector<FaultRule> rules = m_engine->faults()->rules();
    if (rules.empty()) {
        m_faultsButton->hide();
        return;
    }
    qint64 taken = 0;
    for (qint64 n : m_engine->faults()->takenCounts())
        taken += n;
    m_faultsButton->setText(tr("⚠ Faults on: %n rule(s), %1 faulted", nullptr, int(rules.size())).arg(taken));
    QStringList lines;
    for (size_t i = 0; i < rules.size(); ++i)
        lines << u"%1. %2 — %3"_s.arg(i + 1).arg(rules[i].spec(), rules[i].effect());
    m_faultsButton->setToolTip(tr("Fault rules in force (click to edit):\n%1").arg(lines.join(u'\n')));
    m_faultsButton->show();
}

void MainWindow::showProblems(const PingRecord &r)
{
    // Every error and warning; selecting one reveals it in the tree and raw view. The error
    // production reports is marked, generic-schema errors of an unregistered ping are for
    // information only.
    m_problems->clear();
    const auto errors = nlohmann::json::parse(r.errorsJson.begin(), r.errorsJson.end(), nullptr, false);
    const auto warnings = nlohmann::json::parse(r.warningsJson.begin(), r.warningsJson.end(), nullptr, false);
    const bool dropped = r.verdict == QStringView(verdict::Dropped);
    QIcon reportedIcon;
    reportedIcon.addPixmap(paintErrorMarker(16));
    reportedIcon.addPixmap(paintErrorMarker(32));
    QIcon warningIcon;
    warningIcon.addPixmap(paintWarningMarker(16));
    warningIcon.addPixmap(paintWarningMarker(32));
    bool anyReported = false;
    if (errors.is_array())
        for (const auto &e : errors)
            anyReported = anyReported || (e.is_object() && e.value("reported", false));
    auto addItems = [&](const nlohmann::json &items, bool warning) {
        if (!items.is_array())
            return;
        for (const auto &e : items) {
            if (!e.is_object())
                continue;
            auto *item = new QTreeWidgetItem(m_problems);
            const QString kind = jsonText(e, "kind");
            const QString pointer = jsonText(e, "pointer");
            const bool reported = !warning && e.value("reported", false);
            const bool generic = !warning && e.value("generic", false);
            item->setText(ProblemKind, kind);
            QString where;
            if (e.contains("pointer"))
                where = pointer.isEmpty() ? u"/"_s : pointer;
            else if (e.contains("line"))
                where = tr("line %1, column %2").arg(e.value("line", 0)).arg(e.value("column", 0));
            else if (kind == u"decoder")
                where = jsonText(e, "error_type"); // the decoder step: ParsePayload, ParseUri, ...
            item->setText(ProblemWhere, where);
            item->setText(ProblemMessage, jsonText(e, "message"));
            item->setToolTip(ProblemMessage, item->text(ProblemMessage));
            item->setData(0, Qt::UserRole, e.contains("pointer") ? QVariant(pointer) : QVariant());
            item->setData(0, Qt::UserRole + 1,
                          e.contains("offset") ? QVariant(e.value("offset", qint64(0))) : QVariant());
            QColor colour = warning ? warningTextColor() : kErrorText;
            if (reported) {
                const QString errorMessage = jsonText(e, "error_message");
                item->setData(0, ProductionMessageRole, errorMessage);
                item->setText(ProblemProduction, dropped ? tr("dropped, no error row") : tr("reported"));
                item->setIcon(ProblemProduction, reportedIcon);
                QFont bold = item->font(ProblemProduction);
                bold.setBold(true);
                for (int c : {ProblemKind, ProblemProduction})
                    item->setFont(c, bold);
                const QString tip =
                    (dropped ? tr("Production drops the ping with this exception (no error table row):")
                             : tr("The error production reports (one row in the error table):")) +
                    u"\n  error_type: "_s + jsonText(e, "error_type") + u"\n  exception_class: "_s +
                    jsonText(e, "exception_class") + u"\n  error_message: "_s + errorMessage + u"\n\n"_s +
                    jsonText(e, "message") + u"\n\n"_s +
                    tr("Ctrl+C or the context menu: Copy production error message (to search the error "
                       "tables)");
                for (int c = 0; c <= ProblemMessage; ++c)
                    item->setToolTip(c, tip);
            } else if (generic) {
                colour = kInfoText;
                item->setText(ProblemProduction, tr("for information (generic schema)"));
                const QString tip = tr(
                    "The ping is unregistered: production reports \"No such docType\" and never applies a "
                    "schema. "
                    "This error is from the generic Glean schema it would be checked with once registered.");
                item->setToolTip(ProblemProduction, tip);
                QFont italic = item->font(ProblemProduction);
                italic.setItalic(true);
                item->setFont(ProblemProduction, italic);
                item->setForeground(ProblemProduction, kInfoText);
            } else if (warning) {
                item->setText(ProblemProduction,
                              kind == u"bq-column" ? tr("additional_properties") : tr("warning"));
                item->setIcon(ProblemProduction, warningIcon);
                if (kind == u"bq-column")
                    item->setToolTip(ProblemProduction,
                                     tr("Not a column of %1: the value lands in the row's "
                                        "additional_properties (column %2 does not exist)")
                                         .arg(jsonText(e, "table"), jsonText(e, "column")));
            } else if (anyReported) {
                item->setText(ProblemProduction, tr("not reported"));
                item->setToolTip(ProblemProduction,
                                 tr("Production reports one error per ping (the schema check "
                                    "stops at the first); this one is also wrong"));
                item->setForeground(ProblemProduction, kInfoText);
            }
            item->setForeground(ProblemKind, colour);
        }
    };
    addItems(errors, false);
    addItems(warnings, true);

    const QString headline = productionHeadline(r);
    const QColor headColour = verdict::isProblem(r.verdict)              ? kErrorText
                              : r.verdict == QStringView(verdict::Valid) ? QColor(0x26, 0x7d, 0x3a)
                                                                         : warningTextColor();
    QString details = tr("Verdict: %1 — answered %2").arg(r.verdict).arg(r.statusCode);
    details += u" — "_s + tr("%n error(s)", nullptr, r.errorCount) + u", "_s +
               tr("%n warning(s)", nullptr, r.warningCount);
    if (!r.checkedWith.isEmpty())
        details += u" — "_s + tr("registry %1").arg(r.checkedWith);
    QString html = u"<b style=\"color:%1\">%2</b><br>%3"_s.arg(headColour.name(), headline.toHtmlEscaped(),
                                                               details.toHtmlEscaped());
    if (const ProductionError e = reportedError(r.errorsJson); e.found && !e.errorMessage.isEmpty())
        html +=
            u"<br>"_s + (r.verdict == QStringView(verdict::Dropped)
                             ? tr("Exception (no error row): %1 %2")
                             : tr("Error table row: error_type %1, error_message %2"))
                            .arg(e.errorType, u"<code>"_s + e.errorMessage.toHtmlEscaped() + u"</code>"_s);
    const bool unregistered = r.verdict == QStringView(verdict::Unregistered);
    if (!r.schemaKey.isEmpty())
        html += u"<br>"_s + (unregistered ? tr("Generic schema, for information: %1") : tr("Schema: %1"))
                                .arg(r.schemaKey)
                                .toHtmlEscaped();
    if (!r.schemaNote.isEmpty() && !unregistered) // an unregistered ping's note is the headline
        html += u"<br>"_s + r.schemaNote.toHtmlEscaped();
    m_problemsSummary->setText(html);
}

bool MainWindow::copyProblem()
{
    const QTreeWidgetItem *item = m_problems->currentItem();
    if (!item)
        return false;
    const QString production = item->data(0, ProductionMessageRole).toString();
    QApplication::clipboard()->setText(production.isEmpty() ? item->text(ProblemMessage) : production);
    return true;
}

bool MainWindow::copyOverview()
{
    const QModelIndex index = m_overviewView->currentIndex();
    if (!index.isValid())
        return false;
    QApplication::clipboard()->setText(m_overview->copyText(index));
    return true;
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if ((watched == m_problems || watched == m_overviewView) &&
        (event->type() == QEvent::ShortcutOverride || event->type() == QEvent::KeyPress)) {
        auto *key = static_cast<QKeyEvent *>(event);
        if (key->matches(QKeySequence::Copy)) {
            // Override the window's Copy payload while these views have the focus.
            if (event->type() == QEvent::ShortcutOverride) {
                event->accept();
                return true;
            }
            if (watched == m_problems ? copyProblem() : copyOverview())
                return true;
        }
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::chooseSchemas()
{
    const auto registry = m_engine->schemas();
    SchemaDialog dialog(m_options.schemaRoots, m_engine->schemaLoadErrors(), registry ? registry->size() : 0,
                        this);
    if (dialog.exec() != QDialog::Accepted || dialog.roots() == m_options.schemaRoots)
        return;
    EngineOptions options = m_options;
    options.schemaRoots = dialog.roots();
    options.ingest.schemas.reset();
    options.capture.port = m_engine->port() ? m_engine->port() : options.capture.port;
    QSettings().setValue(u"schemaRoots"_s, options.schemaRoots);
    // Restart capture with the new schemas (same store, same port).
    m_engine->stop();
    startEngine(options);
    updateFaultsStatus();
}

void MainWindow::saveAsExample()
{
    if (!m_reader)
        return;
    std::vector<PingRecord> pings;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        if (auto rec = m_reader->get(m_model->idAt(index.row())))
            pings.push_back(std::move(*rec));
    if (pings.empty()) {
        QMessageBox::information(this, tr("Save as example"), tr("Select one or more pings first."));
        return;
    }
    QSettings settings;
    ExampleDialog dialog(std::move(pings), settings.value(u"exampleCheckout"_s).toString(), this);
    if (dialog.exec() == QDialog::Accepted) {
        settings.setValue(u"exampleCheckout"_s, dialog.checkoutDir());
        statusBar()->showMessage(tr("Saved as schema example"), 5000);
    }
}

void MainWindow::clearAll()
{
    if (!m_engine->isRunning())
        return;
    if (QMessageBox::question(this, tr("Clear all pings"),
                              tr("Delete all %n captured ping(s) from the store?", nullptr,
                                 int(m_model->totalCount()))) != QMessageBox::Yes)
        return;
    m_engine->store()->clear();
    clearLists();
    clearDetail();
    updateStatus();
}

} // namespace pingscope
