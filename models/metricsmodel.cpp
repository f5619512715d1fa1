// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "metricsmodel.h"

#include "markers.h"
#include "payloadjson.h"

#include <QHash>

#include <QFont>
#include <QLocale>
#include <QPointF>

#include <map>

using namespace Qt::StringLiterals;

namespace pingscope {

namespace {

QString compact(const ojson &v, int maxChars = 300)
{
    QString s = v.is_string()
                    ? QString::fromStdString(v.get<std::string>())
                    : QString::fromStdString(v.dump(-1, ' ', false, ojson::error_handler_t::replace));
    if (s.size() > maxChars)
        s = s.left(maxChars) + u'…';
    return s;
}

QString number(double v)
{
    return QLocale().toString(v, 'g', 15);
}

struct Readable
{
    QString text;
    QList<QPair<qint64, qint64>> buckets;
    qint64 count = -1;
    double sum = 0;
    QString unit;
};

Readable readable(const std::string &type, const ojson &v)
{
    Readable r;
    if (type == "timespan" && v.is_object()) {
        r.unit = QString::fromStdString(v.value("time_unit", std::string("nanosecond")));
        r.text = number(v.value("value", 0.0)) + u' ' + r.unit +
                 (v.value("value", 0.0) == 1.0 ? QString() : u"s"_s);
        return r;
    }
    if (type == "rate" && v.is_object()) {
        r.text = u"%1 / %2"_s.arg(number(v.value("numerator", 0.0)), number(v.value("denominator", 0.0)));
        return r;
    }
    if (v.is_object() && v.contains("values") && v["values"].is_object()) { // any distribution
        r.sum = v.value("sum", 0.0);
        qint64 count = v.contains("count") && v["count"].is_number() ? v["count"].get<qint64>() : -1;
        qint64 counted = 0;
        for (auto it = v["values"].begin(); it != v["values"].end(); ++it) {
            const qint64 n = it->is_number() ? it->get<qint64>() : 0;
            counted += n;
            r.buckets.append({QString::fromStdString(it.key()).toLongLong(), n});
        }
        std::sort(r.buckets.begin(), r.buckets.end());
        r.count = count >= 0 ? count : counted;
        r.unit = type == "timing_distribution"   ? u"ns"_s
                 : type == "memory_distribution" ? u"bytes"_s
                                                 : QString();
        const int nonEmpty = int(
            std::count_if(r.buckets.begin(), r.buckets.end(), [](const auto &b) { return b.second > 0; }));
        r.text = u"count %1, sum %2%3, %4 bucket(s) used"_s.arg(r.count)
                     .arg(number(r.sum))
                     .arg(r.unit.isEmpty() ? QString() : u' ' + r.unit)
                     .arg(nonEmpty);
        return r;
    }
    if (type == "string_list" && v.is_array()) {
        QStringList items;
        for (const auto &e : v)
            items << compact(e, 100);
        r.text = items.join(u", "_s);
        return r;
    }
    r.text = compact(v);
    return r;
}

// RFC 6901 token: ~1 is "/", ~0 is "~".
QString unescapeToken(QString token)
{
    token.replace(u"~1"_s, u"/"_s);
    token.replace(u"~0"_s, u"~"_s);
    return token;
}

// Warnings that name a metric ("/metrics/<type>/<name>"), by "<type>/<name>" (type and name
// unescaped, joined by a newline so that no name can collide).
QHash<QString, QStringList> metricWarnings(const QByteArray &warningsJson)
{
    QHash<QString, QStringList> out;
    const auto warnings = nlohmann::json::parse(warningsJson.begin(), warningsJson.end(), nullptr, false);
    if (!warnings.is_array())
        return out;
    for (const auto &w : warnings) {
        if (!w.is_object() || !w.contains("pointer") || !w["pointer"].is_string())
            continue;
        const QString pointer = QString::fromStdString(w["pointer"].get<std::string>());
        const QStringList tokens = pointer.split(u'/');
        if (tokens.size() != 4 || !tokens[0].isEmpty() || tokens[1] != u"metrics")
            continue;
        const QString message = w.contains("message") && w["message"].is_string()
                                    ? QString::fromStdString(w["message"].get<std::string>())
                                    : QString::fromStdString(w.value("kind", std::string()));
        out[unescapeToken(tokens[2]) + u'\n' + unescapeToken(tokens[3])].append(message);
    }
    return out;
}

} // namespace

MetricsModel::MetricsModel(QObject *parent) : QAbstractItemModel(parent) {}

int MetricsModel::addNode(Node node)
{
    m_nodes.push_back(std::move(node));
    const int i = int(m_nodes.size()) - 1;
    if (m_nodes[size_t(i)].parent >= 0)
        m_nodes[size_t(m_nodes[size_t(i)].parent)].children.push_back(i);
    else
        m_roots.push_back(i);
    return i;
}

void MetricsModel::clear()
{
    beginResetModel();
    m_nodes.clear();
    m_roots.clear();
    m_metricCount = 0;
    m_warnedCount = 0;
    endResetModel();
}

void MetricsModel::setPayload(const QByteArray &payload, const QByteArray &warningsJson)
{
    const QHash<QString, QStringList> warned = metricWarnings(warningsJson);
    beginResetModel();
    m_nodes.clear();
    m_roots.clear();
    m_metricCount = 0;
    m_warnedCount = 0;
    const ojson doc = parsePayload(payload);
    if (doc.is_object() && doc.contains("metrics") && doc["metrics"].is_object()) {
        const ojson &metrics = doc["metrics"];
        // Types in a stable, readable order: as the client sent them.
        for (auto t = metrics.begin(); t != metrics.end(); ++t) {
            if (!t->is_object())
                continue;
            const std::string &type = t.key();
            const int group = addNode({QString::fromStdString(type),
                                       u"%1 metric(s)"_s.arg(t->size()),
                                       QString::fromStdString(type),
                                       {},
                                       {},
                                       -1,
                                       0,
                                       {},
                                       -1,
                                       {},
                                       {}});
            for (auto m = t->begin(); m != t->end(); ++m) {
                ++m_metricCount;
                Node n;
                n.name = QString::fromStdString(m.key());
                n.type = QString::fromStdString(type);
                n.parent = group;
                n.rawJson = compact(*m, 100000);
                if (const auto w = warned.constFind(n.type + u'\n' + n.name); w != warned.cend()) {
                    n.warning = w->join(u'\n');
                    ++m_warnedCount;
                }
                if (type.starts_with("labeled_") && m->is_object()) {
                    n.value = u"%1 label(s)"_s.arg(m->size());
                    const std::string inner = type.substr(8);
                    const int metric = addNode(n);
                    for (auto l = m->begin(); l != m->end(); ++l) {
                        const Readable r = readable(inner, *l);
                        addNode({QString::fromStdString(l.key()),
                                 r.text,
                                 QString::fromStdString(inner),
                                 compact(*l, 100000),
                                 r.buckets,
                                 r.count,
                                 r.sum,
                                 r.unit,
                                 metric,
                                 {},
                                 {}});
                    }
                    continue;
                }
                const Readable r = readable(type, *m);
                n.value = r.text;
                n.buckets = r.buckets;
                n.count = r.count;
                n.sum = r.sum;
                n.unit = r.unit;
                addNode(std::move(n));
            }
        }
    }
    endResetModel();
}

QModelIndex MetricsModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    const std::vector<int> &list = parent.isValid() ? m_nodes[size_t(parent.internalId())].children : m_roots;
    if (parent.isValid() && parent.column() != 0)
        return {};
    if (row >= int(list.size()))
        return {};
    return createIndex(row, column, quintptr(list[size_t(row)]));
}

QModelIndex MetricsModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    const int p = m_nodes[size_t(child.internalId())].parent;
    if (p < 0)
        return {};
    const int gp = m_nodes[size_t(p)].parent;
    const std::vector<int> &siblings = gp < 0 ? m_roots : m_nodes[size_t(gp)].children;
    const int row = int(std::find(siblings.begin(), siblings.end(), p) - siblings.begin());
    return createIndex(row, 0, quintptr(p));
}

int MetricsModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_roots.size());
    if (parent.column() != 0)
        return 0;
    return int(m_nodes[size_t(parent.internalId())].children.size());
}

int MetricsModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant MetricsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Node &n = m_nodes[size_t(index.internalId())];
    switch (role) {
    case Qt::DisplayRole:
        return index.column() == Name ? n.name : index.column() == Value ? n.value : n.type;
    case Qt::ToolTipRole: {
        const QString text = n.rawJson.isEmpty() ? n.value : n.rawJson;
        return n.warning.isEmpty() ? text : n.warning + u"\n\n"_s + text;
    }
    case Qt::ForegroundRole:
        return n.warning.isEmpty() ? QVariant() : QVariant(warningTextColor());
    case Qt::DecorationRole:
        return index.column() == Name && !n.warning.isEmpty() ? warningDecoration(m_warningIcon) : QVariant();
    case WarningRole:
        return n.warning;
    case Qt::FontRole:
        if (n.parent < 0) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case RawJsonRole:
        return n.rawJson;
    case BucketsRole: {
        QVariantList out;
        for (const auto &b : n.buckets)
            out << QVariant::fromValue(QPointF(double(b.first), double(b.second)));
        return out;
    }
    case CountRole:
        return n.count;
    case SumRole:
        return n.sum;
    case UnitRole:
        return n.unit;
    default:
        return {};
    }
}

QVariant MetricsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name:
        return tr("Metric");
    case Value:
        return tr("Value");
    case Type:
        return tr("Type");
    }
    return {};
}

QModelIndex MetricsModel::indexOf(const QString &type, const QString &name) const
{
    for (size_t g = 0; g < m_roots.size(); ++g) {
        const Node &group = m_nodes[size_t(m_roots[g])];
        if (group.name != type)
            continue;
        for (size_t m = 0; m < group.children.size(); ++m)
            if (m_nodes[size_t(group.children[m])].name == name)
                return createIndex(int(m), Name, quintptr(group.children[m]));
    }
    return {};
}

QString MetricsModel::valueOf(const QString &type, const QString &name) const
{
    const qsizetype bracket = name.indexOf(u'[');
    const QString metric = bracket < 0 ? name : name.left(bracket);
    const QString label = bracket < 0 ? QString() : name.mid(bracket + 1).chopped(1);
    for (int g : m_roots) {
        if (m_nodes[size_t(g)].name != type)
            continue;
        for (int m : m_nodes[size_t(g)].children) {
            if (m_nodes[size_t(m)].name != metric)
                continue;
            if (label.isEmpty())
                return m_nodes[size_t(m)].value;
            for (int l : m_nodes[size_t(m)].children)
                if (m_nodes[size_t(l)].name == label)
                    return m_nodes[size_t(l)].value;
        }
    }
    return {};
}

} // namespace pingscope
