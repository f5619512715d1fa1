// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "comparedialog.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace pingscope {

namespace {

QString shortJson(const nlohmann::ordered_json &v)
{
    QString text =
        QString::fromStdString(v.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
    if (text.size() > 300)
        text = text.left(299) + u'…';
    return text;
}

} // namespace

CompareDialog::CompareDialog(const QString &a, const QString &b, const JsonDiff &diff, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(u"compareDialog"_s);
    setWindowTitle(tr("Compare %1 with %2").arg(a, b));
    auto *layout = new QVBoxLayout(this);
    int added = 0, removed = 0, changed = 0;
    for (const DiffEntry &e : diff.entries)
        (e.kind == DiffEntry::Kind::Added     ? added
         : e.kind == DiffEntry::Kind::Removed ? removed
                                              : changed) += 1;
    auto *head = new QLabel(diff.equal() ? tr("<b>A</b> %1 and <b>B</b> %2 have the same payload.")
                                               .arg(a.toHtmlEscaped(), b.toHtmlEscaped())
                                         : tr("<b>A</b> %1, <b>B</b> %2: %3 added, %4 removed, %5 changed.")
                                               .arg(a.toHtmlEscaped(), b.toHtmlEscaped())
                                               .arg(added)
                                               .arg(removed)
                                               .arg(changed),
                            this);
    head->setWordWrap(true);
    layout->addWidget(head);
    QStringList notes;
    for (const std::string &n : diff.notes)
        notes << QString::fromStdString(n);
    m_notes = new QLabel(notes.isEmpty() ? QString() : u"• "_s + notes.join(u"\n• "_s), this);
    m_notes->setObjectName(u"compareNotes"_s);
    m_notes->setWordWrap(true);
    m_notes->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_notes->setVisible(!notes.isEmpty());
    layout->addWidget(m_notes);

    m_entries = new QTreeWidget(this);
    m_entries->setObjectName(u"compareEntries"_s);
    m_entries->setRootIsDecorated(false);
    m_entries->setAlternatingRowColors(true);
    m_entries->setUniformRowHeights(true);
    m_entries->setHeaderLabels({tr("Change"), tr("JSON pointer"), tr("A"), tr("B")});
    m_entries->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_entries->header()->setSectionResizeMode(1, QHeaderView::Interactive);
    m_entries->setColumnWidth(1, 320);
    for (const DiffEntry &e : diff.entries) {
        auto *item = new QTreeWidgetItem(m_entries);
        const bool add = e.kind == DiffEntry::Kind::Added, rem = e.kind == DiffEntry::Kind::Removed;
        item->setText(0, add ? tr("added") : rem ? tr("removed") : tr("changed"));
        item->setText(
            1, QString::fromStdString(e.pointer.empty() ? std::string("(the whole document)") : e.pointer));
        item->setText(2, add ? QString() : shortJson(e.before));
        item->setText(3, rem ? QString() : shortJson(e.after));
        for (int c = 1; c < 4; ++c)
            item->setToolTip(c, item->text(c));
    }
    layout->addWidget(m_entries, 1);
    auto *box = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto *copy = box->addButton(tr("Copy as text"), QDialogButtonBox::ActionRole);
    const QString text = formatDiff(diff, false);
    connect(copy, &QPushButton::clicked, this, [text] { QApplication::clipboard()->setText(text); });
    connect(box, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(box);
    resize(980, 560);
}

QString CompareDialog::notesText() const
{
    return m_notes->text();
}

} // namespace pingscope
