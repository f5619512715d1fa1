// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include <QString>
#include <QUrl>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace pingscope {

class Store;

// Forward mode (--forward URL): every captured request, once stored, is sent on to an upstream
// endpoint as it was received (HttpClient), and the upstream's answer is recorded next to the
// ping (PingRecord::upstreamJson: {"status", "reason", "ms", "body", "error"}). One thread
// ("forward"), in arrival order, so a slow upstream never holds up capture: at most kMaxQueued
// records wait, and past that a record is marked as not forwarded.
class Forwarder
{
public:
    Forwarder(Store *store, QUrl upstream);
    ~Forwarder(); // finishes the request being sent (within its timeout); the queued rest is not sent

    // Records [firstId, lastId] were committed (any thread).
    void committed(qint64 firstId, qint64 lastId);
    qint64 forwardedCount() const { return m_forwarded.load(); }

    static constexpr qint64 kMaxQueued = 100'000;

private:
    void run();
    Store *m_store;
    QUrl m_upstream;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::pair<qint64, qint64>> m_ranges;
    qint64 m_queued = 0;
    bool m_stop = false;
    std::atomic<qint64> m_forwarded{0};
    std::thread m_thread;
};

} // namespace pingscope
