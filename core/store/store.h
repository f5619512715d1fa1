// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "ping/ping.h"

#include <QHash>
#include <QLockFile>
#include <QObject>
#include <QString>

class QSqlDatabase;

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace pingscope {

// The durable store: one SQLite file in WAL mode.
//
// Threading: all writes go through one writer thread, which commits whatever has queued up
// in one transaction (group commit) and then calls the write handler with the results, on
// the writer thread. The capture server answers a request only from that handler, so every
// answered request is committed. Reads use StoreReader, one per thread.
// "1.5 GiB", "12.0 MiB", "3 KiB".
QString formatBytes(qint64 bytes);

class Store : public QObject
{
    Q_OBJECT
public:
    static constexpr int SchemaVersion = 6;

    ~Store() override;

    struct Options
    {
        // The most the database may grow to, in bytes (0: no limit). Past it a write fails as
        // on a full disk (507), and spaceWarning() is emitted once at 90 %.
        qint64 maxBytes = 0;
    };
    // Opens (creating or migrating) the store at `path` and starts the writer thread.
    static std::unique_ptr<Store> open(const QString &path, QString *error);
    static std::unique_ptr<Store> open(const QString &path, const Options &options, QString *error);
    // Bytes the records take in the database file (pages in use, free pages not counted).
    qint64 usedBytes() const { return m_usedBytes.load(); }

    // The default store file under the user's data location.
    static QString defaultPath();

    const QString &path() const { return m_path; }

    // Called on the writer thread after every commit. Set before the first enqueue().
    using WriteHandler = std::function<void(std::vector<WriteResult> &&)>;
    void setWriteHandler(WriteHandler handler);

    void enqueue(PingRecord record, quint64 ticket);
    // Several at once (one lock, one wake-up): what an ingest worker made from one batch.
    void enqueue(std::vector<std::pair<PingRecord, quint64>> &&records);
    // Deletes every record; returns once done (queued writes before it are committed first).
    bool clear(QString *error = nullptr);
    // Returns once everything queued so far is committed.
    void flush();
    // Re-validation: replaces the verdict columns (verdict, errors, warnings, their counts,
    // schema key and note, pipeline, checked_with) of existing records, matched by id, in one
    // transaction after the writes queued before it; recordsUpdated follows.
    void update(std::vector<PingRecord> records);
    // Forward mode: records what the upstream answered (PingRecord::upstreamJson) for the
    // records with these ids, after the writes queued before it; recordsUpdated follows.
    void setUpstream(std::vector<std::pair<qint64, QByteArray>> answers);

    qint64 committedCount() const { return m_committed.load(); }

Q_SIGNALS:
    // Emitted on the writer thread after each commit with the ids that were written.
    void recordsCommitted(qint64 firstId, qint64 lastId);
    // Emitted on the writer thread after update() committed; the ids lie in [firstId, lastId].
    void recordsUpdated(qint64 firstId, qint64 lastId);
    void cleared();
    // The store passed 90 % of Options::maxBytes (emitted on the writer thread, once until it
    // falls below again).
    void spaceWarning(qint64 usedBytes, qint64 maxBytes);

private:
    explicit Store(QString path);
    bool initialise(QString *error);
    bool prepareSchema(QSqlDatabase &db, QString *error); // checks, pragmas, migrations, ids
    // Clear: closes the writer's connection, puts an empty store file in the old one's place
    // and opens it; empty when that worked (writer thread).
    QString replaceWithEmptyFile(QSqlDatabase &db);
    std::atomic<quint64> m_fileGeneration{0}; // bumped by each replacement
    void run();
    void runCheckpointer();
    bool loadOrderState(QString *error);
    struct FirstCopy
    {
        qint64 id = 0;
        qint64 receivedAtUs = 0;
        QString path;
    };
    // `firstCopyOf(docId)`: the first accepted copy of a doc id in the store, if any.
    void addOrderWarnings(PingRecord &record,
                          const std::function<std::optional<FirstCopy>(const QString &docId)> &firstCopyOf);
    void noteOrder(const PingRecord &record);
    void noteSeq(size_t key, qint64 seq, qint64 id);
    void forgetOrderFrom(qint64 firstId); // after a rollback: ids from firstId were never stored

    struct Item
    {
        enum class Kind
        {
            Insert,
            Clear,
            Flush,
            Update,
            Upstream
        } kind = Kind::Insert;
        PingRecord record;
        quint64 ticket = 0;
        std::shared_ptr<std::promise<QString>> done; // Clear / Flush
        std::vector<PingRecord> updates;             // Update
    };

    QString m_path;
    Options m_options;
    std::atomic<qint64> m_usedBytes{0};
    qint64 m_pageSize = 4096;
    bool m_spaceWarned = false;
    qint64 m_sinceSizeCheck = 0;
    qint64 m_bytesSinceSizeCheck = 0;
    // Changes to the counts table (kind, key) -> delta, written with the transaction they
    // belong to (writer thread only).
    std::map<std::pair<int, QString>, qint64> m_countDeltas;
    void countRecord(const PingRecord &record, qint64 delta);
    void refreshUsedBytes(QSqlDatabase &db); // writer thread
    bool atSizeLimit(QSqlDatabase &db);      // after SQLITE_FULL: the limit, not the disk
    QString sizeLimitMessage() const;
    std::unique_ptr<QLockFile> m_lock; // one writing Pingscope per store file
    QString m_connectionName;
    WriteHandler m_writeHandler;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Item> m_queue;
    bool m_stop = false;
    std::thread m_thread;
    // Checkpoints copy the WAL into the database file and sync it. They run on their own
    // thread and connection, so that a commit (and the answers waiting on it) never waits
    // for one.
    std::thread m_checkpointThread;
    std::condition_variable m_checkpointWake;
    bool m_checkpointStop = false;
    qint64 m_sinceCheckpoint = 0; // records committed since the last checkpoint (m_mutex)
    qint64 m_nextId = 1;
    std::pair<quint64, quint64> m_fileIdentity{0, 0}; // device and inode of the file opened
    // Why the file cannot take writes now, or empty; `gone`: the path no longer names that file.
    QString fileProblem(bool *gone) const;
    // What the order-dependent warnings need (writer thread only): the seq values seen per
    // client, namespace and ping (the latest kSeqsKept of each), with the id that first had
    // each. Production's dedup (PIPELINE.md 3.2), the first accepted (2xx) copy of each docId,
    // is looked up in the store (the doc_id index), not held: memory stays flat however many
    // pings arrive.
    static constexpr int kSeqsKept = 4096;
    struct SeqsSeen
    {
        QHash<qint64, qint64> pingBySeq; // seq -> first ping id
        qint64 max = -1;
    };
    QHash<size_t, SeqsSeen> m_seqs;
    std::atomic<qint64> m_committed{0};
};

struct PingQuery
{
    int limit = 100;
    int offset = 0;
    // verdict "problems": every verdict that counts as a problem (verdict::isProblem).
    QString ns, docType, verdict, debugId, docId, clientId;
    qint64 afterId = 0;  // only ids greater than this (0: no bound)
    qint64 beforeId = 0; // only ids less than this (0: no bound): pages of a long list
    qint64 receivedFromUs = 0, receivedToUs = 0; // received in [from, to), UTC µs; 0: open
    bool withPayload = false;                    // also read each record's decoded payload
    bool oldestFirst = false;                    // ascending ids (a background load walks a store this way)
    // Only what the ping list and the traffic charts read (ids, times, names, verdict, counts,
    // warnings, sizes, client id); the other texts come back empty: a fifth of the bytes.
    bool listColumnsOnly = false;
};

struct StoreStats
{
    qint64 total = 0;
    std::map<QString, qint64> byVerdict, byNamespace, byDocType;
};

// Read access for one thread: owns its own SQLite connection. Create and use it on the same
// thread. Readers see committed data only (WAL snapshots), never block the writer.
class StoreReader
{
public:
    explicit StoreReader(const QString &path);
    ~StoreReader();
    StoreReader(const StoreReader &) = delete;
    StoreReader &operator=(const StoreReader &) = delete;

    bool isOpen() const { return m_open; }
    const QString &lastError() const { return m_error; }

    // Newest first (oldest first with query.oldestFirst). Summary fields only: no headers, body or
    // payload.
    std::vector<PingRecord> list(const PingQuery &query);
    // Every field, headers, body and payload included.
    std::optional<PingRecord> get(qint64 id);
    // Every request sent with this docId (a client's retries), oldest first, summary fields.
    std::vector<PingRecord> attempts(const QString &docId, int limit = 1000);
    // DocIds sent more than once or answered by a fault rule, the most recent first.
    std::vector<QString> retriedDocIds(int limit);
    // Re-validation: records not checked with `checkedWith` (refused ones excluded), ids above
    // afterId ascending, at most `limit`, every field (headers and body included).
    std::vector<PingRecord> staleRecords(const QString &checkedWith, qint64 afterId, int limit);
    qint64 staleCount(const QString &checkedWith);
    // The verdict columns (id, verdict, error_count, warnings, received time) of the records with ids in
    // [firstId, lastId], ascending, at most `limit`: what a list needs after re-validation.
    std::vector<PingRecord> verdictsBetween(qint64 firstId, qint64 lastId, int limit = -1);
    StoreStats stats();
    // The same for the pings matching `query`'s filters (its limit, offset and order aside):
    // counted from the rows, not from the kept counts.
    StoreStats stats(const PingQuery &query);
    // How many pings match `query`'s filters (its limit and offset aside).
    qint64 countMatching(const PingQuery &query);
    qint64 count();
    // Ids (ascending) of pings whose decoded payload contains `text` (ASCII case-insensitive).
    // A scan of the payloads: about a second per gigabyte. Only ids in [fromId, toId) when
    // toId > 0 (a slice of a long search).
    std::vector<qint64> idsWithPayloadContaining(const QString &text, qint64 fromId = 0, qint64 toId = 0);
    qint64 newestId(); // 0 when empty
    qint64 oldestId(); // 0 when empty

private:
    void prepareConnection();                                   // SQL functions, and how payloads are read
    QString payloadSql(const QString &table = QString()) const; // a row's decoded payload
    QSqlDatabase connection();                                  // reopened when a clear replaced the file
    QString m_connectionName;
    QString m_path;
    std::pair<quint64, quint64> m_identity{0, 0}; // device and inode of the file read
    bool m_payloadDerived = false;                // schema 5: payloads through pingscope_payload()
    bool m_open = false;
    QString m_error;
};

// Headers as stored: the HTTP wire form "Name: value\r\n", which keeps order, case and bytes.
QByteArray encodeHeaders(const QList<HttpHeader> &headers);
QList<HttpHeader> decodeHeaders(const QByteArray &encoded);
// What the store keeps of a record's headers and pipelineJson (packed, packedtext.h): the
// forms an ingest thread made (PingRecord::storedHeaders, storedPipeline), else made now.
QByteArray storedHeaders(const PingRecord &record);
QByteArray storedPipeline(const PingRecord &record);

} // namespace pingscope
