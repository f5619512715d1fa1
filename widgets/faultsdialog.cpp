// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "faultsdialog.h"

#include "http/faults.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace pingscope {

namespace {

enum Column
{
    RuleColumn,
    EffectColumn,
    TakenColumn,
};

} // namespace

FaultsDialog::FaultsDialog(std::shared_ptr<FaultInjector> faults, QWidget *parent)
    : QDialog(parent), m_faults(std::move(faults))
{
    setWindowTitle(tr("Fault rules"));
    setObjectName(u"faultsDialog"_s);
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(
        tr("Make the endpoint fail on purpose to test your app's retries. Rules are tried in order; "
           "the first that takes a request decides its answer. Faulted pings are still stored, with "
           "what they were answered (see a ping's Attempts tab)."),
        this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    m_table = new QTableWidget(0, 3, this);
    m_table->setObjectName(u"faultRules"_s);
    m_table->setHorizontalHeaderLabels({tr("Rule"), tr("What it does"), tr("Taken")});
    m_table->horizontalHeader()->setSectionResizeMode(RuleColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(EffectColumn, QHeaderView::Interactive);
    m_table->setColumnWidth(EffectColumn, 230);
    m_table->setWordWrap(false);
    m_table->horizontalHeader()->setSectionResizeMode(TakenColumn, QHeaderView::ResizeToContents);
    m_table->verticalHeader()->setVisible(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    connect(m_table, &QTableWidget::itemChanged, this, [this](QTableWidgetItem *item) {
        if (!m_filling && item->column() == RuleColumn)
            recheck();
    });
    layout->addWidget(m_table, 1);

    auto *buttons = new QHBoxLayout;
    auto *add = new QToolButton(this);
    add->setText(tr("Add"));
    add->setPopupMode(QToolButton::MenuButtonPopup);
    auto *presets = new QMenu(add);
    const std::pair<QString, QString> examples[] = {
        {tr("Fail the first 2 attempts of each ping with 503"), u"first=2,status=503"_s},
        {tr("Too many requests: 429 with Retry-After: 60"), u"status=429,retry-after=60"_s},
        {tr("Fail 20 % of requests with 500"), u"percent=20,status=500"_s},
        {tr("Answer baseline pings 3 s late"), u"doctype=baseline,delay=3000"_s},
        {tr("Close the connection without an answer"), u"close"_s},
        {tr("Reset the connection"), u"reset"_s},
        {tr("Refuse for good (4xx: Glean deletes the ping)"), u"status=400"_s},
    };
    for (const auto &[title, rule] : examples)
        presets->addAction(u"%1    (%2)"_s.arg(title, rule), this, [this, rule] {
            addRow(rule);
            recheck();
        });
    add->setMenu(presets);
    connect(add, &QToolButton::clicked, this, [this] {
        addRow(u"first=1,status=503"_s);
        recheck();
        m_table->editItem(m_table->item(m_table->rowCount() - 1, RuleColumn));
    });
    auto *remove = new QPushButton(tr("Remove"), this);
    connect(remove, &QPushButton::clicked, this, [this] {
        const int row = m_table->currentRow();
        if (row >= 0)
            m_table->removeRow(row);
        recheck();
    });
    auto *up = new QPushButton(tr("Up"), this);
    connect(up, &QPushButton::clicked, this, [this] { moveCurrent(-1); });
    auto *down = new QPushButton(tr("Down"), this);
    connect(down, &QPushButton::clicked, this, [this] { moveCurrent(1); });
    auto *none = new QPushButton(tr("Remove all"), this);
    connect(none, &QPushButton::clicked, this, [this] {
        m_table->setRowCount(0);
        recheck();
    });
    for (QWidget *w : std::initializer_list<QWidget *>{add, remove, up, down, none})
        buttons->addWidget(w);
    buttons->addStretch(1);
    layout->addLayout(buttons);

    auto *syntax = new QLabel(QString::fromLatin1(kFaultRuleSyntax), this);
    syntax->setTextFormat(Qt::PlainText);
    syntax->setWordWrap(true);
    syntax->setTextInteractionFlags(Qt::TextSelectableByMouse);
    syntax->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(syntax);
    m_message = new QLabel(this);
    m_message->setObjectName(u"faultMessage"_s);
    m_message->setWordWrap(true);
    layout->addWidget(m_message);

    auto *box =
        new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Apply | QDialogButtonBox::Cancel, this);
    connect(box, &QDialogButtonBox::accepted, this, [this] {
        if (apply())
            accept();
    });
    connect(box, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(box->button(QDialogButtonBox::Apply), &QPushButton::clicked, this, [this] { apply(); });
    layout->addWidget(box);

    QStringList texts;
    for (const FaultRule &r : m_faults->rules())
        texts << r.spec();
    setRuleTexts(texts);
    const std::vector<qint64> taken = m_faults->takenCounts();
    m_filling = true;
    for (int row = 0; row < m_table->rowCount() && size_t(row) < taken.size(); ++row)
        m_table->item(row, TakenColumn)->setText(QString::number(taken[size_t(row)]));
    m_filling = false;
    resize(760, 420);
}

void FaultsDialog::addRow(const QString &text)
{
    m_filling = true;
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    m_table->setItem(row, RuleColumn, new QTableWidgetItem(text));
    for (int c : {EffectColumn, TakenColumn}) {
        auto *item = new QTableWidgetItem;
        item->setFlags(item->flags() & ~Qt::ItemIsEditable);
        m_table->setItem(row, c, item);
    }
    m_filling = false;
}

void FaultsDialog::moveCurrent(int by)
{
    const int row = m_table->currentRow();
    const int to = row + by;
    if (row < 0 || to < 0 || to >= m_table->rowCount())
        return;
    QStringList texts = ruleTexts();
    texts.swapItemsAt(row, to);
    setRuleTexts(texts);
    m_table->selectRow(to);
}

QStringList FaultsDialog::ruleTexts() const
{
    QStringList texts;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const QString t = m_table->item(row, RuleColumn)->text().trimmed();
        if (!t.isEmpty())
            texts << t;
    }
    return texts;
}

void FaultsDialog::setRuleTexts(const QStringList &texts)
{
    m_table->setRowCount(0);
    for (const QString &t : texts)
        addRow(t);
    recheck();
}

void FaultsDialog::recheck()
{
    m_filling = true;
    int bad = 0;
    QString first;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        QString why;
        const auto rule = parseFaultRule(m_table->item(row, RuleColumn)->text(), &why);
        QTableWidgetItem *effect = m_table->item(row, EffectColumn);
        effect->setText(rule ? rule->effect() : why);
        effect->setToolTip(rule ? rule->spec() : why);
        effect->setForeground(rule ? palette().color(QPalette::Text) : QColor(0xc6, 0x28, 0x28));
        if (!rule && bad++ == 0)
            first = tr("Rule %1: %2").arg(row + 1).arg(why);
    }
    m_filling = false;
    if (bad > 0)
        m_message->setText(first);
    else if (m_table->rowCount() == 0)
        m_message->setText(tr("No rules: every ping is answered as usual."));
    else
        m_message->setText(tr("%n rule(s); OK or Apply puts them in force.", nullptr, m_table->rowCount()));
}

bool FaultsDialog::apply()
{
    std::vector<FaultRule> rules;
    int row = 0;
    for (const QString &text : ruleTexts()) {
        ++row;
        QString why;
        const auto rule = parseFaultRule(text, &why);
        if (!rule) {
            m_message->setText(tr("Not applied. Rule %1: %2").arg(row).arg(why));
            return false;
        }
        rules.push_back(*rule);
    }
    const size_t n = rules.size();
    m_faults->setRules(std::move(rules));
    m_message->setText(n == 0 ? tr("Applied: no rules, every ping is answered as usual.")
                              : tr("Applied: %n rule(s) in force.", nullptr, int(n)));
    m_filling = true;
    for (int r = 0; r < m_table->rowCount(); ++r)
        m_table->item(r, TakenColumn)->setText(u"0"_s);
    m_filling = false;
    return true;
}

} // namespace pingscope
