// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "ping/ping.h"

#include <QWidget>

#include <functional>
#include <optional>
#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QTimer;

namespace pingscope {

class EventTimeline;
class EventsModel;
class EventStreamModel;

// The Events tab: the selected ping's events, or an event stream over many pings (the same
// debug tag, the same client, or every ping the table shows), on the timeline with its table,
// filtered by event name and session id.
//
// Threading: GUI thread only.
class EventsPanel : public QWidget
{
    Q_OBJECT
public:
    enum class Scope
    {
        ThisPing,
        DebugTag,
        Client,
        CurrentFilter
    };
    Q_ENUM(Scope)
    // At most this many pings (the newest) feed an event stream.
    static constexpr int kMaxStreamPings = 5000;

    // Gives the pings (with payloads, newest first, at most `limit`) of a scope for the
    // current ping; only pings with an id greater than `afterId` when it is not 0.
    using PingSource = std::function<std::vector<PingRecord>(Scope scope, const PingRecord &current,
                                                             qint64 afterId, int limit)>;

    explicit EventsPanel(QWidget *parent = nullptr);
    ~EventsPanel() override;

    void setPingSource(PingSource source);
    // The selected ping (nullptr: none).
    void setPing(const PingRecord *record);
    // New pings were stored: a stream catches up (coalesced, at most once a second).
    void pingsArrived();

    void setScope(Scope scope);
    Scope scope() const;
    void setNameFilter(const QString &text);
    void setSessionFilter(const QString &sessionId);

    EventsModel *pingEvents() const { return m_ping; }
    EventStreamModel *stream() const { return m_stream; }
    EventTimeline *timeline() const { return m_timeline; }
    QString summaryText() const;
    // Why the chosen stream cannot be shown (no debug tag, no client id), or empty.
    QString scopeProblem() const;
    // Reloads the stream now (normally on scope changes and arrivals).
    void reloadStream(bool incremental = false);

Q_SIGNALS:
    // The user asked to see the ping an event came from (double click in a stream).
    void pingActivated(qint64 id);

private:
    void applyFilter();
    void refreshSessions();
    void updateSummary();

    PingSource m_source;
    std::optional<PingRecord> m_current; // summary and payload of the selected ping
    EventsModel *m_ping = nullptr;
    EventStreamModel *m_stream = nullptr;
    EventTimeline *m_timeline = nullptr;
    QComboBox *m_scope = nullptr;
    QLineEdit *m_name = nullptr;
    QComboBox *m_session = nullptr;
    QLabel *m_summary = nullptr;
    QTimer *m_filterTimer = nullptr;
    QTimer *m_arrivalTimer = nullptr;
    bool m_truncated = false;
};

} // namespace pingscope
