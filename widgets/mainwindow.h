#pragma once

#include "engine.h"

#include <QMainWindow>

#include <memory>

class QLabel;
class QPlainTextEdit;
class QTableView;
class QTabWidget;
class QTimer;

namespace pingscope {

class PingListModel;
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
    PingListModel *pingModel() { return m_model; }
    // Reads newly committed pings into the list now (normally on a short timer).
    void refreshNow();

private:
    void startEngine(const EngineOptions &options);
    void scheduleRefresh();
    void showSelected();
    void clearAll();
    void updateStatus();
    void chooseSchemas();
    void saveAsExample();

    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<StoreReader> m_reader;
    PingListModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    QTabWidget *m_tabs = nullptr;
    QPlainTextEdit *m_payload = nullptr;
    QPlainTextEdit *m_errors = nullptr;
    QPlainTextEdit *m_headers = nullptr;
    QLabel *m_endpoint = nullptr;
    QLabel *m_counts = nullptr;
    QLabel *m_schemaStatus = nullptr;
    EngineOptions m_options;
    QTimer *m_refreshTimer = nullptr;
    QString m_startError;
};

} // namespace pingscope
