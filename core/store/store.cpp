// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// The store's writer thread (group commit), its checkpointer and the SQL helpers.
#include "store/store_p.h"

using namespace Qt::StringLiterals;

namespace pingscope::storedetail {

std::atomic<quint64> s_connectionCounter{0};

QString nextConnectionName(const char *role)
{
    return u"pingscope-%1-%2"_s.arg(QLatin1StringView(role)).arg(++s_connectionCounter);
}

QString sqlError(const QSqlQuery &q)
{
    return q.lastError().text();
}

bool execAll(QSqlDatabase &db, const char *script, QString *error)
{
    // QSQLITE runs one statement per exec: split on ';' (our scripts have none in literals).
    for (const QByteArray &stmt : QByteArray(script).split(';')) {
        if (stmt.trimmed().isEmpty())
            continue;
        QSqlQuery q(db);
        if (!q.exec(QString::fromUtf8(stmt))) {
            if (error)
                *error = sqlError(q);
            return false;
        }
    }
    return true;
}

bool openConnection(const QString &name, const QString &path, bool readOnly, QString *error)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
    db.setDatabaseName(path);
    QString opts = u"QSQLITE_BUSY_TIMEOUT=5000"_s;
    if (readOnly)
        opts += u";QSQLITE_OPEN_READONLY"_s;
    db.setConnectOptions(opts);
    if (!db.open()) {
        if (error)
            *error = db.lastError().text();
        return false;
    }
    return true;
}

QString text(const QString &s)
{
    return s.isNull() ? QString(u""_s) : s;
}

sqlite3 *sqliteHandle(const QSqlDatabase &db)
{
    const QVariant v = db.driver()->handle();
    if (!v.isValid() || qstrcmp(v.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3 *const *>(v.constData());
}

void payloadFunction(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (argc != 3) {
        sqlite3_result_error(ctx, "pingscope_payload takes 3 arguments", -1);
        return;
    }
    const int from = sqlite3_value_int(argv[2]);
    sqlite3_value *source = from == 0 ? argv[1] : argv[0];
    const void *bytes = sqlite3_value_blob(source);
    const int size = sqlite3_value_bytes(source);
    if (from != 2) {
        sqlite3_result_blob(ctx, bytes ? bytes : "", size, SQLITE_TRANSIENT);
        return;
    }
    // Inflated once at ingest within the limits then in force; the same bytes inflate again.
    const QByteArray body = QByteArray::fromRawData(static_cast<const char *>(bytes), size);
    GunzipResult gz = gunzipIfGzip(body, qint64(1) << 31);
    if (gz.status != GunzipResult::Status::Ok) {
        sqlite3_result_blob(ctx, "", 0, SQLITE_STATIC);
        return;
    }
    sqlite3_result_blob64(ctx, gz.data.constData(), sqlite3_uint64(gz.data.size()), SQLITE_TRANSIENT);
}

void registerFunctions(const QSqlDatabase &db)
{
    if (sqlite3 *h = sqliteHandle(db))
        sqlite3_create_function_v2(h, "pingscope_payload", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                                   payloadFunction, nullptr, nullptr, nullptr);
}

void bindRecord(SqliteStatement &q, const PingRecord &r, std::array<QByteArray, kSummaryColumnCount> &held)
{
    int i = 0;
    auto textAt = [&](const QString &s) {
        held[i] = s.toUtf8();
        q.bindText(i, held[i]);
        ++i;
    };
    auto jsonAt = [&](const QByteArray &s, const char *empty) {
        held[i] = s.isEmpty() ? QByteArray(empty) : s;
        q.bindText(i, held[i]);
        ++i;
    };
    // Warnings and the derived fields: packed (packedtext.h), a blob when that shrinks them.
    auto storedAt = [&](QByteArray stored) {
        held[i] = std::move(stored);
        if (isPackedText(held[i]))
            q.bindBlob(i, held[i]);
        else
            q.bindText(i, held[i]);
        ++i;
    };
    auto intAt = [&](qint64 v) { q.bind(i++, v); };
    intAt(r.id);
    intAt(r.receivedAtUs);
    textAt(r.method);
    textAt(r.path);
    textAt(r.query);
    textAt(r.peer);
    textAt(r.ns);
    textAt(r.docType);
    textAt(r.docVersion);
    textAt(r.docId);
    textAt(r.appName);
    textAt(r.appVersion);
    textAt(r.appUpdateChannel);
    textAt(r.appBuildId);
    intAt(r.statusCode);
    textAt(r.verdict);
    intAt(r.errorCount);
    jsonAt(r.errorsJson, "[]");
    storedAt(packText(r.warningsJson.isEmpty() ? QByteArrayView("[]") : QByteArrayView(r.warningsJson),
                      PackedKind::Json));
    textAt(r.debugId);
    textAt(r.sourceTags);
    textAt(r.userAgent);
    textAt(r.telemetryAgent);
    textAt(r.contentEncoding);
    textAt(r.contentType);
    textAt(r.dateHeader);
    intAt(r.dateMs);
    intAt(r.bodyBytes);
    intAt(r.decodedBytes);
    intAt(r.bodyTruncated ? 1 : 0);
    textAt(r.clientId);
    intAt(r.seq);
    intAt(r.warningCount);
    textAt(r.schemaKey);
    textAt(r.schemaNote);
    storedAt(storedPipeline(r));
    textAt(r.checkedWith);
    textAt(r.fault);
    textAt(r.source);
    jsonAt(r.upstreamJson, "");
    Q_ASSERT(i == kSummaryColumnCount);
}

PingRecord readSummary(const QSqlQuery &q)
{
    PingRecord r;
    int i = 0;
    r.id = q.value(i++).toLongLong();
    r.receivedAtUs = q.value(i++).toLongLong();
    r.method = q.value(i++).toString();
    r.path = q.value(i++).toString();
    r.query = q.value(i++).toString();
    r.peer = q.value(i++).toString();
    r.ns = q.value(i++).toString();
    r.docType = q.value(i++).toString();
    r.docVersion = q.value(i++).toString();
    r.docId = q.value(i++).toString();
    r.appName = q.value(i++).toString();
    r.appVersion = q.value(i++).toString();
    r.appUpdateChannel = q.value(i++).toString();
    r.appBuildId = q.value(i++).toString();
    r.statusCode = q.value(i++).toInt();
    r.verdict = q.value(i++).toString();
    r.errorCount = q.value(i++).toInt();
    r.errorsJson = q.value(i++).toString().toUtf8();
    r.warningsJson = unpackText(q.value(i++).toByteArray());
    r.debugId = q.value(i++).toString();
    r.sourceTags = q.value(i++).toString();
    r.userAgent = q.value(i++).toString();
    r.telemetryAgent = q.value(i++).toString();
    r.contentEncoding = q.value(i++).toString();
    r.contentType = q.value(i++).toString();
    r.dateHeader = q.value(i++).toString();
    r.dateMs = q.value(i++).toLongLong();
    r.bodyBytes = q.value(i++).toLongLong();
    r.decodedBytes = q.value(i++).toLongLong();
    r.bodyTruncated = q.value(i++).toInt() != 0;
    r.clientId = q.value(i++).toString();
    r.seq = q.value(i++).toLongLong();
    r.warningCount = q.value(i++).toInt();
    r.schemaKey = q.value(i++).toString();
    r.schemaNote = q.value(i++).toString();
    r.pipelineJson = unpackText(q.value(i++).toByteArray());
    r.checkedWith = q.value(i++).toString();
    r.fault = q.value(i++).toString();
    r.source = q.value(i++).toString();
    r.upstreamJson = q.value(i++).toString().toUtf8();
    return r;
}

std::optional<std::pair<quint64, quint64>> fileIdentity(const QString &path)
{
    struct stat st
    {
    };
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return std::nullopt;
    return std::pair{quint64(st.st_dev), quint64(st.st_ino)};
}

} // namespace pingscope::storedetail

namespace pingscope {

using namespace pingscope::storedetail;

QByteArray encodeHeaders(const QList<HttpHeader> &headers)
{
    QByteArray out;
    for (const auto &h : headers) {
        out += h.name;
        out += ": ";
        out += h.value;
        out += "\r\n";
    }
    return out;
}

QByteArray storedHeaders(const PingRecord &r)
{
    return r.storedHeaders.isEmpty() ? packText(encodeHeaders(r.headers), PackedKind::Headers)
                                     : r.storedHeaders;
}

QByteArray storedPipeline(const PingRecord &r)
{
    if (!r.storedPipeline.isEmpty())
        return r.storedPipeline;
    return packText(r.pipelineJson.isEmpty() ? QByteArrayView("{}") : QByteArrayView(r.pipelineJson),
                    PackedKind::Json);
}

QList<HttpHeader> decodeHeaders(const QByteArray &encoded)
{
    QList<HttpHeader> out;
    qsizetype pos = 0;
    while (pos < encoded.size()) {
        qsizetype end = encoded.indexOf("\r\n", pos);
        if (end < 0)
            end = encoded.size();
        const QByteArray line = encoded.mid(pos, end - pos);
        const qsizetype sep = line.indexOf(": ");
        if (sep >= 0)
            out.append({line.left(sep), line.mid(sep + 2)});
        pos = end + 2;
    }
    return out;
}

QString Store::defaultPath()
{
    QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (dir.isEmpty())
        dir = QDir::homePath() + u"/.local/share/pingscope"_s;
    return dir + u"/session.pingscope"_s;
}

Store::Store(QString path) : m_path(std::move(path)), m_connectionName(nextConnectionName("writer")) {}

std::unique_ptr<Store> Store::open(const QString &path, QString *error)
{
    return open(path, Options{}, error);
}

std::unique_ptr<Store> Store::open(const QString &path, const Options &options, QString *error)
{
    auto fail = [&](const QString &why) {
        if (error)
            *error = why;
        return nullptr;
    };
    if (path.isEmpty() || path == u":memory:" || path.startsWith(u"file:"))
        return fail(u"%1: the store must be a file on disk (every request is kept, and the query API and "
                    u"the window read it through their own connections)"_s.arg(
                        path.isEmpty() ? u"(empty path)"_s : path));
    const QFileInfo info(path);
    if (info.exists() && !info.isFile())
        return fail(u"%1 is not a regular file (a store is an SQLite file Pingscope creates)"_s.arg(path));
    const QString folder = info.absolutePath();
    if (!QFileInfo(folder).isDir()) {
        // Only the default location is made here; a --db in a folder that does not exist is
        // more likely a typo than a wish.
        if (info.absoluteFilePath() != QFileInfo(defaultPath()).absoluteFilePath())
            return fail(u"cannot create %1: the folder %2 does not exist"_s.arg(path, folder));
        if (!QDir().mkpath(folder))
            return fail(u"cannot create folder %1"_s.arg(folder));
        QFile::setPermissions(folder,
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }
    std::unique_ptr<Store> store(new Store(info.absoluteFilePath()));
    store->m_options = options;
    // Pings hold client ids and payloads: the store is the user's alone. SQLite gives its WAL and
    // SHM files the database file's mode, so creating that 0600 covers them.
    bool created = false;
    if (!info.exists()) {
        const int fd = ::open(QFile::encodeName(store->m_path).constData(),
                              O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0)
            return fail(u"cannot create %1: %2"_s.arg(path, QString::fromLocal8Bit(std::strerror(errno))));
        ::close(fd);
        created = true;
    }
    // A start that fails leaves nothing behind that it made.
    auto removeCreated = [&store, created] {
        if (!created)
            return;
        for (const char *suffix : {"", "-wal", "-shm", "-journal"})
            QFile::remove(store->m_path + QLatin1StringView(suffix));
    };
    // Two writers would hand out the same ids: refuse a store another process has open.
    store->m_lock = std::make_unique<QLockFile>(store->m_path + u".lock"_s);
    store->m_lock->setStaleLockTime(0);
    const bool locked = store->m_lock->tryLock(100);
    QFile::setPermissions(store->m_path + u".lock"_s, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    if (!locked) {
        removeCreated();
        qint64 pid = 0;
        QString host, app;
        store->m_lock->getLockInfo(&pid, &host, &app);
        if (error)
            *error = store->m_lock->error() == QLockFile::LockFailedError
                         ? u"%1 is in use by another Pingscope (process %2); open another store with --db"_s
                               .arg(path)
                               .arg(pid)
                         : u"cannot create the lock file %1.lock"_s.arg(path);
        return nullptr;
    }
    // The writer's connection must live on the writer thread; set it up there and wait.
    std::promise<QString> ready;
    auto readyFuture = ready.get_future();
    Store *s = store.get();
    store->m_thread = std::thread([s, &ready] {
        pthread_setname_np(pthread_self(), "store-writer");
        QString err;
        if (!s->initialise(&err)) {
            {
                QSqlDatabase db = QSqlDatabase::database(s->m_connectionName, false);
                db.close();
            }
            QSqlDatabase::removeDatabase(s->m_connectionName);
            ready.set_value(err.isEmpty() ? u"cannot open store"_s : err);
            return;
        }
        if (const auto id = fileIdentity(s->m_path))
            s->m_fileIdentity = *id;
        ready.set_value(QString());
        // Open now: readers (the query API, the window) can answer while the writer reads what
        // the duplicate and seq warnings need (a second or more at a million pings); pings
        // queue meanwhile and are written, and answered, once it is done.
        QString orderError;
        if (!s->loadOrderState(&orderError))
            qWarning(
                "pingscope: the store's doc ids and seq values could not be read (%s): duplicate and seq "
                "warnings only cover new pings",
                qPrintable(orderError));
        s->run();
    });
    const QString err = readyFuture.get();
    if (!err.isEmpty()) {
        store->m_thread.join();
        store->m_lock.reset(); // unlocks and removes the lock file
        removeCreated();
        if (error)
            *error = u"%1: %2"_s.arg(path, err);
        return nullptr;
    }
    store->m_checkpointThread = std::thread([s] {
        pthread_setname_np(pthread_self(), "checkpoint");
        s->runCheckpointer();
    });
    return store;
}

bool Store::initialise(QString *error)
{
    if (!openConnection(m_connectionName, m_path, false, error))
        return false;
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    return prepareSchema(db, error);
}

namespace {
qint64 pragmaValue(QSqlDatabase &db, const QString &name)
{
    QSqlQuery q(db);
    return q.exec(u"PRAGMA "_s + name) && q.next() ? q.value(0).toLongLong() : 0;
}
} // namespace

void Store::refreshUsedBytes(QSqlDatabase &db)
{
    m_usedBytes = (pragmaValue(db, u"page_count"_s) - pragmaValue(db, u"freelist_count"_s)) * m_pageSize;
    if (m_options.maxBytes <= 0)
        return;
    const bool high = m_usedBytes * 10 >= m_options.maxBytes * 9;
    if (high && !m_spaceWarned)
        Q_EMIT spaceWarning(m_usedBytes, m_options.maxBytes);
    m_spaceWarned = high;
}

bool Store::atSizeLimit(QSqlDatabase &db)
{
    if (m_options.maxBytes <= 0)
        return false;
    const qint64 pages = pragmaValue(db, u"page_count"_s), maxPages = pragmaValue(db, u"max_page_count"_s);
    // A failed insert was rolled back; what it needed did not fit below the limit.
    return maxPages > 0 && (pages + 64 >= maxPages || pages * m_pageSize + (8 << 20) >= m_options.maxBytes);
}

QString formatBytes(qint64 bytes)
{
    if (bytes >= (qint64(1) << 30))
        return u"%1 GiB"_s.arg(double(bytes) / double(qint64(1) << 30), 0, 'f', 1);
    if (bytes >= (1 << 20))
        return u"%1 MiB"_s.arg(double(bytes) / double(1 << 20), 0, 'f', 1);
    return u"%1 KiB"_s.arg((bytes + 1023) / 1024);
}

namespace {

// FNV-1a over UTF-16 code units, so that the same text hashes alike from a QString (a new
// ping) and from SQLite's UTF-8 (the order state read at start), without converting ASCII.
constexpr size_t kFnvBasis = 14695981039346656037ULL;
constexpr size_t kFnvPrime = 1099511628211ULL;

size_t textHash(QStringView s, size_t h = kFnvBasis)
{
    for (const QChar c : s)
        h = (h ^ c.unicode()) * kFnvPrime;
    return h;
}

size_t textHash(QByteArrayView utf8, size_t h = kFnvBasis)
{
    for (const char c : utf8)
        if (static_cast<uchar>(c) >= 0x80)
            return textHash(QString::fromUtf8(utf8), h);
    for (const char c : utf8)
        h = (h ^ static_cast<uchar>(c)) * kFnvPrime;
    return h;
}

template <typename Text> size_t seqKeyOf(const Text &clientId, const Text &ns, const Text &docType)
{
    size_t h = textHash(clientId);
    h = (h ^ '\n') * kFnvPrime;
    h = textHash(ns, h);
    h = (h ^ '\n') * kFnvPrime;
    return textHash(docType, h);
}

size_t seqKey(const PingRecord &r)
{
    return seqKeyOf(QStringView(r.clientId), QStringView(r.ns), QStringView(r.docType));
}

} // namespace

namespace {

constexpr qint64 kDedupWindowUs = 10LL * 60 * 1000 * 1000; // the decoder's best-effort window

bool isAccepted(const QString &verdict, int statusCode)
{
    return verdict != QStringView(verdict::Refused) && statusCode >= 200 && statusCode < 300;
}

QString utcDay(qint64 us)
{
    return QDateTime::fromMSecsSinceEpoch(us / 1000, QTimeZone::utc()).date().toString(Qt::ISODate);
}

} // namespace

bool Store::loadOrderState(QString *error)
{
    // Every accepted ping's seq, oldest first: through SQLite's C API on the writer's handle,
    // hashing the UTF-8 as it comes (Qt's QVariant and QString per value made a reopen of a
    // million pings take 3.4 s). Doc ids are looked up in the store when needed.
    sqlite3 *handle = sqliteHandle(QSqlDatabase::database(m_connectionName, false));
    sqlite3_stmt *st = nullptr;
    const char *sql =
        "SELECT id, client_id, namespace, doctype, seq FROM pings "
        "WHERE seq >= 0 AND client_id <> '' AND verdict <> 'refused' AND status_code BETWEEN 200 AND 299 "
        "ORDER BY id";
    if (!handle || sqlite3_prepare_v2(handle, sql, -1, &st, nullptr) != SQLITE_OK) {
        if (error)
            *error = handle ? QString::fromUtf8(sqlite3_errmsg(handle)) : u"the store has no SQLite handle"_s;
        sqlite3_finalize(st);
        return false;
    }
    auto text = [st](int column) {
        return QByteArrayView(reinterpret_cast<const char *>(sqlite3_column_text(st, column)),
                              sqlite3_column_bytes(st, column));
    };
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const qint64 id = sqlite3_column_int64(st, 0);
        noteSeq(seqKeyOf(text(1), text(2), text(3)), sqlite3_column_int64(st, 4), id);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        if (error)
            *error = QString::fromUtf8(sqlite3_errmsg(handle));
        return false;
    }
    return true;
}

void Store::noteSeq(size_t key, qint64 seq, qint64 id)
{
    SeqsSeen &seen = m_seqs[key];
    if (!seen.pingBySeq.contains(seq)) {
        seen.pingBySeq.insert(seq, id);
        if (seen.pingBySeq.size() > 2 * kSeqsKept) {
            // Bounded: keep the latest kSeqsKept seq values (a re-send of a seq further back
            // goes unremarked; the gap check needs only the maximum).
            const qint64 keepFrom = std::max(seen.max, seq) - kSeqsKept;
            seen.pingBySeq.removeIf([keepFrom](const auto &p) { return p.key() <= keepFrom; });
        }
    }
    seen.max = std::max(seen.max, seq);
}

void Store::noteOrder(const PingRecord &r)
{
    if (!isAccepted(r.verdict, r.statusCode))
        return; // a retry after a non-2xx answer is not a duplicate of the failed attempt
    if (r.seq >= 0 && !r.clientId.isEmpty())
        noteSeq(seqKey(r), r.seq, r.id);
}

void Store::countRecord(const PingRecord &record, qint64 delta)
{
    m_countDeltas[{0, QString()}] += delta;
    m_countDeltas[{1, record.verdict}] += delta;
    m_countDeltas[{2, record.ns}] += delta;
    m_countDeltas[{3, record.docType}] += delta;
}

QString Store::replaceWithEmptyFile(QSqlDatabase &db)
{
    db.close();
    const QByteArray path = QFile::encodeName(m_path);
    for (const char *suffix : {"-wal", "-shm", ""})
        ::unlink(QByteArray(path + suffix).constData()); // readers keep the old file until they move on
    const int fd = ::open(path.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return u"cannot create a new store file: %1"_s.arg(QString::fromLocal8Bit(std::strerror(errno)));
    ::close(fd);
    if (!db.open())
        return db.lastError().text();
    // Ids go on from where they were: an API client paging with after_id sees only new pings.
    const qint64 nextId = m_nextId;
    QString err;
    if (!prepareSchema(db, &err))
        return err;
    m_nextId = nextId;
    if (const auto id = fileIdentity(m_path))
        m_fileIdentity = *id;
    ++m_fileGeneration; // the checkpointer reopens
    return {};
}

QString Store::sizeLimitMessage() const
{
    return u"the store reached its size limit of %1 (--max-store-size; %2 in use): clear it or raise the limit"_s
        .arg(formatBytes(m_options.maxBytes), formatBytes(m_usedBytes.load()));
}

QString Store::fileProblem(bool *gone) const
{
    // One stat per commit batch: deleted, replaced, or made read-only (chmod a-w; the open
    // descriptor could still write, but the user said no).
    struct stat st
    {
    };
    *gone = true;
    if (::stat(QFile::encodeName(m_path).constData(), &st) != 0)
        return u"the store file %1 was deleted while Pingscope was running: pings are not kept; open or "
               u"create a store again"_s.arg(m_path);
    if (std::pair{quint64(st.st_dev), quint64(st.st_ino)} != m_fileIdentity)
        return u"the store file %1 was replaced by another file while Pingscope was running: pings are not "
               u"kept; open it again"_s.arg(m_path);
    *gone = false;
    if (!(st.st_mode & S_IWUSR))
        return u"the store file %1 was made read-only while Pingscope was running: pings are not kept until "
               u"it "
               u"is writable again (chmod u+w)"_s.arg(m_path);
    return {};
}

void Store::forgetOrderFrom(qint64 firstId)
{
    // Rare (a failed transaction): a scan of what is remembered is fine. (Doc ids are in the
    // store: the rollback took them.)
    for (auto it = m_seqs.begin(); it != m_seqs.end();) {
        SeqsSeen &seen = it.value();
        seen.pingBySeq.removeIf([firstId](const auto &p) { return p.value() >= firstId; });
        if (seen.pingBySeq.isEmpty()) {
            it = m_seqs.erase(it);
            continue;
        }
        seen.max = -1;
        for (auto p = seen.pingBySeq.cbegin(); p != seen.pingBySeq.cend(); ++p)
            seen.max = std::max(seen.max, p.key());
        ++it;
    }
}

void Store::addOrderWarnings(PingRecord &rec,
                             const std::function<std::optional<FirstCopy>(const QString &docId)> &firstCopyOf)
{
    if (rec.verdict == QStringView(verdict::Refused))
        return;
    nlohmann::json added = nlohmann::json::array();
    if (!rec.docId.isEmpty()) {
        if (const auto it = firstCopyOf(rec.docId)) {
            const qint64 ageUs = rec.receivedAtUs - it->receivedAtUs;
            QString message;
            if (it->path == rec.path && ageUs >= 0 && ageUs <= kDedupWindowUs)
                message =
                    u"docId %1 was already accepted %2 s earlier at the same URL (ping #%3): the "
                    u"decoder drops this copy silently (dedup on the URI within 10 minutes)"_s.arg(rec.docId)
                        .arg(ageUs / 1000000)
                        .arg(it->id);
            else if (utcDay(rec.receivedAtUs) == utcDay(it->receivedAtUs))
                message =
                    u"docId %1 was already accepted today (ping #%2): this copy reaches the live table, "
                    u"but copy_deduplicate keeps only the day's first in the stable table"_s.arg(rec.docId)
                        .arg(it->id);
            else
                message =
                    u"docId %1 was first accepted on %2 (ping #%3): each day's stable table keeps a copy, "
                    u"so the document is counted twice"_s.arg(rec.docId, utcDay(it->receivedAtUs))
                        .arg(it->id);
            added.push_back({{"kind", "duplicate-doc-id"}, {"message", message.toStdString()}});
        }
    }
    if (rec.seq >= 0 && !rec.clientId.isEmpty()) {
        if (const auto it = m_seqs.constFind(seqKey(rec)); it != m_seqs.cend()) {
            QString message;
            if (const auto first = it->pingBySeq.constFind(rec.seq); first != it->pingBySeq.cend())
                message =
                    u"ping_info.seq %1 was already sent by this client for %2 (ping #%3): a re-send or a "
                    u"cloned profile"_s.arg(rec.seq)
                        .arg(rec.docType)
                        .arg(*first);
            else if (rec.seq > it->max + 1)
                message =
                    u"ping_info.seq jumped from %1 to %2: %3 %4 ping(s) from this client have not arrived"_s
                        .arg(it->max)
                        .arg(rec.seq)
                        .arg(rec.seq - it->max - 1)
                        .arg(rec.docType);
            if (!message.isEmpty())
                added.push_back({{"kind", "seq"}, {"message", message.toStdString()}});
        }
    }
    noteOrder(rec);
    if (added.empty())
        return;
    // Splice the new objects into the array text (the ingest workers wrote it with dump()):
    // parsing and dumping it again cost more than the rest of the row.
    QByteArray &w = rec.warningsJson;
    const QByteArray tail = QByteArray::fromStdString(added.dump());
    const qsizetype close = w.lastIndexOf(']');
    if (!w.startsWith('[') || close < 0) {
        w = tail;
        rec.warningCount = static_cast<int>(added.size());
        return;
    }
    w.truncate(close);
    if (w.trimmed() != "[")
        w += ',';
    w += QByteArrayView(tail).sliced(1);
    rec.warningCount += static_cast<int>(added.size());
}

Store::~Store()
{
    {
        std::lock_guard lock(m_mutex);
        m_checkpointStop = true;
    }
    m_checkpointWake.notify_all();
    if (m_checkpointThread.joinable())
        m_checkpointThread.join();
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join(); // the writer checkpoints and truncates the WAL as it closes
}

void Store::runCheckpointer()
{
    const QString name = nextConnectionName("checkpoint");
    QString err;
    if (!openConnection(name, m_path, false, &err)) {
        QSqlDatabase::removeDatabase(name);
        return;
    }
    {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        quint64 generation = m_fileGeneration.load();
        std::unique_lock lock(m_mutex);
        while (!m_checkpointStop) {
            // Every 4,000 records or every 250 ms with anything new, whichever comes first.
            m_checkpointWake.wait_for(lock, std::chrono::milliseconds(250),
                                      [this] { return m_checkpointStop || m_sinceCheckpoint >= 4000; });
            if (m_checkpointStop || m_sinceCheckpoint == 0)
                continue;
            m_sinceCheckpoint = 0;
            lock.unlock();
            if (generation != m_fileGeneration.load()) { // a clear put a new file in place
                generation = m_fileGeneration.load();
                db.close();
                db.open();
            }
            // PASSIVE: copies what it can without blocking the writer or readers.
            QSqlQuery q(db);
            q.exec(u"PRAGMA wal_checkpoint(PASSIVE)"_s);
            q.finish();
            // Under a steady stream of commits the passive checkpoints never find the WAL idle,
            // so it would grow without end. Past a size, restart it, right after a passive pass
            // copied nearly all of it: the writer then waits only for the frames since (it
            // did the restart itself before, copying what was left of 64 MiB: acks waited 0.9 s).
            if (QFileInfo(m_path + u"-wal"_s).size() > kWalRestartBytes) {
                q.exec(u"PRAGMA wal_checkpoint(RESTART)"_s);
                q.finish();
            }
            lock.lock();
        }
    }
    {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

void Store::setWriteHandler(WriteHandler handler)
{
    std::lock_guard lock(m_mutex);
    m_writeHandler = std::move(handler);
}

void Store::enqueue(PingRecord record, quint64 ticket)
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(Item{Item::Kind::Insert, std::move(record), ticket, nullptr, {}});
    }
    m_wake.notify_one();
}

void Store::enqueue(std::vector<std::pair<PingRecord, quint64>> &&records)
{
    if (records.empty())
        return;
    {
        std::lock_guard lock(m_mutex);
        for (auto &[record, ticket] : records)
            m_queue.push_back(Item{Item::Kind::Insert, std::move(record), ticket, nullptr, {}});
    }
    m_wake.notify_one();
}

bool Store::clear(QString *error)
{
    auto done = std::make_shared<std::promise<QString>>();
    auto f = done->get_future();
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(Item{Item::Kind::Clear, {}, 0, done, {}});
    }
    m_wake.notify_one();
    const QString err = f.get();
    if (error)
        *error = err;
    return err.isEmpty();
}

void Store::flush()
{
    auto done = std::make_shared<std::promise<QString>>();
    auto f = done->get_future();
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(Item{Item::Kind::Flush, {}, 0, done, {}});
    }
    m_wake.notify_one();
    f.get();
}

void Store::update(std::vector<PingRecord> records)
{
    if (records.empty())
        return;
    {
        std::lock_guard lock(m_mutex);
        Item item;
        item.kind = Item::Kind::Update;
        item.updates = std::move(records);
        m_queue.push_back(std::move(item));
    }
    m_wake.notify_one();
}

void Store::setUpstream(std::vector<std::pair<qint64, QByteArray>> answers)
{
    if (answers.empty())
        return;
    Item item;
    item.kind = Item::Kind::Upstream;
    for (auto &entry : answers) {
        PingRecord r;
        r.id = entry.first;
        r.upstreamJson = std::move(entry.second);
        item.updates.push_back(std::move(r));
    }
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(std::move(item));
    }
    m_wake.notify_one();
}

void Store::run()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        sqlite3 *handle = sqliteHandle(db);
        SqliteStatement insertPing(handle,
                                   u"INSERT INTO pings (%1) VALUES (%2)"_s.arg(
                                       kSummaryColumns, QStringList(kSummaryColumnCount, u"?"_s).join(u',')));
        SqliteStatement insertData(handle,
                                   u"INSERT INTO ping_data (id, headers, body, payload, payload_from) "
                                   u"VALUES (?,?,?,?,?)"_s);
        SqliteStatement upsertCount(handle, u"INSERT INTO counts (kind, key, n) VALUES (?,?,?) "
                                            u"ON CONFLICT (kind, key) DO UPDATE SET n = n + excluded.n"_s);
        // The first accepted copy of a doc id, through the doc_id index; rows of the transaction
        // under way count (same connection).
        SqliteStatement firstCopy(handle, u"SELECT id, received_at_us, path FROM pings WHERE doc_id = ? AND "
                                          u"verdict <> 'refused' AND status_code BETWEEN 200 AND 299 "
                                          u"ORDER BY id LIMIT 1"_s);
        const auto firstCopyOf = [&firstCopy](const QString &docId) -> std::optional<FirstCopy> {
            const QByteArray utf8 = docId.toUtf8();
            firstCopy.bindText(0, utf8);
            std::optional<FirstCopy> out;
            firstCopy.query([&out](sqlite3_stmt *st) {
                out = FirstCopy{sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                                QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(st, 2)),
                                                  sqlite3_column_bytes(st, 2))};
            });
            return out;
        };
        // The counts of a transaction go in with it; false when they could not be written.
        auto writeCounts = [&](int *code) {
            bool ok = true;
            for (const auto &[key, delta] : m_countDeltas) {
                if (!ok || delta == 0)
                    continue;
                const QByteArray utf8 = key.second.toUtf8(); // alive until step() returns
                upsertCount.bind(0, key.first);
                upsertCount.bindText(1, utf8);
                upsertCount.bind(2, delta);
                ok = upsertCount.step(code);
            }
            m_countDeltas.clear();
            return ok;
        };
        std::array<QByteArray, kSummaryColumnCount> held;
        auto execSql = [&handle](const char *sql) {
            return handle && sqlite3_exec(handle, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
        };
        auto lastError = [&handle] {
            return handle ? QString::fromUtf8(sqlite3_errmsg(handle)) : u"the store has no SQLite handle"_s;
        };

        std::deque<Item> batch;
        for (;;) {
            WriteHandler handler;
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [this] { return m_stop || !m_queue.empty(); });
                if (m_queue.empty() && m_stop)
                    break;
                batch.swap(m_queue);
                handler = m_writeHandler;
            }
            std::vector<WriteResult> results;
            results.reserve(batch.size());
            // A transaction is all or nothing: when a statement or the commit fails (a full disk,
            // an I/O error), SQLite may already have rolled it back; roll back what is left, and
            // every request of it is answered as not stored, the writer's ids and order state
            // rewound with it, so that the next transaction starts clean.
            auto failTransaction = [&](qint64 firstId, const QString &err, int code) {
                if (handle && !sqlite3_get_autocommit(handle))
                    execSql("ROLLBACK");
                const bool full = (code & 0xff) == SQLITE_FULL;
                const bool quota = full && atSizeLimit(db);
                if (quota)
                    refreshUsedBytes(db);
                const QString why = quota ? sizeLimitMessage() : err;
                for (auto &r : results) {
                    r.ok = false;
                    r.id = 0;
                    r.error = why;
                    r.diskFull = full;
                    r.storeFull = quota;
                }
                m_nextId = firstId;
                m_countDeltas.clear();
                forgetOrderFrom(firstId);
                if (handler)
                    handler(std::move(results));
                results.clear();
            };
            auto commitPending = [&](qint64 firstId) {
                if (results.empty())
                    return;
                int countCode = SQLITE_OK;
                if (!writeCounts(&countCode)) {
                    failTransaction(firstId, lastError(), countCode);
                    return;
                }
                const bool ok = execSql("COMMIT");
                if (!ok) {
                    const int code = handle ? sqlite3_extended_errcode(handle) : SQLITE_ERROR;
                    failTransaction(firstId, lastError(), code);
                    return;
                }
                {
                    m_committed += static_cast<qint64>(results.size());
                    bool wake = false;
                    {
                        std::lock_guard lock(m_mutex);
                        m_sinceCheckpoint += static_cast<qint64>(results.size());
                        wake = m_sinceCheckpoint >= 4000;
                    }
                    // The size is watched every few hundred pings, or every 1 % of the limit written
                    // (two cheap pragmas).
                    m_sinceSizeCheck += static_cast<qint64>(results.size());
                    if (m_sinceSizeCheck >= 256 ||
                        (m_options.maxBytes > 0 && m_bytesSinceSizeCheck * 100 >= m_options.maxBytes)) {
                        m_sinceSizeCheck = 0;
                        m_bytesSinceSizeCheck = 0;
                        refreshUsedBytes(db);
                    }
                    if (wake)
                        m_checkpointWake.notify_one();
                    Q_EMIT recordsCommitted(firstId, m_nextId - 1);
                }
                if (handler)
                    handler(std::move(results));
                results.clear();
            };

            qint64 firstId = m_nextId;
            bool inTransaction = false;
            for (auto &item : batch) {
                if (item.kind != Item::Kind::Insert) {
                    if (inTransaction) {
                        commitPending(firstId);
                        inTransaction = false;
                    }
                    QString err;
                    if (item.kind == Item::Kind::Upstream) {
                        QSqlQuery q(db);
                        q.prepare(u"UPDATE pings SET upstream=? WHERE id=?"_s);
                        qint64 lo = std::numeric_limits<qint64>::max(), hi = 0;
                        bool ok = db.transaction();
                        for (const PingRecord &r : item.updates) {
                            if (!ok)
                                break;
                            q.bindValue(0, QString::fromUtf8(r.upstreamJson));
                            q.bindValue(1, r.id);
                            ok = q.exec();
                            lo = std::min(lo, r.id);
                            hi = std::max(hi, r.id);
                        }
                        if (ok && db.commit())
                            Q_EMIT recordsUpdated(lo, hi);
                        else
                            db.rollback();
                        firstId = m_nextId;
                        continue;
                    }
                    if (item.kind == Item::Kind::Update) {
                        QSqlQuery q(db);
                        q.prepare(u"UPDATE pings SET verdict=?, error_count=?, errors=?, warnings=?, "
                                  u"warning_count=?, "
                                  u"schema_key=?, schema_note=?, pipeline=?, checked_with=? WHERE id=?"_s);
                        QSqlQuery old(db);
                        old.prepare(u"SELECT verdict FROM pings WHERE id=?"_s);
                        qint64 lo = std::numeric_limits<qint64>::max(), hi = 0;
                        bool ok = db.transaction();
                        m_countDeltas.clear();
                        for (const PingRecord &r : item.updates) {
                            if (!ok)
                                break;
                            // A verdict that changes moves between the counts.
                            old.bindValue(0, r.id);
                            if (old.exec() && old.next()) {
                                const QString was = old.value(0).toString();
                                if (was != r.verdict) {
                                    m_countDeltas[{1, was}] -= 1;
                                    m_countDeltas[{1, r.verdict}] += 1;
                                }
                            }
                            old.finish();
                            q.bindValue(0, text(r.verdict));
                            q.bindValue(1, r.errorCount);
                            q.bindValue(2, QString::fromUtf8(r.errorsJson));
                            q.bindValue(3, packText(r.warningsJson,
                                                    PackedKind::Json)); // a QByteArray binds as a blob
                            q.bindValue(4, r.warningCount);
                            q.bindValue(5, text(r.schemaKey));
                            q.bindValue(6, text(r.schemaNote));
                            q.bindValue(7, storedPipeline(r));
                            q.bindValue(8, text(r.checkedWith));
                            q.bindValue(9, r.id);
                            ok = q.exec();
                            lo = std::min(lo, r.id);
                            hi = std::max(hi, r.id);
                        }
                        int countCode = SQLITE_OK;
                        if (ok && !writeCounts(&countCode))
                            ok = false;
                        if (ok && db.commit()) {
                            Q_EMIT recordsUpdated(lo, hi);
                        } else {
                            err = q.lastError().isValid() ? sqlError(q) : db.lastError().text();
                            if (err.isEmpty())
                                err = lastError();
                            m_countDeltas.clear();
                            db.rollback();
                        }
                        if (item.done)
                            item.done->set_value(err);
                        firstId = m_nextId;
                        continue;
                    }
                    if (item.kind == Item::Kind::Clear) {
                        // Deleting a million rows pages through every body (36 s, and the file
                        // keeps its size): an empty file takes the old one's place instead.
                        for (SqliteStatement *st : {&insertPing, &insertData, &upsertCount, &firstCopy})
                            st->prepare(nullptr);
                        err = replaceWithEmptyFile(db);
                        handle = sqliteHandle(db);
                        for (SqliteStatement *st : {&insertPing, &insertData, &upsertCount, &firstCopy})
                            st->prepare(handle);
                        if (err.isEmpty()) { // (prepareSchema measured the new file's size)
                            m_seqs.clear();
                            Q_EMIT cleared();
                        }
                    }
                    item.done->set_value(err);
                    firstId = m_nextId;
                    continue;
                }
                WriteResult wr;
                wr.ticket = item.ticket;
                if (!inTransaction) {
                    firstId = m_nextId;
                    // Deleted or replaced under us, SQLite would go on writing to a file nobody
                    // can open again: every ping answered 200 and lost at exit. Refuse instead,
                    // and while the file is read-only.
                    bool gone = false;
                    const QString problem = fileProblem(&gone);
                    // IMMEDIATE: the doc id lookup reads first, and a read transaction that
                    // then writes cannot wait for another writer (SQLite answers BUSY at once).
                    inTransaction = problem.isEmpty() && execSql("BEGIN IMMEDIATE");
                    if (!inTransaction) {
                        wr.error = problem.isEmpty() ? lastError() : problem;
                        wr.storeGone = gone;
                        wr.diskFull = problem.isEmpty() && handle &&
                                      (sqlite3_extended_errcode(handle) & 0xff) == SQLITE_FULL;
                        if (handler)
                            handler(std::vector<WriteResult>{std::move(wr)});
                        continue;
                    }
                }
                PingRecord &rec = item.record;
                rec.id = m_nextId;
                addOrderWarnings(rec, firstCopyOf);
                int code = SQLITE_MISUSE;
                bool ok = insertPing.isValid() && insertData.isValid();
                if (ok) {
                    bindRecord(insertPing, rec, held);
                    ok = insertPing.step(&code);
                }
                if (ok) {
                    const QByteArray headers = storedHeaders(rec);
                    insertData.bind(0, rec.id);
                    insertData.bindBlob(1, headers);
                    insertData.bindBlob(2, rec.body);
                    const bool derived = rec.payloadSource != PingRecord::PayloadSource::Own;
                    insertData.bindBlob(3, derived ? QByteArray("") : rec.payload);
                    insertData.bind(4, derived ? qint64(rec.payloadSource) : 0);
                    ok = insertData.step(&code);
                }
                if (ok) {
                    wr.ok = true;
                    wr.id = rec.id;
                    ++m_nextId;
                    m_bytesSinceSizeCheck +=
                        rec.body.size() +
                        (rec.payloadSource == PingRecord::PayloadSource::Own ? rec.payload.size() : 0);
                    countRecord(rec, 1);
                } else {
                    wr.error =
                        insertPing.isValid() && insertData.isValid()
                            ? lastError()
                            : u"the store's insert statements could not be prepared: %1"_s.arg(lastError());
                    wr.diskFull = (code & 0xff) == SQLITE_FULL;
                }
                results.push_back(std::move(wr));
                if (!ok) {
                    failTransaction(firstId, results.back().error, code);
                    inTransaction = false;
                }
            }
            if (inTransaction)
                commitPending(firstId);
            batch.clear();
        }
    }
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        QSqlQuery(db).exec(u"PRAGMA wal_checkpoint(TRUNCATE)"_s);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

} // namespace pingscope
