// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "exampledialog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpressionValidator>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace pingscope {

ExampleDialog::ExampleDialog(std::vector<PingRecord> pings, const QString &checkoutDir, QWidget *parent)
    : QDialog(parent), m_pings(std::move(pings)), m_dir(new QLineEdit(checkoutDir, this)),
      m_name(new QLineEdit(this)), m_pass(new QRadioButton(tr("pass: the schema must accept it"), this)),
      m_fail(new QRadioButton(tr("fail: the schema must reject it"), this)), m_preview(new QLabel(this)),
      m_warning(new QLabel(this))
{
    setWindowTitle(tr("Save as schema example"));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    auto *dirRow = new QHBoxLayout;
    dirRow->addWidget(m_dir, 1);
    auto *browse = new QPushButton(tr("Browse…"), this);
    dirRow->addWidget(browse);
    form->addRow(tr("mozilla-pipeline-schemas checkout:"), dirRow);
    m_name->setValidator(
        new QRegularExpressionValidator(QRegularExpression(u"[0-9a-zA-Z_-]{1,100}"_s), m_name));
    m_name->setPlaceholderText(tr("letters, digits, _ and -"));
    form->addRow(tr("Example name:"), m_name);
    auto *kind = new QVBoxLayout;
    kind->addWidget(m_pass);
    kind->addWidget(m_fail);
    form->addRow(tr("Expected result:"), kind);
    layout->addLayout(form);
    m_preview->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_preview->setWordWrap(true);
    layout->addWidget(m_preview);
    m_warning->setWordWrap(true);
    m_warning->setStyleSheet(u"color: #c01c28"_s);
    layout->addWidget(m_warning);
    auto *box = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    layout->addWidget(box);

    // Pre-filled from the verdicts: all failing their schema → fail, otherwise pass.
    const bool allInvalid = std::all_of(m_pings.begin(), m_pings.end(), [](const PingRecord &r) {
        return failsSchema(r.verdict, r.errorsJson);
    });
    (allInvalid ? m_fail : m_pass)->setChecked(true);
    m_name->setText(allInvalid ? u"captured-invalid"_s : u"captured"_s);

    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir =
            QFileDialog::getExistingDirectory(this, tr("mozilla-pipeline-schemas checkout"), m_dir->text());
        if (!dir.isEmpty())
            m_dir->setText(dir);
    });
    for (QLineEdit *e : {m_dir, m_name})
        connect(e, &QLineEdit::textChanged, this, &ExampleDialog::refresh);
    connect(m_pass, &QRadioButton::toggled, this, &ExampleDialog::refresh);
    connect(box, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(box, &QDialogButtonBox::accepted, this, [this] {
        QStringList errors;
        const QStringList written = save(&errors);
        if (!errors.isEmpty())
            QMessageBox::warning(this, windowTitle(), errors.join(u'\n'));
        if (!written.isEmpty() && errors.isEmpty())
            accept();
    });
    m_confirm = [this](const QString &path) {
        return QMessageBox::question(this, windowTitle(), tr("%1 exists. Replace it?").arg(path)) ==
               QMessageBox::Yes;
    };
    refresh();
    resize(680, 300);
}

void ExampleDialog::setCheckoutDir(const QString &dir)
{
    m_dir->setText(dir);
}

void ExampleDialog::setName(const QString &name)
{
    m_name->setText(name);
}

void ExampleDialog::setPass(bool pass)
{
    (pass ? m_pass : m_fail)->setChecked(true);
}

QString ExampleDialog::checkoutDir() const
{
    return m_dir->text();
}

ExampleRequest ExampleDialog::requestFor(size_t index) const
{
    ExampleRequest req;
    req.checkoutDir = m_dir->text();
    req.name = m_pings.size() > 1 ? u"%1-%2"_s.arg(m_name->text()).arg(index + 1) : m_name->text();
    req.pass = m_pass->isChecked();
    return req;
}

QStringList ExampleDialog::targetPaths() const
{
    QStringList out;
    for (size_t i = 0; i < m_pings.size(); ++i) {
        const ExampleResult r = examplePath(m_pings[i], requestFor(i));
        out << (r.ok ? r.path : QString());
    }
    return out;
}

QStringList ExampleDialog::problems() const
{
    QStringList out;
    for (size_t i = 0; i < m_pings.size(); ++i) {
        const ExampleResult r = examplePath(m_pings[i], requestFor(i));
        if (!r.ok)
            out << r.error;
    }
    return out;
}

QString ExampleDialog::warning() const
{
    if (!m_pass->isChecked())
        return {};
    const auto invalid = std::count_if(m_pings.begin(), m_pings.end(), [](const PingRecord &r) {
        return failsSchema(r.verdict, r.errorsJson);
    });
    if (invalid == 0)
        return {};
    return tr("%n of these pings is invalid against its schema, so a \"pass\" example would fail the "
              "schema's tests.",
              nullptr, int(invalid));
}

void ExampleDialog::refresh()
{
    QStringList lines;
    const QStringList paths = targetPaths();
    for (const QString &p : paths)
        if (!p.isEmpty())
            lines << (QFileInfo::exists(p) ? tr("%1 (exists: will ask before replacing)").arg(p) : p);
    lines << problems();
    m_preview->setText(lines.join(u'\n'));
    m_warning->setText(warning());
    m_warning->setVisible(!m_warning->text().isEmpty());
}

QStringList ExampleDialog::save(QStringList *errors)
{
    QStringList written;
    for (size_t i = 0; i < m_pings.size(); ++i) {
        ExampleRequest req = requestFor(i);
        ExampleResult r = saveExample(m_pings[i], req);
        if (!r.ok && r.exists && m_confirm && m_confirm(r.path)) {
            req.overwrite = true;
            r = saveExample(m_pings[i], req);
        }
        if (r.ok)
            written << r.path;
        else if (errors)
            *errors << r.error;
    }
    refresh();
    return written;
}

} // namespace pingscope
