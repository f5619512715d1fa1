// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "eventspanel.h"

#include "eventsmodel.h"
#include "eventtimeline.h"

#include <QApplication>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QTimer>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace pingscope {

EventsPanel::EventsPanel(QWidget *parent) : QWidget(parent)
{
    m_ping = new EventsModel(this);
    m_stream = new EventStreamModel(this);

    m_scope = new QComboBox;
    m_scope->setObjectName(u"eventScope"_s);
    m_scope->addItem(tr("This ping"), int(Scope::ThisPing));
    m_scope->addItem(tr("Stream: same debug tag"), int(Scope::DebugTag));
    m_scope->addItem(tr("Stream: same client"), int(Scope::Client));
    m_scope->addItem(tr("Stream: pings in the table"), int(Scope::CurrentFilter));
    m_scope->setToolTip(tr("Show the selected ping's events, or the events of many pings on one time line"));
    m_name = new QLineEdit;
    m_name->setObjectName(u"eventName"_s);
    m_name->setPlaceholderText(tr("Event name (category.name)"));
    m_name->setClearButtonEnabled(true);
    m_session = new QComboBox;
    m_session->setObjectName(u"eventSession"_s);
    m_session->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_summary = new QLabel;
    m_summary->setObjectName(u"eventSummary"_s);

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(4, 2, 4, 2);
    bar->addWidget(m_scope);
    bar->addWidget(m_name, 1);
    bar->addWidget(m_session);
    bar->addWidget(m_summary);

    m_timeline = new EventTimeline;
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(bar);
    layout->addWidget(m_timeline, 1);

    m_filterTimer = new QTimer(this);
    m_filterTimer->setSingleShot(true);
    m_filterTimer->setInterval(150);
    connect(m_filterTimer, &QTimer::timeout, this, &EventsPanel::applyFilter);
    connect(m_name, &QLineEdit::textChanged, m_filterTimer, qOverload<>(&QTimer::start));
    connect(m_session, &QComboBox::activated, this, &EventsPanel::applyFilter);
    connect(m_scope, &QComboBox::activated, this, [this] { setScope(scope()); });
    m_arrivalTimer = new QTimer(this);
    m_arrivalTimer->setSingleShot(true);
    m_arrivalTimer->setInterval(1000);
    connect(m_arrivalTimer, &QTimer::timeout, this, [this] { reloadStream(true); });
    connect(m_timeline, &EventTimeline::eventActivated, this, [this](int row) {
        if (m_timeline->model() == m_stream && row >= 0 && row < m_stream->rowCount())
            Q_EMIT pingActivated(m_stream->events()[size_t(row)].pingId);
    });
    m_timeline->setModel(m_ping);
    refreshSessions();
    updateSummary();
}

EventsPanel::~EventsPanel() = default;

void EventsPanel::setPingSource(PingSource source)
{
    m_source = std::move(source);
}

EventsPanel::Scope EventsPanel::scope() const
{
    return Scope(m_scope->currentData().toInt());
}

void EventsPanel::setScope(Scope scope)
{
    m_scope->setCurrentIndex(m_scope->findData(int(scope)));
    if (scope == Scope::ThisPing) {
        m_stream->clear();
        m_timeline->setModel(m_ping);
    } else {
        m_timeline->setModel(m_stream);
        reloadStream();
    }
    refreshSessions();
    updateSummary();
}

void EventsPanel::setPing(const PingRecord *record)
{
    const bool sameStream = record && m_current &&
                            ((scope() == Scope::DebugTag && record->debugId == m_current->debugId) ||
                             (scope() == Scope::Client && record->clientId == m_current->clientId) ||
                             scope() == Scope::CurrentFilter);
    if (record)
        m_current = *record;
    else
        m_current.reset();
    m_ping->setPayload(record ? record->payload : QByteArray());
    if (scope() != Scope::ThisPing && !sameStream)
        reloadStream();
    refreshSessions();
    updateSummary();
}

void EventsPanel::pingsArrived()
{
    if (scope() != Scope::ThisPing && !m_arrivalTimer->isActive())
        m_arrivalTimer->start();
}

void EventsPanel::reloadStream(bool incremental)
{
    if (scope() == Scope::ThisPing)
        return;
    if (!m_source || !m_current) {
        m_stream->clear();
        updateSummary();
        return;
    }
    QApplication::setOverrideCursor(Qt::WaitCursor);
    if (incremental && scope() != Scope::CurrentFilter) {
        // Ids grow with arrival: every ping after the newest held one is new.
        m_stream->addPings(m_source(scope(), *m_current, m_stream->newestPingId(), kMaxStreamPings));
    } else {
        const auto pings = m_source(scope(), *m_current, 0, kMaxStreamPings + 1);
        m_truncated = int(pings.size()) > kMaxStreamPings;
        m_stream->setPings(
            m_truncated ? std::vector<PingRecord>(pings.begin(), pings.begin() + kMaxStreamPings) : pings);
    }
    QApplication::restoreOverrideCursor();
    refreshSessions();
    updateSummary();
}

void EventsPanel::setNameFilter(const QString &text)
{
    m_name->setText(text);
    applyFilter();
}

void EventsPanel::setSessionFilter(const QString &sessionId)
{
    const int i = m_session->findData(sessionId);
    m_session->setCurrentIndex(i < 0 ? 0 : i);
    applyFilter();
}

void EventsPanel::applyFilter()
{
    m_filterTimer->stop();
    const QString session = m_session->currentData().toString();
    m_ping->setFilter(m_name->text(), session);
    m_stream->setFilter(m_name->text(), session);
    updateSummary();
}

void EventsPanel::refreshSessions()
{
    const EventListModel *model = m_timeline->model();
    const QString current = m_session->currentData().toString();
    QSignalBlocker block(m_session);
    m_session->clear();
    m_session->addItem(tr("All sessions"), QString());
    const QStringList ids = model ? model->sessionIds() : QStringList();
    for (const QString &id : ids)
        m_session->addItem(tr("Session %1").arg(id.left(8)), id);
    const int i = m_session->findData(current);
    m_session->setCurrentIndex(i < 0 ? 0 : i);
    m_session->setEnabled(!ids.isEmpty());
    m_session->setToolTip(ids.isEmpty() ? tr("These events carry no Glean session")
                                        : tr("Show one session's events"));
    if (i < 0 && !current.isEmpty())
        applyFilter();
}

QString EventsPanel::summaryText() const
{
    const EventListModel *model = m_timeline->model();
    if (!model)
        return {};
    if (const QString problem = scopeProblem(); !problem.isEmpty())
        return problem;
    QString text =
        model->rowCount() == model->totalCount() - model->undatedCount()
            ? (model->rowCount() == 1 ? tr("1 event") : tr("%1 events").arg(model->rowCount()))
            : tr("%1 of %2 events").arg(model->rowCount()).arg(model->totalCount() - model->undatedCount());
    if (model == m_stream) {
        text += (m_stream->pingCount() == 1 ? tr(" from 1 ping")
                                            : tr(" from %1 pings").arg(m_stream->pingCount()));
        if (m_truncated)
            text += tr(" (the newest %1)").arg(kMaxStreamPings);
        if (m_stream->undatedCount() > 0)
            text += tr("; %1 without a time left out").arg(m_stream->undatedCount());
    }
    return text;
}

void EventsPanel::updateSummary()
{
    m_summary->setText(summaryText());
}

QString EventsPanel::scopeProblem() const
{
    if (!m_current)
        return scope() == Scope::ThisPing ? QString() : tr("Select a ping to follow its stream.");
    if (scope() == Scope::DebugTag && m_current->debugId.isEmpty())
        return tr("The selected ping has no debug tag (X-Debug-ID).");
    if (scope() == Scope::Client && m_current->clientId.isEmpty())
        return tr("The selected ping has no client id.");
    return {};
}

} // namespace pingscope
