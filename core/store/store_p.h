// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

// Private to core/store: the SQL helpers the writer, the readers and the migrations share.
// Nothing outside this folder includes it (Qt Sql and SQLite stay private to pingscope_store).

#include "ping/decode.h"
#include "store/packedtext.h"
#include "store/store.h"

#include <QDateTime>
#include <QTimeZone>

#include <QDir>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStandardPaths>
#include <QVariant>

#include <nlohmann/json.hpp>

#include <sqlite3.h>

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <array>
#include <chrono>
#include <limits>
#include <utility>

namespace pingscope::storedetail {

using namespace Qt::StringLiterals;

inline constexpr qint64 kWalRestartBytes = 64 * 1024 * 1024;
QString nextConnectionName(const char *role);
inline const QString kSummaryColumns =
    u"id, received_at_us, method, path, query, peer, namespace, doctype, "
    u"doc_version, doc_id, app_name, app_version, app_channel, "
    u"app_build_id, status_code, verdict, error_count, errors, warnings, "
    u"debug_id, source_tags, user_agent, telemetry_agent, "
    u"content_encoding, content_type, date_header, date_ms, body_bytes, "
    u"decoded_bytes, body_truncated, client_id, seq, warning_count, schema_key, schema_note, pipeline, checked_with, fault, source, upstream"_s;

inline constexpr int kSummaryColumnCount = 40;
// kSummaryColumns with the texts a list does not show read as empty (readSummary reads either).
inline const QString kListColumns =
    u"id, received_at_us, '', '', '', '', namespace, doctype, "
    u"doc_version, doc_id, '', '', '', "
    u"'', status_code, verdict, error_count, '', warnings, "
    u"debug_id, source_tags, '', '', "
    u"'', '', '', 0, body_bytes, "
    u"decoded_bytes, body_truncated, client_id, seq, warning_count, '', '', '', '', fault, source, ''"_s;

QString sqlError(const QSqlQuery &q);
bool execAll(QSqlDatabase &db, const char *script, QString *error);
bool openConnection(const QString &name, const QString &path, bool readOnly, QString *error);
// A null QString binds as SQL NULL; the columns are NOT NULL text.
QString text(const QString &s);
// The writer's insert path talks to SQLite directly, on the handle of the Qt connection: Qt's
// driver binds every value through a QVariant, looks each placeholder up by a generated name
// and hands text over as UTF-16 for SQLite to convert back, which cost more than the insert.
class SqliteStatement
{
public:
    SqliteStatement(sqlite3 *db, const QString &sql) : m_sql(sql.toUtf8()) { prepare(db); }
    ~SqliteStatement() { sqlite3_finalize(m_stmt); }
    // Finalizes the statement and prepares it again on `db` (another connection, after the
    // store file was replaced by an empty one); nullptr only finalizes.
    void prepare(sqlite3 *db)
    {
        sqlite3_finalize(m_stmt);
        m_stmt = nullptr;
        m_db = db;
        if (!db || sqlite3_prepare_v3(db, m_sql.constData(), static_cast<int>(m_sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr) != SQLITE_OK)
            m_stmt = nullptr;
    }
    SqliteStatement(const SqliteStatement &) = delete;
    SqliteStatement &operator=(const SqliteStatement &) = delete;

    bool isValid() const { return m_stmt != nullptr; }
    void bind(int i, qint64 v) { sqlite3_bind_int64(m_stmt, i + 1, v); }
    // The bytes must stay alive until step() returns.
    void bindText(int i, const QByteArray &utf8)
    {
        sqlite3_bind_text(m_stmt, i + 1, utf8.isNull() ? "" : utf8.constData(), static_cast<int>(utf8.size()),
                          SQLITE_STATIC);
    }
    void bindBlob(int i, const QByteArray &b)
    {
        sqlite3_bind_blob(m_stmt, i + 1, b.isNull() ? "" : b.constData(), static_cast<int>(b.size()),
                          SQLITE_STATIC);
    }
    // Runs a query: `row` for its first row, if any. False when it could not run.
    template <typename Row> bool query(Row row)
    {
        if (!m_stmt)
            return false;
        const int rc = sqlite3_step(m_stmt);
        if (rc == SQLITE_ROW)
            row(m_stmt);
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
        return rc == SQLITE_ROW || rc == SQLITE_DONE;
    }
    // Runs the statement once; false with the extended error code in `code`.
    bool step(int *code)
    {
        const int rc = sqlite3_step(m_stmt);
        *code = rc == SQLITE_DONE ? SQLITE_OK : sqlite3_extended_errcode(m_db);
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
        return rc == SQLITE_DONE;
    }

private:
    QByteArray m_sql;
    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_stmt = nullptr;
};

sqlite3 *sqliteHandle(const QSqlDatabase &db);
// pingscope_payload(body, payload, payload_from): the decoded payload, as the store keeps it
// (schema version 5): the stored copy, the body's bytes, or the body gunzipped. A blob.
void payloadFunction(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void registerFunctions(const QSqlDatabase &db);
// The summary row in kSummaryColumns order. Text goes in as UTF-8, held in `held` until step.
void bindRecord(SqliteStatement &q, const PingRecord &r, std::array<QByteArray, kSummaryColumnCount> &held);
// Reads the summary columns (kSummaryColumns order) of the current row.
PingRecord readSummary(const QSqlQuery &q);
// The device and inode `path` names now; nullopt when nothing is there.
std::optional<std::pair<quint64, quint64>> fileIdentity(const QString &path);

} // namespace pingscope::storedetail
