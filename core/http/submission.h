// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "http/httpparser.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace pingscope {

// One request as the capture server received it, before any decoding. A value type: it is
// handed from the server thread to an ingest worker.
struct RawSubmission
{
    qint64 receivedAtUs = 0; // UTC, microseconds since the epoch
    QByteArray method;
    QByteArray path;
    QByteArray query;
    QList<HttpHeader> headers;
    QByteArray body; // exactly as received; for a refused request, its first bytes
    QString peer;
    qint64 declaredLength = -1; // Content-Length, when given
    bool bodyTruncated = false; // body holds only the first bytes (refused requests)
    int answerStatus = 200;     // what the server answers once the record is committed
    QString refusedReason;      // non-empty: the server refused the request with answerStatus
    QString fault;              // what a fault rule made of the answer (PingRecord::fault)
    QString source;             // imported: where the request came from (PingRecord::source)
};

// What became of a submission the capture server handed on (the server answers from it):
// the result of writing its record, reported after its transaction committed (or failed).
struct WriteResult
{
    quint64 ticket = 0; // the caller's token (the capture server's connection/request id)
    qint64 id = 0;      // the record's id in the store; 0 when the write failed
    bool ok = false;
    bool diskFull = false;  // the disk is full, or the store reached its size limit (507)
    bool storeFull = false; // the store reached its size limit (StoreOptions::maxBytes)
    bool storeGone = false; // the store file was deleted or replaced while open
    QString error;
};

} // namespace pingscope
