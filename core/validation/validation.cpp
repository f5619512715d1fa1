// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "validation/validation.h"

#include "validation/registry.h"
#include "validation/validation_p.h"

// valijson reports problems in a schema by exception only when this is set; otherwise it
// prints and aborts. Only core/validation includes valijson.
#define VALIJSON_USE_EXCEPTIONS 1
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/constraint_builder.hpp>
#include <valijson/constraints/concrete_constraints.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validation_visitor.hpp>
#include <valijson/validator.hpp>

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>

#include <nlohmann/json.hpp>

#include <algorithm>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>

// Q_INIT_RESOURCE declares a function in the current namespace: keep it global.
static void initBundledSchemaResource()
{
    Q_INIT_RESOURCE(registry);
}

using namespace Qt::StringLiterals;
using nlohmann::json;

namespace pingscope {

using namespace pingscope::detail;

// How this works
// --------------
// valijson 1.0 has three problems with real pings: `pattern` and `patternProperties` run
// std::regex (which recurses per character and overflows the stack on long strings, and is
// rebuilt for every object), `format` builds a std::regex on every check (and throws on a
// non-string), and its error lines carry no schema location. So each schema is compiled in
// two layers:
//  - every subschema becomes a Node. Its "leaf" keywords (enum, const, required, minItems,
//    maxItems, minProperties, maxProperties) are compiled by valijson as usual, from a
//    rewritten copy of the subschema that holds only those keywords (an integral decimal
//    such as 2.0 made an integer) plus custom ones:
//      x-pingscope-type     TypeKeyword (draft-06 counts 1.0 as an integer; valijson does not)
//      x-pingscope-range    RangeKeyword: minimum, maximum, exclusiveMinimum/Maximum (both
//                           the draft-04 boolean and the draft-06 numeric form), compared
//                           exactly across 64-bit integers and doubles
//      x-pingscope-multiple MultipleOfKeyword: on the decimals as written (19.99 is a multiple
//                           of 0.01; valijson's remainder() with an absolute epsilon is not)
//      x-pingscope-length   LengthKeyword: minLength/maxLength in code points, NULs included
//      x-pingscope-format   FormatKeyword (date, time, date-time without regex; Mozilla's
//                           made-up formats datetime, json, bytes are not checked)
//      x-pingscope-pattern  PatternKeyword (QRegularExpression / PCRE2, compiled once)
//      x-pingscope-node     StructureKeyword: properties, patternProperties,
//                           additionalProperties, propertyNames, dependencies, items,
//                           additionalItems, contains, uniqueItems, allOf, anyOf, oneOf,
//                           not, if/then/else
//    Unknown keywords (mozPipelineMetadata, comment, typos) never reach valijson.
//  - "$ref" is resolved while compiling, to the Node of its target (so a recursive schema is
//    a cycle of Nodes). Before compiling, the document is scanned for "id" (draft-04) /
//    "$id" (draft-06/07) in schema positions only (not inside enum, const, default...), which
//    gives each subschema its base URI and indexes the resources and plain-name fragments
//    ("#foo") it defines; a $ref is resolved against the base of the subschema holding it
//    (RFC 3986), and keywords beside a $ref, its id included, are ignored. A $ref to the
//    draft-04/06/07 metaschema (http://json-schema.org/draft-0N/schema#) uses the bundled
//    copy (resources/metaschemas), compiled by its own draft; nothing is ever fetched.
//  - StructureKeyword descends into child values itself, with a fresh valijson
//    ValidationVisitor per child. It tags each context element it adds with the child's node
//    id: "<id>.<key>" (object member), "<id>#<index>" (array item), "<id>@<key>" (a property
//    name checked by propertyNames), "<id>=" (same value, another subschema: allOf...). The
//    last id in an error's context therefore names the subschema whose keyword failed, which
//    gives the schema path exactly; the other parts give the instance pointer.
// Errors from our own keywords carry their keyword and message encoded in the description
// (kOwnMark); valijson's own lines are recognised by their fixed wording.

// ---------------------------------------------------------------- CompiledSchema

struct CompiledSchema::Private
{
    QString key;    // "glean/glean/glean.1": the file's place in the tree, without ".schema.json"
    QString source; // "bundled:glean/glean/glean.1" or the file path
    std::shared_ptr<const SchemaCore> core;
};

CompiledSchema::CompiledSchema(std::unique_ptr<Private> p) : d(std::move(p)) {}
CompiledSchema::~CompiledSchema() = default;

const QString &CompiledSchema::key() const
{
    return d->key;
}

const QString &CompiledSchema::source() const
{
    return d->source;
}

int CompiledSchema::draft() const
{
    return d->core->draft;
}

std::unique_ptr<CompiledSchema> compileSchemaFile(const QString &path, int draft, QString *error)
{
    QString why;
    json doc;
    if (!readJsonFile(path, &doc, &why)) {
        if (error)
            *error = why;
        return nullptr;
    }
    return compileSchemaJson(doc, draft, error, path);
}

std::unique_ptr<CompiledSchema> compileSchemaJson(const nlohmann::json &document, int draft, QString *error,
                                                  const QString &source)
{
    std::string problem;
    if (draft == 0) {
        draft = draftOf(document, &problem);
    } else if (draft != 4 && draft != 6 && draft != 7) {
        problem = "draft " + std::to_string(draft) + " is not supported (4, 6 or 7)";
        draft = 0;
    }
    std::shared_ptr<const SchemaCore> core;
    if (draft != 0)
        core = compileCore(document, draft, &problem);
    if (!core) {
        if (error)
            *error = QString::fromStdString(problem);
        return nullptr;
    }
    auto p = std::make_unique<CompiledSchema::Private>();
    p->source = source;
    p->core = std::move(core);
    return std::make_unique<CompiledSchema>(std::move(p));
}

// ---------------------------------------------------------------- SchemaRegistry

namespace {

// One schema file found in a tree: <schemas>/<ns>/<folder>/<docType>.<docVersion>.schema.json.
struct SchemaFile
{
    QString ns, folder, fileName, path;
};

// Distinct compiled schemas by content, while loading.
using CoreCache = std::unordered_map<std::string, std::shared_ptr<const SchemaCore>>;

// Compiles `doc` (of `draft`), or reuses the identical schema compiled before.
std::shared_ptr<const SchemaCore> compileShared(json doc, int draft, CoreCache &cores, std::string *problem)
{
    std::string canonical = std::to_string(draft) + doc.dump();
    if (const auto it = cores.find(canonical); it != cores.end())
        return it->second;
    std::shared_ptr<const SchemaCore> core = compileCore(std::move(doc), draft, problem);
    if (core)
        cores.emplace(std::move(canonical), core);
    return core;
}

std::shared_ptr<const CompiledSchema> makeCompiled(const QString &key, const QString &source,
                                                   std::shared_ptr<const SchemaCore> core)
{
    auto p = std::make_unique<CompiledSchema::Private>();
    p->key = key;
    p->source = source;
    p->core = std::move(core);
    return std::make_shared<const CompiledSchema>(std::move(p));
}

} // namespace

struct SchemaRegistry::Private
{
    QHash<QString, std::shared_ptr<const CompiledSchema>> byKey; // user trees: snake "ns/docType/docVersion"
    QHash<QString, std::shared_ptr<const CompiledSchema>> registrySchemas; // registry entries, as byKey
    QHash<QString, std::shared_ptr<const CompiledSchema>> genericSchemas;  // "glean.1", ... (registry)
    std::shared_ptr<PipelineRegistry> pipeline;
    QString pipelineSource;
    QString fingerprint;
    QStringList roots;
    bool bundled = false;

    static QString lookupKey(const QString &ns, const QString &docType, const QString &docVersion)
    {
        return snakeCase(ns) + u'/' + snakeCase(docType) + u'/' + docVersion;
    }

    void addTree(const QString &schemasDir, CoreCache &cores, QList<SchemaLoadError> *errors,
                 QCryptographicHash *digest);
    void addFile(const SchemaFile &f, CoreCache &cores, QList<SchemaLoadError> *errors,
                 QCryptographicHash *digest);
    // Takes a registry index (bundled or built from a checkout) as the one in use.
    bool usePipeline(const QByteArray &index, const QString &source, CoreCache &cores,
                     QList<SchemaLoadError> *errors);
};

SchemaRegistry::SchemaRegistry() : d(std::make_unique<Private>()) {}
SchemaRegistry::~SchemaRegistry() = default;

void SchemaRegistry::Private::addTree(const QString &schemasDir, CoreCache &cores,
                                      QList<SchemaLoadError> *errors, QCryptographicHash *digest)
{
    std::vector<SchemaFile> files;
    const QDir root(schemasDir);
    for (const QString &ns : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        const QDir nsDir(root.filePath(ns));
        for (const QString &folder : nsDir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
            const QDir dir(nsDir.filePath(folder));
            for (const QString &file : dir.entryList({u"*.schema.json"_s}, QDir::Files, QDir::Name))
                files.push_back({ns, folder, file, dir.filePath(file)});
        }
    }
    std::sort(files.begin(), files.end(),
              [](const SchemaFile &a, const SchemaFile &b) { return a.path < b.path; });
    for (const SchemaFile &f : files)
        addFile(f, cores, errors, digest);
}

void SchemaRegistry::Private::addFile(const SchemaFile &f, CoreCache &cores, QList<SchemaLoadError> *errors,
                                      QCryptographicHash *digest)
{
    auto error = [&](const QString &reason) {
        if (errors)
            errors->append({f.path, reason});
    };
    const QString stem = f.fileName.chopped(12); // ".schema.json"
    const qsizetype dot = stem.lastIndexOf(u'.');
    if (dot <= 0 || dot == stem.size() - 1) {
        error(u"file name is not <docType>.<docVersion>.schema.json"_s);
        return;
    }
    const QString docType = stem.left(dot), version = stem.mid(dot + 1);
    const QString lookup = lookupKey(f.ns, docType, version);
    const QString displayKey = f.ns + u'/' + f.folder + u'/' + stem;
    const auto previous = byKey.constFind(lookup);
    QString keepNote;
    if (previous != byKey.constEnd())
        keepNote = u" (%1 stays in use)"_s.arg((*previous)->source());
    else if (pipeline && pipeline->find(f.ns, docType, version))
        keepNote = u" (the registry's schema stays in use)"_s;

    QString why;
    json doc;
    if (!readJsonFile(f.path, &doc, &why)) {
        error(why + keepNote);
        return;
    }
    if (digest) {
        digest->addData(displayKey.toUtf8());
        digest->addData(QByteArrayView(doc.dump()));
    }
    std::string problem;
    const int draft = draftOf(doc, &problem);
    if (draft == 0) {
        error(QString::fromStdString(problem) + keepNote);
        return;
    }
    json metadata = doc.is_object() ? doc.value("mozPipelineMetadata", json::object()) : json::object();
    // The generated per-application Glean schemas are copies of a few generic ones that differ
    // only in mozPipelineMetadata (ignored by validation): compile each distinct schema once.
    if (doc.is_object())
        doc.erase("mozPipelineMetadata");
    std::shared_ptr<const SchemaCore> core = compileShared(std::move(doc), draft, cores, &problem);
    if (!core) {
        error(QString::fromStdString(problem) + keepNote);
        return;
    }
    byKey.insert(lookup, makeCompiled(displayKey, QDir::cleanPath(QFileInfo(f.path).absoluteFilePath()),
                                      std::move(core)));
    // A schema of a user tree is a registered doc type for Pingscope (a schema author's new
    // ping), with the metadata the file carries.
    if (pipeline && !pipeline->find(f.ns, docType, version)) {
        RegistryEntry entry;
        entry.ns = f.ns;
        entry.docType = docType;
        entry.version = version;
        entry.schemaKey = displayKey;
        entry.metadata = PipelineMetadata::fromJson(metadata);
        pipeline->addEntry(std::move(entry));
    }
}

bool SchemaRegistry::Private::usePipeline(const QByteArray &index, const QString &source, CoreCache &cores,
                                          QList<SchemaLoadError> *errors)
{
    QString why;
    json schemas;
    auto reg = PipelineRegistry::fromIndex(index, &why, &schemas);
    if (!reg) {
        if (errors)
            errors->append({source, why});
        return false;
    }
    // Each distinct schema compiled once; each registry entry gets its own CompiledSchema naming
    // its own file (telemetry/main/main.4 shares first-shutdown.4's content), except the generic
    // Glean schemas, which production's per-app copies are (PIPELINE.md 1.1).
    std::unordered_map<std::string, std::shared_ptr<const SchemaCore>> bySchemaKey;
    if (schemas.is_object()) {
        for (auto &[key, doc] : schemas.items()) {
            std::string problem;
            const int draft = draftOf(doc, &problem);
            std::shared_ptr<const SchemaCore> core =
                draft != 0 ? compileShared(std::move(doc), draft, cores, &problem) : nullptr;
            if (!core) {
                if (errors)
                    errors->append(
                        {source + u": "_s + QString::fromStdString(key), QString::fromStdString(problem)});
                continue;
            }
            bySchemaKey.emplace(key, std::move(core));
        }
    }
    const QString sourcePrefix = source == u"bundled" ? u"bundled:"_s : source + u':';
    QHash<QString, std::shared_ptr<const CompiledSchema>> compiled;
    for (const RegistryEntry &e : reg->entries()) {
        const auto core = bySchemaKey.find(e.schemaKey.toStdString());
        if (core == bySchemaKey.end())
            continue;
        const QString key = e.schemaKey.startsWith(u"glean/glean/"_s)
                                ? e.schemaKey
                                : e.ns + u'/' + e.docType + u'/' + e.docType + u'.' + e.version;
        compiled.insert(lookupKey(e.ns, e.docType, e.version),
                        makeCompiled(key, sourcePrefix + key, core->second));
    }
    QHash<QString, std::shared_ptr<const CompiledSchema>> generics;
    for (const auto &[key, core] : bySchemaKey) {
        const QString k = QString::fromStdString(key);
        if (!k.startsWith(u"glean/glean/"_s))
            continue;
        generics.insert(k.mid(12), makeCompiled(k, sourcePrefix + k, core));
    }
    pipeline = std::move(reg);
    pipelineSource = source;
    registrySchemas = std::move(compiled);
    genericSchemas = std::move(generics);
    return true;
}

namespace {

// The snapshot of a generated-schemas checkout: its commit and commit date, from git when the
// folder is a repository, else the newest file time (buildRegistryIndex's default).
RegistrySnapshot snapshotOf(const QString &root)
{
    RegistrySnapshot snap;
    snap.source = u"generated-schemas checkout "_s + root;
    QProcess git;
    git.start(u"git"_s, {u"-C"_s, root, u"log"_s, u"-1"_s, u"--format=%H %cI"_s});
    if (git.waitForFinished(5000) && git.exitStatus() == QProcess::NormalExit && git.exitCode() == 0) {
        const QStringList parts = QString::fromUtf8(git.readAllStandardOutput()).trimmed().split(u' ');
        if (parts.size() == 2) {
            snap.commit = parts[0];
            const QDateTime t = QDateTime::fromString(parts[1], Qt::ISODate);
            if (t.isValid())
                snap.date = t.toUTC().toString(Qt::ISODate);
        }
    }
    return snap;
}

} // namespace

std::shared_ptr<const SchemaRegistry> SchemaRegistry::load(const QStringList &userRoots, bool includeBundled,
                                                           QList<SchemaLoadError> *errors)
{
    std::shared_ptr<SchemaRegistry> registry(new SchemaRegistry);
    Private &d = *registry->d;
    CoreCache cores;
    if (includeBundled) {
        static std::once_flag once;
        std::call_once(once, [] { ::initBundledSchemaResource(); });
        d.bundled = true;
        QFile f(u":/registry/registry.json"_s);
        if (!f.open(QIODevice::ReadOnly)) {
            if (errors)
                errors->append({f.fileName(), u"the bundled registry is missing: "_s + f.errorString()});
        } else {
            d.usePipeline(f.readAll(), u"bundled"_s, cores, errors);
        }
    }
    QCryptographicHash digest(QCryptographicHash::Sha256);
    QStringList plainTrees; // added after any generated-schemas checkout has replaced the registry
    for (const QString &root : userRoots) {
        const QFileInfo info(root);
        if (!info.isDir()) {
            if (errors)
                errors->append({root, info.exists() ? u"not a folder"_s : u"folder does not exist"_s});
            continue;
        }
        const QString absolute = QDir::cleanPath(info.absoluteFilePath());
        QDir dir(absolute);
        if (QFileInfo(dir.filePath(u"schemas"_s)).isDir())
            dir.setPath(dir.filePath(u"schemas"_s));
        d.roots.append(absolute);
        if (isGeneratedSchemasTree(dir.path())) {
            QString why;
            const QByteArray index = buildRegistryIndex(dir.path(), snapshotOf(absolute), &why);
            if (index.isEmpty()) {
                if (errors)
                    errors->append({absolute, why});
                continue;
            }
            digest.addData(QByteArrayView(index));
            d.usePipeline(index, absolute, cores, errors);
        } else {
            plainTrees.append(QDir::cleanPath(dir.absolutePath()));
        }
    }
    for (const QString &tree : plainTrees)
        d.addTree(tree, cores, errors, &digest);
    d.fingerprint = (d.pipeline ? d.pipeline->describe() + u" from "_s + d.pipelineSource : u"no registry"_s);
#ifdef __GLIBC__
    // Loading parses megabytes of JSON that is freed again: give those pages back.
    malloc_trim(0);
#endif
    if (!d.roots.isEmpty())
        d.fingerprint += u"; "_s + d.roots.join(u", "_s) + u"; sha256:"_s +
                         QString::fromLatin1(digest.result().toHex().left(16));
    return registry;
}

const CompiledSchema *SchemaRegistry::find(const QString &ns, const QString &docType,
                                           const QString &docVersion) const
{
    if (const auto it = d->byKey.constFind(Private::lookupKey(ns, docType, docVersion));
        it != d->byKey.constEnd())
        return it->get();
    const auto it = d->registrySchemas.constFind(Private::lookupKey(ns, docType, docVersion));
    return it == d->registrySchemas.constEnd() ? nullptr : it->get();
}

QString SchemaRegistry::sourceOf(const QString &ns, const QString &docType, const QString &docVersion) const
{
    const CompiledSchema *s = find(ns, docType, docVersion);
    return s ? s->source() : QString();
}

qsizetype SchemaRegistry::size() const
{
    qsizetype n = d->registrySchemas.size();
    for (auto it = d->byKey.cbegin(); it != d->byKey.cend(); ++it)
        n += d->registrySchemas.contains(it.key()) ? 0 : 1;
    return n;
}

const QStringList &SchemaRegistry::roots() const
{
    return d->roots;
}

QString bundledRegistrySnapshot()
{
    static std::once_flag once;
    std::call_once(once, [] { ::initBundledSchemaResource(); });
    QFile f(u":/registry/registry.json"_s);
    if (!f.open(QIODevice::ReadOnly))
        return u"(missing)"_s;
    // The snapshot is a small flat object near the end: read it without parsing the rest.
    const QByteArray index = f.readAll();
    const qsizetype at = index.lastIndexOf("\"snapshot\":");
    const qsizetype open = at < 0 ? -1 : index.indexOf('{', at);
    const qsizetype close = open < 0 ? -1 : index.indexOf('}', open);
    const json snap =
        close < 0 ? json() : json::parse(index.mid(open, close - open + 1).toStdString(), nullptr, false);
    if (!snap.is_object())
        return u"(unreadable)"_s;
    RegistrySnapshot s;
    s.commit = QString::fromStdString(snap.value("commit", ""));
    s.date = QString::fromStdString(snap.value("date", ""));
    return s.describe();
}

const CompiledSchema *SchemaRegistry::generic(const QString &name) const
{
    const qsizetype dot = name.lastIndexOf(u'.');
    if (const auto it = d->byKey.constFind(Private::lookupKey(u"glean"_s, name.left(dot), name.mid(dot + 1)));
        dot > 0 && it != d->byKey.constEnd())
        return it->get();
    const auto it = d->genericSchemas.constFind(name);
    return it == d->genericSchemas.constEnd() ? nullptr : it->get();
}

const PipelineRegistry *SchemaRegistry::pipeline() const
{
    return d->pipeline.get();
}

const QString &SchemaRegistry::pipelineSource() const
{
    return d->pipelineSource;
}

const QString &SchemaRegistry::fingerprint() const
{
    return d->fingerprint;
}

// ---------------------------------------------------------------- Validator

struct Validator::Private
{
    valijson::Validator engine; // strict types; its regex cache stays unused
};

Validator::Validator(std::shared_ptr<const SchemaRegistry> registry)
    : m_registry(std::move(registry)), d(std::make_unique<Private>())
{
}

Validator::~Validator() = default;

namespace {

// The generic Glean schema a body would be checked against without a registered doc type.
QString genericGleanFor(const QString &ns, const json &document, bool fromGleanSdk)
{
    if (ns == u"telemetry")
        return {};
    if (document.is_object() && (document.contains("ping_info") || document.contains("client_info")))
        return u"glean"_s;
    return fromGleanSdk ? u"glean-min"_s : QString();
}

} // namespace

ValidationOutcome Validator::validate(const QString &ns, const QString &docType, const QString &docVersion,
                                      const nlohmann::json &document, bool fromGleanSdk)
{
    const SchemaRegistry *reg = m_registry.get();
    const PipelineRegistry *pipeline = reg ? reg->pipeline() : nullptr;
    if (pipeline && !ns.isEmpty() && !docType.isEmpty()) {
        const RegistryEntry *entry = docVersion.isEmpty() ? nullptr : pipeline->find(ns, docType, docVersion);
        if (const auto user =
                reg->d->byKey.constFind(SchemaRegistry::Private::lookupKey(ns, docType, docVersion));
            !docVersion.isEmpty() && user != reg->d->byKey.constEnd()) {
            ValidationOutcome out = validateAgainst(**user, document);
            out.entry = entry;
            return out;
        }
        QString production;
        if (!pipeline->docTypeExists(ns, docType))
            production = u"No such docType: %1/%2"_s.arg(ns, docType);
        else if (docVersion.isEmpty())
            production = u"Element was assumed to be a telemetry message because it contains no "
                         u"document_version attribute, but the payload does not include the top-level "
                         u"'version' or 'v' field expected for a telemetry document"_s;
        else if (!entry)
            production = u"No schema with name: %1/%2/%2.%3.schema.json"_s.arg(ns, docType, docVersion);
        if (production.isEmpty()) {
            if (const CompiledSchema *schema = reg->find(ns, docType, docVersion)) {
                ValidationOutcome out = validateAgainst(*schema, document);
                out.entry = entry;
                return out;
            }
            ValidationOutcome out;
            out.kind = ValidationOutcome::Kind::NoSchema;
            out.entry = entry;
            out.note =
                u"the registry names %1 for %2/%3/%4, but it did not load (see the schema load errors)"_s.arg(
                    entry->schemaKey, ns, docType, docVersion);
            return out;
        }
        // Unregistered: production keeps no row of it. Say what the generic schema thinks.
        ValidationOutcome out;
        const QString generic = genericGleanFor(ns, document, fromGleanSdk);
        const CompiledSchema *genericSchema = generic.isEmpty() ? nullptr : reg->generic(generic + u".1"_s);
        if (genericSchema) {
            out = validateAgainst(*genericSchema, document);
            out.genericKey = genericSchema->key();
        }
        out.kind = ValidationOutcome::Kind::Unregistered;
        out.productionError = production;
        const QString versions = pipeline->versions(ns, docType).join(u", "_s);
        QString note = production + u" (registry "_s + pipeline->describe() + u')';
        if (!versions.isEmpty() && !docVersion.isEmpty())
            note += u"; it has version(s) %1"_s.arg(versions);
        if (genericSchema)
            note += out.errors.isEmpty()
                        ? u"; the body would pass %1 once registered"_s.arg(genericSchema->key())
                        : u"; the body would also fail %1 (%2 errors)"_s.arg(genericSchema->key())
                              .arg(out.errors.size());
        out.note = note;
        return out;
    }

    const QString wanted =
        ns + u'/' + docType + u'/' + (docVersion.isEmpty() ? u"(no version)"_s : docVersion);
    if (reg && !ns.isEmpty() && !docType.isEmpty() && !docVersion.isEmpty()) {
        if (const CompiledSchema *schema = reg->find(ns, docType, docVersion))
            return validateAgainst(*schema, document);
    }

    const QString fallbackType = genericGleanFor(ns, document, fromGleanSdk);
    const QString fallback = fallbackType.isEmpty() ? QString() : fallbackType + u".1"_s;
    if (reg && !fallback.isEmpty()) {
        if (const CompiledSchema *schema = reg->generic(fallback)) {
            ValidationOutcome out = validateAgainst(*schema, document);
            out.note = ns.isEmpty() && docType.isEmpty()
                           ? u"a Glean ping of unknown application and ping type: checked against the "
                             u"generic Glean schema %1"_s.arg(schema->key())
                           : u"no schema for %1; checked against the generic Glean schema %2"_s.arg(
                                 wanted, schema->key());
            return out;
        }
    }

    ValidationOutcome out;
    out.kind = ValidationOutcome::Kind::NoSchema;
    QStringList places;
    if (reg && reg->d->bundled)
        places << u"the bundled schemas"_s;
    if (reg)
        places << reg->roots();
    const QString where =
        places.isEmpty() ? u"no schemas are loaded"_s : u"looked in "_s + places.join(u", "_s);
    QString why;
    if (ns.isEmpty() || docType.isEmpty())
        why = u"; the URL names no namespace and document type"_s;
    else if (docVersion.isEmpty())
        why = ns == u"telemetry" ? u"; the document has no top-level \"version\" (or \"v\")"_s
                                 : u"; the URL names no document version"_s;
    else if (ns == u"telemetry")
        why = u"; legacy telemetry pings have no generic fallback"_s;
    else if (!fallback.isEmpty())
        why = u"; the generic Glean schema glean/glean/%1 is not loaded either"_s.arg(fallback);
    else
        why = u"; not a Glean ping (no ping_info or client_info, not sent by a Glean SDK)"_s;
    out.note = u"no schema for %1 (%2)%3"_s.arg(wanted, where, why);
    return out;
}

ValidationOutcome Validator::validateAgainst(const CompiledSchema &schema, const nlohmann::json &document)
{
    ValidationOutcome out;
    out.schemaKey = schema.key();
    out.schemaSource = schema.source();
    const SchemaCore &core = *schema.data().core;

    Results results;
    bool ok = true;
    QString stopped;
    if (core.root->kind == Node::Kind::False) {
        ok = false;
        stopped = u"the schema rejects every document (it is `false`)"_s;
    } else if (core.root->kind == Node::Kind::Normal) {
        t_depth = 0;
        try {
            // Most pings pass: check without collecting first (no context, stops at the first
            // error), and only a document that fails is checked again for all of its errors.
            ok = d->engine.validate(core.root->leaf, JsonAdapter(document), nullptr);
            if (!ok) {
                t_depth = 0;
                ok = d->engine.validate(core.root->leaf, JsonAdapter(document), &results);
            }
        } catch (const std::exception &e) {
            ok = false;
            stopped = u"validation stopped: "_s + QString::fromUtf8(e.what());
        }
    }

    QSet<QString> seen;
    QHash<QString, int> missingSeen; // required errors so far per object
    qsizetype dropped = 0;
    for (const Results::Error &e : results) {
        const Location loc = locate(e.context);
        const Node *node = nullptr;
        if (loc.node == kRootNode)
            node = core.root;
        else if (loc.node >= 0 && static_cast<size_t>(loc.node) < core.nodes.size())
            node = core.nodes[static_cast<size_t>(loc.node)].get();

        ValidationError err;
        err.pointer = pointerOf(loc.steps);
        OwnError own;
        std::string suffix;
        if (decodeOwn(e.description, &own)) {
            err.keyword = QString::fromStdString(own.keyword);
            err.message = QString::fromStdString(own.message);
            // A false subschema has no keyword of its own: its location is the subschema's.
            suffix =
                !own.schemaSuffix.empty() || own.keyword == "false" ? own.schemaSuffix : "/" + own.keyword;
        } else {
            json holder;
            const json *value = valueAt(document, loc.steps, &holder);
            const Described dsc =
                describeValijson(e.description, value, node ? node->source : nullptr, loc, core.draft);
            err.keyword = QString::fromStdString(dsc.keyword);
            err.message = QString::fromStdString(dsc.message);
            suffix = dsc.keyword.empty() ? std::string() : "/" + dsc.keyword;
        }
        if (node)
            err.schemaPath = QString::fromStdString(node->path + suffix);
        {
            json holder;
            const json *value = valueAt(document, loc.steps, &holder);
            // additionalProperties and required: the object, not the property
            const json *schemaNode = node ? node->source : nullptr;
            const int index = err.keyword == u"required" ? missingSeen[err.pointer]++ : 0;
            err.everit = everitMessage(err, value, schemaNode, index);
        }

        const QString identity = err.pointer + QChar(u'\0') + err.keyword + QChar(u'\0') + err.message;
        if (seen.contains(identity))
            continue;
        if (out.errors.size() >= kMaxErrors) {
            ++dropped;
            continue;
        }
        seen.insert(identity);
        out.errors.append(std::move(err));
    }
    if (dropped > 0)
        out.errors.append({QString(), QString(), QString(),
                           u"%1 more errors not listed (at most %2 are kept)"_s.arg(dropped).arg(kMaxErrors),
                           QString()});
    if (!stopped.isEmpty())
        out.errors.append({QString(), QString(), QString(), stopped, QString()});
    if (!ok && out.errors.isEmpty())
        out.errors.append(
            {QString(), QString(), QString(), u"the document does not match the schema"_s, QString()});
    out.kind = out.errors.isEmpty() ? ValidationOutcome::Kind::Valid : ValidationOutcome::Kind::Invalid;
    return out;
}

} // namespace pingscope
