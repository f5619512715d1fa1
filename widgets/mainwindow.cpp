#include "mainwindow.h"

#include "connectdialog.h"
#include "decode.h"
#include "exampledialog.h"
#include "pinglistmodel.h"
#include "schemadialog.h"
#include "store.h"

#include <QApplication>
#include <QClipboard>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>

#include <nlohmann/json.hpp>

using namespace Qt::StringLiterals;

namespace pingscope {

MainWindow::MainWindow(const EngineOptions &options, QWidget *parent)
    : QMainWindow(parent), m_engine(std::make_unique<Engine>())
{
    setWindowTitle(u"Pingscope — %1"_s.arg(QFileInfo(options.dbPath).fileName()));
    resize(1200, 760);

    auto *bar = addToolBar(tr("Capture"));
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
    bar->addSeparator();
    auto *clear = bar->addAction(tr("Clear…"));
    connect(clear, &QAction::triggered, this, &MainWindow::clearAll);
    bar->addSeparator();
    m_counts = new QLabel(this);
    bar->addWidget(m_counts);
    bar->addSeparator();
    auto *saveExampleAction = bar->addAction(tr("Save as example…"));
    saveExampleAction->setToolTip(tr("Save the selected pings as mozilla-pipeline-schemas validation examples"));
    connect(saveExampleAction, &QAction::triggered, this, &MainWindow::saveAsExample);
    auto *schemas = bar->addAction(tr("Schemas…"));
    connect(schemas, &QAction::triggered, this, &MainWindow::chooseSchemas);
    m_schemaStatus = new QLabel(this);
    bar->addWidget(m_schemaStatus);

    m_model = new PingListModel(this);
    m_table = new QTableView(this);
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionsMovable(true);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    // Widths from typical contents, so that nothing common is clipped.
    const QString samples[] = {u"00:00:00.000"_s, u"org-mozilla-firefox-beta"_s, u"nimbus-targeting-context"_s,
                               u"Ver."_s, u"bad-encoding (2)"_s, u"peers-firefox-1"_s, u"e8067695"_s,
                               u"1.99 KiB / 10.5 KiB"_s};
    for (int c = 0; c < PingListModel::ColumnCount; ++c)
        m_table->setColumnWidth(c, fontMetrics().horizontalAdvance(samples[c]) + 16);

    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    auto makeText = [&](const QString &placeholder) {
        auto *t = new QPlainTextEdit(this);
        t->setReadOnly(true);
        t->setFont(mono);
        t->setPlaceholderText(placeholder);
        t->setLineWrapMode(QPlainTextEdit::NoWrap);
        return t;
    };
    m_payload = makeText(tr("Select a ping to see its payload."));
    m_errors = makeText(tr("Select a ping to see what is wrong with it."));
    m_headers = makeText(tr("Select a ping to see its request headers."));
    m_tabs = new QTabWidget(this);
    m_tabs->addTab(m_payload, tr("Payload"));
    m_tabs->addTab(m_errors, tr("Problems"));
    m_tabs->addTab(m_headers, tr("Request"));

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_table);
    split->addWidget(m_tabs);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    setCentralWidget(split);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MainWindow::showSelected);

    m_refreshTimer = new QTimer(this);
    m_refreshTimer->setSingleShot(true);
    m_refreshTimer->setInterval(50);
    connect(m_refreshTimer, &QTimer::timeout, this, &MainWindow::refreshNow);

    startEngine(options);
}

MainWindow::~MainWindow()
{
    m_reader.reset();
    m_engine->stop();
}

void MainWindow::startEngine(const EngineOptions &options)
{
    m_options = options;
    m_reader.reset();
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
    if (const auto registry = m_engine->schemas()) {
        const auto &errors = m_engine->schemaLoadErrors();
        m_schemaStatus->setText(errors.isEmpty()
                                    ? tr("%n schema(s)", nullptr, int(registry->size()))
                                    : tr("%n schema(s), %1 failed to load", nullptr, int(registry->size()))
                                          .arg(errors.size()));
        m_schemaStatus->setToolTip(registry->roots().isEmpty() ? tr("Built-in schemas only")
                                                               : registry->roots().join(u'\n'));
    } else {
        m_schemaStatus->setText(tr("validation off"));
    }
    statusBar()->showMessage(tr("Store: %1").arg(m_engine->store()->path()));
    m_reader = std::make_unique<StoreReader>(m_engine->store()->path());
    connect(m_engine->store(), &Store::recordsCommitted, this, &MainWindow::scheduleRefresh,
            Qt::QueuedConnection);
    connect(m_engine->store(), &Store::cleared, this, [this] { m_model->clear(); updateStatus(); },
            Qt::QueuedConnection);
    refreshNow();
}

void MainWindow::scheduleRefresh()
{
    if (!m_refreshTimer->isActive())
        m_refreshTimer->start();
}

void MainWindow::refreshNow()
{
    if (!m_reader)
        return;
    PingQuery q;
    q.afterId = m_model->newestId();
    q.limit = -1;
    m_model->prepend(m_reader->list(q));
    if (!m_table->currentIndex().isValid() && m_model->rowCount() > 0)
        m_table->selectRow(0);
    updateStatus();
}

void MainWindow::updateStatus()
{
    m_counts->setText(tr("%n ping(s)", nullptr, m_model->rowCount()) + u", "_s +
                      tr("%n with problems", nullptr, m_model->invalidCount()));
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
    if (!rec->payload.isEmpty() && jsonNestingDepth(rec->payload) > kMaxPrintableDepth) {
        m_payload->setPlainText(QString::fromUtf8(rec->payload));
    } else if (!rec->payload.isEmpty()) {
        const auto doc = nlohmann::json::parse(rec->payload.begin(), rec->payload.end(), nullptr, false);
        m_payload->setPlainText(doc.is_discarded() ? QString::fromUtf8(rec->payload)
                                                   : QString::fromStdString(doc.dump(2)));
    } else {
        m_payload->setPlainText(tr("(no JSON payload: %1 bytes on the wire, shown as hex)\n\n%2")
                                    .arg(rec->bodyBytes)
                                    .arg(QString::fromLatin1(rec->body.left(4096).toHex(' '))));
    }
    QString problems = tr("Verdict: %1\nHTTP status answered: %2\n").arg(rec->verdict).arg(rec->statusCode);
    if (!rec->schemaKey.isEmpty())
        problems += tr("Schema: %1\n").arg(rec->schemaKey);
    if (!rec->schemaNote.isEmpty())
        problems += rec->schemaNote + u'\n';
    auto list = [&](const QByteArray &text, const QString &title) {
        const auto items = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
        if (!items.is_array() || items.empty())
            return;
        problems += u'\n' + title.arg(items.size()) + u'\n';
        for (const auto &e : items) {
            const QString pointer = QString::fromStdString(e.value("pointer", std::string()));
            problems += u"• "_s + (pointer.isEmpty() ? QString() : pointer + u"  "_s) +
                        QString::fromStdString(e.value("message", std::string())) + u'\n';
        }
    };
    list(rec->errorsJson, tr("Errors (%1):"));
    list(rec->warningsJson, tr("Warnings (%1):"));
    m_errors->setPlainText(problems);
    QString headers = u"%1 %2%3\n\n"_s.arg(rec->method, rec->path,
                                            rec->query.isEmpty() ? QString() : u'?' + rec->query);
    for (const auto &h : rec->headers)
        headers += QString::fromLatin1(h.name) + u": "_s + QString::fromLatin1(h.value) + u'\n';
    m_headers->setPlainText(headers);
}

void MainWindow::chooseSchemas()
{
    const auto registry = m_engine->schemas();
    SchemaDialog dialog(m_options.schemaRoots, m_engine->schemaLoadErrors(), registry ? registry->size() : 0, this);
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
                                 m_model->rowCount())) != QMessageBox::Yes)
        return;
    m_engine->store()->clear();
    m_model->clear();
    m_payload->clear();
    m_errors->clear();
    m_headers->clear();
    updateStatus();
}

} // namespace pingscope
