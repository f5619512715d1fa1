// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "ping/ping.h"

#include <QWidget>

#include <vector>

class QLabel;
class QTreeWidget;

namespace pingscope {

// The Attempts tab: every request sent with the selected ping's docId, oldest first (a client's
// retries), with when each came, the gap to the one before, what it was answered (a fault
// rule's answer included) and its verdict. The selected ping's row is current; activating a
// row selects that ping in the list.
class AttemptsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit AttemptsPanel(QWidget *parent = nullptr);
    // `attempts`: the requests with current's docId, oldest first (current among them).
    void setPing(const PingRecord &current, const std::vector<PingRecord> &attempts);
    void clear();
    // "the first 2 attempts answered 503, the 3rd 200, 4.2 s after the first" (tests too).
    QString summary() const;

Q_SIGNALS:
    void pingActivated(qint64 id);

private:
    QLabel *m_summary = nullptr;
    QTreeWidget *m_list = nullptr;
};

// "1.2 s", "87 ms", "3 min 20 s": a gap between two attempts.
QString formatGap(qint64 ms);

} // namespace pingscope
