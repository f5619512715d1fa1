// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "ping/ping.h"

#include <QAbstractItemModel>

#include <vector>

namespace pingscope {

// The "Overview" of one ping as a two-level tree: sections (Pipeline, Request, Times, ping_info,
// client_info, Experiments; for legacy telemetry pings Application, Environment) with one row
// per field: Field | Value | Details. Absent optional client_info fields are listed and marked;
// time skews are computed against the received time.
//
// Threading: GUI thread only.
class PingOverviewModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column
    {
        Field,
        Value,
        Details,
        ColumnCount
    };
    enum Role
    {
        AbsentRole = Qt::UserRole + 1,
        WarnRole,
        SectionRole
    };

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
    // What Copy puts on the clipboard for `index`: a row's value (the whole sentence for the
    // Outcome), or for a section its rows as
    // "field<TAB>value<TAB>details" lines under the title.
    QString copyText(const QModelIndex &index) const;
    // A row as "field<TAB>value<TAB>details" (trailing empty columns dropped).
    QString rowText(const QModelIndex &index) const;

    struct Row
    {
        QString field, value, details;
        bool absent = false;
        bool warn = false;
        QString tip = QString();  // the Value's tooltip when it says more than the value
        QString copy = QString(); // what Copy gives when not the value (the whole outcome)
    };
    struct Section
    {
        QString title;
        std::vector<Row> rows;
    };

private:
    // "Pipeline": what production derives and does (PingRecord::pipelineJson); empty rows when
    // there is nothing to say (no registry, validation off).
    static Section pipelineSection(const PingRecord &record);
    const Row *find(const QString &section, const QString &field) const;
    std::vector<Section> m_sections;
};

// "+2 min 5 s", "-350 ms": how far `ms` is from `referenceMs`.
QString formatSkew(qint64 ms, qint64 referenceMs);

} // namespace pingscope
