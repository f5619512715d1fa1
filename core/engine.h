#pragma once

#include "captureserver.h"
#include "ingest.h"
#include "revalidator.h"
#include "store.h"
#include "validation.h"

#include <QObject>
#include <QThread>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace pingscope {

// Worker threads that turn raw submissions into records and queue them for the store.
class Ingestor
{
public:
    Ingestor(Store *store, IngestOptions options, int threads);
    ~Ingestor(); // finishes what was queued

    void push(RawSubmission &&raw, quint64 ticket);
    // New schemas for the pings pushed from now on (each worker makes a new Validator).
    void setSchemas(std::shared_ptr<const SchemaRegistry> schemas);

private:
    void run();

    static constexpr size_t kMaxBatch = 16; // jobs a worker takes at once (~0.7 ms of baseline pings)

    struct Job
    {
        RawSubmission raw;
        quint64 ticket;
    };
    Store *m_store;
    IngestOptions m_options;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Job> m_queue;
    bool m_stop = false;
    quint64 m_generation = 0; // of m_options.schemas (m_mutex)
    std::vector<std::thread> m_threads;
};

struct EngineOptions
{
    QString dbPath;
    CaptureConfig capture;
    IngestOptions ingest;
    int ingestThreads = 0; // 0: one per core
    bool validate = true;        // check pings against schemas
    QStringList schemaRoots;     // user schema trees (mozilla-pipeline-schemas layout)
    bool bundledSchemas = true;  // the schemas compiled into Pingscope
};

// The whole GUI-free capture pipeline: CaptureServer (own thread) -> Ingestor (workers) ->
// Store (writer thread) -> answers back to the server. The window and --headless both run
// one Engine. Create, start and stop it on one thread (the main thread).
class Engine : public QObject
{
    Q_OBJECT
public:
    explicit Engine(QObject *parent = nullptr);
    ~Engine() override;

    bool start(const EngineOptions &options, QString *error);
    void stop();

    bool isRunning() const { return m_server != nullptr; }
    quint16 port() const { return m_port; }
    QString endpointUrl() const;
    Store *store() const { return m_store.get(); }
    const QList<SchemaLoadError> &schemaLoadErrors() const { return m_schemaErrors; }
    std::shared_ptr<const SchemaRegistry> schemas() const { return m_options.ingest.schemas; }
    const EngineOptions &options() const { return m_options; }
    // Re-checks stored pings in the background (started by start() for pings checked with
    // other schemas, by a change of a --schemas tree on disk, or by the API).
    Revalidator *revalidator() const { return m_revalidator.get(); }
    void revalidate();

Q_SIGNALS:
    // The schemas were reloaded because a --schemas tree changed on disk (main thread).
    void schemasChanged();
    // Writing to the store started failing (`failing`) or works again (main thread).
    void storeProblem(const QString &message, bool failing);

private:
    void applySchemas(std::shared_ptr<const SchemaRegistry> schemas, QList<SchemaLoadError> errors);
    void watchSchemas(QByteArray signature); // the watcher thread's loop, from the trees' signature at load
    EngineOptions m_options;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<Ingestor> m_ingestor;
    QThread m_serverThread;
    CaptureServer *m_server = nullptr;
    std::mutex m_serverMutex; // guards m_server for the store's writer thread
    std::atomic<bool> m_storeFailing{false};
    quint16 m_port = 0;
    QList<SchemaLoadError> m_schemaErrors;
    std::unique_ptr<Revalidator> m_revalidator;
    std::thread m_watchThread;
    std::mutex m_watchMutex;
    std::condition_variable m_watchWake;
    bool m_watchStop = false;
};

// A cheap signature of the schema files under `roots` (names, sizes, times), to notice edits.
QByteArray schemaTreeSignature(const QStringList &roots);

} // namespace pingscope
