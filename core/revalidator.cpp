// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "revalidator.h"

#include "validation/validation.h"

#include <QElapsedTimer>
#include <pthread.h>

#include <nlohmann/json.hpp>

using namespace Qt::StringLiterals;
using nlohmann::json;

namespace pingscope {

namespace {

constexpr int kBatch = 256;

bool isOrderWarning(const json &w)
{
    const std::string kind = w.value("kind", std::string());
    return kind == "duplicate-doc-id" || kind == "seq";
}

} // namespace

PingRecord recheckRecord(const PingRecord &stored, const IngestOptions &options, Validator &validator)
{
    RawSubmission raw;
    raw.receivedAtUs = stored.receivedAtUs;
    raw.method = stored.method.toLatin1();
    raw.path = stored.path.toLatin1();
    raw.query = stored.query.toLatin1();
    raw.headers = stored.headers;
    raw.body = stored.body;
    raw.peer = stored.peer;
    raw.declaredLength = stored.bodyBytes;
    raw.bodyTruncated = stored.bodyTruncated;
    raw.answerStatus = stored.statusCode;
    raw.fault = stored.fault;
    raw.source = stored.source;
    PingRecord fresh = ingestSubmission(std::move(raw), options, &validator);
    fresh.id = stored.id;
    // Order warnings came from the store when the ping arrived; keep them, add none.
    const json old = json::parse(stored.warningsJson.begin(), stored.warningsJson.end(), nullptr, false);
    if (old.is_array()) {
        json now = json::parse(fresh.warningsJson.begin(), fresh.warningsJson.end(), nullptr, false);
        if (!now.is_array())
            now = json::array();
        bool added = false;
        for (const json &w : old)
            if (isOrderWarning(w)) {
                now.push_back(w);
                added = true;
            }
        if (added) {
            fresh.warningCount = static_cast<int>(now.size());
            fresh.warningsJson = QByteArray::fromStdString(now.dump());
        }
    }
    return fresh;
}

RevalidationStats revalidateStore(Store &store, const IngestOptions &options, const std::atomic<bool> *cancel,
                                  const std::function<void(qint64, qint64)> &progress)
{
    RevalidationStats stats;
    QElapsedTimer timer;
    timer.start();
    if (!options.schemas)
        return stats;
    StoreReader reader(store.path());
    if (!reader.isOpen()) {
        stats.error = u"cannot read the store"_s;
        return stats;
    }
    const QString fingerprint = options.schemas->fingerprint();
    stats.total = reader.staleCount(fingerprint);
    Validator validator(options.schemas);
    qint64 after = 0;
    while (stats.checked < stats.total) {
        if (cancel && cancel->load()) {
            stats.cancelled = true;
            break;
        }
        std::vector<PingRecord> batch = reader.staleRecords(fingerprint, after, kBatch);
        if (batch.empty())
            break;
        after = batch.back().id;
        std::vector<PingRecord> updates;
        updates.reserve(batch.size());
        for (const PingRecord &r : batch) {
            PingRecord fresh = recheckRecord(r, options, validator);
            if (fresh.verdict != r.verdict || fresh.errorsJson != r.errorsJson ||
                fresh.warningsJson != r.warningsJson || fresh.schemaKey != r.schemaKey ||
                fresh.pipelineJson != r.pipelineJson)
                ++stats.changed;
            fresh.headers.clear();
            fresh.body.clear();
            fresh.payload.clear();
            updates.push_back(std::move(fresh));
        }
        stats.checked += static_cast<qint64>(batch.size());
        store.update(std::move(updates));
        if (progress)
            progress(stats.checked, stats.total);
    }
    store.flush();
    stats.elapsedMs = timer.elapsed();
    return stats;
}

Revalidator::Revalidator(Store *store, QObject *parent) : QObject(parent), m_store(store) {}

Revalidator::~Revalidator()
{
    std::lock_guard lock(m_mutex);
    stopThread();
}

void Revalidator::stopThread()
{
    m_cancel = true;
    if (m_thread.joinable())
        m_thread.join();
    m_cancel = false;
}

void Revalidator::start(const IngestOptions &options)
{
    std::lock_guard lock(m_mutex);
    stopThread();
    m_running = true;
    m_done = 0;
    m_total = 0;
    m_changed = 0;
    m_thread = std::thread([this, options] {
        pthread_setname_np(pthread_self(), "revalidate");
        const RevalidationStats stats =
            revalidateStore(*m_store, options, &m_cancel, [this](qint64 done, qint64 total) {
                m_done = done;
                m_total = total;
                Q_EMIT progress(done, total);
            });
        m_done = stats.checked;
        m_total = stats.total;
        m_changed = stats.changed;
        m_running = false;
        if (!stats.cancelled)
            Q_EMIT finished(stats.checked, stats.changed, stats.elapsedMs);
    });
}

Revalidator::Status Revalidator::status() const
{
    return {m_running.load(), m_done.load(), m_total.load(), m_changed.load()};
}

} // namespace pingscope
