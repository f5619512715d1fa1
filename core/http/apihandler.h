// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "http/httpparser.h"

#include <QByteArray>
#include <QObject>

#include <functional>
#include <optional>

namespace pingscope {

// Answers the requests under /pingscope/ (the query API and the health routes). The capture
// server owns it and moves it to its own thread ("query-api"); every call below runs there.
// The capture thread only parses and routes, so a slow answer never holds up a ping's.
// The implementation (ApiWorker, in queryapi.h) is outside this layer.
class ApiHandler : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    // The response to one request. A streamed answer (a long list) gives its head and first
    // part with *more set; nextPart() gives the rest as the connection asks for it, and
    // dropStream() ends it early (the client went away).
    // nullopt: the answer comes later, through the deliver function (a long poll), still on
    // this thread.
    virtual std::optional<QByteArray> handle(const HttpRequest &request, bool close, quint64 ticket,
                                             bool *more) = 0;
    // How a deferred answer goes out (set by the server before any request; called on this
    // thread): the response bytes, and whether more parts follow (nextPart).
    using Deliver = std::function<void(quint64 ticket, QByteArray response, bool more)>;
    void setDeliver(Deliver deliver) { m_deliver = std::move(deliver); }
    virtual QByteArray nextPart(quint64 ticket, bool *more) = 0;
    virtual void dropStream(quint64 ticket) = 0;
    // Before its thread stops: drop streams and close read connections on the thread that
    // opened them.
    virtual void shutdown() = 0;

protected:
    Deliver m_deliver;
};

} // namespace pingscope
