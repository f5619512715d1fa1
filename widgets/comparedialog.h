// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "analysis/jsondiff.h"

#include <QDialog>

class QLabel;
class QTreeWidget;

namespace pingscope {

// Ping > Compare: the structural diff of two pings' payloads (jsondiff.h), what it means first
// (seq gap, time deltas, a different client), then one row per difference by JSON pointer.
class CompareDialog : public QDialog
{
    Q_OBJECT
public:
    // `a`, `b`: the names shown ("#12 baseline, 10:21:03"); `diff`: from diffJson(a, b).
    CompareDialog(const QString &a, const QString &b, const JsonDiff &diff, QWidget *parent = nullptr);
    QTreeWidget *entries() const { return m_entries; }
    QString notesText() const;

private:
    QLabel *m_notes = nullptr;
    QTreeWidget *m_entries = nullptr;
};

} // namespace pingscope
