#pragma once

#include "httpparser.h"
#include "store.h"
#include "validation.h"

#include <functional>
#include <memory>

#include <nlohmann/json_fwd.hpp>

namespace pingscope {

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

    // Returns complete HTTP response bytes.
    QByteArray handle(const HttpRequest &request, bool close);

private:
    Store *m_store;
    std::unique_ptr<StoreReader> m_reader;
    nlohmann::json registryJson() const;
    std::shared_ptr<const SchemaRegistry> m_schemas;
    QList<SchemaLoadError> m_schemaErrors;
    std::function<nlohmann::json(bool start)> m_revalidate;
};

// JSON forms shared by the API and the command line.
nlohmann::json summaryJson(const PingRecord &record);
nlohmann::json detailJson(const PingRecord &record);

} // namespace pingscope
