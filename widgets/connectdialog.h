// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include <QDialog>

namespace pingscope {

// Ready-to-copy snippets that point an app at the capture endpoint on `port`.
class ConnectDialog : public QDialog
{
    Q_OBJECT
public:
    ConnectDialog(const QString &endpointUrl, quint16 port, QWidget *parent = nullptr);

    struct Snippet
    {
        QString title;
        QString text;
    };
    static QList<Snippet> snippets(const QString &endpointUrl, quint16 port);
};

} // namespace pingscope
