// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// Compiling a schema document into Nodes: ids, $ref resolution, our keywords.
#include "validation/validation_p.h"

// Q_INIT_RESOURCE declares a function in the current namespace: keep it global.
static void initMetaschemaResource()
{
    Q_INIT_RESOURCE(metaschemas);
}

namespace pingscope::detail {

// ---------------------------------------------------------------- compiling

class OwnKeywordBuilder : public valijson::ConstraintBuilder
{
public:
    OwnKeywordBuilder(OwnKeyword which, const std::vector<std::unique_ptr<Node>> *nodes)
        : m_which(which), m_nodes(nodes)
    {
    }

    valijson::constraints::Constraint *make(const AnyAdapter &value) const override
    {
        int64_t id = -1;
        if (!value.asInteger(id) || id < 0 || static_cast<size_t>(id) >= m_nodes->size())
            throw CompileError("internal: bad node reference");
        const Node *node = (*m_nodes)[static_cast<size_t>(id)].get();
        return makeOwnKeyword(m_which, node);
    }

private:
    OwnKeyword m_which;
    const std::vector<std::unique_ptr<Node>> *m_nodes;
};

// URIs (RFC 3986), as far as resolving "$id" and "$ref" needs them.
struct Uri
{
    std::string scheme, authority, path, query, fragment;
    bool hasAuthority = false, hasQuery = false, hasFragment = false;

    static Uri parse(std::string_view s)
    {
        Uri u;
        size_t i = 0;
        if (const size_t colon = s.find(':');
            colon != std::string_view::npos && colon > 0 && std::isalpha(static_cast<unsigned char>(s[0]))) {
            bool scheme = true;
            for (size_t j = 1; j < colon && scheme; ++j) {
                const auto c = static_cast<unsigned char>(s[j]);
                scheme = std::isalnum(c) || c == '+' || c == '-' || c == '.';
            }
            if (scheme) {
                u.scheme = std::string(s.substr(0, colon));
                i = colon + 1;
            }
        }
        if (s.substr(i, 2) == "//") {
            i += 2;
            const size_t end = std::min(s.find_first_of("/?#", i), s.size());
            u.hasAuthority = true;
            u.authority = std::string(s.substr(i, end - i));
            i = end;
        }
        size_t end = std::min(s.find_first_of("?#", i), s.size());
        u.path = std::string(s.substr(i, end - i));
        i = end;
        if (i < s.size() && s[i] == '?') {
            end = std::min(s.find('#', i), s.size());
            u.hasQuery = true;
            u.query = std::string(s.substr(i + 1, end - i - 1));
            i = end;
        }
        if (i < s.size() && s[i] == '#') {
            u.hasFragment = true;
            u.fragment = std::string(s.substr(i + 1));
        }
        return u;
    }

    std::string withoutFragment() const
    {
        std::string out;
        if (!scheme.empty())
            out += scheme + ':';
        if (hasAuthority)
            out += "//" + authority;
        out += path;
        if (hasQuery)
            out += '?' + query;
        return out;
    }

    static std::string removeDotSegments(std::string in)
    {
        std::string out;
        auto popLast = [&out] {
            const size_t slash = out.rfind('/');
            out.erase(slash == std::string::npos ? 0 : slash);
        };
        while (!in.empty()) {
            if (in.rfind("../", 0) == 0) {
                in.erase(0, 3);
            } else if (in.rfind("./", 0) == 0) {
                in.erase(0, 2);
            } else if (in.rfind("/./", 0) == 0) {
                in.replace(0, 3, "/");
            } else if (in == "/.") {
                in = "/";
            } else if (in.rfind("/../", 0) == 0) {
                in.replace(0, 4, "/");
                popLast();
            } else if (in == "/..") {
                in = "/";
                popLast();
            } else if (in == "." || in == "..") {
                in.clear();
            } else {
                const size_t next = in.find('/', in[0] == '/' ? 1 : 0);
                out += in.substr(0, next);
                in.erase(0, next);
            }
        }
        return out;
    }

    // RFC 3986 section 5.2.2: `ref` resolved against `base`.
    static Uri resolve(const Uri &base, const Uri &ref)
    {
        Uri t;
        if (!ref.scheme.empty()) {
            t = ref;
            t.path = removeDotSegments(ref.path);
        } else {
            if (ref.hasAuthority) {
                t.hasAuthority = true;
                t.authority = ref.authority;
                t.path = removeDotSegments(ref.path);
                t.hasQuery = ref.hasQuery;
                t.query = ref.query;
            } else {
                if (ref.path.empty()) {
                    t.path = base.path;
                    t.hasQuery = ref.hasQuery || base.hasQuery;
                    t.query = ref.hasQuery ? ref.query : base.query;
                } else {
                    if (ref.path[0] == '/') {
                        t.path = removeDotSegments(ref.path);
                    } else if (base.hasAuthority && base.path.empty()) {
                        t.path = removeDotSegments("/" + ref.path);
                    } else {
                        const size_t slash = base.path.rfind('/');
                        t.path = removeDotSegments(
                            (slash == std::string::npos ? std::string() : base.path.substr(0, slash + 1)) +
                            ref.path);
                    }
                    t.hasQuery = ref.hasQuery;
                    t.query = ref.query;
                }
                t.hasAuthority = base.hasAuthority;
                t.authority = base.authority;
            }
            t.scheme = base.scheme;
        }
        t.hasFragment = ref.hasFragment;
        t.fragment = ref.fragment;
        return t;
    }
};

std::string percentDecoded(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            int v = 0;
            std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16);
            out += static_cast<char>(v);
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

// The base URI of a schema document without an id of its own (never shown; any hierarchical
// URI would do: relative ids and refs resolve against it).
const char *const kDocumentBase = "pingscope:///schema.json";

// The draft-04/06/07 metaschemas, bundled (resources/metaschemas): 0 when `uri` (without
// fragment) is none of them.
int metaschemaDraft(const std::string &uri)
{
    for (const int draft : {4, 6, 7}) {
        const std::string tail = "://json-schema.org/draft-0" + std::to_string(draft) + "/schema";
        if (uri == "http" + tail || uri == "https" + tail)
            return draft;
    }
    return 0;
}

const json &bundledMetaschema(int draft)
{
    static std::once_flag once;
    static std::map<int, json> documents;
    std::call_once(once, [] {
        ::initMetaschemaResource();
        for (const int d : {4, 6, 7}) {
            QFile f(u":/metaschemas/draft-0%1.json"_s.arg(d));
            if (!f.open(QIODevice::ReadOnly))
                continue;
            const QByteArray bytes = f.readAll();
            try {
                documents[d] = json::parse(bytes.begin(), bytes.end());
            } catch (const std::exception &) {
            }
        }
    });
    static const json missing;
    const auto it = documents.find(draft);
    return it == documents.end() ? missing : it->second;
}

class Compiler
{
public:
    explicit Compiler(SchemaCore &core)
        : m_core(core), m_parser4(valijson::SchemaParser::kDraft4), m_parser7(valijson::SchemaParser::kDraft7)
    {
        for (valijson::SchemaParser *parser : {&m_parser4, &m_parser7}) {
            for (const auto &[name, which] : {std::pair{"x-pingscope-type", OwnKeyword::Type},
                                              {"x-pingscope-range", OwnKeyword::Range},
                                              {"x-pingscope-multiple", OwnKeyword::MultipleOf},
                                              {"x-pingscope-length", OwnKeyword::Length},
                                              {"x-pingscope-format", OwnKeyword::Format},
                                              {"x-pingscope-pattern", OwnKeyword::Pattern},
                                              {"x-pingscope-node", OwnKeyword::Structure}})
                parser->addConstraintBuilder(name, new OwnKeywordBuilder(which, &core.nodes));
        }
    }

    void compileRoot()
    {
        scanDocument(m_core.document, kDocumentBase, "", m_core.draft);
        m_core.root = compile(m_core.document, "", 0, kDocumentBase, m_core.draft);
    }

private:
    // What the scan learnt about a subschema: its base URI (after its own id) and draft.
    struct SchemaInfo
    {
        std::string base;
        int draft = 7;
    };
    // A subschema that an id or a document URI names.
    struct Place
    {
        const json *value = nullptr;
        std::string path;
    };

    [[noreturn]] static void fail(const std::string &path, const std::string &why)
    {
        throw CompileError((path.empty() ? std::string("at the root") : "at " + path) + ": " + why);
    }

    static const char *idKeyword(int draft) { return draft == 4 ? "id" : "$id"; }

    // ---- the scan: ids in schema positions only (never inside enum, const, default...)

    void scanDocument(const json &doc, const std::string &uri, const std::string &path, int draft)
    {
        m_resources.emplace(Uri::parse(uri).withoutFragment(), Place{&doc, path});
        scan(doc, uri, path, draft, 0);
    }

    void scan(const json &s, const std::string &base, const std::string &path, int draft, int depth)
    {
        if (depth > kMaxSchemaDepth)
            return; // compiling says so, if the schema is used that deep
        if (s.is_boolean())
            m_info.emplace(&s, SchemaInfo{base, draft});
        if (!s.is_object())
            return;
        std::string here = base;
        const auto ref = s.find("$ref");
        const auto id = s.find(idKeyword(draft));
        // Beside a $ref every keyword is ignored, its id included.
        if ((ref == s.end() || !ref->is_string()) && id != s.end() && id->is_string()) {
            const Uri resolved =
                Uri::resolve(Uri::parse(base), Uri::parse(id->get_ref<const std::string &>()));
            here = resolved.withoutFragment();
            if (resolved.fragment.empty() || resolved.fragment[0] == '/')
                m_resources.emplace(here, Place{&s, path});
            else // "#foo", "other.json#foo": a plain-name fragment
                m_anchors.emplace(here + '#' + resolved.fragment, Place{&s, path});
        }
        m_info.emplace(&s, SchemaInfo{here, draft});

        auto one = [&](const char *k) {
            if (const auto it = s.find(k); it != s.end())
                scan(*it, here, path + '/' + k, draft, depth + 1);
        };
        auto list = [&](const char *k) {
            if (const auto it = s.find(k); it != s.end() && it->is_array())
                for (size_t i = 0; i < it->size(); ++i)
                    scan((*it)[i], here, path + '/' + k + '/' + std::to_string(i), draft, depth + 1);
        };
        auto map = [&](const char *k) {
            if (const auto it = s.find(k); it != s.end() && it->is_object())
                for (const auto &[name, child] : it->items())
                    scan(child, here, path + '/' + k + '/' + escapeToken(name), draft, depth + 1);
        };
        one("additionalItems");
        one("additionalProperties");
        one("not");
        if (const auto it = s.find("items"); it != s.end() && it->is_array())
            list("items");
        else
            one("items");
        if (draft >= 6) {
            one("contains");
            one("propertyNames");
        }
        if (draft >= 7) {
            one("if");
            one("then");
            one("else");
        }
        for (const char *k : {"allOf", "anyOf", "oneOf"})
            list(k);
        for (const char *k : {"properties", "patternProperties", "definitions", "dependencies"})
            map(k);
    }

    // ---- compiling

    valijson::SchemaParser &parserFor(int draft) { return draft == 4 ? m_parser4 : m_parser7; }

    Node *newNode(const json &source, const std::string &path, const SchemaInfo &info)
    {
        auto node = std::make_unique<Node>();
        node->id = static_cast<long>(m_core.nodes.size());
        node->path = path;
        node->source = &source;
        node->core = &m_core;
        node->draft = info.draft;
        node->base = info.base;
        Node *n = node.get();
        m_core.nodes.push_back(std::move(node));
        return n;
    }

    // `parentBase` and `parentDraft` are used only for a subschema the scan did not see (a
    // $ref may point anywhere in a document).
    const Node *compile(const json &s, const std::string &path, int depth, const std::string &parentBase,
                        int parentDraft)
    {
        if (const auto it = m_compiled.find(&s); it != m_compiled.end())
            return it->second;
        if (depth > kMaxSchemaDepth)
            fail(path, "the schema is nested more than " + std::to_string(kMaxSchemaDepth) + " levels deep");
        SchemaInfo info{parentBase, parentDraft};
        if (const auto it = m_info.find(&s); it != m_info.end())
            info = it->second;
        const int draft = info.draft;
        if (s.is_boolean()) {
            if (draft == 4)
                fail(path, "a schema must be an object in draft-04, not true/false");
            Node *n = newNode(s, path, info);
            n->kind = s.get<bool>() ? Node::Kind::Trivial : Node::Kind::False;
            m_compiled.emplace(&s, n);
            return n;
        }
        if (!s.is_object())
            fail(path, "expected a schema (an object), found " + std::string(s.type_name()));
        if (const auto ref = s.find("$ref"); ref != s.end()) {
            if (!ref->is_string())
                fail(path + "/$ref", "$ref must be a string");
            if (!m_resolving.insert(&s).second)
                fail(path + "/$ref", "circular $ref " + quote(ref->get_ref<const std::string &>()));
            const Node *target = resolveRef(ref->get_ref<const std::string &>(), info, path, depth);
            m_resolving.erase(&s);
            m_compiled.emplace(&s, target);
            return target;
        }

        Node *n = newNode(s, path, info);
        m_compiled.emplace(&s, n); // before the children: a recursive $ref finds it
        json leaf = json::object();
        auto has = [&](const char *k) { return s.find(k) != s.end(); };
        auto at = [&](const char *k) -> const json & { return s.find(k).value(); };
        auto sub = [&](const char *k) { return path + "/" + k; };

        // Keywords valijson checks as it should. The counts may be written 2.0 (draft-06 on
        // says "a non-negative integer", and 2.0 is one); valijson wants 2.
        for (const char *k : {"enum", "required"})
            if (has(k))
                leaf[k] = at(k);
        for (const char *k : {"minItems", "maxItems", "minProperties", "maxProperties"})
            if (has(k))
                leaf[k] = integralCount(at(k), sub(k));
        if (draft >= 6 && has("const"))
            leaf["const"] = at("const");

        compileNumbers(*n, s, path);
        if (n->minimum || n->maximum || n->exclusiveMinimum || n->exclusiveMaximum)
            leaf["x-pingscope-range"] = n->id;
        if (n->multipleOf)
            leaf["x-pingscope-multiple"] = n->id;
        if (has("minLength"))
            n->minLength = integralCount(at("minLength"), sub("minLength"));
        if (has("maxLength"))
            n->maxLength = integralCount(at("maxLength"), sub("maxLength"));
        if (n->minLength || n->maxLength)
            leaf["x-pingscope-length"] = n->id;

        if (has("type")) {
            n->typeMask = parseType(at("type"), sub("type"));
            leaf["x-pingscope-type"] = n->id;
        }
        if (has("format") && at("format").is_string()) {
            const auto &f = at("format").get_ref<const std::string &>();
            // Only the standard date/time formats are checked (valijson checks these three
            // too); datetime, json, bytes (Mozilla's own names), uri, hostname... are not.
            if (f == "date")
                n->format = Format::Date;
            else if (f == "time")
                n->format = Format::Time;
            else if (f == "date-time")
                n->format = Format::DateTime;
            if (n->format != Format::None)
                leaf["x-pingscope-format"] = n->id;
        }
        if (has("pattern")) {
            if (!at("pattern").is_string())
                fail(sub("pattern"), "pattern must be a string");
            n->pattern = compilePattern(at("pattern").get_ref<const std::string &>(), sub("pattern"));
            leaf["x-pingscope-pattern"] = n->id;
        }

        compileObjectKeywords(*n, s, path, depth);
        compileArrayKeywords(*n, s, path, depth);
        compileCombinators(*n, s, path, depth);
        if (n->hasObjectKeywords || n->hasArrayKeywords || n->hasCombinators)
            leaf["x-pingscope-node"] = n->id;

        if (leaf.empty()) {
            n->kind = Node::Kind::Trivial;
            return n;
        }
        try {
            parserFor(draft).populateSchema(JsonAdapter(leaf), n->leaf);
        } catch (const CompileError &) {
            throw;
        } catch (const std::exception &e) {
            fail(path, e.what());
        }
        return n;
    }

    // A child subschema of `parent`.
    const Node *child(const Node &parent, const json &s, const std::string &path, int depth)
    {
        return compile(s, path, depth, parent.base, parent.draft);
    }

    // A non-negative integer (minLength, maxItems...): 2.0 counts as 2.
    static uint64_t integralCount(const json &v, const std::string &path)
    {
        if (v.is_number_unsigned())
            return v.get<uint64_t>();
        if (v.is_number_integer() && v.get<int64_t>() >= 0)
            return static_cast<uint64_t>(v.get<int64_t>());
        if (v.is_number_float()) {
            const double d = v.get<double>();
            if (d >= 0 && std::trunc(d) == d && d < 18446744073709551616.0)
                return static_cast<uint64_t>(d);
        }
        fail(path, "expected a non-negative integer, found " + renderSchemaValue(v));
    }

    void compileNumbers(Node &n, const json &s, const std::string &path)
    {
        auto number = [&](const char *k) -> const json * {
            const auto it = s.find(k);
            if (it == s.end())
                return nullptr;
            if (!it->is_number())
                fail(path + "/" + k, std::string(k) + " must be a number");
            return &*it;
        };
        n.minimum = number("minimum");
        n.maximum = number("maximum");
        n.multipleOf = number("multipleOf");
        if (n.multipleOf && !(n.multipleOf->get<double>() > 0))
            fail(path + "/multipleOf", "multipleOf must be greater than 0");
        for (const char *k : {"exclusiveMinimum", "exclusiveMaximum"}) {
            const auto it = s.find(k);
            if (it == s.end())
                continue;
            const bool isMin = std::strcmp(k, "exclusiveMinimum") == 0;
            if (n.draft == 4) { // a modifier of minimum/maximum, ignored without them
                if (!it->is_boolean())
                    fail(path + "/" + k, std::string(k) + " must be true or false in draft-04");
                (isMin ? n.minimumExclusive : n.maximumExclusive) = it->get<bool>();
            } else {
                (isMin ? n.exclusiveMinimum : n.exclusiveMaximum) = number(k);
            }
        }
    }

    // Where an absent or trivial subschema means "no constraint". additionalProperties and
    // additionalItems may be true/false in every draft, draft-04 included.
    const Node *compileOptional(const Node &parent, const json &s, const std::string &path, int depth,
                                bool booleanAllowed = false)
    {
        if (booleanAllowed && s.is_boolean()) {
            if (s.get<bool>())
                return nullptr;
            Node *n = newNode(s, path, SchemaInfo{parent.base, parent.draft});
            n->kind = Node::Kind::False;
            return n;
        }
        const Node *n = child(parent, s, path, depth);
        return n->kind == Node::Kind::Trivial ? nullptr : n;
    }

    void compileObjectKeywords(Node &n, const json &s, const std::string &path, int depth)
    {
        if (const auto it = s.find("properties"); it != s.end()) {
            if (!it->is_object())
                fail(path + "/properties", "properties must be an object");
            for (const auto &[name, c] : it->items())
                n.properties.emplace_back(name,
                                          child(n, c, path + "/properties/" + escapeToken(name), depth + 1));
            std::sort(n.properties.begin(), n.properties.end(),
                      [](const auto &a, const auto &b) { return a.first < b.first; });
            n.hasObjectKeywords = true;
        }
        if (const auto it = s.find("patternProperties"); it != s.end()) {
            if (!it->is_object())
                fail(path + "/patternProperties", "patternProperties must be an object");
            for (const auto &[source, c] : it->items()) {
                const std::string childPath = path + "/patternProperties/" + escapeToken(source);
                n.patternProperties.emplace_back(compilePattern(source, childPath),
                                                 child(n, c, childPath, depth + 1));
            }
            n.hasObjectKeywords = true;
        }
        if (const auto it = s.find("additionalProperties"); it != s.end()) {
            n.additionalProperties = compileOptional(n, *it, path + "/additionalProperties", depth + 1, true);
            n.hasObjectKeywords = true;
        }
        if (const auto it = s.find("propertyNames"); it != s.end() && n.draft >= 6) {
            n.propertyNames = compileOptional(n, *it, path + "/propertyNames", depth + 1);
            n.hasObjectKeywords = true;
        }
        if (const auto it = s.find("dependencies"); it != s.end()) {
            if (!it->is_object())
                fail(path + "/dependencies", "dependencies must be an object");
            for (const auto &[name, dep] : it->items()) {
                if (dep.is_array()) {
                    std::vector<std::string> names;
                    for (const auto &d : dep) {
                        if (!d.is_string())
                            fail(path + "/dependencies/" + escapeToken(name),
                                 "property dependencies must be strings");
                        names.push_back(d.get<std::string>());
                    }
                    n.propertyDependencies.emplace_back(name, std::move(names));
                } else if (const Node *c = compileOptional(
                               n, dep, path + "/dependencies/" + escapeToken(name), depth + 1)) {
                    n.schemaDependencies.emplace_back(name, c);
                }
            }
            n.hasObjectKeywords = true;
        }
    }

    void compileArrayKeywords(Node &n, const json &s, const std::string &path, int depth)
    {
        if (const auto it = s.find("items"); it != s.end()) {
            if (it->is_array()) {
                n.hasTupleItems = true;
                for (size_t i = 0; i < it->size(); ++i)
                    n.tupleItems.push_back(
                        child(n, (*it)[i], path + "/items/" + std::to_string(i), depth + 1));
                if (const auto extra = s.find("additionalItems"); extra != s.end())
                    n.additionalItems =
                        compileOptional(n, *extra, path + "/additionalItems", depth + 1, true);
            } else {
                n.items = compileOptional(n, *it, path + "/items", depth + 1);
            }
            n.hasArrayKeywords = true;
        }
        if (const auto it = s.find("contains"); it != s.end() && n.draft >= 6) {
            n.contains = child(n, *it, path + "/contains", depth + 1);
            n.hasArrayKeywords = true;
        }
        if (const auto it = s.find("uniqueItems"); it != s.end()) {
            if (!it->is_boolean())
                fail(path + "/uniqueItems", "uniqueItems must be true or false");
            n.uniqueItems = it->get<bool>();
            n.hasArrayKeywords = n.hasArrayKeywords || n.uniqueItems;
        }
    }

    void compileCombinators(Node &n, const json &s, const std::string &path, int depth)
    {
        for (const auto &[keyword, list] :
             {std::pair{"allOf", &n.allOf}, {"anyOf", &n.anyOf}, {"oneOf", &n.oneOf}}) {
            const auto it = s.find(keyword);
            if (it == s.end())
                continue;
            if (!it->is_array() || it->empty())
                fail(path + "/" + keyword, std::string(keyword) + " must be a non-empty array of schemas");
            for (size_t i = 0; i < it->size(); ++i)
                list->push_back(
                    child(n, (*it)[i], path + "/" + keyword + "/" + std::to_string(i), depth + 1));
            n.hasCombinators = true;
        }
        if (const auto it = s.find("not"); it != s.end()) {
            n.notSchema = child(n, *it, path + "/not", depth + 1);
            n.hasCombinators = true;
        }
        if (const auto it = s.find("if"); it != s.end() && n.draft >= 7) {
            n.ifSchema = child(n, *it, path + "/if", depth + 1);
            if (const auto t = s.find("then"); t != s.end())
                n.thenSchema = compileOptional(n, *t, path + "/then", depth + 1);
            if (const auto e = s.find("else"); e != s.end())
                n.elseSchema = compileOptional(n, *e, path + "/else", depth + 1);
            n.hasCombinators = true;
        }
    }

    unsigned parseType(const json &t, const std::string &path)
    {
        auto one = [&](const json &name) -> unsigned {
            if (!name.is_string())
                fail(path, "type names must be strings");
            static const std::map<std::string, unsigned> names = {
                {"null", TypeNull},    {"boolean", TypeBoolean}, {"object", TypeObject},
                {"array", TypeArray},  {"string", TypeString},   {"integer", TypeInteger},
                {"number", TypeNumber}};
            const auto it = names.find(name.get<std::string>());
            if (it == names.end())
                fail(path, "unknown type " + quote(name.get<std::string>()));
            return it->second;
        };
        if (t.is_string())
            return one(t);
        if (!t.is_array())
            fail(path, "type must be a string or an array of strings");
        unsigned mask = 0;
        for (const auto &name : t)
            mask |= one(name);
        return mask ? mask : 0x80; // an empty list allows nothing; keep the keyword active
    }

    const Pattern *compilePattern(const std::string &source, const std::string &path)
    {
        if (const auto it = m_patterns.find(source); it != m_patterns.end())
            return it->second;
        auto p = std::make_unique<Pattern>();
        p->source = source;
        p->re = QRegularExpression(pcreFromEcma(QString::fromStdString(source)));
        if (!p->re.isValid())
            fail(path, "invalid regular expression " + quote(source, 200) + ": " +
                           p->re.errorString().toStdString() + " at offset " +
                           std::to_string(p->re.patternErrorOffset()));
        p->re.optimize();
        const Pattern *raw = p.get();
        m_core.patterns.push_back(std::move(p));
        m_patterns.emplace(source, raw);
        return raw;
    }

    // The Node a $ref names, compiling it if need be. `holder` is the subschema with the $ref.
    const Node *resolveRef(const std::string &ref, const SchemaInfo &holder, const std::string &path,
                           int depth)
    {
        const Uri full = Uri::resolve(Uri::parse(holder.base), Uri::parse(ref));
        const std::string resource = full.withoutFragment();
        const std::string &fragment = full.fragment;
        if (!fragment.empty() && fragment[0] != '/') { // a plain name: "#foo", "other.json#foo"
            auto anchor = m_anchors.find(resource + '#' + fragment);
            if (anchor == m_anchors.end())
                anchor = m_anchors.find(resource + '#' + percentDecoded(fragment));
            if (anchor != m_anchors.end())
                return compile(*anchor->second.value, anchor->second.path, depth + 1, holder.base,
                               holder.draft);
        }
        auto it = m_resources.find(resource);
        if (it == m_resources.end()) {
            if (const int draft = metaschemaDraft(resource))
                loadMetaschema(draft);
            it = m_resources.find(resource);
        }
        if (it == m_resources.end())
            fail(path + "/$ref",
                 "$ref " + quote(ref) + " names nothing known (" + quote(resource, 120) +
                     "): only references inside the same file (its pointers and the "
                     "subschemas it identifies with " +
                     idKeyword(holder.draft) +
                     ") and to the draft-04/06/07 metaschemas are supported; nothing is fetched");
        const Place &place = it->second;
        if (fragment.empty())
            return compile(*place.value, place.path, depth + 1, holder.base, holder.draft);
        if (fragment[0] != '/')
            fail(path + "/$ref",
                 "$ref " + quote(ref) + ": no subschema has the identifier " + quote("#" + fragment));
        // A JSON pointer (RFC 6901) into the resource, percent-decoded first (RFC 3986 fragment).
        const std::string pointer = percentDecoded(fragment);
        const json *target = place.value;
        SchemaInfo context = holder;
        if (const auto info = m_info.find(target); info != m_info.end())
            context = info->second;
        size_t pos = 1;
        while (target && pos <= pointer.size()) {
            const size_t end = std::min(pointer.find('/', pos), pointer.size());
            std::string token;
            for (size_t i = pos; i < end; ++i) {
                if (pointer[i] == '~' && i + 1 < end && (pointer[i + 1] == '0' || pointer[i + 1] == '1')) {
                    token += pointer[i + 1] == '0' ? '~' : '/';
                    ++i;
                } else {
                    token += pointer[i];
                }
            }
            pos = end + 1;
            if (target->is_object()) {
                const auto m = target->find(token);
                target = m == target->end() ? nullptr : &*m;
            } else if (target->is_array()) {
                size_t index = 0;
                const auto [p, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
                const bool digits = ec == std::errc() && p == token.data() + token.size() &&
                                    (token.size() == 1 || token[0] != '0');
                target = digits && index < target->size() ? &(*target)[index] : nullptr;
            } else {
                target = nullptr;
            }
            if (target)
                if (const auto info = m_info.find(target); info != m_info.end())
                    context = info->second;
        }
        if (!target)
            fail(path + "/$ref", "$ref " + quote(ref) + " points to nothing in this file");
        return compile(*target, place.path + pointer, depth + 1, context.base, context.draft);
    }

    void loadMetaschema(int draft)
    {
        if (!m_metaschemasLoaded.insert(draft).second)
            return;
        const json &bundled = bundledMetaschema(draft);
        if (bundled.is_null())
            return;
        m_core.metaschemas.push_back(std::make_unique<json>(bundled));
        const json &doc = *m_core.metaschemas.back();
        const std::string uri = "http://json-schema.org/draft-0" + std::to_string(draft) + "/schema";
        scanDocument(doc, uri, uri + '#', draft);
        m_resources.emplace("https://json-schema.org/draft-0" + std::to_string(draft) + "/schema",
                            Place{&doc, uri + '#'});
    }

    SchemaCore &m_core;
    valijson::SchemaParser m_parser4, m_parser7;
    std::unordered_map<const json *, SchemaInfo> m_info;       // from the scan
    std::map<std::string, Place> m_resources;                  // URI without fragment
    std::map<std::string, Place> m_anchors;                    // "<uri>#<name>"
    std::unordered_map<const json *, const Node *> m_compiled; // by place in the document
    std::set<const json *> m_resolving;                        // $refs being resolved
    std::set<int> m_metaschemasLoaded;
    std::map<std::string, const Pattern *> m_patterns;
};

// Which JSON Schema draft a document declares: 4, 6 or 7; 0 with `error` set when unsupported.
int draftOf(const json &doc, std::string *error)
{
    const auto it = doc.is_object() ? doc.find("$schema") : doc.end();
    if (!doc.is_object() || it == doc.end())
        return 7; // no $schema: valijson's default rules
    if (!it->is_string()) {
        *error = "\"$schema\" is not a string";
        return 0;
    }
    const std::string &s = it->get_ref<const std::string &>();
    if (s.find("draft-04") != std::string::npos)
        return 4;
    if (s.find("draft-06") != std::string::npos)
        return 6;
    if (s.find("draft-07") != std::string::npos)
        return 7;
    *error = "unsupported \"$schema\" " + quote(s) + " (draft-04, draft-06 and draft-07 are supported)";
    return 0;
}

std::shared_ptr<const SchemaCore> compileCore(json document, int draft, std::string *error)
{
    auto core = std::make_shared<SchemaCore>();
    core->document = std::move(document);
    core->draft = draft;
    try {
        Compiler compiler(*core);
        compiler.compileRoot();
    } catch (const std::exception &e) {
        *error = e.what();
        return nullptr;
    }
    return core;
}

bool readJsonFile(const QString &path, json *out, QString *error)
{
    // Only regular files of a bounded size: a schema path that is (or links to) /dev/zero, a FIFO
    // or a device would otherwise be read forever at start.
    constexpr qint64 kMaxSchemaBytes = 64 * 1024 * 1024;
    const QFileInfo info(path);
    if (!info.exists()) {
        *error = u"cannot read: no such file"_s;
        return false;
    }
    if (!info.isFile()) {
        *error = u"not a regular file (a device, FIFO or link to one): not read"_s;
        return false;
    }
    if (info.size() > kMaxSchemaBytes) {
        *error = u"%1 bytes: larger than any schema (the limit is %2 MiB): not read"_s.arg(info.size())
                     .arg(kMaxSchemaBytes >> 20);
        return false;
    }
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = u"cannot read: "_s + f.errorString();
        return false;
    }
    const QByteArray bytes = f.read(kMaxSchemaBytes + 1);
    if (bytes.size() > kMaxSchemaBytes) {
        *error = u"grew past %1 MiB while being read: not used"_s.arg(kMaxSchemaBytes >> 20);
        return false;
    }
    try {
        *out = json::parse(bytes.begin(), bytes.end());
    } catch (const std::exception &e) {
        std::string what = e.what();
        if (const auto colon = what.find("] "); colon != std::string::npos)
            what = what.substr(colon + 2);
        *error = u"not valid JSON: "_s + QString::fromStdString(what);
        return false;
    }
    return true;
}

} // namespace pingscope::detail
