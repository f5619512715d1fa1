// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include <QDialog>

#include <memory>

class QLabel;
class QTableWidget;

namespace pingscope {

class FaultInjector;

// Capture > Faults…: edits the fault rules in force while capture runs (the same rules as
// --fault and PUT /pingscope/v1/faults). One rule per row in the --fault syntax, checked as it
// is typed; each row says what the rule does and how many requests it took. OK or Apply puts
// the rules in force only when every row reads.
class FaultsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit FaultsDialog(std::shared_ptr<FaultInjector> faults, QWidget *parent = nullptr);

    // The rows as rule texts (empty rows left out).
    QStringList ruleTexts() const;
    void setRuleTexts(const QStringList &texts);
    // Puts the rows in force; false (and the first problem shown) when a row does not read.
    bool apply();

private:
    void addRow(const QString &text);
    void recheck();
    void moveCurrent(int by);
    std::shared_ptr<FaultInjector> m_faults;
    QTableWidget *m_table = nullptr;
    QLabel *m_message = nullptr;
    bool m_filling = false;
};

} // namespace pingscope
