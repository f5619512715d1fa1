// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "http/apihandler.h"
#include "http/faults.h"
#include "http/httpparser.h"
#include "store/store.h"
#include "validation/validation.h"

#include <QElapsedTimer>
#include <QTimer>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace pingscope {

// The rest of a long answer, made a part at a time as the client reads it (an API list of
// 100,000 pings is 80 MB of JSON: never held whole). Used on the query API's thread only.
class ApiStream
{
public:
    virtual ~ApiStream() = default;
    // The next part of the body; empty when it is all out.
    virtual QByteArray next() = 0;
};

struct ApiAnswer
{
    ApiAnswer() = default;
    ApiAnswer(QByteArray whole) : bytes(std::move(whole)) {} // NOLINT: a whole response converts
    QByteArray bytes;                                        // a whole response, when there is no stream
    std::shared_ptr<ApiStream> stream; // set: the body comes in parts, with this status and type
    int status = 200;
    QByteArray contentType;
    QList<HttpHeader> headers; // of a streamed answer (X-Total-Count)
};

// A streamed answer read to its end, as one response with its length (HTTP/1.0 clients, which
// cannot take chunks, tests and benchmarks); a whole one as it is.
QByteArray wholeResponse(ApiAnswer &&answer, bool close);

// The JSON query API under /pingscope/v1/ (for scripts and CI), plus the health routes and
// a short index page. Lives on the query API's thread (ApiWorker); reads through its own
// StoreReader.
class QueryApi
{
public:
    // `revalidate(start)`: starts a re-check of stored pings when `start`, and returns the
    // re-check's status (for /pingscope/v1/revalidate); empty: the route answers 503.
    explicit QueryApi(Store *store, std::shared_ptr<const SchemaRegistry> schemas = {},
                      QList<SchemaLoadError> schemaErrors = {},
                      std::function<nlohmann::json(bool start)> revalidate = {});
    ~QueryApi();

    // Returns complete HTTP response bytes (a streamed answer read to its end).
    QByteArray handle(const HttpRequest &request, bool close);
    // A list of pings streams: its status and type here, its body from answer.stream (the
    // capture server sends it in chunks).
    ApiAnswer answer(const HttpRequest &request, bool close);
    // A list request with wait=SECONDS&min=N that has fewer than N matching pings now: how long
    // to wait (ms) and how to count; nullopt when it is answered at once (no wait, enough pings,
    // or a bad request, which answer() words).
    struct LongPoll
    {
        qint64 waitMs = 0;
        qint64 min = 0;
        PingQuery query;
    };
    std::optional<LongPoll> longPoll(const HttpRequest &request);
    qint64 countMatching(const PingQuery &query);
    // The fault rules /pingscope/v1/faults reads and sets (null: the route answers 503).
    void setFaults(std::shared_ptr<FaultInjector> faults) { m_faults = std::move(faults); }

private:
    ApiAnswer faultsAnswer(const HttpRequest &request, bool close);
    std::shared_ptr<FaultInjector> m_faults;
    Store *m_store;
    std::unique_ptr<StoreReader> m_reader;
    nlohmann::json registryJson() const;
    std::shared_ptr<const SchemaRegistry> m_schemas;
    QList<SchemaLoadError> m_schemaErrors;
    std::function<nlohmann::json(bool start)> m_revalidate;
};

// The query API's thread ("query-api", owned by the capture server): answers API requests with
// its own read connection, and sends long lists as HTTP/1.1 chunks, one part at a time.
class ApiWorker : public ApiHandler
{
    Q_OBJECT
public:
    explicit ApiWorker(Store *store);
    ~ApiWorker() override;
    std::optional<QByteArray> handle(const HttpRequest &request, bool close, quint64 ticket,
                                     bool *more) override;
    QByteArray nextPart(quint64 ticket, bool *more) override;
    void dropStream(quint64 ticket) override;
    void shutdown() override;
    // Before the worker moves to its thread, or on that thread (queued): requests sent before
    // are answered with what they were sent with; the API is made again on the next request.
    void configure(std::shared_ptr<const SchemaRegistry> schemas, QList<SchemaLoadError> errors,
                   std::function<nlohmann::json(bool start)> revalidate);
    // Before the worker moves to its thread: the rules /pingscope/v1/faults shows and changes.
    void setFaults(std::shared_ptr<FaultInjector> faults) { m_faults = std::move(faults); }

private:
    std::shared_ptr<FaultInjector> m_faults;
    Store *m_store;
    std::unique_ptr<QueryApi> m_api;
    std::shared_ptr<const SchemaRegistry> m_schemas;
    QList<SchemaLoadError> m_schemaErrors;
    std::function<nlohmann::json(bool start)> m_revalidate;
    std::map<quint64, std::shared_ptr<ApiStream>> m_streams; // by ticket: chunked answers going out
    // Long polls (GET /pingscope/v1/pings?wait=S&min=N) waiting for their pings, checked every
    // 100 ms on this thread.
    struct Waiting
    {
        HttpRequest request;
        bool close = false;
        quint64 ticket = 0;
        qint64 deadlineMs = 0;
        QueryApi::LongPoll poll;
    };
    std::vector<Waiting> m_waiting;
    QTimer *m_pollTimer = nullptr;
    QElapsedTimer m_clock;
    void checkWaiting();
    QueryApi &api();
    // The response bytes of an answer, its first part when it streams (*more set).
    QByteArray respond(ApiAnswer &&a, const HttpRequest &request, bool close, quint64 ticket, bool *more);
};

// JSON forms shared by the API and the command line.
nlohmann::json summaryJson(const PingRecord &record);
nlohmann::json detailJson(const PingRecord &record);
// The rules in force, with how many requests each took (GET /pingscope/v1/faults).
nlohmann::json faultsJson(const FaultInjector &faults);
// Rules from a PUT body {"rules": ["first=2,status=503", {"doctype": "baseline", "status": 500}]};
// nullopt with `error` naming the rule and what is wrong with it.
std::optional<std::vector<FaultRule>> faultRulesFromJson(const nlohmann::json &body, QString *error);
// The attempts of one docId, oldest first: when each came, what it was answered, the gaps.
nlohmann::json attemptsJson(const std::vector<PingRecord> &attempts);

} // namespace pingscope
