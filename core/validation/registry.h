// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>

namespace pingscope {

// The production registry: which namespace/docType/version the pipeline deploys, which JSON
// Schema each uses, its mozPipelineMetadata, and the metric columns of its BigQuery table.
// Built from the `generated-schemas` branch of mozilla-pipeline-schemas (buildRegistryIndex,
// run by tools/update-registry for the bundled copy and at start for a --schemas checkout of
// that branch), then read back (PipelineRegistry::fromIndex).

// gcp-ingestion's SnakeCase.format (ingestion-core util/SnakeCase.java, the same rules as
// jsonschema-transpiler's --normalize-case): how the decoder compares namespace and docType
// names, and how BigQuery column names are made from metric names.
QString snakeCase(QStringView name);
// The BigQuery column of a JSON field (PubsubMessageToObjectNode.convertNameForBq): snake_case,
// with '_' before a leading digit.
QString bigQueryColumnName(QStringView name);

struct RegistrySnapshot
{
    QString commit; // of the generated-schemas branch; may be empty (a tarball without one)
    QString date;   // ISO 8601 UTC: the commit date, else the newest file time in the tree
    QString source; // what it was built from, e.g. "mozilla-pipeline-schemas generated-schemas"

    // "2026-07-02 (19c97f5)", for status lines and --help.
    QString describe() const;
};

// Reads <schemasDir>/<namespace>/<docType>/<docType>.<version>.schema.json and .bq files into
// the index (deterministic JSON text: the same tree gives the same bytes). schemasDir is the
// `schemas` folder of the branch. Empty on failure, with *error set.
QByteArray buildRegistryIndex(const QString &schemasDir, const RegistrySnapshot &snapshot, QString *error);

// True when `dir` (a checkout root or its schemas folder) looks like the generated-schemas
// branch: BigQuery .bq files beside the JSON Schemas.
bool isGeneratedSchemasTree(const QString &dir);

// mozPipelineMetadata, the parts the decoder acts on.
struct PipelineMetadata
{
    QString bqDatasetFamily;                       // "firefox_desktop"
    QString bqTable;                               // "newtab_v1"
    QString collectThroughDate;                    // expiration_policy.collect_through_date, ISO date
    int deleteAfterDays = 0;                       // expiration_policy.delete_after_days
    std::optional<bool> includeClientId;           // include_client_id
    std::optional<bool> includeInfoSections;       // include_info_sections (false: glean-min)
    QString submissionTimestampGranularity;        // "seconds", ...
    QString sampleIdSourceUuidAttribute;           // sample_id_source_uuid_attribute
    QStringList sampleIdSourceUuidPayloadPath;     // sample_id_source_uuid_payload_path
    nlohmann::json raw = nlohmann::json::object(); // everything, as in the schema

    // Reads a schema's mozPipelineMetadata object (anything else gives empty metadata).
    static PipelineMetadata fromJson(const nlohmann::json &metadata);
};

struct RegistryEntry
{
    QString ns, docType, version; // as named in the registry
    QString schemaKey;            // "glean/glean/glean.1", "telemetry/main/main.4", ...
    PipelineMetadata metadata;
    int columnSet = -1; // index into metric column sets; -1: no metrics columns known

    // "firefox_desktop.newtab_v1", or "" when the metadata names no table.
    QString table() const;
};

class PipelineRegistry
{
public:
    // Reads an index made by buildRegistryIndex. nullptr on a malformed index, with *error set.
    static std::shared_ptr<const PipelineRegistry> fromIndex(const QByteArray &index, QString *error);
    // The same, handing the index's JSON Schemas (key -> schema document, without its metadata)
    // to the caller, which compiles them; the registry itself keeps none.
    static std::shared_ptr<PipelineRegistry> fromIndex(const QByteArray &index, QString *error,
                                                       nlohmann::json *schemasOut);

    const RegistrySnapshot &snapshot() const { return m_snapshot; }
    QString describe() const { return m_snapshot.describe(); }

    // Production's docTypeExists: a namespace/docType folder exists, names compared in snake_case.
    bool docTypeExists(const QString &ns, const QString &docType) const;
    // nullptr when there is no such version (production: "No schema with name: ...").
    const RegistryEntry *find(const QString &ns, const QString &docType, const QString &version) const;
    // The tables a ping of this entry reaches: its own, or with split_config (telemetry/main/4)
    // the remainder's and subsets' tables (and its own only with preserve_original).
    QStringList destinationTables(const RegistryEntry &entry) const;
    // The versions the registry has for ns/docType (sorted), for messages.
    QStringList versions(const QString &ns, const QString &docType) const;

    // BigQuery metric columns of an entry's table: type -> set of column names ("newtab_locale").
    // nullptr when the table has no metrics record (or the entry none known).
    const QHash<QString, QSet<QString>> *metricColumns(const RegistryEntry &entry) const;

    qsizetype namespaceCount() const { return m_namespaces.size(); }
    qsizetype entryCount() const { return m_entries.size(); }
    const QHash<QString, RegistryEntry> &entries() const { return m_entries; }

    // Adds an entry (a schema from a user tree that the snapshot does not have). Used while
    // SchemaRegistry loads, before the registry is shared.
    void addEntry(RegistryEntry entry);

private:
    static QString key(const QString &ns, const QString &docType);
    RegistrySnapshot m_snapshot;
    QHash<QString, QSet<QString>> m_docTypes; // snake ns/dt -> versions
    QHash<QString, RegistryEntry> m_entries;  // snake ns/dt + "/" + version
    QList<QHash<QString, QSet<QString>>> m_columnSets;
    QSet<QString> m_namespaces; // snake case
};

} // namespace pingscope
