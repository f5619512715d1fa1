// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include <QAbstractItemModel>
#include <QByteArray>
#include <QHash>
#include <QIcon>
#include <QSet>
#include <QString>
#include <QStringList>

#include <nlohmann/json_fwd.hpp>

#include <memory>

namespace pingscope {

// One ping's decoded payload as a tree: a single top-level row for the document ("(root)",
// pointer ""), then object members in the client's key order and array items as "[i]".
//
// Nodes are built lazily: a node's children are made the first time anyone asks for them
// (rowCount, index, indexForPointer), so opening a large ping costs the parse and a few
// nodes. hasChildren() answers from the JSON without building anything.
//
// Validation errors are marked on nodes. An error's "pointer" (RFC 6901) names its node;
// when that node does not exist (a missing property, say) its nearest existing ancestor
// gets the mark. Warnings with a pointer (bq-column: a metric that is not a column of the
// production table) mark the node they name, in the warning colour, when it exists. Errors
// without a pointer, and other warnings, are not tied to nodes.
//
// A payload that is not JSON, or nested deeper than kMaxPrintableDepth, is shown as one
// top-level row whose Value explains why (problem() returns the same text). An empty
// payload gives no rows at all.
//
// Threading: GUI thread only.
class PayloadTreeModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column
    {
        Key,   // object key, "[i]" for array items; the error marker in Qt::DecorationRole
        Value, // scalars as JSON text (long strings cut, the full text in the tooltip),
               // "{N}" for objects, "[N]" for arrays
        Type,  // object, array, string, integer, number, boolean, null
        ColumnCount
    };
    Q_ENUM(Column)

    // The same in every column of a row.
    enum Role
    {
        PointerRole = Qt::UserRole + 1, // QString: RFC 6901 pointer ("" for the document)
        PathRole,                       // QString: "metrics.counter.app.clicks", "events[0].x"
        ValueTextRole,                  // QString: compact JSON text, cut at kMaxValueTextBytes
        ErrorRole,                      // bool: an error points here
        HasErrorBelowRole,              // bool: an error points somewhere below
        TypeRole,                       // QString: as the Type column
        WarningRole,                    // QString: warnings that point here, one a line
    };
    Q_ENUM(Role)

    enum class PointerMatch
    {
        Exact,           // the node the pointer names, or an invalid index
        NearestAncestor, // else its nearest existing ancestor (how errors are placed)
    };

    static constexpr int kMaxDisplayChars = 200;             // Value column strings
    static constexpr qsizetype kMaxValueTextBytes = 1 << 20; // ValueTextRole

    explicit PayloadTreeModel(QObject *parent = nullptr);
    ~PayloadTreeModel() override;

    // Replaces everything (one model reset). errorsJson and warningsJson as in PingRecord;
    // unreadable ones are taken as empty.
    void setPayload(const QByteArray &json, const QByteArray &errorsJson = "[]",
                    const QByteArray &warningsJson = "[]");
    void clear();

    // Why the payload is not shown as a tree; empty when it is (or when there is none).
    QString problem() const;
    // Warnings as "kind: message" lines, for the view to show beside the tree.
    QStringList warnings() const;
    // The pointers of the nodes warnings mark, in the warnings' order.
    QStringList warningPointers() const { return m_warningPointers; }

    // Builds the nodes along the way. Invalid for a malformed pointer, or (Exact) one that
    // names nothing.
    QModelIndex indexForPointer(const QString &pointer, PointerMatch match = PointerMatch::Exact) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

private:
    using Json = nlohmann::ordered_json;
    struct Node;

    Node *nodeOf(const QModelIndex &index) const;
    void ensureChildren(Node *node) const;
    QString pointerOf(const Node *node) const;
    QString pathOf(const Node *node) const;
    QVariant errorDecoration() const;
    void markErrors(const QByteArray &errorsJson);
    void markWarnings(const QByteArray &warningsJson);

    std::unique_ptr<Json> m_doc;
    std::unique_ptr<Node> m_root; // invisible; its one child is the document or the problem
    QString m_problem;
    QStringList m_warnings;
    QHash<const Json *, QStringList> m_errorMessages;   // error node -> messages
    QSet<const Json *> m_errorBelow;                    // ancestors of error nodes
    QHash<const Json *, QStringList> m_warningMessages; // warned node -> messages
    QStringList m_warningPointers;
    mutable QIcon m_errorIcon;
    mutable QIcon m_warningIcon;
};

} // namespace pingscope
