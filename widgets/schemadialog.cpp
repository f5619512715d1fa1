// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "schemadialog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace pingscope {

SchemaDialog::SchemaDialog(const QStringList &roots, const QList<SchemaLoadError> &loadErrors,
                           qsizetype loaded, QWidget *parent)
    : QDialog(parent), m_list(new QListWidget(this))
{
    setWindowTitle(tr("Schema folders"));
    auto *layout = new QVBoxLayout(this);
    auto *intro =
        new QLabel(tr("Pings are validated against the schemas built into Pingscope (the generic "
                      "Glean schemas and the main Firefox Telemetry schemas) and against these "
                      "mozilla-pipeline-schemas checkouts. A later folder overrides an earlier one."),
                   this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    m_list->addItems(roots);
    auto *row = new QHBoxLayout;
    row->addWidget(m_list, 1);
    auto *buttons = new QVBoxLayout;
    auto *add = new QPushButton(tr("Add…"), this);
    auto *remove = new QPushButton(tr("Remove"), this);
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch();
    row->addLayout(buttons);
    layout->addLayout(row);
    connect(add, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("mozilla-pipeline-schemas checkout"));
        if (!dir.isEmpty() && m_list->findItems(dir, Qt::MatchExactly).isEmpty())
            m_list->addItem(dir);
    });
    connect(remove, &QPushButton::clicked, this, [this] { delete m_list->currentItem(); });

    auto *status = new QLabel(tr("%n schema(s) loaded.", nullptr, static_cast<int>(loaded)), this);
    layout->addWidget(status);
    if (!loadErrors.isEmpty()) {
        auto *errors = new QPlainTextEdit(this);
        errors->setReadOnly(true);
        QString text;
        for (const auto &e : loadErrors)
            text += e.path + u"\n    "_s + e.reason + u'\n';
        errors->setPlainText(text);
        layout->addWidget(
            new QLabel(tr("%n schema(s) could not be loaded:", nullptr, int(loadErrors.size())), this));
        layout->addWidget(errors);
    }
    auto *box = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(box, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(box, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(box);
    resize(640, 420);
}

QStringList SchemaDialog::roots() const
{
    QStringList out;
    for (int i = 0; i < m_list->count(); ++i)
        out << m_list->item(i)->text();
    return out;
}

} // namespace pingscope
