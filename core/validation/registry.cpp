// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "validation/registry.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QTimeZone>

#include <algorithm>
#include <map>

using namespace Qt::StringLiterals;
using nlohmann::json;

namespace pingscope {

namespace {

constexpr int kIndexFormat = 1;

bool isLower(QChar c)
{
    return c >= u'a' && c <= u'z';
}
bool isUpper(QChar c)
{
    return c >= u'A' && c <= u'Z';
}
bool isDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}
bool isWord(QChar c) // Java's \w after '_' became a space: ASCII letters and digits
{
    return isLower(c) || isUpper(c) || isDigit(c);
}

// After position p of s, skipping digits, the next character satisfies pred.
template <typename Pred> bool nextAfterDigits(const QString &s, qsizetype p, Pred pred)
{
    while (p < s.size() && isDigit(s[p]))
        ++p;
    return p < s.size() && pred(s[p]);
}

std::string toStd(const QString &s)
{
    return s.toStdString();
}

QString fromStd(const std::string &s)
{
    return QString::fromStdString(s);
}

bool readJson(const QString &path, json *out, QString *error)
{
    constexpr qint64 kMaxBytes = 64 * 1024 * 1024; // regular files of a bounded size only
    if (const QFileInfo info(path); !info.isFile() || info.size() > kMaxBytes) {
        *error = u"%1: not a regular file of at most 64 MiB: not read"_s.arg(path);
        return false;
    }
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = u"%1: %2"_s.arg(path, f.errorString());
        return false;
    }
    const QByteArray bytes = f.read(kMaxBytes + 1);
    if (bytes.size() > kMaxBytes) {
        *error = u"%1: grew past 64 MiB while being read: not read"_s.arg(path);
        return false;
    }
    *out = json::parse(bytes.begin(), bytes.end(), nullptr, false);
    if (out->is_discarded()) {
        *error = u"%1: not JSON"_s.arg(path);
        return false;
    }
    return true;
}

// The generic schemas' identity: everything but the keys a generated copy changes.
std::string genericIdentity(json doc)
{
    if (doc.is_object())
        for (const char *k : {"mozPipelineMetadata", "$id", "title", "description"})
            doc.erase(k);
    return doc.dump();
}

QStringList sortedEntries(const QDir &dir, QDir::Filters filters, const QStringList &nameFilters = {})
{
    QStringList names = dir.entryList(nameFilters, filters | QDir::NoDotAndDotDot);
    std::sort(names.begin(), names.end()); // byte order, not locale: the index must be stable
    return names;
}

// Metric columns of a .bq file: the "metrics" record's type records and their field names.
json metricColumnsOf(const json &bq)
{
    json out = json::object();
    if (!bq.is_array())
        return out;
    for (const json &field : bq) {
        if (!field.is_object() || field.value("name", "") != "metrics" || !field.contains("fields"))
            continue;
        for (const json &type : field["fields"]) {
            if (!type.is_object() || !type.contains("fields"))
                continue;
            std::vector<std::string> names;
            for (const json &column : type["fields"])
                if (column.is_object() && column.contains("name") && column["name"].is_string())
                    names.push_back(column["name"].get<std::string>());
            std::sort(names.begin(), names.end());
            out[type.value("name", "")] = names;
        }
    }
    return out;
}

QString newestFileTime(const QString &dir)
{
    QDateTime newest;
    QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        const QDateTime t = it.fileInfo().lastModified();
        if (!newest.isValid() || t > newest)
            newest = t;
    }
    return newest.isValid() ? newest.toUTC().toString(Qt::ISODate) : QString();
}

} // namespace

QString snakeCase(QStringView input)
{
    // Fast path, same result: with no upper-case letter only the \b boundaries split, so the
    // words are the runs of letters and digits, joined by '_' (Glean metric names, URLs' names).
    if (std::none_of(input.begin(), input.end(), isUpper)) {
        QString out;
        out.reserve(input.size());
        bool pending = false;
        for (const QChar c : input) {
            if (isWord(c)) {
                if (pending && !out.isEmpty())
                    out.append(u'_');
                pending = false;
                out.append(c);
            } else {
                pending = true;
            }
        }
        return out;
    }
    // SnakeCase.format works on the reversed name, where '_' and every character that is not a
    // Java \w become spaces, splits it at zero-width word boundaries, trims, lower-cases, drops
    // empty words, joins with '_' and reverses back.
    QString s;
    s.reserve(input.size());
    for (qsizetype i = input.size() - 1; i >= 0; --i) {
        const QChar c = input[i];
        s.append(isWord(c) ? c : QChar(u' '));
    }
    const qsizetype n = s.size();
    auto boundary = [&](qsizetype p) {
        const bool before = p > 0 && isWord(s[p - 1]);
        const bool after = p < n && isWord(s[p]);
        if (before != after)
            return true; // \b
        if (p >= 2 && isLower(s[p - 2]) && isUpper(s[p - 1]) &&
            (nextAfterDigits(s, p, isUpper) || nextAfterDigits(s, p, isLower)))
            return true; // A7Aa -> A7|Aa, a7Aa -> a7|Aa
        if (p >= 1 && isUpper(s[p - 1]) && nextAfterDigits(s, p, isLower))
            return true; // a7A -> a7|A
        return false;
    };
    QStringList words;
    qsizetype start = 0;
    for (qsizetype p = 1; p <= n; ++p) {
        if (p == n || boundary(p)) {
            const QString word = s.mid(start, p - start).trimmed().toLower();
            if (!word.isEmpty())
                words.append(word);
            start = p;
        }
    }
    QString joined = words.join(u'_');
    std::reverse(joined.begin(), joined.end());
    return joined;
}

QString bigQueryColumnName(QStringView name)
{
    const QString snake = snakeCase(name);
    return !name.isEmpty() && isDigit(name[0]) ? u'_' + snake : snake;
}

bool isGeneratedSchemasTree(const QString &dirPath)
{
    QDir dir(dirPath);
    if (QFileInfo(dir.filePath(u"schemas"_s)).isDir())
        dir.setPath(dir.filePath(u"schemas"_s));
    // <ns>/<docType>/<file>.bq, without walking all of a large tree
    for (const QString &ns : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QDir nsDir(dir.filePath(ns));
        for (const QString &dt : nsDir.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
            if (!QDir(nsDir.filePath(dt)).entryList({u"*.bq"_s}, QDir::Files).isEmpty())
                return true;
    }
    return false;
}

QByteArray buildRegistryIndex(const QString &schemasDir, const RegistrySnapshot &snapshot, QString *error)
{
    const QDir root(schemasDir);
    if (!root.exists()) {
        *error = u"%1: folder does not exist"_s.arg(schemasDir);
        return {};
    }
    // The generic Glean schemas, which every generated Glean schema copies (PIPELINE.md 1.1).
    std::map<std::string, std::string> generic; // identity -> key
    std::map<std::string, json> genericDocs;
    const QDir gleanDir(root.filePath(u"glean/glean"_s));
    for (const QString &file : sortedEntries(gleanDir, QDir::Files, {u"*.schema.json"_s})) {
        json doc;
        if (!readJson(gleanDir.filePath(file), &doc, error))
            return {};
        const std::string key = "glean/glean/" + toStd(file.chopped(12));
        generic.emplace(genericIdentity(doc), key);
        doc.erase("mozPipelineMetadata");
        genericDocs.emplace(key, std::move(doc));
    }
    if (generic.empty()) {
        *error = u"%1 has no glean/glean/*.schema.json: not a mozilla-pipeline-schemas schemas folder"_s.arg(
            schemasDir);
        return {};
    }

    json schemas = json::object();
    for (const auto &[key, doc] : genericDocs) // kept even when no doc type names one (glean-min.2)
        schemas[key] = doc;
    std::map<std::string, std::string> contentToKey; // other schemas, by content
    json columnSets = json::array();
    std::map<std::string, int> columnSetIndex;
    json namespaces = json::object();

    for (const QString &ns : sortedEntries(root, QDir::Dirs)) {
        const QDir nsDir(root.filePath(ns));
        json &docTypes = namespaces[toStd(ns)] = json::object();
        for (const QString &dt : sortedEntries(nsDir, QDir::Dirs)) {
            const QDir dtDir(nsDir.filePath(dt));
            json &versions = docTypes[toStd(dt)] = json::object();
            for (const QString &file : sortedEntries(dtDir, QDir::Files, {u"*.schema.json"_s})) {
                const QString stem = file.chopped(12);
                const qsizetype dot = stem.lastIndexOf(u'.');
                if (dot <= 0 || snakeCase(stem.left(dot)) != snakeCase(dt))
                    continue; // not <docType>.<version>: production's lookup never reaches it
                const QString version = stem.mid(dot + 1);
                json doc;
                if (!readJson(dtDir.filePath(file), &doc, error))
                    return {};
                if (!doc.is_object()) {
                    *error = u"%1: not a JSON object"_s.arg(dtDir.filePath(file));
                    return {};
                }
                json entry = json::object();
                entry["metadata"] = doc.value("mozPipelineMetadata", json::object());
                std::string schemaKey;
                if (const auto g = generic.find(genericIdentity(doc)); g != generic.end()) {
                    schemaKey = g->second;
                } else {
                    doc.erase("mozPipelineMetadata");
                    std::string content = doc.dump();
                    const auto [it, added] =
                        contentToKey.emplace(std::move(content), toStd(ns + u'/' + dt + u'/' + stem));
                    schemaKey = it->second;
                    if (added)
                        schemas[schemaKey] = std::move(doc);
                }
                entry["schema"] = schemaKey;
                const QString bqPath = dtDir.filePath(stem + u".bq"_s);
                if (QFileInfo::exists(bqPath)) {
                    json bq;
                    if (!readJson(bqPath, &bq, error))
                        return {};
                    const json columns = metricColumnsOf(bq);
                    if (!columns.empty()) {
                        const auto [it, added] =
                            columnSetIndex.emplace(columns.dump(), static_cast<int>(columnSets.size()));
                        if (added)
                            columnSets.push_back(columns);
                        entry["columns"] = it->second;
                    }
                }
                versions[toStd(version)] = std::move(entry);
            }
        }
    }

    json index = json::object();
    index["format"] = kIndexFormat;
    index["snapshot"] = {
        {"commit", toStd(snapshot.commit)},
        {"date", toStd(snapshot.date.isEmpty() ? newestFileTime(schemasDir) : snapshot.date)},
        {"source", toStd(snapshot.source)}};
    index["schemas"] = std::move(schemas);
    index["columns"] = std::move(columnSets);
    index["namespaces"] = std::move(namespaces);
    return QByteArray::fromStdString(index.dump(0) + "\n");
}

QString RegistryEntry::table() const
{
    if (metadata.bqDatasetFamily.isEmpty() || metadata.bqTable.isEmpty())
        return {};
    return metadata.bqDatasetFamily + u'.' + metadata.bqTable;
}

QString PipelineRegistry::key(const QString &ns, const QString &docType)
{
    return snakeCase(ns) + u'/' + snakeCase(docType);
}

PipelineMetadata PipelineMetadata::fromJson(const json &m)
{
    PipelineMetadata out;
    if (!m.is_object())
        return out;
    out.raw = m;
    auto str = [&](const json &o, const char *k) {
        const auto it = o.find(k);
        return it != o.end() && it->is_string() ? fromStd(it->get<std::string>()) : QString();
    };
    out.bqDatasetFamily = str(m, "bq_dataset_family");
    out.bqTable = str(m, "bq_table");
    out.submissionTimestampGranularity = str(m, "submission_timestamp_granularity");
    out.sampleIdSourceUuidAttribute = str(m, "sample_id_source_uuid_attribute");
    if (const auto p = m.find("sample_id_source_uuid_payload_path"); p != m.end() && p->is_array())
        for (const json &step : *p)
            if (step.is_string())
                out.sampleIdSourceUuidPayloadPath.append(fromStd(step.get<std::string>()));
    if (const auto e = m.find("expiration_policy"); e != m.end() && e->is_object()) {
        out.collectThroughDate = str(*e, "collect_through_date");
        if (const auto d = e->find("delete_after_days"); d != e->end() && d->is_number_integer())
            out.deleteAfterDays = d->get<int>();
    }
    if (const auto b = m.find("include_client_id"); b != m.end() && b->is_boolean())
        out.includeClientId = b->get<bool>();
    if (const auto b = m.find("include_info_sections"); b != m.end() && b->is_boolean())
        out.includeInfoSections = b->get<bool>();
    return out;
}

std::shared_ptr<const PipelineRegistry> PipelineRegistry::fromIndex(const QByteArray &index, QString *error)
{
    return fromIndex(index, error, nullptr);
}

std::shared_ptr<PipelineRegistry> PipelineRegistry::fromIndex(const QByteArray &index, QString *error,
                                                              nlohmann::json *schemasOut)
{
    json doc = json::parse(index.begin(), index.end(), nullptr, false);
    if (!doc.is_object() || doc.value("format", 0) != kIndexFormat || !doc.contains("namespaces")) {
        if (error)
            *error = u"not a Pingscope registry index (format %1)"_s.arg(kIndexFormat);
        return nullptr;
    }
    // NOLINTNEXTLINE(modernize-make-shared): the constructor is private
    auto reg = std::shared_ptr<PipelineRegistry>(new PipelineRegistry);
    const json &snap = doc["snapshot"];
    if (snap.is_object()) {
        reg->m_snapshot.commit = fromStd(snap.value("commit", ""));
        reg->m_snapshot.date = fromStd(snap.value("date", ""));
        reg->m_snapshot.source = fromStd(snap.value("source", ""));
    }
    for (const json &set : doc.value("columns", json::array())) {
        QHash<QString, QSet<QString>> columns;
        for (const auto &[type, names] : set.items()) {
            QSet<QString> &s = columns[fromStd(type)];
            s.reserve(static_cast<qsizetype>(names.size()));
            for (const json &name : names)
                s.insert(fromStd(name.get<std::string>()));
        }
        reg->m_columnSets.append(std::move(columns));
    }
    for (const auto &[ns, docTypes] : doc["namespaces"].items()) {
        reg->m_namespaces.insert(snakeCase(fromStd(ns)));
        for (const auto &[dt, versions] : docTypes.items()) {
            const QString nsName = fromStd(ns), dtName = fromStd(dt);
            QSet<QString> &known = reg->m_docTypes[key(nsName, dtName)];
            for (const auto &[v, e] : versions.items()) {
                RegistryEntry entry;
                entry.ns = nsName;
                entry.docType = dtName;
                entry.version = fromStd(v);
                entry.schemaKey = fromStd(e.value("schema", ""));
                entry.metadata = PipelineMetadata::fromJson(e.value("metadata", json::object()));
                entry.columnSet = e.value("columns", -1);
                if (entry.columnSet >= reg->m_columnSets.size())
                    entry.columnSet = -1;
                known.insert(entry.version);
                reg->m_entries.emplace(key(nsName, dtName) + u'/' + entry.version, std::move(entry));
            }
        }
    }
    if (schemasOut)
        *schemasOut = std::move(doc["schemas"]);
    return reg;
}

QString RegistrySnapshot::describe() const
{
    QString day = date.left(10);
    if (day.isEmpty())
        day = u"undated"_s;
    return commit.isEmpty() ? day : u"%1 (%2)"_s.arg(day, commit.left(7));
}

bool PipelineRegistry::docTypeExists(const QString &ns, const QString &docType) const
{
    if (ns.isEmpty() || docType.isEmpty())
        return false;
    return m_docTypes.contains(key(ns, docType));
}

const RegistryEntry *PipelineRegistry::find(const QString &ns, const QString &docType,
                                            const QString &version) const
{
    const auto it = m_entries.constFind(key(ns, docType) + u'/' + version);
    return it == m_entries.constEnd() ? nullptr : &*it;
}

QStringList PipelineRegistry::destinationTables(const RegistryEntry &entry) const
{
    QStringList out;
    const json &raw = entry.metadata.raw;
    const auto split = raw.is_object() ? raw.find("split_config") : raw.end();
    if (!raw.is_object() || split == raw.end() || !split->is_object()) {
        if (!entry.table().isEmpty())
            out.append(entry.table());
        return out;
    }
    if (split->value("preserve_original", false) && !entry.table().isEmpty())
        out.append(entry.table());
    auto add = [&](const json &target) {
        if (!target.is_object())
            return;
        const RegistryEntry *e = find(QString::fromStdString(target.value("document_namespace", "")),
                                      QString::fromStdString(target.value("document_type", "")),
                                      QString::fromStdString(target.value("document_version", "")));
        if (e && !e->table().isEmpty())
            out.append(e->table());
    };
    if (split->contains("remainder"))
        add((*split)["remainder"]);
    if (const auto subsets = split->find("subsets"); subsets != split->end() && subsets->is_array())
        for (const json &t : *subsets)
            add(t);
    return out;
}

QStringList PipelineRegistry::versions(const QString &ns, const QString &docType) const
{
    QStringList out = m_docTypes.value(key(ns, docType)).values();
    std::sort(out.begin(), out.end(), [](const QString &a, const QString &b) {
        return a.toInt() != b.toInt() ? a.toInt() < b.toInt() : a < b;
    });
    return out;
}

const QHash<QString, QSet<QString>> *PipelineRegistry::metricColumns(const RegistryEntry &entry) const
{
    if (entry.columnSet < 0 || entry.columnSet >= m_columnSets.size())
        return nullptr;
    return &m_columnSets[entry.columnSet];
}

void PipelineRegistry::addEntry(RegistryEntry entry)
{
    const QString k = key(entry.ns, entry.docType);
    m_namespaces.insert(snakeCase(entry.ns));
    m_docTypes[k].insert(entry.version);
    m_entries.emplace(k + u'/' + entry.version, std::move(entry));
}

} // namespace pingscope
