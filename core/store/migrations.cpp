// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// The store's schema: each version's migration step, and opening a file of any version.
#include "store/store_p.h"

using namespace Qt::StringLiterals;

namespace pingscope {

using namespace pingscope::storedetail;

namespace {

// Each step takes the schema from version N-1 to N. Version 0 is an empty file.
const char *const kMigrations[] = {
    // 1: initial schema. Summaries and bulky data live in separate tables so that a scan of
    // summaries (the list, stats, a reopened session) does not page through request bodies.
    "CREATE TABLE pings ("
    " id INTEGER PRIMARY KEY, received_at_us INTEGER NOT NULL,"
    " method TEXT NOT NULL, path TEXT NOT NULL, query TEXT NOT NULL, peer TEXT NOT NULL,"
    " namespace TEXT NOT NULL, doctype TEXT NOT NULL, doc_version TEXT NOT NULL,"
    " doc_id TEXT NOT NULL, app_name TEXT NOT NULL, app_version TEXT NOT NULL,"
    " app_channel TEXT NOT NULL, app_build_id TEXT NOT NULL,"
    " status_code INTEGER NOT NULL, verdict TEXT NOT NULL, error_count INTEGER NOT NULL,"
    " errors TEXT NOT NULL, warnings TEXT NOT NULL,"
    " debug_id TEXT NOT NULL, source_tags TEXT NOT NULL, user_agent TEXT NOT NULL,"
    " telemetry_agent TEXT NOT NULL, content_encoding TEXT NOT NULL, content_type TEXT NOT NULL,"
    " date_header TEXT NOT NULL, date_ms INTEGER NOT NULL,"
    " body_bytes INTEGER NOT NULL, decoded_bytes INTEGER NOT NULL, body_truncated INTEGER NOT NULL,"
    " client_id TEXT NOT NULL, seq INTEGER NOT NULL);"
    "CREATE TABLE ping_data (id INTEGER PRIMARY KEY, headers BLOB NOT NULL, body BLOB NOT NULL,"
    " payload BLOB NOT NULL);",
    // 2: warnings counted, and which schema a ping was checked against.
    "ALTER TABLE pings ADD COLUMN warning_count INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE pings ADD COLUMN schema_key TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE pings ADD COLUMN schema_note TEXT NOT NULL DEFAULT '';",
    // 3: what production derives (table, normalized fields, sample_id, ...) and which registry
    // and schema set made the verdict (re-validation compares it).
    "ALTER TABLE pings ADD COLUMN pipeline TEXT NOT NULL DEFAULT '{}';"
    "ALTER TABLE pings ADD COLUMN checked_with TEXT NOT NULL DEFAULT '';",
    // 4: the counts /stats and the window's totals read, kept by the writer in the transaction
    // that changes them (kind 0: total, 1: verdict, 2: namespace, 3: doc type); filled from
    // what a store already holds.
    "CREATE TABLE counts (kind INTEGER NOT NULL, key TEXT NOT NULL, n INTEGER NOT NULL,"
    " PRIMARY KEY (kind, key)) WITHOUT ROWID;"
    "INSERT INTO counts SELECT 0, '', count(*) FROM pings;"
    "INSERT INTO counts SELECT 1, verdict, count(*) FROM pings GROUP BY verdict;"
    "INSERT INTO counts SELECT 2, namespace, count(*) FROM pings GROUP BY namespace;"
    "INSERT INTO counts SELECT 3, doctype, count(*) FROM pings GROUP BY doctype;",
    // 5: the decoded payload is no longer kept beside the body it comes from (PayloadSource:
    // 0 kept in payload, 1 the body's bytes, 2 the body gunzipped); read through the
    // pingscope_payload() SQL function. Pings stored before keep their copy (0). Headers,
    // warnings and the derived fields of new rows are packed (packedtext.h). Indexes for the
    // list's filters (each also orders by id, the rowid, so a filtered page reads only its rows;
    // each costs the writer: the one on doc ids, random keys, about a tenth of its throughput).
    "ALTER TABLE ping_data ADD COLUMN payload_from INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX pings_doctype ON pings (doctype);"
    "CREATE INDEX pings_verdict ON pings (verdict);"
    "CREATE INDEX pings_debug_id ON pings (debug_id);"
    "CREATE INDEX pings_doc_id ON pings (doc_id);"
    "CREATE INDEX pings_received ON pings (received_at_us);",
    // 6: what a fault rule made of the answer (empty: answered as usual), where an imported
    // record came from (empty: captured), and the upstream's answer in forward mode (JSON).
    "ALTER TABLE pings ADD COLUMN fault TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE pings ADD COLUMN source TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE pings ADD COLUMN upstream TEXT NOT NULL DEFAULT '';",
};
constexpr int kMigrationCount = sizeof kMigrations / sizeof kMigrations[0];
static_assert(kMigrationCount == Store::SchemaVersion);

} // namespace

bool Store::prepareSchema(QSqlDatabase &db, QString *error)
{
    QSqlQuery q(db);
    // What the file is, before anything is written to it: a file that will be refused (not
    // SQLite, somebody else's database) must be left exactly as it was, not switched to WAL.
    if (!q.exec(u"PRAGMA user_version"_s) || !q.next()) {
        if (error)
            *error = u"not a SQLite database: "_s + sqlError(q);
        return false;
    }
    int version = q.value(0).toInt();
    q.finish();
    if (version == 0) {
        // A fresh file must be empty: refuse to take over somebody else's database.
        if (!q.exec(u"SELECT count(*) FROM sqlite_master"_s) || !q.next()) {
            if (error)
                *error = u"not a SQLite database: "_s + sqlError(q);
            return false;
        }
        if (q.value(0).toInt() != 0) {
            if (error)
                *error = u"the file is a SQLite database but not a Pingscope store"_s;
            return false;
        }
        q.finish();
    } else if (version > SchemaVersion) {
        if (error)
            *error = u"the store has schema version %1; this Pingscope reads up to %2"_s.arg(version).arg(
                SchemaVersion);
        return false;
    } else if (!q.exec(u"SELECT 1 FROM sqlite_master WHERE type='table' AND name='pings'"_s) || !q.next()) {
        if (error)
            *error = u"the file is a SQLite database but not a Pingscope store (it has no pings table)"_s;
        return false;
    }
    q.finish();
    // WAL with synchronous=NORMAL: a commit is in the OS before the answer is sent, so it
    // survives the process being killed; only a power loss can take the last commits.
    for (const auto &pragma : {u"PRAGMA journal_mode=WAL"_s, u"PRAGMA synchronous=NORMAL"_s,
                               u"PRAGMA temp_store=MEMORY"_s, u"PRAGMA cache_size=-16000"_s,
                               u"PRAGMA wal_autocheckpoint=0"_s, u"PRAGMA journal_size_limit=67108864"_s}) {
        if (!q.exec(pragma)) {
            if (error)
                *error = sqlError(q);
            return false;
        }
    }
    if (!q.exec(u"PRAGMA journal_mode"_s) || !q.next() ||
        q.value(0).toString().compare(u"wal"_s, Qt::CaseInsensitive) != 0) {
        if (error)
            *error = u"the store cannot use WAL mode (is it on a network file system?)"_s;
        return false;
    }
    q.finish();
    while (version < SchemaVersion) {
        if (!db.transaction() || !execAll(db, kMigrations[version], error)) {
            db.rollback();
            return false;
        }
        ++version;
        if (!q.exec(u"PRAGMA user_version=%1"_s.arg(version)) || !db.commit()) {
            if (error)
                *error = sqlError(q);
            db.rollback();
            return false;
        }
    }
    if (!q.exec(u"SELECT coalesce(max(id), 0) FROM pings"_s) || !q.next()) {
        if (error)
            *error = sqlError(q);
        return false;
    }
    m_nextId = q.value(0).toLongLong() + 1;
    q.finish();
    if (q.exec(u"PRAGMA page_size"_s) && q.next())
        m_pageSize = qMax<qint64>(512, q.value(0).toLongLong());
    q.finish();
    if (m_options.maxBytes > 0) {
        // SQLite itself refuses to grow past it (SQLITE_FULL, like a full disk). A store already
        // larger keeps its size: SQLite never sets the limit below the current page count.
        const qint64 pages = qMax<qint64>(1, m_options.maxBytes / m_pageSize);
        if (!q.exec(u"PRAGMA max_page_count=%1"_s.arg(pages))) {
            if (error)
                *error = sqlError(q);
            return false;
        }
        q.finish();
    }
    refreshUsedBytes(db);
    return true;
}

} // namespace pingscope
