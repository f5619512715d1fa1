// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "engine.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDirIterator>
#include <QFileInfo>
#include <malloc.h>
#include <pthread.h>

#include <nlohmann/json.hpp>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace pingscope {

Ingestor::Ingestor(Store *store, IngestOptions options, int threads)
    : m_store(store), m_options(std::move(options)), m_workerCount(qMax(1, threads))
{
    for (int i = 0; i < m_workerCount; ++i)
        m_threads.emplace_back([this] {
            pthread_setname_np(pthread_self(), "ingest");
            run(false);
        });
    m_threads.emplace_back([this] {
        pthread_setname_np(pthread_self(), "ingest-large");
        run(true);
    });
}

Ingestor::~Ingestor()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_largeWake.notify_all();
    for (auto &t : m_threads)
        t.join();
}

void Ingestor::push(RawSubmission &&raw, quint64 ticket)
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(Job{std::move(raw), ticket});
    }
    m_wake.notify_one();
}

void Ingestor::setSchemas(std::shared_ptr<const SchemaRegistry> schemas)
{
    std::lock_guard lock(m_mutex);
    m_options.schemas = std::move(schemas);
    ++m_generation;
}

void Ingestor::run(bool largeLane)
{
    // valijson's validator state is per thread: each worker has its own, reused for every ping,
    // and made again when the schemas change.
    std::unique_ptr<Validator> validator;
    IngestOptions options;
    quint64 generation = ~quint64(0);
    std::vector<Job> jobs;
    std::vector<std::pair<PingRecord, quint64>> records;
    for (;;) {
        {
            std::unique_lock lock(m_mutex);
            if (largeLane) {
                // The large lane stops last: ordinary workers may still be handing bodies on.
                m_largeWake.wait(lock, [this] {
                    return !m_largeQueue.empty() || (m_stop && m_queue.empty() && m_busyWorkers == 0);
                });
                if (m_largeQueue.empty())
                    return;
                jobs.push_back(std::move(m_largeQueue.front()));
                m_largeQueue.pop_front();
            } else {
                m_wake.wait(lock, [this] { return m_stop || !m_queue.empty(); });
                if (m_queue.empty()) {
                    m_largeWake.notify_all();
                    return; // stopping, and nothing left
                }
                // Under load, take several: the store then gets them in one hand-off, commits them
                // together and the capture thread answers them in one wake-up. A share of the
                // queue, so that the other workers get some too.
                const size_t take = std::clamp<size_t>(m_queue.size() / size_t(m_workerCount), 1, kMaxBatch);
                for (size_t i = 0; i < take; ++i) {
                    jobs.push_back(std::move(m_queue.front()));
                    m_queue.pop_front();
                }
                ++m_busyWorkers;
            }
            if (generation != m_generation) {
                generation = m_generation;
                options = m_options;
                if (!largeLane)
                    options.inlineLimit = kInlineLimit;
                validator = options.schemas ? std::make_unique<Validator>(options.schemas) : nullptr;
            }
        }
        std::vector<Job> handedOn;
        for (Job &job : jobs) {
            if (std::optional<PingRecord> rec = tryIngestSubmission(job.raw, options, validator.get()))
                records.emplace_back(std::move(*rec), job.ticket);
            else
                handedOn.push_back(std::move(job));
        }
        jobs.clear();
        if (!records.empty())
            m_store->enqueue(std::move(records));
        records.clear();
        if (largeLane) {
            // A large body's parse leaves the heap big; give it back rather than keep the peak.
            malloc_trim(0);
            continue;
        }
        {
            std::lock_guard lock(m_mutex);
            for (Job &job : handedOn)
                m_largeQueue.push_back(std::move(job));
            --m_busyWorkers;
        }
        m_largeWake.notify_one();
    }
}

MemoryShares memoryShares(qint64 budget, qint64 maxDecodedBytes, int ingestThreads)
{
    MemoryShares s;
    s.bodiesInFlight = budget / 4;
    s.inflate = qMin(maxDecodedBytes, budget / 8);
    const qint64 ordinary = qint64(qMax(1, ingestThreads)) * (20LL << 20);
    s.parse = qMax<qint64>(16LL << 20, budget - s.bodiesInFlight - s.inflate - ordinary);
    return s;
}

QByteArray schemaTreeSignature(const QStringList &roots)
{
    QCryptographicHash hash(QCryptographicHash::Sha1);
    for (const QString &root : roots) {
        hash.addData(root.toUtf8());
        QDirIterator it(root, QDir::Files | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            it.next();
            const QFileInfo info = it.fileInfo();
            if (!info.fileName().endsWith(u".schema.json"_s) && !info.fileName().endsWith(u".bq"_s))
                continue;
            hash.addData(info.filePath().toUtf8());
            hash.addData(QByteArray::number(info.size()));
            hash.addData(QByteArray::number(info.lastModified().toMSecsSinceEpoch()));
        }
    }
    return hash.result();
}

Engine::Engine(QObject *parent) : QObject(parent)
{
    m_serverThread.setObjectName(u"capture"_s);
}

Engine::~Engine()
{
    stop();
}

bool Engine::start(const EngineOptions &options, QString *error)
{
    stop();
    m_options = options;
    m_schemaErrors.clear();
    // The watcher compares the trees with what they were before loading: an edit made while
    // the engine starts (or before its watcher thread first runs) is not missed.
    const QByteArray treeSignature =
        options.schemaRoots.isEmpty() ? QByteArray() : schemaTreeSignature(options.schemaRoots);
    if (options.validate && !options.ingest.schemas)
        m_options.ingest.schemas =
            SchemaRegistry::load(options.schemaRoots, options.bundledSchemas, &m_schemaErrors);
    Store::Options storeOptions;
    storeOptions.maxBytes = options.maxStoreBytes;
    m_store = Store::open(options.dbPath, storeOptions, error);
    if (!m_store)
        return false;
    connect(
        m_store.get(), &Store::spaceWarning, this,
        [this](qint64 used, qint64 max) { Q_EMIT storeSpaceLow(used, max); }, Qt::QueuedConnection);
    int threads = options.ingestThreads;
    if (threads <= 0)
        threads = qMax(1, QThread::idealThreadCount()); // the capture and store threads are light
    if (options.memoryBudget > 0) {
        const MemoryShares shares =
            memoryShares(options.memoryBudget, options.ingest.maxDecodedBytes, threads);
        m_options.capture.maxBodyBytesInFlight = shares.bodiesInFlight;
        m_options.ingest.maxDecodedBytes = shares.inflate;
        m_options.ingest.parseBudget = shares.parse;
    }
    if (options.forwardUrl.isValid()) {
        m_forwarder = std::make_unique<Forwarder>(m_store.get(), options.forwardUrl);
        Forwarder *forwarder = m_forwarder.get();
        connect(
            m_store.get(), &Store::recordsCommitted, m_store.get(),
            [forwarder](qint64 first, qint64 last) { forwarder->committed(first, last); },
            Qt::DirectConnection);
    }
    m_ingestor = std::make_unique<Ingestor>(m_store.get(), m_options.ingest, threads);
    m_revalidator = std::make_unique<Revalidator>(m_store.get());

    if (options.capture.faults)
        m_faults = options.capture.faults; // the caller's (tests)
    if (!options.faultRules.empty())
        m_faults->setRules(options.faultRules);
    m_options.capture.faults = m_faults;
    auto *api = new ApiWorker(m_store.get());
    api->setFaults(m_faults);
    std::function<nlohmann::json(bool)> revalidateHandler;
    if (m_options.ingest.schemas) {
        // Called on the query API's thread; the re-check itself starts on the engine's thread.
        Revalidator *revalidator = m_revalidator.get();
        revalidateHandler = [this, revalidator](bool startNow) {
            if (startNow)
                QMetaObject::invokeMethod(
                    this, [this] { revalidate(); }, Qt::QueuedConnection);
            const Revalidator::Status st = revalidator->status();
            return nlohmann::json{{"running", st.running || startNow},
                                  {"done", st.done},
                                  {"total", st.total},
                                  {"changed", st.changed}};
        };
    }
    m_revalidateHandler = revalidateHandler;
    api->configure(m_options.ingest.schemas, m_schemaErrors, std::move(revalidateHandler));
    auto *server = new CaptureServer(m_options.capture, api);

    Ingestor *ingestor = m_ingestor.get();
    server->setSubmissionHandler(
        [ingestor](RawSubmission &&raw, quint64 ticket) { ingestor->push(std::move(raw), ticket); });
    m_store->setWriteHandler([this](std::vector<WriteResult> &&results) {
        // Failed writes are said where the user looks (the window's status bar, headless stderr),
        // once per failing stretch rather than once per ping.
        const auto failed =
            std::find_if(results.begin(), results.end(), [](const WriteResult &r) { return !r.ok; });
        const bool failing = failed != results.end();
        if (failing != m_storeFailing.exchange(failing)) {
            QString message;
            if (!failing)
                message = u"the store writes again: capture resumed"_s;
            else if (failed->storeFull)
                message = u"the store is full: pings are answered 507 and not kept (%1)"_s.arg(failed->error);
            else if (failed->storeGone)
                message =
                    u"the store file is gone: pings are answered 503 and not kept (%1)"_s.arg(failed->error);
            else if (failed->diskFull)
                message = u"the disk is full: pings are answered 507 and not kept (%1)"_s.arg(failed->error);
            else
                message =
                    u"the store cannot write: pings are answered 503 and not kept (%1)"_s.arg(failed->error);
            if (failing && failed->storeGone) {
                const QString why = failed->error;
                QMetaObject::invokeMethod(
                    this, [this, why] { Q_EMIT storeFileGone(why); }, Qt::QueuedConnection);
            }
            QMetaObject::invokeMethod(
                this, [this, message, failing] { Q_EMIT storeProblem(message, failing); },
                Qt::QueuedConnection);
        }
        std::lock_guard lock(m_serverMutex);
        if (!m_server)
            return;
        CaptureServer *srv = m_server;
        QMetaObject::invokeMethod(
            srv, [srv, results = std::move(results)] { srv->deliver(results); }, Qt::QueuedConnection);
    });
    server->moveToThread(&m_serverThread);
    m_serverThread.start();
    bool ok = false;
    QString listenError;
    QMetaObject::invokeMethod(
        server, [&] { ok = server->listen(&listenError); }, Qt::BlockingQueuedConnection);
    if (!ok) {
        QMetaObject::invokeMethod(
            server, [server] { delete server; }, Qt::BlockingQueuedConnection);
        m_serverThread.quit();
        m_serverThread.wait();
        m_ingestor.reset();
        m_store.reset();
        if (error)
            *error = listenError;
        return false;
    }
    m_port = server->port();
    {
        std::lock_guard lock(m_serverMutex);
        m_server = server;
        m_api = api;
    }
    // Pings checked with other schemas (an earlier session, another registry) are re-checked.
    if (m_options.ingest.schemas)
        m_revalidator->start(m_options.ingest);
    if (m_options.ingest.schemas && !m_options.schemaRoots.isEmpty()) {
        m_watchStop = false;
        m_watchThread = std::thread([this, treeSignature] {
            pthread_setname_np(pthread_self(), "schema-watch");
            watchSchemas(treeSignature);
        });
    }
    return true;
}

void Engine::revalidate()
{
    if (m_revalidator && m_options.ingest.schemas)
        m_revalidator->start(m_options.ingest);
}

void Engine::watchSchemas(QByteArray signature)
{
    const QStringList roots = m_options.schemaRoots;
    const bool bundled = m_options.bundledSchemas;
    std::unique_lock lock(m_watchMutex);
    for (;;) {
        if (m_watchWake.wait_for(lock, std::chrono::seconds(2), [this] { return m_watchStop; }))
            return;
        lock.unlock();
        QByteArray now = schemaTreeSignature(roots);
        if (now != signature) {
            // An editor or a git checkout may still be writing: wait until the tree holds still.
            for (int settle = 0; settle < 20; ++settle) {
                {
                    std::unique_lock settleLock(m_watchMutex);
                    if (m_watchWake.wait_for(settleLock, std::chrono::milliseconds(300),
                                             [this] { return m_watchStop; }))
                        return;
                }
                const QByteArray again = schemaTreeSignature(roots);
                if (again == now)
                    break;
                now = again;
            }
            signature = now;
            QList<SchemaLoadError> errors;
            auto schemas = SchemaRegistry::load(roots, bundled, &errors);
            QMetaObject::invokeMethod(
                this, [this, schemas, errors] { applySchemas(schemas, errors); }, Qt::QueuedConnection);
        }
        lock.lock();
    }
}

void Engine::applySchemas(std::shared_ptr<const SchemaRegistry> schemas, QList<SchemaLoadError> errors)
{
    if (!m_ingestor || !m_revalidator)
        return;
    m_options.ingest.schemas = schemas;
    m_schemaErrors = errors;
    m_ingestor->setSchemas(schemas);
    {
        std::lock_guard lock(m_serverMutex);
        if (ApiWorker *api = m_api)
            QMetaObject::invokeMethod(
                api,
                [api, schemas, errors, handler = m_revalidateHandler] {
                    api->configure(schemas, errors, handler);
                },
                Qt::QueuedConnection);
    }
    m_revalidator->start(m_options.ingest);
    Q_EMIT schemasChanged();
}

void Engine::importRequests(std::vector<RawSubmission> requests)
{
    if (!m_ingestor)
        return;
    for (RawSubmission &raw : requests)
        m_ingestor->push(std::move(raw), 0); // ticket 0 names no connection: no answer goes out
}

void Engine::stop()
{
    {
        std::lock_guard lock(m_watchMutex);
        m_watchStop = true;
    }
    m_watchWake.notify_all();
    if (m_watchThread.joinable())
        m_watchThread.join();
    m_revalidator.reset(); // before the store it writes to
    CaptureServer *server = nullptr;
    {
        std::lock_guard lock(m_serverMutex);
        server = m_server;
        m_server = nullptr;
        m_api = nullptr; // deleted with the server
    }
    if (server) {
        // The server and its sockets belong to the capture thread: delete them there.
        QMetaObject::invokeMethod(
            server, [server] { delete server; }, Qt::BlockingQueuedConnection);
        m_serverThread.quit();
        m_serverThread.wait();
    }
    m_ingestor.reset(); // finishes queued submissions into the store
    m_forwarder.reset();
    m_store.reset(); // commits and closes
    m_port = 0;
}

QString Engine::endpointUrl() const
{
    QString host = m_options.capture.address.toString();
    if (m_options.capture.address.protocol() == QAbstractSocket::IPv6Protocol)
        host = u'[' + host + u']';
    if (m_options.capture.address == QHostAddress::Any || m_options.capture.address == QHostAddress::AnyIPv4)
        host = u"127.0.0.1"_s;
    return u"http://%1:%2"_s.arg(host).arg(m_port);
}

} // namespace pingscope
