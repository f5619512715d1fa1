#pragma once

#include "ping.h"

#include <QAbstractTableModel>

#include <vector>

namespace pingscope {

// The live list of captured pings, newest first. Holds compact summaries only; payloads
// stay in the store until a ping is opened.
//
// Threading: GUI thread only. Rows arrive in batches through prepend().
class PingListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Received, Namespace, DocType, Version, Verdict, DebugId, DocId, Size, ColumnCount };
    enum Role { IdRole = Qt::UserRole + 1, VerdictRole, ReceivedUsRole };

    explicit PingListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    // `records` newest first, all newer than what the model holds.
    void prepend(const std::vector<PingRecord> &records);
    void clear();
    qint64 newestId() const { return m_rows.empty() ? 0 : m_rows.back().id; }
    qint64 idAt(int row) const;
    int invalidCount() const { return m_problemCount; }

private:
    struct Row
    {
        qint64 id;
        qint64 receivedAtUs;
        QString ns, docType, docVersion, verdict, debugId, docId;
        qint64 bodyBytes, decodedBytes;
        int errorCount;
    };
    // Stored oldest first so that new rows append; row r of the model is m_rows[size-1-r].
    std::vector<Row> m_rows;
    int m_problemCount = 0;
};

} // namespace pingscope
