#include "pinglistmodel.h"

#include <QColor>
#include <QDateTime>
#include <QLocale>

using namespace Qt::StringLiterals;

namespace pingscope {

PingListModel::PingListModel(QObject *parent) : QAbstractTableModel(parent) {}

int PingListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int PingListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

qint64 PingListModel::idAt(int row) const
{
    if (row < 0 || row >= rowCount())
        return 0;
    return m_rows[m_rows.size() - 1 - static_cast<size_t>(row)].id;
}

QVariant PingListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows[m_rows.size() - 1 - static_cast<size_t>(index.row())];
    switch (role) {
    case IdRole:
        return r.id;
    case VerdictRole:
        return r.verdict;
    case ReceivedUsRole:
        return r.receivedAtUs;
    case Qt::ForegroundRole:
        if (index.column() == Verdict && verdict::isProblem(r.verdict))
            return QColor(0xc0, 0x1c, 0x28);
        if (index.column() == Verdict && r.verdict == QStringView(verdict::NoSchema))
            return QColor(0xa0, 0x5a, 0x00);
        return {};
    case Qt::ToolTipRole:
        if (index.column() == DocId)
            return r.docId;
        return {};
    case Qt::DisplayRole:
        switch (index.column()) {
        case Received:
            return QDateTime::fromMSecsSinceEpoch(r.receivedAtUs / 1000).toString(u"HH:mm:ss.zzz"_s);
        case Namespace:
            return r.ns;
        case DocType:
            return r.docType;
        case Version:
            return r.docVersion;
        case Verdict:
            return r.errorCount > 0 ? u"%1 (%2)"_s.arg(r.verdict).arg(r.errorCount) : r.verdict;
        case DebugId:
            return r.debugId;
        case DocId:
            return r.docId.left(8);
        case Size:
            if (r.decodedBytes >= 0 && r.decodedBytes != r.bodyBytes)
                return u"%1 / %2"_s.arg(QLocale().formattedDataSize(r.bodyBytes),
                                        QLocale().formattedDataSize(r.decodedBytes));
            return QLocale().formattedDataSize(r.bodyBytes);
        }
        return {};
    default:
        return {};
    }
}

QVariant PingListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Received: return tr("Received");
    case Namespace: return tr("Namespace");
    case DocType: return tr("Doc type");
    case Version: return tr("Ver.");
    case Verdict: return tr("Verdict");
    case DebugId: return tr("Debug tag");
    case DocId: return tr("Doc id");
    case Size: return tr("Size (wire / decoded)");
    }
    return {};
}

void PingListModel::prepend(const std::vector<PingRecord> &records)
{
    if (records.empty())
        return;
    // Newest rows are shown on top: they are inserted at row 0.
    beginInsertRows({}, 0, static_cast<int>(records.size()) - 1);
    for (auto it = records.rbegin(); it != records.rend(); ++it) {
        const PingRecord &p = *it;
        m_rows.push_back(Row{p.id, p.receivedAtUs, p.ns, p.docType, p.docVersion, p.verdict, p.debugId,
                             p.docId, p.bodyBytes, p.decodedBytes, p.errorCount});
        if (verdict::isProblem(p.verdict))
            ++m_problemCount;
    }
    endInsertRows();
}

void PingListModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_problemCount = 0;
    endResetModel();
}

} // namespace pingscope
