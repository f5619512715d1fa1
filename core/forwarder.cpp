// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "forwarder.h"

#include "http/httpclient.h"
#include "store/store.h"

#include <nlohmann/json.hpp>

#include <pthread.h>

using namespace Qt::StringLiterals;

namespace pingscope {

Forwarder::Forwarder(Store *store, QUrl upstream) : m_store(store), m_upstream(std::move(upstream))
{
    m_thread = std::thread([this] {
        pthread_setname_np(pthread_self(), "forward");
        run();
    });
}

Forwarder::~Forwarder()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_one();
    m_thread.join();
}

void Forwarder::committed(qint64 firstId, qint64 lastId)
{
    std::vector<std::pair<qint64, QByteArray>> skipped;
    {
        std::lock_guard lock(m_mutex);
        const qint64 n = lastId - firstId + 1;
        if (m_queued + n > kMaxQueued) {
            const QByteArray note = QByteArray::fromStdString(nlohmann::json{
                {"status", nullptr},
                {"error", "not forwarded: more than 100,000 requests were waiting for the upstream"}}
                                                                  .dump());
            for (qint64 id = firstId; id <= lastId; ++id)
                skipped.emplace_back(id, note);
        } else {
            m_ranges.emplace_back(firstId, lastId);
            m_queued += n;
        }
    }
    if (!skipped.empty())
        m_store->setUpstream(std::move(skipped));
    m_wake.notify_one();
}

void Forwarder::run()
{
    StoreReader reader(m_store->path());
    HttpClient client(m_upstream, 30'000);
    for (;;) {
        std::pair<qint64, qint64> range;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stop || !m_ranges.empty(); });
            if (m_stop) // what is still queued is not forwarded: an upstream that is down would hold up the
                        // exit
                return;
            range = m_ranges.front();
            m_ranges.pop_front();
        }
        std::vector<std::pair<qint64, QByteArray>> answers;
        for (qint64 id = range.first; id <= range.second; ++id) {
            const auto rec = reader.get(id);
            nlohmann::json j;
            if (!rec) {
                j = {{"status", nullptr}, {"error", "not forwarded: the record could not be read"}};
            } else if (rec->bodyTruncated || rec->verdict == u"refused") {
                j = {{"status", nullptr},
                     {"error", "not forwarded: Pingscope refused the request and kept only its first bytes"}};
            } else {
                const UpstreamAnswer a = client.send(rec->method.toLatin1(), rec->path.toLatin1(),
                                                     rec->query.toLatin1(), rec->headers, rec->body);
                j = {{"url", m_upstream.toString().toStdString()}, {"ms", a.ms}};
                if (a.status > 0) {
                    j["status"] = a.status;
                    j["reason"] = a.reason.toStdString();
                    j["body"] = QString::fromUtf8(a.body.left(2000)).toStdString();
                } else {
                    j["status"] = nullptr;
                    j["error"] = a.error.toStdString();
                }
                ++m_forwarded;
            }
            answers.emplace_back(id, QByteArray::fromStdString(j.dump()));
        }
        {
            std::lock_guard lock(m_mutex);
            m_queued -= range.second - range.first + 1;
        }
        m_store->setUpstream(std::move(answers));
    }
}

} // namespace pingscope
