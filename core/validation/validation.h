// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <nlohmann/json_fwd.hpp>

#include <memory>

namespace pingscope {

class PipelineRegistry;
struct RegistryEntry;

// One schema violation, as the pipeline's validator would report it.
struct ValidationError
{
    // `pointer` names the value at fault: for "required" and other keywords about an object as a
    // whole, the object; for a property that is not allowed or has a bad name, that property.
    QString pointer;    // RFC 6901 JSON pointer of the instance, "" for the root
    QString schemaPath; // keyword location in the schema, e.g. "/properties/metrics/.../minimum"
    QString keyword;    // "minimum", "required", "type", "pattern", "additionalProperties", ...
    QString message;    // plain words: "`metrics.counter.app.clicks` is -3, below the minimum 0"
    // The error as production's validator (everit) words it, path first:
    // "#/events/1/timestamp: -2 is not greater or equal to 0", "#: required key [client_info] not
    // found", "#/application: extraneous key [buildID] is not permitted". everit's own wording for
    // type, required, additionalProperties, minimum/maximum, lengths, item counts, pattern and
    // multipleOf; other keywords keep `message` after everit's path.
    QString everit;
};

struct SchemaLoadError
{
    QString path;   // the schema file (or folder) that failed
    QString reason; // why, in words
};

// One compiled schema: valijson constraints plus Pingscope's own for the keywords valijson 1.0
// gets wrong or makes unsafe (pattern, patternProperties, format, type, subschema structure),
// and where it came from. Immutable after compilation; share it read-only between threads.
// (Defined here rather than only forward-declared so that callers can destroy the
// std::unique_ptr that compileSchemaFile returns.)
class CompiledSchema
{
public:
    ~CompiledSchema();
    CompiledSchema(const CompiledSchema &) = delete;
    CompiledSchema &operator=(const CompiledSchema &) = delete;

    // "<namespace>/<folder>/<docType>.<docVersion>", the file's place in the tree
    // ("glean/glean/glean-min.1"); empty for a standalone file.
    const QString &key() const;
    const QString &source() const; // "bundled:glean/glean/glean.1" or the file path
    int draft() const;             // 4, 6 or 7, from "$schema" (draft-06 runs on valijson's draft-7 rules)

    struct Private; // implementation detail (validation.cpp)
    explicit CompiledSchema(std::unique_ptr<Private> d);
    const Private &data() const { return *d; }

private:
    std::unique_ptr<Private> d;
};

// Every schema Pingscope knows: the bundled set (resources, always present unless disabled)
// and any number of user trees in the mozilla-pipeline-schemas layout
// (<root>/schemas/<namespace>/<docType>/<docType>.<docVersion>.schema.json, or <root> being the
// "schemas" folder itself). A user tree overrides the bundled copy of the same schema; later
// trees override earlier ones.
//
// Threading: immutable after load(); share it read-only between threads (std::shared_ptr).
class SchemaRegistry
{
public:
    ~SchemaRegistry();

    static std::shared_ptr<const SchemaRegistry> load(const QStringList &userRoots, bool includeBundled,
                                                      QList<SchemaLoadError> *errors);

    // nullptr when there is no such schema. docType and docVersion are those of the file name
    // <docType>.<docVersion>.schema.json, as in URLs; the generic Glean schemas are
    // ("glean", "glean", "1") and ("glean", "glean-min", "1").
    const CompiledSchema *find(const QString &ns, const QString &docType, const QString &docVersion) const;
    // A generic Glean schema by name ("glean.1", "glean-min.1"): a user tree's
    // glean/glean/<name>.schema.json, else the registry's. No URL reaches glean-min directly
    // (production looks up <docType>/<docType>.<version>), so find() does not return it.
    const CompiledSchema *generic(const QString &name) const;
    // Where the schema of this key came from ("bundled:glean/glean/glean.1" or a file path).
    QString sourceOf(const QString &ns, const QString &docType, const QString &docVersion) const;
    qsizetype size() const;
    const QStringList &roots() const; // user roots in use, in order

    // The production registry in use: the bundled snapshot, or the generated-schemas checkout
    // among the user roots that replaced it; nullptr when neither is loaded. Schemas of plain
    // (main-branch) user trees are added to it as registered doc types.
    const PipelineRegistry *pipeline() const;
    // Where the registry came from: "bundled" or the checkout's path; empty without one.
    const QString &pipelineSource() const;
    // Identifies the registry and schema set verdicts were made with: the snapshot, every user
    // root and a digest of the user schemas' contents. Stored with each verdict.
    const QString &fingerprint() const;

private:
    friend class Validator; // reads where schemas were looked for, for NoSchema notes
    SchemaRegistry();
    struct Private;
    std::unique_ptr<Private> d;
};

// The result of checking one decoded document.
struct ValidationOutcome
{
    // Unregistered: the registry has no such namespace/docType (or version); production answers
    // "No such docType" (or "No schema with name"). `errors` then holds the result of the
    // generic Glean schema, for information ("would pass glean.1 once registered").
    enum class Kind
    {
        Valid,
        Invalid,
        NoSchema,
        Unregistered
    };
    Kind kind = Kind::NoSchema;
    QString schemaKey; // the schema used, as its place in the tree (CompiledSchema::key()):
                       // "telemetry/main/main.4", "glean/glean/glean.1"; empty when none
    QString schemaSource;
    QString note;                  // e.g. "no schema for org-example-app/custom-ping; checked against the
                                   // generic Glean schema glean/glean/glean.1"; or, for NoSchema, what was
                                   // looked for and where
    QList<ValidationError> errors; // every error, not only the first
    const RegistryEntry *entry = nullptr; // the registry's entry for this ping, when it has one
    QString productionError;              // Unregistered: production's message ("No such docType: ns/dt")
    QString genericKey;                   // Unregistered: the generic schema checked instead, if any
};

// Checks documents against a registry. With a production registry (SchemaRegistry::pipeline()),
// routing is production's (ParsePayload): a user tree's schema of that name first; then the
// registry's doc type (names compared in snake_case), else Unregistered "No such docType: ns/dt";
// its version, else Unregistered "No schema with name: ns/dt/dt.v.schema.json"; the schema the
// registry names for it (glean.1 or glean-min.1 per ping, a telemetry schema...).
// Without one (no bundled registry, plain trees only):
//  - generic URLs: namespace/docType/docVersion as given;
//  - telemetry: docVersion is the body's top-level "version" (else "v"), given by the caller;
//  - when the namespace has no schema for docType/docVersion (and is not "telemetry"): a document
//    with "ping_info" or "client_info" is checked against glean/glean/glean.1; one with neither
//    but sent by a Glean SDK (`fromGleanSdk`: X-Telemetry-Agent starts with "Glean/") against
//    glean/glean/glean-min.1; `note` says so ("no schema for org-example-app/custom-ping;
//    checked against the generic Glean schema glean.1");
//  - otherwise NoSchema, naming what was looked for and where.
//
// Threading: one Validator per thread (valijson's validator is not thread-safe); reuse it.
class Validator
{
public:
    explicit Validator(std::shared_ptr<const SchemaRegistry> registry);
    ~Validator();
    Validator(const Validator &) = delete;
    Validator &operator=(const Validator &) = delete;

    ValidationOutcome validate(const QString &ns, const QString &docType, const QString &docVersion,
                               const nlohmann::json &document, bool fromGleanSdk = false);
    // Against one explicit schema (for `pingscope validate --schema FILE`).
    ValidationOutcome validateAgainst(const CompiledSchema &schema, const nlohmann::json &document);

    const std::shared_ptr<const SchemaRegistry> &registry() const { return m_registry; }

private:
    std::shared_ptr<const SchemaRegistry> m_registry;
    struct Private;
    std::unique_ptr<Private> d;
};

// The bundled registry's snapshot, as PipelineRegistry::describe() says it ("2026-07-02 (19c97f5)"),
// read without loading the registry (for --help).
QString bundledRegistrySnapshot();

// Compiles one schema file on its own; `draft` 0 = from its "$schema", else 4, 6 or 7.
std::unique_ptr<CompiledSchema> compileSchemaFile(const QString &path, int draft, QString *error);
// The same for a schema already in memory; `source` is what CompiledSchema::source() returns.
std::unique_ptr<CompiledSchema> compileSchemaJson(const nlohmann::json &document, int draft, QString *error,
                                                  const QString &source = {});

} // namespace pingscope
