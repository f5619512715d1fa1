// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "attemptspanel.h"

#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace pingscope {

namespace {

enum Column
{
    AttemptColumn,
    ReceivedColumn,
    GapColumn,
    AnswerColumn,
    VerdictColumn,
    FaultColumn,
};

QString answerText(const PingRecord &r)
{
    if (r.statusCode > 0)
        return QString::number(r.statusCode);
    return r.fault.startsWith(u"connection reset"_s) ? AttemptsPanel::tr("reset, no answer")
                                                     : AttemptsPanel::tr("closed, no answer");
}

} // namespace

QString formatGap(qint64 ms)
{
    if (ms < 1000)
        return u"%1 ms"_s.arg(ms);
    if (ms < 60'000)
        return u"%1 s"_s.arg(QString::number(ms / 1000.0, 'f', ms < 10'000 ? 2 : 1));
    if (ms < 3'600'000)
        return u"%1 min %2 s"_s.arg(ms / 60'000).arg((ms / 1000) % 60);
    return u"%1 h %2 min"_s.arg(ms / 3'600'000).arg((ms / 60'000) % 60);
}

AttemptsPanel::AttemptsPanel(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_summary = new QLabel(this);
    m_summary->setObjectName(u"attemptsSummary"_s);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summary);
    m_list = new QTreeWidget(this);
    m_list->setObjectName(u"attempts"_s);
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setAlternatingRowColors(true);
    m_list->setHeaderLabels({tr("Attempt"), tr("Received (local)"), tr("After the one before"),
                             tr("Answered"), tr("Verdict"), tr("Fault rule")});
    m_list->header()->setStretchLastSection(true);
    m_list->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(FaultColumn, QHeaderView::Stretch);
    connect(m_list, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        Q_EMIT pingActivated(item->data(0, Qt::UserRole).toLongLong());
    });
    layout->addWidget(m_list, 1);
    clear();
}

void AttemptsPanel::clear()
{
    m_list->clear();
    m_summary->setText(tr("Select a ping to see every request sent with its docId (a client's retries)."));
}

void AttemptsPanel::setPing(const PingRecord &current, const std::vector<PingRecord> &attempts)
{
    m_list->clear();
    if (current.docId.isEmpty()) {
        m_summary->setText(tr("This request names no docId, so its attempts cannot be told apart."));
        return;
    }
    qint64 previousUs = 0;
    int n = 0, faulted = 0, answeredOk = 0;
    QTreeWidgetItem *currentItem = nullptr;
    for (const PingRecord &r : attempts) {
        ++n;
        auto *item = new QTreeWidgetItem(m_list);
        item->setData(0, Qt::UserRole, r.id);
        item->setText(AttemptColumn, QString::number(n));
        item->setText(ReceivedColumn, QDateTime::fromMSecsSinceEpoch(r.receivedAtUs / 1000)
                                          .toLocalTime()
                                          .toString(u"yyyy-MM-dd HH:mm:ss.zzz"_s));
        item->setText(GapColumn,
                      n == 1 ? QString() : u"+"_s + formatGap((r.receivedAtUs - previousUs) / 1000));
        item->setText(AnswerColumn, answerText(r));
        item->setText(VerdictColumn, r.verdict);
        item->setText(FaultColumn, r.fault);
        item->setToolTip(FaultColumn, r.fault);
        if (!r.fault.isEmpty())
            ++faulted;
        if (r.statusCode >= 200 && r.statusCode < 300)
            ++answeredOk;
        if (r.id == current.id) {
            currentItem = item;
            QFont bold = item->font(0);
            bold.setBold(true);
            for (int c = 0; c <= FaultColumn; ++c)
                item->setFont(c, bold);
        }
        previousUs = r.receivedAtUs;
    }
    if (currentItem)
        m_list->setCurrentItem(currentItem);
    if (n <= 1) {
        m_summary->setText(faulted ? tr("Sent once, and a fault rule answered it (%1); the client has not "
                                        "sent it again yet.")
                                         .arg(attempts.empty() ? QString() : answerText(attempts.front()))
                                   : tr("Sent once: no retries of docId %1.").arg(current.docId));
        return;
    }
    const qint64 spanMs = (attempts.back().receivedAtUs - attempts.front().receivedAtUs) / 1000;
    QStringList answers;
    for (const PingRecord &r : attempts)
        answers << answerText(r);
    m_summary->setText(tr("%1 requests with docId %2 over %3, answered %4; %5 by a fault rule. %6")
                           .arg(n)
                           .arg(current.docId, formatGap(spanMs), answers.join(u", "_s))
                           .arg(faulted)
                           .arg(answeredOk > 1 ? tr("More than one was accepted: production keeps the first "
                                                    "and drops the others as duplicates.")
                                : answeredOk == 1 ? tr("The client stopped once one was accepted.")
                                                  : tr("None was accepted yet.")));
}

QString AttemptsPanel::summary() const
{
    return m_summary->text();
}

} // namespace pingscope
