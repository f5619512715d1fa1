// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "payloadtreemodel.h"

#include "markers.h"
#include "ping/decode.h"

#include <QColor>
#include <QGuiApplication>
#include <QPainter>
#include <QPixmap>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace Qt::StringLiterals;

namespace pingscope {

struct PayloadTreeModel::Node
{
    enum class Kind : quint8
    {
        Document,
        Member,
        Item,
        Problem
    };

    Node *parent = nullptr;
    const Json *value = nullptr; // into m_doc; null for the invisible root and the problem row
    QString key;                 // Member only
    int row = 0;                 // in parent; also the array index of an Item
    Kind kind = Kind::Document;
    bool built = false; // children made
    bool error = false;
    bool errorBelow = false;
    std::vector<std::unique_ptr<Node>> children;
};

namespace {

using Json = nlohmann::ordered_json;

const QColor kErrorColor(0xc0, 0x1c, 0x28);

// RFC 6901: "" is the whole document; otherwise "/"-separated tokens with ~1 = "/", ~0 = "~".
bool splitPointer(QStringView pointer, QStringList &tokens)
{
    tokens.clear();
    if (pointer.isEmpty())
        return true;
    if (pointer.front() != u'/')
        return false;
    QString token;
    for (qsizetype i = 1; i <= pointer.size(); ++i) {
        if (i == pointer.size() || pointer[i] == u'/') {
            tokens.append(token);
            token.clear();
        } else if (pointer[i] == u'~') {
            if (i + 1 >= pointer.size() || (pointer[i + 1] != u'0' && pointer[i + 1] != u'1'))
                return false;
            token.append(pointer[i + 1] == u'0' ? u'~' : u'/');
            ++i;
        } else {
            token.append(pointer[i]);
        }
    }
    return true;
}

QString escapeToken(QString token)
{
    return token.replace(u'~', u"~0"_s).replace(u'/', u"~1"_s);
}

// The child of a container that `token` names and its row, or null.
const Json *childOf(const Json &v, const QString &token, int &row)
{
    if (v.is_object()) {
        const auto &members = v.get_ref<const Json::object_t &>();
        const std::string key = token.toStdString();
        int i = 0;
        for (const auto &[name, child] : members) {
            if (name == key) {
                row = i;
                return &child;
            }
            ++i;
        }
        return nullptr;
    }
    if (v.is_array()) {
        // Array indices are decimal without leading zeros (RFC 6901, section 4).
        if (token.isEmpty() || token.size() > 9 || (token.size() > 1 && token.front() == u'0'))
            return nullptr;
        for (const QChar c : token) {
            if (c < u'0' || c > u'9')
                return nullptr;
        }
        const int index = token.toInt();
        if (size_t(index) >= v.size())
            return nullptr;
        row = index;
        return &v[size_t(index)];
    }
    return nullptr;
}

// Follows `tokens` from `root` as far as they lead: every value passed (root first) and the
// rows taken. `complete` says whether the last token was reached.
struct Walk
{
    std::vector<const Json *> chain;
    std::vector<int> rows;
    bool complete = false;
};

Walk walk(const Json &root, const QStringList &tokens)
{
    Walk w;
    w.chain.push_back(&root);
    for (const QString &token : tokens) {
        int row = 0;
        const Json *next = childOf(*w.chain.back(), token, row);
        if (!next)
            return w;
        w.chain.push_back(next);
        w.rows.push_back(row);
    }
    w.complete = true;
    return w;
}

QString typeName(const Json &v)
{
    switch (v.type()) {
    case Json::value_t::object:
        return u"object"_s;
    case Json::value_t::array:
        return u"array"_s;
    case Json::value_t::string:
        return u"string"_s;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
        return u"integer"_s;
    case Json::value_t::number_float:
        return u"number"_s;
    case Json::value_t::boolean:
        return u"boolean"_s;
    case Json::value_t::null:
        return u"null"_s;
    default:
        return {};
    }
}

QString dumpText(const Json &v)
{
    return QString::fromStdString(v.dump(-1, ' ', false, Json::error_handler_t::replace));
}

// A string's first kMaxDisplayChars characters, quoted and escaped as JSON; `cut` says whether
// anything was left out. Converts only a prefix, so a megabyte string costs nothing here.
QString shortString(const std::string &s, bool &cut)
{
    size_t bytes = std::min(s.size(), size_t(PayloadTreeModel::kMaxDisplayChars) * 4);
    while (bytes < s.size() && (static_cast<unsigned char>(s[bytes]) & 0xc0) == 0x80)
        --bytes; // not inside a UTF-8 sequence
    QString text = QString::fromUtf8(s.data(), qsizetype(bytes));
    cut = bytes < s.size();
    if (text.size() > PayloadTreeModel::kMaxDisplayChars) {
        qsizetype n = PayloadTreeModel::kMaxDisplayChars;
        if (text[n - 1].isHighSurrogate())
            --n;
        text.truncate(n);
        cut = true;
    }
    const QString quoted = dumpText(Json(text.toStdString()));
    return cut ? quoted + QChar(0x2026) : quoted;
}

QString valueDisplay(const Json &v)
{
    if (v.is_object())
        return u"{%1}"_s.arg(v.size());
    if (v.is_array())
        return u"[%1]"_s.arg(v.size());
    if (v.is_string()) {
        bool cut = false;
        return shortString(v.get_ref<const std::string &>(), cut);
    }
    return dumpText(v);
}

QString cappedText(const std::string &s, qsizetype maxBytes)
{
    size_t bytes = std::min(s.size(), size_t(maxBytes));
    while (bytes < s.size() && bytes > 0 && (static_cast<unsigned char>(s[bytes]) & 0xc0) == 0x80)
        --bytes;
    return QString::fromUtf8(s.data(), qsizetype(bytes));
}

} // namespace

PayloadTreeModel::PayloadTreeModel(QObject *parent)
    : QAbstractItemModel(parent), m_root(std::make_unique<Node>())
{
    m_root->built = true;
}

PayloadTreeModel::~PayloadTreeModel() = default;

void PayloadTreeModel::setPayload(const QByteArray &json, const QByteArray &errorsJson,
                                  const QByteArray &warningsJson)
{
    // Parse before the reset. Deep documents are never parsed: printing and copying recurse.
    std::unique_ptr<Json> doc;
    QString problem;
    if (!json.isEmpty()) {
        if (const int depth = jsonNestingDepth(json); depth > kMaxPrintableDepth) {
            problem = tr("Not shown as a tree: nested %1 levels deep (the limit is %2). "
                         "The raw text shows it.")
                          .arg(depth)
                          .arg(kMaxPrintableDepth);
        } else {
            try {
                doc = std::make_unique<Json>(Json::parse(json.begin(), json.end()));
            } catch (const Json::parse_error &e) {
                std::string what = e.what();
                // Drop "[json.exception.parse_error.101] parse error at line 1, column 2: "
                if (const auto colon = what.find(": "); colon != std::string::npos)
                    what = what.substr(colon + 2);
                problem = tr("Not JSON: %1").arg(QString::fromStdString(what));
            } catch (const std::exception &e) {
                problem = tr("Not JSON: %1").arg(QString::fromUtf8(e.what()));
            }
        }
    }

    beginResetModel();
    m_root = std::make_unique<Node>();
    m_root->built = true;
    m_doc = std::move(doc);
    m_problem = problem;
    m_errorMessages.clear();
    m_errorBelow.clear();
    m_warningMessages.clear();
    m_warningPointers.clear();
    m_warnings.clear();

    try {
        const nlohmann::json warnings =
            nlohmann::json::parse(warningsJson.begin(), warningsJson.end(), nullptr, false);
        if (warnings.is_array()) {
            for (const auto &w : warnings) {
                if (!w.is_object())
                    continue;
                const auto kind = w.find("kind"), message = w.find("message");
                const QString k = kind != w.end() && kind->is_string()
                                      ? QString::fromStdString(kind->get<std::string>())
                                      : QString();
                const QString m = message != w.end() && message->is_string()
                                      ? QString::fromStdString(message->get<std::string>())
                                      : QString();
                m_warnings.append(k.isEmpty() ? m : k + u": "_s + m);
            }
        }
    } catch (const std::exception &) {
        m_warnings.clear();
    }

    if (m_doc) {
        markErrors(errorsJson);
        markWarnings(warningsJson);
        auto node = std::make_unique<Node>();
        node->parent = m_root.get();
        node->value = m_doc.get();
        node->kind = Node::Kind::Document;
        node->error = m_errorMessages.contains(m_doc.get());
        node->errorBelow = m_errorBelow.contains(m_doc.get());
        m_root->children.push_back(std::move(node));
    } else if (!m_problem.isEmpty()) {
        auto node = std::make_unique<Node>();
        node->parent = m_root.get();
        node->kind = Node::Kind::Problem;
        node->built = true;
        m_root->children.push_back(std::move(node));
    }
    endResetModel();
}

void PayloadTreeModel::clear()
{
    setPayload({}, {}, {});
}

QString PayloadTreeModel::problem() const
{
    return m_problem;
}

QStringList PayloadTreeModel::warnings() const
{
    return m_warnings;
}

void PayloadTreeModel::markErrors(const QByteArray &errorsJson)
{
    nlohmann::json errors;
    try {
        errors = nlohmann::json::parse(errorsJson.begin(), errorsJson.end(), nullptr, false);
    } catch (const std::exception &) {
        return;
    }
    if (!errors.is_array())
        return;
    QStringList tokens;
    for (const auto &e : errors) {
        if (!e.is_object())
            continue;
        const auto pointer = e.find("pointer");
        if (pointer == e.end() || !pointer->is_string())
            continue;
        if (!splitPointer(QString::fromStdString(pointer->get<std::string>()), tokens))
            continue;
        QString message;
        for (const char *field : {"message", "kind"}) {
            if (const auto it = e.find(field); it != e.end() && it->is_string()) {
                message = QString::fromStdString(it->get<std::string>());
                break;
            }
        }
        const Walk w = walk(*m_doc, tokens);
        m_errorMessages[w.chain.back()].append(message);
        for (size_t i = 0; i + 1 < w.chain.size(); ++i)
            m_errorBelow.insert(w.chain[i]);
    }
}

void PayloadTreeModel::markWarnings(const QByteArray &warningsJson)
{
    const nlohmann::json warnings =
        nlohmann::json::parse(warningsJson.begin(), warningsJson.end(), nullptr, false);
    if (!warnings.is_array())
        return;
    QStringList tokens;
    for (const auto &w : warnings) {
        if (!w.is_object())
            continue;
        const auto pointer = w.find("pointer");
        if (pointer == w.end() || !pointer->is_string() ||
            !splitPointer(QString::fromStdString(pointer->get<std::string>()), tokens))
            continue;
        const Walk walked = walk(*m_doc, tokens);
        if (!walked.complete) // a warning names something that is there; no ancestor marks
            continue;
        if (!m_warningMessages.contains(walked.chain.back()))
            m_warningPointers.append(QString::fromStdString(pointer->get<std::string>()));
        const auto message = w.find("message");
        m_warningMessages[walked.chain.back()].append(
            message != w.end() && message->is_string()
                ? QString::fromStdString(message->get<std::string>())
                : QString::fromStdString(w.value("kind", std::string())));
    }
}

PayloadTreeModel::Node *PayloadTreeModel::nodeOf(const QModelIndex &index) const
{
    return index.isValid() ? static_cast<Node *>(index.internalPointer()) : m_root.get();
}

void PayloadTreeModel::ensureChildren(Node *node) const
{
    if (node->built)
        return;
    node->built = true;
    if (!node->value)
        return;
    const auto add = [&](const Json &child, int row) -> Node & {
        auto n = std::make_unique<Node>();
        n->parent = node;
        n->value = &child;
        n->row = row;
        n->error = m_errorMessages.contains(&child);
        n->errorBelow = m_errorBelow.contains(&child);
        node->children.push_back(std::move(n));
        return *node->children.back();
    };
    if (node->value->is_object()) {
        const auto &members = node->value->get_ref<const Json::object_t &>();
        node->children.reserve(members.size());
        int row = 0;
        for (const auto &[key, child] : members) {
            Node &n = add(child, row++);
            n.kind = Node::Kind::Member;
            n.key = QString::fromStdString(key);
        }
    } else if (node->value->is_array()) {
        const auto &items = node->value->get_ref<const Json::array_t &>();
        node->children.reserve(items.size());
        int row = 0;
        for (const auto &child : items)
            add(child, row++).kind = Node::Kind::Item;
    }
}

QString PayloadTreeModel::pointerOf(const Node *node) const
{
    QStringList parts;
    for (; node && node->kind != Node::Kind::Document; node = node->parent)
        parts.append(node->kind == Node::Kind::Item ? QString::number(node->row) : escapeToken(node->key));
    QString out;
    for (auto it = parts.crbegin(); it != parts.crend(); ++it)
        out += QChar(u'/') + *it;
    return out;
}

QString PayloadTreeModel::pathOf(const Node *node) const
{
    std::vector<const Node *> chain;
    for (; node && node->kind != Node::Kind::Document; node = node->parent)
        chain.push_back(node);
    QString out;
    for (auto it = chain.crbegin(); it != chain.crend(); ++it) {
        if ((*it)->kind == Node::Kind::Item) {
            out += QChar(u'[') + QString::number((*it)->row) + QChar(u']');
        } else {
            if (!out.isEmpty())
                out += u'.';
            out += (*it)->key;
        }
    }
    return out;
}

QVariant PayloadTreeModel::errorDecoration() const
{
    // Pixmaps need a QGuiApplication; without one (headless tools), a colour.
    if (!qobject_cast<QGuiApplication *>(QCoreApplication::instance()))
        return kErrorColor;
    if (m_errorIcon.isNull()) {
        m_errorIcon.addPixmap(paintErrorMarker(16));
        m_errorIcon.addPixmap(paintErrorMarker(32));
    }
    return m_errorIcon;
}

QModelIndex PayloadTreeModel::indexForPointer(const QString &pointer, PointerMatch match) const
{
    QStringList tokens;
    if (!m_doc || !splitPointer(pointer, tokens))
        return {};
    const Walk w = walk(*m_doc, tokens);
    if (!w.complete && match == PointerMatch::Exact)
        return {};
    Node *node = m_root->children.front().get();
    for (const int row : w.rows) {
        ensureChildren(node);
        node = node->children[size_t(row)].get();
    }
    return createIndex(node->row, 0, node);
}

QModelIndex PayloadTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount || parent.column() > 0)
        return {};
    Node *p = nodeOf(parent);
    ensureChildren(p);
    if (size_t(row) >= p->children.size())
        return {};
    return createIndex(row, column, p->children[size_t(row)].get());
}

QModelIndex PayloadTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    Node *p = nodeOf(child)->parent;
    if (!p || p == m_root.get())
        return {};
    return createIndex(p->row, 0, p);
}

int PayloadTreeModel::rowCount(const QModelIndex &parent) const
{
    if (parent.column() > 0)
        return 0;
    Node *node = nodeOf(parent);
    ensureChildren(node);
    return int(node->children.size());
}

int PayloadTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

bool PayloadTreeModel::hasChildren(const QModelIndex &parent) const
{
    if (parent.column() > 0)
        return false;
    const Node *node = nodeOf(parent);
    if (node->built)
        return !node->children.empty();
    return node->value && (node->value->is_object() || node->value->is_array()) && !node->value->empty();
}

QVariant PayloadTreeModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const Node *node = nodeOf(index);
    const int column = index.column();

    if (node->kind == Node::Kind::Problem) {
        if (role == Qt::DisplayRole)
            return column == Key ? tr("(payload)") : column == Value ? m_problem : QVariant();
        if (role == Qt::ToolTipRole)
            return m_problem;
        return {};
    }

    const Json &v = *node->value;
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case Key:
            if (node->kind == Node::Kind::Document)
                return tr("(root)");
            if (node->kind == Node::Kind::Item)
                return u"[%1]"_s.arg(node->row);
            return node->key;
        case Value:
            return valueDisplay(v);
        case Type:
            return typeName(v);
        default:
            return {};
        }
    case Qt::ToolTipRole: {
        QStringList parts;
        if (column == Value && v.is_string()) {
            bool cut = false;
            shortString(v.get_ref<const std::string &>(), cut);
            if (cut)
                parts.append(cappedText(v.get_ref<const std::string &>(), kMaxValueTextBytes));
        }
        if (node->error)
            parts.append(m_errorMessages.value(&v));
        if (const auto w = m_warningMessages.constFind(&v); w != m_warningMessages.cend())
            parts.append(*w);
        return parts.isEmpty() ? QVariant() : QVariant(parts.join(u'\n'));
    }
    case Qt::ForegroundRole:
        if (node->error)
            return kErrorColor;
        return m_warningMessages.contains(&v) ? QVariant(warningTextColor()) : QVariant();
    case Qt::DecorationRole:
        if (column != Key)
            return {};
        if (node->error)
            return errorDecoration();
        return m_warningMessages.contains(&v) ? warningDecoration(m_warningIcon) : QVariant();
    case WarningRole:
        return m_warningMessages.value(&v).join(u'\n');
    case PointerRole:
        return pointerOf(node);
    case PathRole:
        return pathOf(node);
    case ValueTextRole:
        return cappedText(v.dump(-1, ' ', false, Json::error_handler_t::replace), kMaxValueTextBytes);
    case ErrorRole:
        return node->error;
    case HasErrorBelowRole:
        return node->errorBelow;
    case TypeRole:
        return typeName(v);
    default:
        return {};
    }
}

QVariant PayloadTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Key:
        return tr("Key");
    case Value:
        return tr("Value");
    case Type:
        return tr("Type");
    default:
        return {};
    }
}

Qt::ItemFlags PayloadTreeModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable;
}

} // namespace pingscope
