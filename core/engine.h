// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "forwarder.h"
#include "http/captureserver.h"
#include "http/faults.h"
#include "ingest.h"
#include "queryapi.h"
#include "revalidator.h"
#include "store/store.h"
#include "validation/validation.h"

#include <nlohmann/json.hpp>

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
// Decoding and validation off the capture thread, in two lanes so that one large request
// never holds up ordinary pings: `threads` workers take every request but give up on a body
// that is large (over IngestOptions::inlineLimit raw, inflated or parsed) and hand it to the
// large lane, one thread that works through such bodies one at a time within the parse budget.
// Answers still go out in request order per connection.
class Ingestor
{
public:
    Ingestor(Store *store, IngestOptions options, int threads);
    ~Ingestor(); // finishes what was queued

    void push(RawSubmission &&raw, quint64 ticket);
    // New schemas for the pings pushed from now on (each worker makes a new Validator).
    void setSchemas(std::shared_ptr<const SchemaRegistry> schemas);

    static constexpr qint64 kInlineLimit = 1 << 20; // the ordinary lane's limit per body

private:
    void run(bool largeLane);

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
    std::condition_variable m_largeWake;
    std::deque<Job> m_queue;
    std::deque<Job> m_largeQueue;
    int m_busyWorkers = 0; // ordinary workers holding jobs (m_mutex): they may still hand some on
    bool m_stop = false;
    quint64 m_generation = 0; // of m_options.schemas (m_mutex)
    int m_workerCount = 1;
    std::vector<std::thread> m_threads;
};

struct EngineOptions
{
    QString dbPath;
    qint64 maxStoreBytes = 8LL << 30; // --max-store-size (0: no limit)
    // --memory-budget: request bodies in flight (a quarter), inflating and parsing (see
    // memoryShares()). 0: the capture and ingest options are used as given.
    qint64 memoryBudget = 512LL << 20;
    CaptureConfig capture;
    IngestOptions ingest;
    int ingestThreads = 0;             // 0: one per core
    bool validate = true;              // check pings against schemas
    QStringList schemaRoots;           // user schema trees (mozilla-pipeline-schemas layout)
    bool bundledSchemas = true;        // the schemas compiled into Pingscope
    std::vector<FaultRule> faultRules; // --fault, --respond-status
    QUrl forwardUrl;                   // --forward: every stored request is sent on there too
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
    // The fault rules in force; the same object across restarts of the engine (start() sets
    // EngineOptions::faultRules when it has some).
    const std::shared_ptr<FaultInjector> &faults() const { return m_faults; }
    void revalidate();
    // Imported requests (files dropped on the window): decoded, checked and stored as if they had
    // been posted now, each keeping its received time and source; nobody is answered.
    void importRequests(std::vector<RawSubmission> requests);

Q_SIGNALS:
    // The schemas were reloaded because a --schemas tree changed on disk (main thread).
    void schemasChanged();
    // Writing to the store started failing (`failing`) or works again (main thread).
    void storeProblem(const QString &message, bool failing);
    // The store file was deleted or replaced while open: nothing is kept until the engine is
    // started again, which makes a new file (main thread).
    void storeFileGone(const QString &message);
    // The store passed 90 % of --max-store-size (main thread).
    void storeSpaceLow(qint64 usedBytes, qint64 maxBytes);

private:
    void applySchemas(std::shared_ptr<const SchemaRegistry> schemas, QList<SchemaLoadError> errors);
    void watchSchemas(QByteArray signature); // the watcher thread's loop, from the trees' signature at load
    EngineOptions m_options;
    std::shared_ptr<FaultInjector> m_faults = std::make_shared<FaultInjector>();
    std::unique_ptr<Store> m_store;
    std::unique_ptr<Ingestor> m_ingestor;
    QThread m_serverThread;
    CaptureServer *m_server = nullptr;
    ApiWorker *m_api = nullptr; // owned by m_server, lives on its API thread
    std::function<nlohmann::json(bool start)> m_revalidateHandler; // for POST /pingscope/v1/revalidate
    std::mutex m_serverMutex; // guards m_server and m_api for the store's writer thread
    std::atomic<bool> m_storeFailing{false};
    quint16 m_port = 0;
    QList<SchemaLoadError> m_schemaErrors;
    std::unique_ptr<Revalidator> m_revalidator;
    std::unique_ptr<Forwarder> m_forwarder;
    std::thread m_watchThread;
    std::mutex m_watchMutex;
    std::condition_variable m_watchWake;
    bool m_watchStop = false;
};

// How --memory-budget is shared out: bodies being received or awaiting their answer, the most
// one body may inflate to, and the most parsing one body may take (the large lane, one body at
// a time, after the ordinary lanes' reserve of 20 MiB per worker).
struct MemoryShares
{
    qint64 bodiesInFlight = 0;
    qint64 inflate = 0;
    qint64 parse = 0;
};
MemoryShares memoryShares(qint64 budget, qint64 maxDecodedBytes, int ingestThreads);

// A cheap signature of the schema files under `roots` (names, sizes, times), to notice edits.
QByteArray schemaTreeSignature(const QStringList &roots);

} // namespace pingscope
