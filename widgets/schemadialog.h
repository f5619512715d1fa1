// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "validation/validation.h"

#include <QDialog>

class QListWidget;
class QPlainTextEdit;

namespace pingscope {

// Lets the user choose the schema trees (mozilla-pipeline-schemas checkouts) to validate
// against, and shows which schemas failed to load and why.
class SchemaDialog : public QDialog
{
    Q_OBJECT
public:
    SchemaDialog(const QStringList &roots, const QList<SchemaLoadError> &loadErrors, qsizetype loaded,
                 QWidget *parent = nullptr);
    QStringList roots() const;

private:
    QListWidget *m_list;
};

} // namespace pingscope
