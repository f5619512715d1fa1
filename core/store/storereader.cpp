// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// StoreReader: a read connection of its own, for the API, the window and tools.
#include "store/store_p.h"

using namespace Qt::StringLiterals;

namespace pingscope {

using namespace pingscope::storedetail;

StoreReader::StoreReader(const QString &path) : m_connectionName(nextConnectionName("reader")), m_path(path)
{
    if (const auto id = fileIdentity(path))
        m_identity = *id;
    m_open = openConnection(m_connectionName, path, true, &m_error);
    if (m_open)
        prepareConnection();
}

void StoreReader::prepareConnection()
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    registerFunctions(db);
    // A store of an older schema (read by a tool without migrating it) keeps every payload.
    QSqlQuery q(db);
    const bool derived = q.exec(u"PRAGMA user_version"_s) && q.next() && q.value(0).toInt() >= 5;
    m_payloadDerived = derived;
}

QString StoreReader::payloadSql(const QString &table) const
{
    return m_payloadDerived ? u"pingscope_payload(%1body, %1payload, %1payload_from)"_s.arg(table)
                            : table + u"payload"_s;
}

QSqlDatabase StoreReader::connection()
{
    // A clear puts a new, empty file in the old one's place: read that one from now on.
    if (const auto id = fileIdentity(m_path); id && *id != m_identity) {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
        if (db.open()) {
            m_identity = *id;
            prepareConnection();
        }
    }
    return QSqlDatabase::database(m_connectionName, false);
}

StoreReader::~StoreReader()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

namespace {

// The WHERE terms (and their bound values) of a query's filters.
void whereOf(const PingQuery &query, QStringList *whereOut, QVariantList *argsOut)
{
    QStringList &where = *whereOut;
    QVariantList &args = *argsOut;
    auto filter = [&](const QString &value, const char *column) {
        if (!value.isEmpty()) {
            where << u"%1 = ?"_s.arg(QLatin1StringView(column));
            args << value;
        }
    };
    filter(query.ns, "namespace");
    filter(query.docType, "doctype");
    if (query.verdict == u"problems"_s)
        where << u"verdict NOT IN ('%1', '%2', '%3')"_s.arg(
            QStringView(verdict::Parsed), QStringView(verdict::Valid), QStringView(verdict::NoSchema));
    else
        filter(query.verdict, "verdict");
    filter(query.debugId, "debug_id");
    filter(query.docId, "doc_id");
    filter(query.clientId, "client_id");
    auto bound = [&](qint64 value, const char *clause) { // 0: no bound
        if (value > 0) {
            where << QString::fromLatin1(clause);
            args << value;
        }
    };
    bound(query.afterId, "id > ?");
    bound(query.beforeId, "id < ?");
    bound(query.receivedFromUs, "received_at_us >= ?");
    bound(query.receivedToUs, "received_at_us < ?");
}

} // namespace

std::vector<PingRecord> StoreReader::list(const PingQuery &query)
{
    std::vector<PingRecord> out;
    QSqlDatabase db = connection();
    QStringList where;
    QVariantList args;
    whereOf(query, &where, &args);
    const QString &columns = query.listColumnsOnly ? kListColumns : kSummaryColumns;
    QString sql = u"SELECT %1 FROM pings"_s.arg(columns);
    if (query.withPayload)
        sql = u"SELECT %1, (SELECT %2 FROM ping_data WHERE ping_data.id = pings.id) FROM pings"_s.arg(
            columns, payloadSql());
    if (!where.isEmpty())
        sql += u" WHERE "_s + where.join(u" AND "_s);
    sql += query.oldestFirst ? u" ORDER BY id LIMIT ? OFFSET ?"_s : u" ORDER BY id DESC LIMIT ? OFFSET ?"_s;
    args << (query.limit < 0 ? -1 : query.limit) << qMax(0, query.offset);
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(sql);
    for (int i = 0; i < args.size(); ++i)
        q.bindValue(i, args[i]);
    if (!q.exec()) {
        m_error = sqlError(q);
        return out;
    }
    while (q.next()) {
        out.push_back(readSummary(q));
        if (query.withPayload)
            out.back().payload = q.value(q.record().count() - 1).toByteArray();
    }
    return out;
}

std::vector<PingRecord> StoreReader::attempts(const QString &docId, int limit)
{
    PingQuery q;
    q.docId = docId;
    q.oldestFirst = true;
    q.limit = limit;
    return list(q);
}

std::vector<QString> StoreReader::retriedDocIds(int limit)
{
    std::vector<QString> out;
    QSqlDatabase db = connection();
    QSqlQuery q(db);
    q.setForwardOnly(true);
    // The doc id index is walked once (about 0.3 s per million pings).
    q.prepare(u"SELECT doc_id FROM pings WHERE doc_id <> '' GROUP BY doc_id "
              u"HAVING count(*) > 1 OR max(fault <> '') ORDER BY max(id) DESC LIMIT ?"_s);
    q.bindValue(0, limit);
    if (!q.exec()) {
        m_error = sqlError(q);
        return out;
    }
    while (q.next())
        out.push_back(q.value(0).toString());
    return out;
}

std::optional<PingRecord> StoreReader::get(qint64 id)
{
    QSqlDatabase db = connection();
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(u"SELECT %1 FROM pings WHERE id = ?"_s.arg(kSummaryColumns));
    q.bindValue(0, id);
    if (!q.exec() || !q.next()) {
        m_error = sqlError(q);
        return std::nullopt;
    }
    PingRecord r = readSummary(q);
    q.finish();
    q.prepare(u"SELECT headers, body, %1 FROM ping_data WHERE id = ?"_s.arg(payloadSql()));
    q.bindValue(0, id);
    if (q.exec() && q.next()) {
        r.headers = decodeHeaders(unpackText(q.value(0).toByteArray()));
        r.body = q.value(1).toByteArray();
        r.payload = q.value(2).toByteArray();
    }
    return r;
}

std::vector<PingRecord> StoreReader::staleRecords(const QString &checkedWith, qint64 afterId, int limit)
{
    std::vector<PingRecord> out;
    QSqlDatabase db = connection();
    QSqlQuery q(db);
    q.setForwardOnly(true);
    QString columns;
    for (const QString &c : kSummaryColumns.split(u", "_s))
        columns += u"p."_s + c + u", "_s;
    q.prepare(
        u"SELECT %1d.headers, d.body, %2 FROM pings p JOIN ping_data d ON d.id = p.id "
        u"WHERE p.id > ? AND p.checked_with <> ? AND p.verdict <> 'refused' ORDER BY p.id LIMIT ?"_s.arg(
            columns, payloadSql(u"d."_s)));
    q.bindValue(0, afterId);
    q.bindValue(1, checkedWith);
    q.bindValue(2, limit);
    if (!q.exec()) {
        m_error = sqlError(q);
        return out;
    }
    while (q.next()) {
        PingRecord r = readSummary(q);
        r.headers = decodeHeaders(unpackText(q.value(kSummaryColumnCount).toByteArray()));
        r.body = q.value(kSummaryColumnCount + 1).toByteArray();
        r.payload = q.value(kSummaryColumnCount + 2).toByteArray();
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<PingRecord> StoreReader::verdictsBetween(qint64 firstId, qint64 lastId, int limit)
{
    std::vector<PingRecord> out;
    QSqlQuery q(connection());
    q.setForwardOnly(true);
    q.prepare(u"SELECT id, verdict, error_count, warnings, warning_count, received_at_us FROM pings "
              u"WHERE id BETWEEN ? AND ? ORDER BY id LIMIT ?"_s);
    q.bindValue(0, firstId);
    q.bindValue(1, lastId);
    q.bindValue(2, limit);
    if (!q.exec()) {
        m_error = sqlError(q);
        return out;
    }
    while (q.next()) {
        PingRecord r;
        r.id = q.value(0).toLongLong();
        r.verdict = q.value(1).toString();
        r.errorCount = q.value(2).toInt();
        r.warningsJson = unpackText(q.value(3).toByteArray());
        r.warningCount = q.value(4).toInt();
        r.receivedAtUs = q.value(5).toLongLong();
        out.push_back(std::move(r));
    }
    return out;
}

qint64 StoreReader::staleCount(const QString &checkedWith)
{
    QSqlQuery q(connection());
    q.prepare(u"SELECT count(*) FROM pings WHERE checked_with <> ? AND verdict <> 'refused'"_s);
    q.bindValue(0, checkedWith);
    if (q.exec() && q.next())
        return q.value(0).toLongLong();
    return 0;
}

qint64 StoreReader::count()
{
    QSqlDatabase db = connection();
    QSqlQuery q(db);
    if (q.exec(u"SELECT count(*) FROM pings"_s) && q.next())
        return q.value(0).toLongLong();
    return 0;
}

qint64 StoreReader::oldestId()
{
    QSqlQuery q(connection());
    if (q.exec(u"SELECT min(id) FROM pings"_s) && q.next())
        return q.value(0).toLongLong();
    return 0;
}

qint64 StoreReader::newestId()
{
    QSqlQuery q(connection());
    if (q.exec(u"SELECT max(id) FROM pings"_s) && q.next())
        return q.value(0).toLongLong();
    return 0;
}

std::vector<qint64> StoreReader::idsWithPayloadContaining(const QString &text, qint64 fromId, qint64 toId)
{
    std::vector<qint64> out;
    if (text.isEmpty())
        return out;
    QString pattern = text;
    pattern.replace(u'\\', u"\\\\"_s).replace(u'%', u"\\%"_s).replace(u'_', u"\\_"_s);
    QSqlQuery q(connection());
    q.setForwardOnly(true);
    const bool sliced = toId > 0;
    q.prepare(sliced
                  ? u"SELECT id FROM ping_data WHERE id >= ? AND id < ? AND CAST(%1 AS TEXT) LIKE ? "
                    u"ESCAPE '\\' ORDER BY id"_s.arg(payloadSql())
                  : u"SELECT id FROM ping_data WHERE CAST(%1 AS TEXT) LIKE ? ESCAPE '\\' ORDER BY id"_s.arg(
                        payloadSql()));
    int arg = 0;
    if (sliced) {
        q.bindValue(arg++, fromId);
        q.bindValue(arg++, toId);
    }
    q.bindValue(arg, QString(u'%' + pattern + u'%'));
    if (!q.exec()) {
        m_error = sqlError(q);
        return out;
    }
    while (q.next())
        out.push_back(q.value(0).toLongLong());
    return out;
}

StoreStats StoreReader::stats()
{
    // The counts the writer keeps with every commit: a read of a few rows, whatever the size of
    // the store.
    StoreStats s;
    QSqlDatabase db = connection();
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(u"SELECT kind, key, n FROM counts WHERE n != 0"_s))
        return s;
    while (q.next()) {
        const int kind = q.value(0).toInt();
        const qint64 n = q.value(2).toLongLong();
        if (kind == 0)
            s.total = n;
        else if (kind == 1)
            s.byVerdict[q.value(1).toString()] = n;
        else if (kind == 2)
            s.byNamespace[q.value(1).toString()] = n;
        else if (kind == 3)
            s.byDocType[q.value(1).toString()] = n;
    }
    return s;
}

qint64 StoreReader::countMatching(const PingQuery &query)
{
    QStringList where;
    QVariantList args;
    whereOf(query, &where, &args);
    if (where.isEmpty())
        return count();
    QSqlQuery q(connection());
    q.setForwardOnly(true);
    q.prepare(u"SELECT count(*) FROM pings WHERE "_s + where.join(u" AND "_s));
    for (int i = 0; i < args.size(); ++i)
        q.bindValue(i, args[i]);
    if (!q.exec() || !q.next()) {
        m_error = sqlError(q);
        return 0;
    }
    return q.value(0).toLongLong();
}

StoreStats StoreReader::stats(const PingQuery &query)
{
    QStringList where;
    QVariantList args;
    whereOf(query, &where, &args);
    if (where.isEmpty())
        return stats();
    StoreStats s;
    QSqlDatabase db = connection();
    const QString clause = u" WHERE "_s + where.join(u" AND "_s);
    const auto groups = [&](const char *column, std::map<QString, qint64> *out) {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        q.prepare(u"SELECT %1, count(*) FROM pings%2 GROUP BY %1"_s.arg(QLatin1StringView(column), clause));
        for (int i = 0; i < args.size(); ++i)
            q.bindValue(i, args[i]);
        if (!q.exec()) {
            m_error = sqlError(q);
            return;
        }
        while (q.next())
            (*out)[q.value(0).toString()] = q.value(1).toLongLong();
    };
    groups("verdict", &s.byVerdict);
    groups("namespace", &s.byNamespace);
    groups("doctype", &s.byDocType);
    for (const auto &[verdictName, n] : s.byVerdict)
        s.total += n;
    return s;
}

} // namespace pingscope
