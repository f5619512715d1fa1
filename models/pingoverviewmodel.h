#pragma once

#include "ping.h"

#include <QAbstractItemModel>

#include <vector>

namespace pingscope {

// The "Overview" of one ping as a two-level tree: sections (Request, Times, ping_info,
// client_info, Experiments; for legacy telemetry pings Application, Environment) with one row
// per field: Field | Value | Details. Absent optional client_info fields are listed and marked;
// time skews are computed against the received time.
//
// Threading: GUI thread only.
class PingOverviewModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { Field, Value, Details, ColumnCount };
    enum Role { AbsentRole = Qt::UserRole + 1, WarnRole, SectionRole };

    explicit PingOverviewModel(QObject *parent = nullptr);

    void setPing(const PingRecord &record); // one model reset
    void clear();

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    // For tests and copy: the value text of `field` in `section`, or a null string.
    QString value(const QString &section, const QString &field) const;
    QString details(const QString &section, const QString &field) const;
    bool isAbsent(const QString &section, const QString &field) const;
    QStringList sections() const;

    struct Row
    {
        QString field, value, details;
        bool absent = false;
        bool warn = false;
    };
    struct Section
    {
        QString title;
        std::vector<Row> rows;
    };

private:
    const Row *find(const QString &section, const QString &field) const;
    std::vector<Section> m_sections;
};

// "+2 min 5 s", "-350 ms": how far `ms` is from `referenceMs`.
QString formatSkew(qint64 ms, qint64 referenceMs);

} // namespace pingscope
