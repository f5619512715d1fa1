// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include <QAbstractItemModel>
#include <QIcon>

#include <vector>

namespace pingscope {

// The Glean metrics of one ping, grouped by metric type: type → metric → (for labeled metrics)
// label. Columns: Metric | Value | Type. Values are readable ("1.5 s", "count 12, sum 3,456 ns,
// 7 buckets", "3 / 10"); distributions keep their buckets in BucketsRole for the charts.
//
// Threading: GUI thread only.
class MetricsModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column
    {
        Name,
        Value,
        Type,
        ColumnCount
    };
    enum Role
    {
        RawJsonRole = Qt::UserRole + 1,
        BucketsRole,
        CountRole,
        SumRole,
        UnitRole,
        WarningRole, // QString: the warnings about this metric (bq-column), one a line; empty if none
    };

    explicit MetricsModel(QObject *parent = nullptr);

    // `payload` is the decoded ping; only its top-level "metrics" object is read. `warningsJson`
    // as in PingRecord: a warning whose pointer names a metric ("/metrics/counter/foo.bar", as
    // bq-column warnings do) marks the metric's row (warning colour and icon, the message in
    // its tooltip and WarningRole).
    void setPayload(const QByteArray &payload, const QByteArray &warningsJson = "[]");
    void clear();
    int metricCount() const { return m_metricCount; }

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    // For tests: the value text of metric `name` of `type` (label: "name[label]").
    QString valueOf(const QString &type, const QString &name) const;
    // The index (column Name) of metric `name` of `type`, or an invalid index.
    QModelIndex indexOf(const QString &type, const QString &name) const;
    int warnedMetricCount() const { return m_warnedCount; }

    struct Node
    {
        QString name, value, type;
        QString rawJson;
        QList<QPair<qint64, qint64>> buckets; // distribution: (bucket lower bound, count)
        qint64 count = -1;
        double sum = 0;
        QString unit;
        int parent = -1; // index into m_nodes; -1 for type groups
        std::vector<int> children;
        QString warning; // warnings about this metric, one a line
    };

private:
    int addNode(Node node);
    std::vector<Node> m_nodes;
    std::vector<int> m_roots;
    int m_metricCount = 0;
    int m_warnedCount = 0;
    mutable QIcon m_warningIcon;
};

} // namespace pingscope
