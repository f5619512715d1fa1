#include "engine.h"

using namespace Qt::StringLiterals;

namespace pingscope {

Ingestor::Ingestor(Store *store, IngestOptions options, int threads)
    : m_store(store), m_options(options)
{
    for (int i = 0; i < qMax(1, threads); ++i)
        m_threads.emplace_back([this] { run(); });
}

Ingestor::~Ingestor()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
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

void Ingestor::run()
{
    // valijson's validator state is per thread: each worker has its own, reused for every ping.
    std::unique_ptr<Validator> validator;
    if (m_options.schemas)
        validator = std::make_unique<Validator>(m_options.schemas);
    for (;;) {
        Job job;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stop || !m_queue.empty(); });
            if (m_queue.empty())
                return; // stopping, and nothing left
            job = std::move(m_queue.front());
            m_queue.pop_front();
        }
        m_store->enqueue(ingestSubmission(std::move(job.raw), m_options, validator.get()), job.ticket);
    }
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
    if (options.validate && !options.ingest.schemas)
        m_options.ingest.schemas = SchemaRegistry::load(options.schemaRoots, options.bundledSchemas, &m_schemaErrors);
    m_store = Store::open(options.dbPath, error);
    if (!m_store)
        return false;
    int threads = options.ingestThreads;
    if (threads <= 0)
        threads = qMax(1, QThread::idealThreadCount() - 1);
    m_ingestor = std::make_unique<Ingestor>(m_store.get(), m_options.ingest, threads);

    auto *server = new CaptureServer(options.capture, m_store.get());
    server->setSchemaInfo(m_options.ingest.schemas, m_schemaErrors);
    Ingestor *ingestor = m_ingestor.get();
    server->setSubmissionHandler(
        [ingestor](RawSubmission &&raw, quint64 ticket) { ingestor->push(std::move(raw), ticket); });
    m_store->setWriteHandler([this](std::vector<WriteResult> &&results) {
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
        QMetaObject::invokeMethod(server, [server] { delete server; }, Qt::BlockingQueuedConnection);
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
    }
    return true;
}

void Engine::stop()
{
    CaptureServer *server = nullptr;
    {
        std::lock_guard lock(m_serverMutex);
        server = m_server;
        m_server = nullptr;
    }
    if (server) {
        // The server and its sockets belong to the capture thread: delete them there.
        QMetaObject::invokeMethod(server, [server] { delete server; }, Qt::BlockingQueuedConnection);
        m_serverThread.quit();
        m_serverThread.wait();
    }
    m_ingestor.reset(); // finishes queued submissions into the store
    m_store.reset();    // commits and closes
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
