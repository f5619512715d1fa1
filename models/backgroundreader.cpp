// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "backgroundreader.h"

#include "store/store.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QThread>

#include <limits>

namespace pingscope {

struct BackgroundReader::Worker
{
    explicit Worker(QString p) : path(std::move(p)) {}
    QString path;
    std::unique_ptr<StoreReader> reader; // made and used on the worker thread only

    StoreReader &store()
    {
        if (!reader)
            reader = std::make_unique<StoreReader>(path);
        return *reader;
    }
};

BackgroundReader::BackgroundReader(const QString &storePath, QObject *parent)
    : QObject(parent), m_worker(std::make_shared<Worker>(storePath))
{
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("window-reads"));
    m_context = new QObject;
    m_context->moveToThread(m_thread);
    // On the worker thread as it ends: the reader goes where it was made.
    connect(
        m_thread, &QThread::finished, m_context, [w = m_worker] { w->reader.reset(); }, Qt::DirectConnection);
    connect(m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    m_thread->start(QThread::LowPriority);
}

BackgroundReader::~BackgroundReader()
{
    ++m_loadGeneration;
    ++m_searchGeneration;
    m_thread->quit();
    m_thread->wait();
}

void BackgroundReader::loadOlder(qint64 beforeId, qint64 maxRows)
{
    const quint64 generation = ++m_loadGeneration;
    m_loading = true;
    m_rows = PingTableModel::Rows();
    m_traffic = TrafficModel::Older();
    QPointer<BackgroundReader> self(this);
    QMetaObject::invokeMethod(
        m_context,
        [this, self, generation, beforeId, maxRows, w = m_worker] {
            QElapsedTimer timer;
            timer.start();
            auto rows = std::make_shared<PingTableModel::Rows>();
            auto traffic = std::make_shared<TrafficModel::Older>();
            StoreReader &store = w->store();
            qint64 total = store.stats().total;
            qint64 loaded = 0, lastId = 0;
            if (maxRows > 0 && maxRows < std::numeric_limits<int>::max()) {
                // Start at the maxRows-th newest below beforeId.
                PingQuery first;
                first.beforeId = beforeId;
                first.limit = 1;
                first.offset = int(maxRows - 1);
                first.listColumnsOnly = true;
                if (const auto row = store.list(first); !row.empty()) {
                    lastId = row.front().id - 1;
                    total = std::min(total, maxRows);
                }
            }
            QString error = store.isOpen() ? QString() : store.lastError();
            while (error.isEmpty()) {
                if (m_loadGeneration.load() != generation)
                    return; // cancelled: this object may be gone, touch nothing
                PingQuery q;
                q.limit = PageSize;
                q.afterId = lastId;
                q.beforeId = beforeId;
                q.oldestFirst = true;
                q.listColumnsOnly = true;
                const std::vector<PingRecord> page = store.list(q);
                if (page.empty()) {
                    if (!store.lastError().isEmpty() && loaded == 0)
                        error = store.lastError();
                    break;
                }
                rows->append(page);
                traffic->append(page);
                loaded += qint64(page.size());
                lastId = page.back().id;
                QMetaObject::invokeMethod(
                    self,
                    [self, generation, loaded, total] {
                        if (self && self->m_loadGeneration.load() == generation)
                            Q_EMIT self->loadProgress(loaded, total);
                    },
                    Qt::QueuedConnection);
                if (int(page.size()) < PageSize)
                    break;
            }
            traffic->sortByTime();
            const qint64 ms = timer.elapsed();
            QMetaObject::invokeMethod(
                self,
                [self, generation, rows, traffic, loaded, ms, error] {
                    if (!self || self->m_loadGeneration.load() != generation)
                        return;
                    self->m_rows = std::move(*rows);
                    self->m_traffic = std::move(*traffic);
                    self->m_loading = false;
                    Q_EMIT self->olderLoaded(loaded, ms, error);
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

void BackgroundReader::cancelLoad()
{
    ++m_loadGeneration;
    m_loading = false;
    m_rows = PingTableModel::Rows();
    m_traffic = TrafficModel::Older();
}

PingTableModel::Rows BackgroundReader::takeOlderRows()
{
    return std::exchange(m_rows, PingTableModel::Rows());
}

TrafficModel::Older BackgroundReader::takeOlderTraffic()
{
    return std::exchange(m_traffic, TrafficModel::Older());
}

quint64 BackgroundReader::searchPayloads(const QString &text)
{
    const quint64 generation = ++m_searchGeneration;
    QPointer<BackgroundReader> self(this);
    QMetaObject::invokeMethod(
        m_context,
        [this, self, generation, text, w = m_worker] {
            StoreReader &store = w->store();
            qint64 to = store.newestId() + 1; // exclusive
            for (;;) {
                if (m_searchGeneration.load() != generation)
                    return;
                const qint64 from = std::max<qint64>(0, to - SearchSlice);
                std::vector<qint64> ids = store.idsWithPayloadContaining(text, from, to);
                const bool done = from == 0;
                QMetaObject::invokeMethod(
                    self,
                    [self, generation, ids = std::move(ids), from, done] {
                        if (self && self->m_searchGeneration.load() == generation)
                            Q_EMIT self->payloadMatches(generation, ids, from, done);
                    },
                    Qt::QueuedConnection);
                if (done)
                    return;
                to = from;
            }
        },
        Qt::QueuedConnection);
    return generation;
}

void BackgroundReader::cancelSearch()
{
    ++m_searchGeneration;
}

} // namespace pingscope
