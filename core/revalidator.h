// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "ingest.h"
#include "store/store.h"

#include <QObject>

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>

namespace pingscope {

struct RevalidationStats
{
    qint64 total = 0;   // records that were stale when it started
    qint64 checked = 0; // records re-checked
    qint64 changed = 0; // of which the verdict, errors, warnings, schema or pipeline changed
    qint64 elapsedMs = 0;
    bool cancelled = false;
    QString error;
};

// What ingest would say of a stored record now (with `validator`'s registry), keeping the
// store's order warnings (duplicate doc id, seq) as they were: a re-check never adds them.
PingRecord recheckRecord(const PingRecord &stored, const IngestOptions &options, Validator &validator);

// Re-checks every record of `store` that options.schemas did not check (its fingerprint
// differs from the record's checked_with), in id order and in batches, writing the new verdicts
// through the store's writer (Store::update). Runs on the calling thread, with its own reader.
RevalidationStats revalidateStore(Store &store, const IngestOptions &options,
                                  const std::atomic<bool> *cancel = nullptr,
                                  const std::function<void(qint64 done, qint64 total)> &progress = {});

// Runs revalidateStore on a background thread (never the GUI or capture thread). start() cancels
// a run in progress and begins again with the new options. Signals are emitted on that thread.
class Revalidator : public QObject
{
    Q_OBJECT
public:
    explicit Revalidator(Store *store, QObject *parent = nullptr);
    ~Revalidator() override; // cancels and waits

    void start(const IngestOptions &options); // thread-safe
    bool isRunning() const { return m_running.load(); }
    // {"running", "done", "total", "checked", "changed"} of the current or last run.
    struct Status
    {
        bool running = false;
        qint64 done = 0, total = 0, changed = 0;
    };
    Status status() const;

Q_SIGNALS:
    void progress(qint64 done, qint64 total);
    void finished(qint64 checked, qint64 changed, qint64 elapsedMs);

private:
    void stopThread();
    Store *m_store;
    mutable std::mutex m_mutex;
    std::thread m_thread;
    std::atomic<bool> m_cancel{false};
    std::atomic<bool> m_running{false};
    std::atomic<qint64> m_done{0}, m_total{0}, m_changed{0};
};

} // namespace pingscope
