// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "exampleexport.h"

#include <QDialog>

#include <functional>
#include <vector>

class QLabel;
class QLineEdit;
class QRadioButton;

namespace pingscope {

// Saves one or more captured pings as mozilla-pipeline-schemas validation examples.
// pass/fail is pre-filled from the verdicts; choosing "pass" for an invalid ping is warned
// about; an existing file is only replaced after confirmation.
class ExampleDialog : public QDialog
{
    Q_OBJECT
public:
    ExampleDialog(std::vector<PingRecord> pings, const QString &checkoutDir, QWidget *parent = nullptr);

    void setCheckoutDir(const QString &dir);
    void setName(const QString &name);
    void setPass(bool pass);
    QString checkoutDir() const;
    // The files that Save would write, in the order of the pings; empty strings where a ping
    // cannot be saved (see problems()).
    QStringList targetPaths() const;
    QStringList problems() const;
    QString warning() const;

    // Asked before replacing an existing file; the default asks the user.
    using ConfirmOverwrite = std::function<bool(const QString &path)>;
    void setConfirmOverwrite(ConfirmOverwrite confirm) { m_confirm = std::move(confirm); }
    // Writes the examples; returns the files written. Errors go to `errors`.
    QStringList save(QStringList *errors);

private:
    ExampleRequest requestFor(size_t index) const;
    void refresh();

    std::vector<PingRecord> m_pings;
    QLineEdit *m_dir;
    QLineEdit *m_name;
    QRadioButton *m_pass;
    QRadioButton *m_fail;
    QLabel *m_preview;
    QLabel *m_warning;
    ConfirmOverwrite m_confirm;
};

} // namespace pingscope
