// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "metricplotmodel.h"

#include "metricsmodel.h"

#include <QLocale>
#include <QPointF>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <optional>

using namespace Qt::StringLiterals;
using ojson = nlohmann::ordered_json;

namespace pingscope {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// More inserted buckets than this would make bars too thin to see: keep the sent ones then.
constexpr int kMaxFilledBars = 1000;

// Glean's functional bucketing (glean-core histogram/functional.rs, Glean.js alike): bucket i
// starts at floor(exponent^i), exponent = 2^(1 / buckets per magnitude); a sample of 0 falls
// in the bucket [0, 1).
class FunctionalGrid
{
public:
    explicit FunctionalGrid(double bucketsPerMagnitude)
        : m_perMagnitude(bucketsPerMagnitude), m_exponent(std::pow(2.0, 1.0 / bucketsPerMagnitude))
    {
    }

    // Index -1 is the bucket of 0.
    qint64 minimum(int index) const { return index < 0 ? 0 : qint64(std::pow(m_exponent, double(index))); }

    // The first index whose bucket starts at `bound`; Glean.js computes the powers in a way
    // that may land one below (1048575 for 2^20), so large bounds may differ by one.
    std::optional<int> indexOf(qint64 bound) const
    {
        if (bound == 0)
            return -1;
        if (bound < 0)
            return std::nullopt;
        const qint64 tolerance = bound >= 1024 ? 1 : 0;
        const int approx = int(std::floor(std::log2(double(bound)) * m_perMagnitude));
        for (int i = std::max(0, approx - 3); i <= approx + 3; ++i) {
            if (std::llabs(minimum(i) - bound) <= tolerance)
                return i;
        }
        return std::nullopt;
    }

    // The first index after `index` whose bucket starts above `bound` (buckets of small
    // indices share their floor and are one bucket).
    int nextIndex(int index, qint64 bound) const
    {
        const qint64 tolerance = bound >= 1024 ? 1 : 0;
        int j = index + 1;
        while (minimum(j) <= bound + tolerance)
            ++j;
        return j;
    }

private:
    double m_perMagnitude;
    double m_exponent;
};

std::optional<FunctionalGrid> gridFor(const QString &type)
{
    if (type == u"timing_distribution")
        return FunctionalGrid(8);
    if (type == u"memory_distribution")
        return FunctionalGrid(16);
    return std::nullopt;
}

QString unitFor(const QString &type)
{
    // As MetricsModel: Glean sends timing samples in nanoseconds and memory samples in bytes,
    // whatever time_unit / memory_unit metrics.yaml gives; custom distributions have none.
    if (type == u"timing_distribution")
        return u"ns"_s;
    if (type == u"memory_distribution")
        return u"bytes"_s;
    return {};
}

QString threeDigits(double x)
{
    QLocale locale;
    if (std::abs(x) >= 999.5)
        return locale.toString(x, 'f', 0);
    return locale.toString(x, 'g', 3);
}

double spreadOf(const QList<double> &v)
{
    // Coefficient of variation.
    if (v.isEmpty())
        return 0;
    double mean = 0;
    for (double x : v)
        mean += x;
    mean /= double(v.size());
    if (mean == 0)
        return 0;
    double var = 0;
    for (double x : v)
        var += (x - mean) * (x - mean);
    return std::sqrt(var / double(v.size())) / std::abs(mean);
}

// Bounds grow exponentially: the ratios of successive lower bounds vary less than their
// differences, over at least a decade.
bool logSpaced(const QList<MetricPlotModel::BarData> &bars)
{
    QList<double> bounds;
    for (const auto &b : bars)
        if (b.lower > 0)
            bounds << b.lower;
    if (bounds.size() < 3 || bounds.back() / bounds.front() < 10)
        return false;
    QList<double> logRatios, diffs;
    for (qsizetype i = 1; i < bounds.size(); ++i) {
        logRatios << std::log(bounds[i] / bounds[i - 1]);
        diffs << bounds[i] - bounds[i - 1];
    }
    return spreadOf(logRatios) < spreadOf(diffs);
}

} // namespace

MetricPlotModel::MetricPlotModel(QObject *parent) : QAbstractTableModel(parent) {}

void MetricPlotModel::reset(Kind kind, const QString &type, const QString &name)
{
    m_kind = kind;
    m_type = type;
    m_name = name;
    m_unit.clear();
    m_bars.clear();
    m_count = 0;
    m_sum = 0;
    m_filled = false;
    m_logSpaced = false;
    m_highlighted = -1;
}

void MetricPlotModel::clear()
{
    beginResetModel();
    reset(Kind::None, {}, {});
    endResetModel();
}

bool MetricPlotModel::setDistribution(const QString &type, const QString &name,
                                      QList<QPair<qint64, qint64>> buckets, double sum, qint64 count)
{
    beginResetModel();
    reset(Kind::Distribution, type, name);
    m_unit = unitFor(type);
    m_sum = sum;
    std::sort(buckets.begin(), buckets.end());
    // One row per bound: a client should not send a bound twice, but add them up if it does.
    QList<QPair<qint64, qint64>> merged;
    for (const auto &b : buckets) {
        if (!merged.isEmpty() && merged.back().first == b.first)
            merged.back().second += b.second;
        else
            merged << b;
    }
    qint64 counted = 0;
    for (const auto &b : merged)
        counted += b.second;
    m_count = count >= 0 ? count : counted;

    // The real bucket grid, when every sent bound is on it.
    const std::optional<FunctionalGrid> grid = gridFor(type);
    QList<int> indices;
    bool onGrid = grid.has_value() && !merged.isEmpty();
    for (const auto &b : merged) {
        if (!onGrid)
            break;
        const std::optional<int> i = grid->indexOf(b.first);
        onGrid = i.has_value();
        if (onGrid)
            indices << *i;
    }
    if (onGrid) {
        QList<BarData> bars;
        for (qsizetype k = 0; k < merged.size() && bars.size() <= kMaxFilledBars; ++k) {
            const qint64 bound = merged[k].first;
            bars.append({{}, double(bound), kNaN, merged[k].second, true});
            const int next = grid->nextIndex(indices[k], bound);
            const qint64 nextBound = grid->minimum(next);
            if (k + 1 == merged.size()) {
                bars.back().upper = double(nextBound);
                break;
            }
            // Empty buckets up to the next sent one, at the grid's bounds.
            int j = next;
            qint64 previous = bound;
            while (j < indices[k + 1] && bars.size() <= kMaxFilledBars) {
                const qint64 b = grid->minimum(j);
                if (b > previous) {
                    bars.append({{}, double(b), kNaN, 0, false});
                    previous = b;
                }
                ++j;
            }
        }
        if (bars.size() <= kMaxFilledBars) {
            for (qsizetype k = 0; k + 1 < bars.size(); ++k)
                bars[k].upper = bars[k + 1].lower;
            m_bars = bars;
            m_filled = bars.size() > merged.size();
            m_logSpaced = true;
        }
    }
    if (m_bars.isEmpty()) {
        for (qsizetype k = 0; k < merged.size(); ++k)
            m_bars.append({{},
                           double(merged[k].first),
                           k + 1 < merged.size() ? double(merged[k + 1].first) : kNaN,
                           merged[k].second,
                           true});
        m_logSpaced = logSpaced(m_bars);
    }
    for (BarData &b : m_bars)
        b.label = formatValue(b.lower, m_unit);
    endResetModel();
    return !m_bars.isEmpty();
}

bool MetricPlotModel::setLabeledCounter(const QString &name, const QList<QPair<QString, qint64>> &labels,
                                        const QString &highlightedLabel)
{
    beginResetModel();
    reset(Kind::LabeledCounter, u"labeled_counter"_s, name);
    for (const auto &[label, value] : labels) {
        if (label == highlightedLabel && !highlightedLabel.isEmpty())
            m_highlighted = int(m_bars.size());
        m_bars.append({label, kNaN, kNaN, value, true});
        m_count += value;
    }
    endResetModel();
    return !m_bars.isEmpty();
}

bool MetricPlotModel::setMetricJson(const QString &type, const QString &name, const QByteArray &json)
{
    const ojson v = ojson::parse(json.begin(), json.end(), nullptr, false);
    if (type == u"labeled_counter" && v.is_object()) {
        QList<QPair<QString, qint64>> labels;
        for (auto it = v.begin(); it != v.end(); ++it)
            labels.append({QString::fromStdString(it.key()), it->is_number() ? it->get<qint64>() : 0});
        return setLabeledCounter(name, labels);
    }
    if (type.endsWith(u"_distribution") && v.is_object() && v.contains("values") && v["values"].is_object()) {
        QList<QPair<qint64, qint64>> buckets;
        for (auto it = v["values"].begin(); it != v["values"].end(); ++it) {
            bool ok = false;
            const qint64 bound = QString::fromStdString(it.key()).toLongLong(&ok);
            if (ok)
                buckets.append({bound, it->is_number() ? it->get<qint64>() : 0});
        }
        const double sum = v.contains("sum") && v["sum"].is_number() ? v["sum"].get<double>() : 0.0;
        const qint64 count = v.contains("count") && v["count"].is_number() ? v["count"].get<qint64>() : -1;
        return setDistribution(type, name, buckets, sum, count);
    }
    clear();
    return false;
}

bool MetricPlotModel::setMetric(const QModelIndex &metricsIndex)
{
    const QModelIndex index = metricsIndex.siblingAtColumn(MetricsModel::Name);
    const QModelIndex parentIndex = index.parent();
    if (!index.isValid() || !parentIndex.isValid()) { // nothing, or a type group
        clear();
        return false;
    }
    const auto typeOf = [](const QModelIndex &i) {
        return i.siblingAtColumn(MetricsModel::Type).data().toString();
    };
    const QString type = typeOf(index);
    const bool isLabel = parentIndex.parent().isValid(); // type → metric → label
    if (type == u"labeled_counter" || (isLabel && typeOf(parentIndex) == u"labeled_counter")) {
        const QModelIndex metric = isLabel ? parentIndex : index;
        QList<QPair<QString, qint64>> labels;
        const QAbstractItemModel *model = metric.model();
        for (int r = 0; r < model->rowCount(metric); ++r) {
            const QModelIndex label = model->index(r, MetricsModel::Name, metric);
            labels.append(
                {label.data().toString(), label.data(MetricsModel::RawJsonRole).toString().toLongLong()});
        }
        return setLabeledCounter(metric.data().toString(), labels,
                                 isLabel ? index.data().toString() : QString());
    }
    if (type.endsWith(u"_distribution")) {
        QList<QPair<qint64, qint64>> buckets;
        const QVariantList list = index.data(MetricsModel::BucketsRole).toList();
        for (const QVariant &b : list) {
            const QPointF p = b.toPointF();
            buckets.append({qint64(p.x()), qint64(p.y())});
        }
        const QString name = isLabel ? u"%1[%2]"_s.arg(parentIndex.data().toString(), index.data().toString())
                                     : index.data().toString();
        return setDistribution(type, name, buckets, index.data(MetricsModel::SumRole).toDouble(),
                               index.data(MetricsModel::CountRole).toLongLong());
    }
    clear();
    return false;
}

double MetricPlotModel::mean() const
{
    return m_kind == Kind::Distribution && m_count > 0 ? m_sum / double(m_count) : kNaN;
}

bool MetricPlotModel::logCountFits() const
{
    qint64 lo = 0, hi = 0;
    for (const BarData &b : m_bars) {
        if (b.count <= 0)
            continue;
        lo = lo == 0 ? b.count : std::min(lo, b.count);
        hi = std::max(hi, b.count);
    }
    return lo > 0 && double(hi) / double(lo) >= 100.0;
}

QString MetricPlotModel::summary() const
{
    switch (m_kind) {
    case Kind::None:
        return {};
    case Kind::LabeledCounter:
        return tr("%n label(s), total %1", nullptr, int(m_bars.size())).arg(m_count);
    case Kind::Distribution:
        break;
    }
    QString s = tr("count %1, sum %2").arg(m_count).arg(formatValue(m_sum, m_unit));
    if (m_count > 0)
        s += tr(", mean %1").arg(formatValue(mean(), m_unit));
    return s;
}

QString MetricPlotModel::formatValue(double value, const QString &unit)
{
    if (std::isnan(value))
        return u"?"_s;
    struct Scale
    {
        double factor;
        const char16_t *name;
    };
    const auto scaled = [value](std::initializer_list<Scale> scales) {
        const Scale *chosen = scales.begin();
        for (const Scale &s : scales)
            if (std::abs(value) >= 0.9995 * s.factor)
                chosen = &s;
        QString text = threeDigits(value / chosen->factor);
        text += u' ';
        text += QString::fromUtf16(chosen->name);
        return text;
    };
    if (unit == u"ns")
        return scaled({{1, u"ns"}, {1e3, u"µs"}, {1e6, u"ms"}, {1e9, u"s"}});
    if (unit == u"bytes")
        return scaled({{1, u"B"},
                       {1024.0, u"KiB"},
                       {1048576.0, u"MiB"},
                       {1073741824.0, u"GiB"},
                       {1099511627776.0, u"TiB"}});
    QString number;
    if (value == std::floor(value) && std::abs(value) < 1e15)
        number = QLocale().toString(qint64(value));
    else
        number = QLocale().toString(value, 'g', 4);
    return unit.isEmpty() ? number : number + u' ' + unit;
}

int MetricPlotModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_bars.size());
}

int MetricPlotModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString MetricPlotModel::toolTip(int row) const
{
    const BarData &b = m_bars[row];
    if (m_kind == Kind::LabeledCounter)
        return tr("%1: %2").arg(b.label).arg(b.count);
    const QString range =
        std::isnan(b.upper) ? tr("≥ %1").arg(formatValue(b.lower, m_unit))
                            : tr("%1 to %2").arg(formatValue(b.lower, m_unit), formatValue(b.upper, m_unit));
    QString tip = tr("%1\ncount %2").arg(range).arg(b.count);
    if (!b.sent)
        tip += u'\n' + tr("(empty bucket, not sent)");
    return tip;
}

QVariant MetricPlotModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const BarData &b = m_bars[index.row()];
    const bool distribution = m_kind == Kind::Distribution;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Bar:
            return b.label;
        case From:
            return distribution ? formatValue(b.lower, m_unit) : QString();
        case To:
            return distribution && !std::isnan(b.upper) ? formatValue(b.upper, m_unit) : QString();
        case Count:
            return QLocale().toString(b.count);
        }
        return {};
    case ValueRole:
        switch (index.column()) {
        case Bar:
            return distribution ? QVariant(b.lower) : QVariant(double(b.count));
        case From:
            return distribution ? QVariant(b.lower) : QVariant();
        case To:
            return distribution && !std::isnan(b.upper) ? QVariant(b.upper) : QVariant();
        case Count:
            return double(b.count);
        }
        return {};
    case SentRole:
        return b.sent;
    case Qt::ToolTipRole:
        return toolTip(index.row());
    case Qt::TextAlignmentRole:
        return index.column() == Bar ? QVariant() : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    default:
        return {};
    }
}

QVariant MetricPlotModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Bar:
        return m_kind == Kind::LabeledCounter ? tr("Label") : tr("Bucket");
    case From:
        return tr("From");
    case To:
        return tr("To");
    case Count:
        return m_kind == Kind::LabeledCounter ? tr("Value") : tr("Count");
    }
    return {};
}

} // namespace pingscope
