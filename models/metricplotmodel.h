// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include <QAbstractTableModel>
#include <QList>
#include <QPair>
#include <QString>

#include <limits>

class QModelIndex;

namespace pingscope {

// The plot data of one metric: the bars of a histogram (Glean timing, memory and custom
// distributions) or of a bar chart (a labeled counter's labels).
//
// Rows are bars in plot order. A distribution has one row per bucket, in bucket order: the
// bucket's lower bound, its upper bound (the next bucket's lower bound) and its count.
//
// Buckets. Glean sends only the buckets that hold samples (older clients add some empty
// ones). Timing and memory distributions use Glean's functional bucketing, whose bounds are
// known: floor(2^(i/8)) for timing (nanoseconds), floor(2^(i/16)) for memory (bytes). When
// every sent bound lies on that grid, the empty buckets between the first and the last sent
// one are inserted with their real bounds (SentRole false) and the last bucket's upper bound
// is the grid's next bound, so the bars are evenly log-spaced. Custom distributions carry
// their bucketing (range, bucket count, linear or exponential) only in metrics.yaml, not in
// the ping: their sent buckets are kept as they are, the upper bound of each is the next
// sent lower bound (the samples lie below it, though empty buckets may sit in between) and
// the last one's upper bound is unknown (NaN).
//
// Columns: Bar (bucket lower bound or label, readable with the unit: "25.9 ms", "64 KiB") |
// From | To | Count. ValueRole gives the numbers.
//
// Threading: GUI thread only.
class MetricPlotModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Bar,
        From,
        To,
        Count,
        ColumnCount
    };
    enum Role
    {
        ValueRole = Qt::UserRole + 1, // double: From/To bound, Count count (Bar: lower bound or count)
        SentRole,                     // bool: the client sent this bucket (false: an inserted empty one)
    };
    enum class Kind
    {
        None,
        Distribution,
        LabeledCounter
    };

    struct BarData
    {
        QString label;
        double lower = std::numeric_limits<double>::quiet_NaN();
        double upper = std::numeric_limits<double>::quiet_NaN();
        qint64 count = 0;
        bool sent = true;
        bool operator==(const BarData &) const = default;
    };

    explicit MetricPlotModel(QObject *parent = nullptr);

    // From an index of MetricsModel (any column). A distribution (also a label of a labeled
    // distribution) plots its buckets; a labeled counter or one of its labels plots the
    // labels (the label is then the highlighted row). Anything else clears the model.
    // Returns whether there is something to plot.
    bool setMetric(const QModelIndex &metricsIndex);
    // From the metric's JSON as the ping has it ({"values": {...}, "sum": N} or
    // {"label": n, ...}) and its Glean type.
    bool setMetricJson(const QString &type, const QString &name, const QByteArray &json);
    // The buckets as (lower bound, count) pairs, in any order.
    bool setDistribution(const QString &type, const QString &name, QList<QPair<qint64, qint64>> buckets,
                         double sum, qint64 count = -1);
    bool setLabeledCounter(const QString &name, const QList<QPair<QString, qint64>> &labels,
                           const QString &highlightedLabel = {});
    void clear();

    Kind kind() const { return m_kind; }
    QString metricName() const { return m_name; }
    QString metricType() const { return m_type; }
    const QList<BarData> &bars() const { return m_bars; }
    int highlightedRow() const { return m_highlighted; } // -1: none

    // Summary. count: samples (distribution) or the total of the labels.
    qint64 count() const { return m_count; }
    double sum() const { return m_sum; }                  // distributions
    QString unit() const { return m_unit; }               // "ns", "bytes" or "" (custom, labels)
    double mean() const;                                  // sum / count; NaN without samples
    bool bucketsFilled() const { return m_filled; }       // empty buckets inserted (see above)
    bool bucketsLogSpaced() const { return m_logSpaced; } // bounds grow exponentially
    bool logCountFits() const;                            // non-zero counts span >= 2 decades
    // "count 9, sum 229 ms, mean 25.4 ms" and the like.
    QString summary() const;

    // A value with its unit, readable: ns → "1.2 ms", bytes → "64 KiB", others as numbers.
    static QString formatValue(double value, const QString &unit);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void reset(Kind kind, const QString &type, const QString &name);
    QString toolTip(int row) const;

    Kind m_kind = Kind::None;
    QString m_type, m_name, m_unit;
    QList<BarData> m_bars;
    qint64 m_count = 0;
    double m_sum = 0;
    bool m_filled = false;
    bool m_logSpaced = false;
    int m_highlighted = -1;
};

} // namespace pingscope
