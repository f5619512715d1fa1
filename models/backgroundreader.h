// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "pingtablemodel.h"
#include "trafficmodel.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <vector>

class QThread;

namespace pingscope {

// The window's long reads of the store, on a thread of their own with their own read
// connection, so that the GUI thread never waits for them:
//  - loadOlder(): every ping older than the rows the window listed first, oldest first, in
//    pages, built into the ping list's and the traffic charts' row storage (a million pings
//    take a few seconds; the window shows the newest at once);
//  - searchPayloads(): the ids of pings whose decoded payload contains a text, newest first,
//    in slices, so that matches show up while the rest is searched.
// Results come back as signals on the thread that made the object (the GUI thread). A new
// request of a kind cancels the one before it; so does the destructor, which waits for the
// thread.
class BackgroundReader : public QObject
{
    Q_OBJECT
public:
    explicit BackgroundReader(const QString &storePath, QObject *parent = nullptr);
    ~BackgroundReader() override;

    // Pings with id < beforeId (all of them when 0), oldest first; only the newest maxRows of
    // them when maxRows > 0. loadProgress() as pages arrive, then olderLoaded(), after which
    // takeOlderRows() and takeOlderTraffic() hand the result over.
    void loadOlder(qint64 beforeId, qint64 maxRows = 0);
    void cancelLoad();
    bool isLoading() const { return m_loading; }
    PingTableModel::Rows takeOlderRows();
    TrafficModel::Older takeOlderTraffic();

    // Case-insensitive (ASCII) substring search of the decoded payloads, newest first in
    // slices of ids. payloadMatches() per slice with its matches (ascending ids), the last
    // with done set. Returns the search's number, which the signals carry.
    quint64 searchPayloads(const QString &text);
    void cancelSearch();

    static constexpr int PageSize = 20000;       // pings per page of the older load
    static constexpr qint64 SearchSlice = 20000; // ids per slice of a payload search

Q_SIGNALS:
    void loadProgress(qint64 loaded, qint64 total);
    void olderLoaded(qint64 count, qint64 milliseconds, const QString &error);
    void payloadMatches(quint64 search, const std::vector<qint64> &idsAscending, qint64 searchedToId,
                        bool done);

private:
    struct Worker;
    QThread *m_thread = nullptr;
    QObject *m_context = nullptr; // lives on m_thread; requests run there
    std::shared_ptr<Worker> m_worker;
    std::atomic<quint64> m_loadGeneration{0}, m_searchGeneration{0};
    bool m_loading = false;
    PingTableModel::Rows m_rows;
    TrafficModel::Older m_traffic;
};

} // namespace pingscope
