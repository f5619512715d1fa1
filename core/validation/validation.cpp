#include "validation/validation.h"

#include "validation/registry.h"

// valijson reports problems in a schema by exception only when this is set; otherwise it
// prints and aborts. Only this file includes valijson.
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

static void initMetaschemaResource()
{
    Q_INIT_RESOURCE(metaschemas);
}

using namespace Qt::StringLiterals;
using nlohmann::json;

namespace pingscope {

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

namespace {

using AnyAdapter = valijson::adapters::Adapter;
using JsonAdapter = valijson::adapters::NlohmannJsonAdapter;
using Context = std::vector<std::string>;
using Results = valijson::ValidationResults;

constexpr int kMaxSchemaDepth = 256;
constexpr int kMaxValidationDepth = 500; // schemas nest ~20 deep; deeper needs a recursive $ref
constexpr qsizetype kMaxErrors = 1000;
constexpr char kOwnMark = '\x02';
constexpr char kSep = '\x1f';
constexpr long kRootNode = -1;
constexpr long kUnknownNode = -2;

const std::string kEllipsis = "\xE2\x80\xA6"; // U+2026

// ---------------------------------------------------------------- text helpers

// At most maxBytes of UTF-8, cut at a character boundary, with an ellipsis when cut.
std::string clip(std::string_view s, size_t maxBytes)
{
    if (s.size() <= maxBytes)
        return std::string(s);
    size_t n = maxBytes;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
        --n;
    return std::string(s.substr(0, n)) + kEllipsis;
}

std::string quote(std::string_view s, size_t maxBytes = 80)
{
    std::string out = "\"";
    for (char c : clip(s, maxBytes)) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += ' ';
        } else {
            out += c;
        }
    }
    out += '"';
    return out;
}

size_t utf8Length(std::string_view s)
{
    size_t n = 0;
    for (char c : s)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80)
            ++n;
    return n;
}

// A short rendering of an instance value; never dumps a nested value (it may be deep).
std::string render(const json &v)
{
    switch (v.type()) {
    case json::value_t::string:
        return quote(v.get_ref<const std::string &>());
    case json::value_t::object:
        return "an object";
    case json::value_t::array:
        return "an array";
    default:
        return v.dump();
    }
}

// A schema value (enum members, const): small, written by the schema's author.
std::string renderSchemaValue(const json &v)
{
    if (v.is_string())
        return quote(v.get_ref<const std::string &>(), 60);
    if (v.is_structured())
        return clip(v.dump(), 80);
    return v.dump();
}

std::string nounOf(const AnyAdapter &a)
{
    if (a.isNull())
        return "null";
    if (a.isBool())
        return "a boolean";
    if (a.isObject())
        return "an object";
    if (a.isArray())
        return "an array";
    if (a.isString())
        return "a string";
    if (a.isInteger())
        return "an integer";
    if (a.isDouble())
        return "a number";
    return "a value";
}

std::string joinOr(const std::vector<std::string> &items)
{
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0)
            out += (i + 1 == items.size()) ? " or " : ", ";
        out += items[i];
    }
    return out;
}

std::string joinQuoted(const std::vector<std::string> &items)
{
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0)
            out += ", ";
        out += quote(items[i], 60);
    }
    return out;
}

// ---------------------------------------------------------------- types

enum TypeBit : unsigned
{
    TypeNull = 1,
    TypeBoolean = 2,
    TypeObject = 4,
    TypeArray = 8,
    TypeString = 16,
    TypeInteger = 32,
    TypeNumber = 64,
};

std::string expectedTypes(unsigned mask)
{
    std::vector<std::string> names;
    if (mask & TypeObject)
        names.emplace_back("an object");
    if (mask & TypeArray)
        names.emplace_back("an array");
    if (mask & TypeString)
        names.emplace_back("a string");
    if (mask & TypeInteger)
        names.emplace_back("an integer");
    if (mask & TypeNumber)
        names.emplace_back("a number");
    if (mask & TypeBoolean)
        names.emplace_back("a boolean");
    if (mask & TypeNull)
        names.emplace_back("null");
    return names.empty() ? std::string("nothing (the type list is empty)") : joinOr(names);
}

bool typeAccepts(unsigned mask, const AnyAdapter &a, bool integralDoublesAreIntegers)
{
    if (a.isNull())
        return mask & TypeNull;
    if (a.isBool())
        return mask & TypeBoolean;
    if (a.isObject())
        return mask & TypeObject;
    if (a.isArray())
        return mask & TypeArray;
    if (a.isString())
        return mask & TypeString;
    if (a.isInteger())
        return mask & (TypeInteger | TypeNumber);
    if (a.isDouble()) {
        if (mask & TypeNumber)
            return true;
        if ((mask & TypeInteger) && integralDoublesAreIntegers) {
            const double d = a.asDouble();
            return std::isfinite(d) && std::trunc(d) == d;
        }
    }
    return false;
}

// ---------------------------------------------------------------- formats (no regex)

bool digitsAt(std::string_view s, size_t pos, size_t n, int *value)
{
    if (pos + n > s.size())
        return false;
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *value = v;
    return true;
}

// RFC 3339 full-date: YYYY-MM-DD with a day that exists.
bool isRfc3339Date(std::string_view s)
{
    int y = 0, m = 0, d = 0;
    if (s.size() != 10 || !digitsAt(s, 0, 4, &y) || s[4] != '-' || !digitsAt(s, 5, 2, &m) ||
        s[7] != '-' || !digitsAt(s, 8, 2, &d))
        return false;
    if (m < 1 || m > 12 || d < 1)
        return false;
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + ((m == 2 && leap) ? 1 : 0);
}

// RFC 3339 full-time: HH:MM:SS[.frac](Z|+HH:MM|-HH:MM).
bool isRfc3339Time(std::string_view s)
{
    int h = 0, m = 0, sec = 0;
    if (s.size() < 9 || !digitsAt(s, 0, 2, &h) || s[2] != ':' || !digitsAt(s, 3, 2, &m) ||
        s[5] != ':' || !digitsAt(s, 6, 2, &sec))
        return false;
    if (h > 23 || m > 59 || sec > 60)
        return false;
    size_t i = 8;
    if (i < s.size() && s[i] == '.') {
        const size_t start = ++i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9')
            ++i;
        if (i == start)
            return false;
    }
    if (i == s.size())
        return false;
    if (s[i] == 'Z' || s[i] == 'z')
        return i + 1 == s.size();
    int oh = 0, om = 0;
    return (s[i] == '+' || s[i] == '-') && s.size() == i + 6 && digitsAt(s, i + 1, 2, &oh) &&
           s[i + 3] == ':' && digitsAt(s, i + 4, 2, &om) && oh <= 23 && om <= 59;
}

bool isRfc3339DateTime(std::string_view s)
{
    return s.size() > 11 && (s[10] == 'T' || s[10] == 't') && isRfc3339Date(s.substr(0, 10)) &&
           isRfc3339Time(s.substr(11));
}

enum class Format
{
    None,
    Date,
    Time,
    DateTime
};

// ---------------------------------------------------------------- patterns

struct Pattern
{
    std::string source; // as written in the schema (ECMA-262)
    QRegularExpression re;
};

enum class Search
{
    NoMatch,
    Match,
    Failed
};

// JSON Schema patterns are unanchored: search, not full match. `$` matches before a final
// newline, as in PCRE2, Java and Python (the pipeline's validators), not as in ECMA-262.
Search search(const Pattern &p, const QString &subject)
{
    const QRegularExpressionMatch m = p.re.match(subject);
    if (!m.isValid()) // PCRE2 error: match limit, JIT stack or heap limit
        return Search::Failed;
    return m.hasMatch() ? Search::Match : Search::NoMatch;
}

// ECMA-262 to PCRE2: `\uXXXX` becomes `\x{XXXX}`, `[^]` (anything) becomes `[\s\S]` and `[]`
// (nothing) becomes `(?!)`. Everything else in the schemas' patterns means the same in both.
QString pcreFromEcma(const QString &p)
{
    QString out;
    out.reserve(p.size() + 8);
    bool inClass = false;
    for (qsizetype i = 0; i < p.size(); ++i) {
        const QChar c = p[i];
        if (c == u'\\' && i + 1 < p.size()) {
            if (p[i + 1] == u'u' && i + 5 < p.size()) {
                bool hex = true;
                for (int k = 2; k < 6; ++k)
                    hex = hex && isxdigit(p[i + k].toLatin1());
                if (hex) {
                    out += u"\\x{"_s + p.mid(i + 2, 4) + u'}';
                    i += 5;
                    continue;
                }
            }
            out += c;
            out += p[i + 1];
            ++i;
            continue;
        }
        if (!inClass && c == u'[') {
            if (p.mid(i, 3) == u"[^]") {
                out += u"[\\s\\S]"_s;
                i += 2;
                continue;
            }
            if (p.mid(i, 2) == u"[]") {
                out += u"(?!)"_s;
                i += 1;
                continue;
            }
            inClass = true;
        } else if (inClass && c == u']') {
            inClass = false;
        }
        out += c;
    }
    return out;
}

// ---------------------------------------------------------------- compiled form

struct SchemaCore;

struct Node
{
    enum class Kind
    {
        Normal,
        Trivial,
        False
    };

    long id = 0;
    std::string path;             // JSON pointer of this subschema in its file ("" = the root);
                                  // "<uri>#<pointer>" inside a bundled metaschema
    const json *source = nullptr; // the subschema as written (messages read keyword values)
    const SchemaCore *core = nullptr;
    int draft = 7;                // the rules of the document it is in (4, 6 or 7)
    std::string base;             // its base URI (after its own id)
    Kind kind = Kind::Normal;
    valijson::Schema leaf;

    unsigned typeMask = 0; // 0: no "type"
    Format format = Format::None;
    const Pattern *pattern = nullptr;

    // Numbers (schema values, read exactly) and lengths.
    const json *minimum = nullptr, *maximum = nullptr;
    bool minimumExclusive = false, maximumExclusive = false; // draft-04 boolean form
    const json *exclusiveMinimum = nullptr, *exclusiveMaximum = nullptr; // draft-06+ form
    const json *multipleOf = nullptr;
    std::optional<uint64_t> minLength, maxLength;

    bool integralDoublesAreIntegers() const { return draft >= 6; }

    // Structure. Child pointers to Trivial nodes are kept where they change the meaning
    // (a property listed in "properties" is not "additional"), dropped elsewhere.
    bool hasObjectKeywords = false;
    bool hasArrayKeywords = false;
    bool hasCombinators = false;
    std::vector<std::pair<std::string, const Node *>> properties; // sorted by name
    std::vector<std::pair<const Pattern *, const Node *>> patternProperties;
    const Node *additionalProperties = nullptr; // nullptr: anything goes
    const Node *propertyNames = nullptr;
    std::vector<std::pair<std::string, std::vector<std::string>>> propertyDependencies;
    std::vector<std::pair<std::string, const Node *>> schemaDependencies;
    const Node *items = nullptr; // one schema for every item
    std::vector<const Node *> tupleItems;
    bool hasTupleItems = false;
    const Node *additionalItems = nullptr;
    const Node *contains = nullptr;
    bool uniqueItems = false;
    std::vector<const Node *> allOf, anyOf, oneOf;
    const Node *notSchema = nullptr;
    const Node *ifSchema = nullptr, *thenSchema = nullptr, *elseSchema = nullptr;

    const Node *findProperty(const std::string &name) const
    {
        const auto it =
            std::lower_bound(properties.begin(), properties.end(), name,
                             [](const auto &p, const std::string &n) { return p.first < n; });
        return (it != properties.end() && it->first == name) ? it->second : nullptr;
    }
};

struct SchemaCore
{
    json document;
    int draft = 7;
    std::vector<std::unique_ptr<json>> metaschemas; // bundled metaschemas a $ref pulled in
    std::vector<std::unique_ptr<Node>> nodes;
    std::vector<std::unique_ptr<Pattern>> patterns;
    const Node *root = nullptr;
};

// ---------------------------------------------------------------- validation context

std::unordered_map<std::string, std::regex> &unusedRegexCache()
{
    // ValidationVisitor wants one, for the std::regex `pattern` we no longer let it run.
    thread_local std::unordered_map<std::string, std::regex> cache;
    return cache;
}

thread_local int t_depth = 0;

// One step of the context valijson reports errors with, made into text only when errors are
// collected: a document that passes is checked without building any context.
struct StepRef
{
    long nodeId;
    char kind;
    std::string_view text; // the caller's, alive for the call it is passed to

    std::string str() const
    {
        std::string s = std::to_string(nodeId);
        s += kind;
        s += text;
        return s;
    }
};

StepRef stepTo(long nodeId, char kind, std::string_view text = {})
{
    return StepRef{nodeId, kind, text};
}

struct Step
{
    char kind; // '.' member, '#' item, '@' property name, 'L' valijson's own "[...]"
    std::string_view text;
};

struct Location
{
    long node = kRootNode;
    std::vector<Step> steps;
};

Location locate(const Context &ctx)
{
    Location loc;
    for (size_t i = 0; i < ctx.size(); ++i) {
        const std::string_view e = ctx[i];
        if (i == 0 && e == "<root>")
            continue;
        size_t j = 0;
        while (j < e.size() && e[j] >= '0' && e[j] <= '9')
            ++j;
        if (j > 0 && j < e.size() && (e[j] == '.' || e[j] == '#' || e[j] == '@' || e[j] == '=')) {
            long id = kUnknownNode;
            std::from_chars(e.data(), e.data() + j, id);
            loc.node = id;
            if (e[j] != '=')
                loc.steps.push_back({e[j], e.substr(j + 1)});
        } else if (e.size() >= 2 && e.front() == '[' && e.back() == ']') {
            loc.node = kUnknownNode;
            loc.steps.push_back({'L', e.substr(1, e.size() - 2)});
        }
    }
    return loc;
}

// "metrics.counter.app.clicks", "events[3].extra"
std::string dotted(const std::vector<Step> &steps, size_t count)
{
    std::string out;
    for (size_t i = 0; i < count; ++i) {
        if (steps[i].kind == '#') {
            out += '[';
            out += steps[i].text;
            out += ']';
            continue;
        }
        if (!out.empty())
            out += '.';
        out += clip(steps[i].text, 60);
    }
    return clip(out, 300);
}

std::string subjectOf(const Location &loc)
{
    if (loc.steps.empty())
        return "the document";
    if (loc.steps.back().kind == '@') {
        const std::string parent = loc.steps.size() > 1
                                       ? "`" + dotted(loc.steps, loc.steps.size() - 1) + "`"
                                       : "the document";
        return "the property name " + quote(loc.steps.back().text) + " in " + parent;
    }
    return "`" + dotted(loc.steps, loc.steps.size()) + "`";
}

std::string subjectOf(const Context &ctx)
{
    return subjectOf(locate(ctx));
}

// One RFC 6901 reference token: "~" becomes "~0", "/" becomes "~1".
std::string escapeToken(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        if (c == '~')
            out += "~0";
        else if (c == '/')
            out += "~1";
        else
            out += c;
    }
    return out;
}

QString pointerOf(const std::vector<Step> &steps)
{
    std::string out;
    for (const Step &s : steps) {
        out += '/';
        out += escapeToken(s.text);
    }
    return QString::fromStdString(out);
}

// Our own error lines: mark, keyword, message length, message, optional schema-path suffix
// (replacing "/<keyword>").
void pushOwn(Results &results, const Context &ctx, std::string_view keyword,
             const std::string &message, std::string_view schemaSuffix = {})
{
    std::string d;
    d.reserve(keyword.size() + message.size() + schemaSuffix.size() + 16);
    d += kOwnMark;
    d += keyword;
    d += kSep;
    d += std::to_string(message.size());
    d += kSep;
    d += message;
    d += schemaSuffix;
    results.pushError(ctx, d);
}

struct OwnError
{
    std::string keyword, message, schemaSuffix;
};

bool decodeOwn(const std::string &d, OwnError *out)
{
    if (d.empty() || d[0] != kOwnMark)
        return false;
    const size_t a = d.find(kSep, 1);
    if (a == std::string::npos)
        return false;
    const size_t b = d.find(kSep, a + 1);
    if (b == std::string::npos)
        return false;
    size_t len = 0;
    std::from_chars(d.data() + a + 1, d.data() + b, len);
    out->keyword = d.substr(1, a - 1);
    out->message = d.substr(b + 1, len);
    out->schemaSuffix = d.substr(std::min(d.size(), b + 1 + len));
    return true;
}

// Validates `value` against `node`, adding `step` to the context.
bool validateNode(const Node &node, const JsonAdapter &value, const Context &ctx, StepRef step,
                  Results *results)
{
    if (node.kind == Node::Kind::Trivial)
        return true;
    // Without results nothing reads the context (valijson uses it for errors only).
    Context childCtx;
    if (results) {
        childCtx.reserve(ctx.size() + 1);
        childCtx = ctx;
        childCtx.push_back(step.str());
    }
    if (node.kind == Node::Kind::False) {
        if (results)
            pushOwn(*results, childCtx, "false",
                    subjectOf(childCtx) + " is not allowed here (its schema is false)", "");
        return false;
    }
    if (t_depth >= kMaxValidationDepth) {
        if (results)
            pushOwn(*results, childCtx, "$ref",
                    subjectOf(childCtx) + " is nested too deeply to check (over " +
                        std::to_string(kMaxValidationDepth) + " levels of recursive schema)");
        return false;
    }
    struct DepthGuard
    {
        DepthGuard() { ++t_depth; }
        ~DepthGuard() { --t_depth; }
    } guard;
    valijson::ValidationVisitor<JsonAdapter> visitor(value, std::move(childCtx), true, results,
                                                     unusedRegexCache());
    return visitor.validateSchema(node.leaf);
}

void moveErrors(Results &from, Results &to)
{
    Results::Error e;
    while (from.popError(e))
        to.pushError(e);
}

// Structural equality without recursion (an instance may nest 100,000 levels deep).
bool sameValue(const JsonAdapter &a, const JsonAdapter &b)
{
    std::vector<std::pair<JsonAdapter, JsonAdapter>> todo;
    todo.emplace_back(a, b);
    while (!todo.empty()) {
        const auto [x, y] = todo.back();
        todo.pop_back();
        if (x.isObject()) {
            if (!y.isObject() || x.getObjectSize() != y.getObjectSize())
                return false;
            const auto xo = x.asObject();
            const auto yo = y.asObject();
            for (const auto m : xo) {
                const auto it = yo.find(m.first);
                if (it == yo.end())
                    return false;
                todo.emplace_back(m.second, (*it).second);
            }
        } else if (x.isArray()) {
            if (!y.isArray() || x.getArraySize() != y.getArraySize())
                return false;
            const auto xa = x.asArray();
            const auto ya = y.asArray();
            auto yi = ya.begin();
            for (auto xi = xa.begin(); xi != xa.end(); ++xi, ++yi)
                todo.emplace_back(*xi, *yi);
        } else if (x.isString()) {
            if (!y.isString() || x.asString() != y.asString())
                return false;
        } else if (x.isBool()) {
            if (!y.isBool() || x.asBool() != y.asBool())
                return false;
        } else if (x.isNull()) {
            if (!y.isNull())
                return false;
        } else if (x.isInteger() && y.isInteger()) {
            if (x.asInteger() != y.asInteger())
                return false;
        } else if (x.isNumber()) {
            if (!y.isNumber() || x.asDouble() != y.asDouble())
                return false;
        } else {
            return false;
        }
    }
    return true;
}

// ---------------------------------------------------------------- our keywords

// An instance number as valijson's adapter gives it: a 64-bit integer or a double.
struct Number
{
    bool isInteger = false;
    int64_t i = 0;
    double d = 0;
};

std::optional<Number> numberOf(const AnyAdapter &a)
{
    Number n;
    if (a.isInteger()) {
        n.isInteger = true;
        n.i = a.asInteger();
        return n;
    }
    if (a.isDouble()) {
        n.d = a.asDouble();
        return n;
    }
    return std::nullopt;
}

std::string renderNumber(const Number &n)
{
    return n.isInteger ? std::to_string(n.i) : json(n.d).dump();
}

int sign(bool less, bool greater)
{
    return less ? -1 : (greater ? 1 : 0);
}

// Exact three-way comparisons (a double converted to an integer, or the reverse, can round).
int compareIntDouble(int64_t a, double b)
{
    if (std::isnan(b))
        return 1;
    if (b >= 9223372036854775808.0)
        return -1;
    if (b < -9223372036854775808.0)
        return 1;
    const double whole = std::trunc(b);
    const auto bi = static_cast<int64_t>(whole);
    if (a != bi)
        return sign(a < bi, a > bi);
    const double frac = b - whole;
    return sign(frac > 0, frac < 0);
}

int compareUintDouble(uint64_t a, double b)
{
    if (std::isnan(b))
        return 1;
    if (b < 0)
        return 1;
    if (b >= 18446744073709551616.0)
        return -1;
    const double whole = std::trunc(b);
    const auto bi = static_cast<uint64_t>(whole);
    if (a != bi)
        return sign(a < bi, a > bi);
    return sign(b - whole > 0, false);
}

// `a` compared with the schema's number `b`.
int compare(const Number &a, const json &b)
{
    if (b.is_number_unsigned()) {
        const auto bu = b.get<uint64_t>();
        if (a.isInteger)
            return a.i < 0 ? -1 : sign(static_cast<uint64_t>(a.i) < bu, static_cast<uint64_t>(a.i) > bu);
        return -compareUintDouble(bu, a.d);
    }
    if (b.is_number_integer()) {
        const auto bi = b.get<int64_t>();
        if (a.isInteger)
            return sign(a.i < bi, a.i > bi);
        return -compareIntDouble(bi, a.d);
    }
    const double bd = b.get<double>();
    if (a.isInteger)
        return compareIntDouble(a.i, bd);
    return sign(a.d < bd, a.d > bd);
}

// A finite number as mantissa * 10^exponent, with the decimal digits of its shortest
// round-trip form: what the JSON text most likely said (0.01 is 1e-2, not 0.01000000000000000020816...).
struct Decimal
{
    uint64_t mantissa = 0;
    int exponent = 0;
};

void stripZeros(Decimal *d)
{
    while (d->mantissa != 0 && d->mantissa % 10 == 0) {
        d->mantissa /= 10;
        ++d->exponent;
    }
}

Decimal decimalOf(uint64_t magnitude)
{
    Decimal d{magnitude, 0};
    stripZeros(&d);
    return d;
}

Decimal decimalOf(double v)
{
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, std::fabs(v), std::chars_format::scientific);
    const std::string_view text(buf, static_cast<size_t>(r.ptr - buf)); // "1.999e+01"
    Decimal d;
    int fractionDigits = 0;
    bool afterPoint = false;
    size_t i = 0;
    for (; i < text.size() && text[i] != 'e'; ++i) {
        if (text[i] == '.') {
            afterPoint = true;
            continue;
        }
        d.mantissa = d.mantissa * 10 + static_cast<uint64_t>(text[i] - '0');
        if (afterPoint)
            ++fractionDigits;
    }
    int exp10 = 0;
    if (i < text.size()) {
        const char *start = text.data() + i + 1;
        if (*start == '+')
            ++start;
        std::from_chars(start, text.data() + text.size(), exp10);
    }
    d.exponent = exp10 - fractionDigits;
    stripZeros(&d);
    return d;
}

Decimal decimalOf(const Number &n)
{
    if (!n.isInteger)
        return decimalOf(n.d);
    const uint64_t magnitude =
        n.i < 0 ? static_cast<uint64_t>(-(n.i + 1)) + 1 : static_cast<uint64_t>(n.i);
    return decimalOf(magnitude);
}

Decimal decimalOf(const json &v)
{
    if (v.is_number_unsigned())
        return decimalOf(v.get<uint64_t>());
    if (v.is_number_integer()) {
        Number n;
        n.isInteger = true;
        n.i = v.get<int64_t>();
        return decimalOf(n);
    }
    return decimalOf(v.get<double>());
}

uint64_t mulMod(uint64_t a, uint64_t b, uint64_t m)
{
    uint64_t result = 0;
    a %= m;
    while (b) {
        if (b & 1)
            result = (result >= m - a) ? result - (m - a) : result + a;
        a = (a >= m - a) ? a - (m - a) : a + a;
        b >>= 1;
    }
    return result;
}

// Is x an integer multiple of m (m > 0)? Exact on the decimals.
bool isMultiple(const Decimal &x, const Decimal &m)
{
    if (x.mantissa == 0)
        return true;
    if (m.mantissa == 0)
        return false;
    const int k = x.exponent - m.exponent;
    if (k >= 0) { // x.mantissa * 10^k divisible by m.mantissa?
        uint64_t power = 1 % m.mantissa;
        uint64_t base = 10 % m.mantissa;
        for (int e = k; e > 0; e >>= 1) {
            if (e & 1)
                power = mulMod(power, base, m.mantissa);
            base = mulMod(base, base, m.mantissa);
        }
        return mulMod(x.mantissa % m.mantissa, power, m.mantissa) == 0;
    }
    // x.mantissa divisible by m.mantissa * 10^-k?
    uint64_t divisor = m.mantissa;
    for (int e = 0; e < -k; ++e) {
        if (divisor > x.mantissa / 10)
            return false;
        divisor *= 10;
    }
    return x.mantissa % divisor == 0;
}


template <typename Derived> class OwnConstraint : public valijson::constraints::PolyConstraint
{
public:
    explicit OwnConstraint(const Node *node) : m_node(node) {}

protected:
    const Node *m_node;

private:
    Constraint *cloneInto(void *memory) const override
    {
        return new (memory) Derived(static_cast<const Derived &>(*this));
    }
    size_t sizeOf() const override { return sizeof(Derived); }
};

class TypeKeyword : public OwnConstraint<TypeKeyword>
{
public:
    using OwnConstraint::OwnConstraint;
    bool validate(const AnyAdapter &target, const Context &ctx, Results *results) const override
    {
        if (typeAccepts(m_node->typeMask, target, m_node->integralDoublesAreIntegers()))
            return true;
        if (results)
            pushOwn(*results, ctx, "type",
                    subjectOf(ctx) + " should be " + expectedTypes(m_node->typeMask) + ", not " +
                        nounOf(target));
        return false;
    }
};

class FormatKeyword : public OwnConstraint<FormatKeyword>
{
public:
    using OwnConstraint::OwnConstraint;
    bool validate(const AnyAdapter &target, const Context &ctx, Results *results) const override
    {
        if (!target.isString())
            return true;
        const std::string s = target.asString();
        const char *what = "";
        bool ok = true;
        switch (m_node->format) {
        case Format::Date:
            ok = isRfc3339Date(s);
            what = "an RFC 3339 date (YYYY-MM-DD)";
            break;
        case Format::Time:
            ok = isRfc3339Time(s);
            what = "an RFC 3339 time (HH:MM:SS with a zone)";
            break;
        case Format::DateTime:
            ok = isRfc3339DateTime(s);
            what = "an RFC 3339 date-time";
            break;
        case Format::None:
            break;
        }
        if (!ok && results)
            pushOwn(*results, ctx, "format", subjectOf(ctx) + " is " + quote(s) + ", not " + what);
        return ok;
    }
};

class PatternKeyword : public OwnConstraint<PatternKeyword>
{
public:
    using OwnConstraint::OwnConstraint;
    bool validate(const AnyAdapter &target, const Context &ctx, Results *results) const override
    {
        if (!target.isString())
            return true;
        const std::string s = target.asString();
        const Pattern &p = *m_node->pattern;
        switch (search(p, QString::fromStdString(s))) {
        case Search::Match:
            return true;
        case Search::NoMatch:
            if (results)
                pushOwn(*results, ctx, "pattern",
                        subjectOf(ctx) + " does not match the pattern " + clip(p.source, 160) +
                            ": " + quote(s));
            return false;
        case Search::Failed:
            if (results)
                pushOwn(*results, ctx, "pattern",
                        subjectOf(ctx) + " could not be checked against the pattern " +
                            clip(p.source, 160) +
                            ": the regular expression engine gave up on this " +
                            std::to_string(utf8Length(s)) +
                            "-character string (PCRE2 match limit or stack exhausted), so it "
                            "counts as not matching");
            return false;
        }
        return false;
    }
};

class RangeKeyword : public OwnConstraint<RangeKeyword>
{
public:
    using OwnConstraint::OwnConstraint;
    bool validate(const AnyAdapter &target, const Context &ctx, Results *results) const override
    {
        const std::optional<Number> v = numberOf(target);
        if (!v)
            return true;
        const Node &n = *m_node;
        bool ok = true;
        auto fail = [&](const char *keyword, const std::string &message) {
            ok = false;
            if (results)
                pushOwn(*results, ctx, keyword, subjectOf(ctx) + " is " + renderNumber(*v) + message);
        };
        if (n.minimum) {
            const int c = compare(*v, *n.minimum);
            if (n.minimumExclusive && c <= 0)
                fail("minimum", ", not above the exclusive minimum " + n.minimum->dump());
            else if (c < 0)
                fail("minimum", ", below the minimum " + n.minimum->dump());
        }
        if (n.exclusiveMinimum && (ok || results) && compare(*v, *n.exclusiveMinimum) <= 0)
            fail("exclusiveMinimum", ", not above the exclusive minimum " + n.exclusiveMinimum->dump());
        if (n.maximum && (ok || results)) {
            const int c = compare(*v, *n.maximum);
            if (n.maximumExclusive && c >= 0)
                fail("maximum", ", not below the exclusive maximum " + n.maximum->dump());
            else if (c > 0)
                fail("maximum", ", above the maximum " + n.maximum->dump());
        }
        if (n.exclusiveMaximum && (ok || results) && compare(*v, *n.exclusiveMaximum) >= 0)
            fail("exclusiveMaximum", ", not below the exclusive maximum " + n.exclusiveMaximum->dump());
        return ok;
    }
};

class MultipleOfKeyword : public OwnConstraint<MultipleOfKeyword>
{
public:
    using OwnConstraint::OwnConstraint;
    bool validate(const AnyAdapter &target, const Context &ctx, Results *results) const override
    {
        const std::optional<Number> v = numberOf(target);
        if (!v || isMultiple(decimalOf(*v), decimalOf(*m_node->multipleOf)))
            return true;
        if (results)
            pushOwn(*results, ctx, "multipleOf",
                    subjectOf(ctx) + " is " + renderNumber(*v) + ", not a multiple of " +
                        m_node->multipleOf->dump());
        return false;
    }
};

class LengthKeyword : public OwnConstraint<LengthKeyword>
{
public:
    using OwnConstraint::OwnConstraint;
    bool validate(const AnyAdapter &target, const Context &ctx, Results *results) const override
    {
        if (!target.isString())
            return true;
        const Node &n = *m_node;
        const size_t length = utf8Length(target.asString()); // code points, NULs included
        bool ok = true;
        if (n.minLength && length < *n.minLength) {
            ok = false;
            if (!results)
                return false;
            pushOwn(*results, ctx, "minLength",
                    subjectOf(ctx) + " is " + std::to_string(length) +
                        " characters long, under the minimum length " +
                        renderSchemaValue(n.source->at("minLength")));
        }
        if (n.maxLength && length > *n.maxLength) {
            ok = false;
            if (results)
                pushOwn(*results, ctx, "maxLength",
                        subjectOf(ctx) + " is " + std::to_string(length) +
                            " characters long, over the maximum length " +
                            renderSchemaValue(n.source->at("maxLength")));
        }
        return ok;
    }
};

class StructureKeyword : public OwnConstraint<StructureKeyword>
{
public:
    using OwnConstraint::OwnConstraint;
    bool validate(const AnyAdapter &target, const Context &ctx, Results *results) const override
    {
        const auto *t = dynamic_cast<const JsonAdapter *>(&target);
        if (!t)
            return true; // not reachable: every value we validate is an nlohmann value
        bool ok = true;
        const Node &n = *m_node;
        if (n.hasObjectKeywords && t->isObject() && !validateObject(n, *t, ctx, results)) {
            ok = false;
            if (!results)
                return false;
        }
        if (n.hasArrayKeywords && t->isArray() && !validateArray(n, *t, ctx, results)) {
            ok = false;
            if (!results)
                return false;
        }
        if (n.hasCombinators && !validateCombinators(n, *t, ctx, results))
            ok = false;
        return ok;
    }

private:
    static bool validateObject(const Node &n, const JsonAdapter &t, const Context &ctx,
                               Results *results)
    {
        bool ok = true;
        const auto object = t.asObject();
        for (const auto member : object) {
            const std::string &key = member.first;
            bool known = false;
            if (const Node *p = n.findProperty(key)) {
                known = true;
                if (!validateNode(*p, member.second, ctx, stepTo(p->id, '.', key), results)) {
                    ok = false;
                    if (!results)
                        return false;
                }
            }
            if (!n.patternProperties.empty()) {
                const QString name = QString::fromStdString(key);
                for (const auto &[pattern, child] : n.patternProperties) {
                    const Search s = search(*pattern, name);
                    if (s == Search::NoMatch)
                        continue;
                    known = true;
                    if (s == Search::Failed) {
                        ok = false;
                        if (!results)
                            return false;
                        Context c = ctx;
                        c.push_back(stepTo(n.id, '@', key).str());
                        pushOwn(*results, c, "patternProperties",
                                subjectOf(c) + " could not be checked against the pattern " +
                                    clip(pattern->source, 160) +
                                    ": the regular expression engine gave up",
                                "/patternProperties/" + escapeToken(pattern->source));
                        continue;
                    }
                    if (!validateNode(*child, member.second, ctx, stepTo(child->id, '.', key),
                                      results)) {
                        ok = false;
                        if (!results)
                            return false;
                    }
                }
            }
            if (!known && n.additionalProperties) {
                const Node &extra = *n.additionalProperties;
                if (extra.kind == Node::Kind::False) {
                    ok = false;
                    if (!results)
                        return false;
                    Context c = ctx;
                    c.push_back(stepTo(n.id, '.', key).str());
                    pushOwn(*results, c, "additionalProperties",
                            subjectOf(c) +
                                " is not allowed: the schema lists no such property here");
                } else if (!validateNode(extra, member.second, ctx, stepTo(extra.id, '.', key),
                                         results)) {
                    ok = false;
                    if (!results)
                        return false;
                }
            }
            if (n.propertyNames) {
                const json name(key);
                if (!validateNode(*n.propertyNames, JsonAdapter(name), ctx,
                                  stepTo(n.propertyNames->id, '@', key), results)) {
                    ok = false;
                    if (!results)
                        return false;
                }
            }
        }
        for (const auto &[name, required] : n.propertyDependencies) {
            if (object.find(name) == object.end())
                continue;
            for (const std::string &dep : required) {
                if (object.find(dep) != object.end())
                    continue;
                ok = false;
                if (!results)
                    return false;
                pushOwn(*results, ctx, "dependencies",
                        subjectOf(ctx) + " has " + quote(name, 60) + " but not " + quote(dep, 60) +
                            ", which it requires",
                        "/dependencies/" + escapeToken(name));
            }
        }
        for (const auto &[name, schema] : n.schemaDependencies) {
            if (object.find(name) == object.end())
                continue;
            if (!validateNode(*schema, t, ctx, stepTo(schema->id, '='), results)) {
                ok = false;
                if (!results)
                    return false;
            }
        }
        return ok;
    }

    static bool validateArray(const Node &n, const JsonAdapter &t, const Context &ctx,
                              Results *results)
    {
        bool ok = true;
        const auto array = t.asArray();
        const size_t count = t.getArraySize();
        size_t index = 0;
        if (n.items || n.hasTupleItems) {
            for (const auto item : array) {
                const Node *child = n.items;
                if (n.hasTupleItems)
                    child = index < n.tupleItems.size() ? n.tupleItems[index] : n.additionalItems;
                if (child && child->kind == Node::Kind::False && n.hasTupleItems &&
                    index >= n.tupleItems.size()) {
                    ok = false;
                    if (!results)
                        return false;
                    pushOwn(*results, ctx, "additionalItems",
                            subjectOf(ctx) + " has " + std::to_string(count) +
                                " items, more than the " + std::to_string(n.tupleItems.size()) +
                                " the schema allows");
                    break;
                }
                if (child &&
                    !validateNode(*child, item, ctx, stepTo(child->id, '#', std::to_string(index)),
                                  results)) {
                    ok = false;
                    if (!results)
                        return false;
                }
                ++index;
            }
        }
        if (n.contains) {
            bool found = false;
            index = 0;
            for (const auto item : array) {
                if (validateNode(*n.contains, item, ctx,
                                 stepTo(n.contains->id, '#', std::to_string(index)), nullptr)) {
                    found = true;
                    break;
                }
                ++index;
            }
            if (!found) {
                ok = false;
                if (!results)
                    return false;
                pushOwn(*results, ctx, "contains",
                        subjectOf(ctx) + " has no item that matches the \"contains\" schema");
            }
        }
        if (n.uniqueItems && count > 1) {
            std::vector<JsonAdapter> items;
            items.reserve(count);
            for (const auto item : array)
                items.push_back(item);
            int reported = 0;
            for (size_t i = 0; i < items.size() && reported < 10; ++i) {
                for (size_t j = i + 1; j < items.size() && reported < 10; ++j) {
                    if (!sameValue(items[i], items[j]))
                        continue;
                    ok = false;
                    if (!results)
                        return false;
                    pushOwn(*results, ctx, "uniqueItems",
                            subjectOf(ctx) + " has equal items [" + std::to_string(i) + "] and [" +
                                std::to_string(j) + "], but its items must be unique");
                    ++reported;
                }
            }
        }
        return ok;
    }

    static bool validateCombinators(const Node &n, const JsonAdapter &t, const Context &ctx,
                                    Results *results)
    {
        bool ok = true;
        for (const Node *branch : n.allOf) {
            if (!validateNode(*branch, t, ctx, stepTo(branch->id, '='), results)) {
                ok = false;
                if (!results)
                    return false;
            }
        }
        if (!n.anyOf.empty()) {
            bool any = false;
            for (const Node *branch : n.anyOf) {
                if (validateNode(*branch, t, ctx, stepTo(branch->id, '='), nullptr)) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                ok = false;
                if (!results)
                    return false;
                reportNoAlternative("anyOf", n.anyOf, t, ctx, *results);
            }
        }
        if (!n.oneOf.empty()) {
            std::vector<size_t> passed;
            for (size_t i = 0; i < n.oneOf.size() && passed.size() < 2; ++i)
                if (validateNode(*n.oneOf[i], t, ctx, stepTo(n.oneOf[i]->id, '='), nullptr))
                    passed.push_back(i);
            if (passed.size() != 1) {
                ok = false;
                if (!results)
                    return false;
                if (passed.empty())
                    reportNoAlternative("oneOf", n.oneOf, t, ctx, *results);
                else
                    pushOwn(*results, ctx, "oneOf",
                            subjectOf(ctx) + " matches alternatives #" + std::to_string(passed[0]) +
                                " and #" + std::to_string(passed[1]) +
                                " of oneOf, but must match exactly one");
            }
        }
        if (n.notSchema &&
            validateNode(*n.notSchema, t, ctx, stepTo(n.notSchema->id, '='), nullptr)) {
            ok = false;
            if (!results)
                return false;
            pushOwn(*results, ctx, "not",
                    subjectOf(ctx) + " must not match the schema under \"not\"");
        }
        if (n.ifSchema) {
            const bool cond =
                validateNode(*n.ifSchema, t, ctx, stepTo(n.ifSchema->id, '='), nullptr);
            const Node *next = cond ? n.thenSchema : n.elseSchema;
            if (next && !validateNode(*next, t, ctx, stepTo(next->id, '='), results)) {
                ok = false;
                if (!results)
                    return false;
            }
        }
        return ok;
    }

    // No alternative of anyOf/oneOf fits: say the most useful thing rather than every
    // branch's complaints.
    static void reportNoAlternative(const char *keyword,
                                    const std::vector<const Node *> &branches, const JsonAdapter &t,
                                    const Context &ctx, Results &results)
    {
        const std::string subject = subjectOf(ctx);
        std::vector<Results> perBranch(branches.size());
        std::vector<size_t> candidates; // branches whose own "type" accepts the value
        unsigned allTypes = 0;
        for (size_t i = 0; i < branches.size(); ++i) {
            validateNode(*branches[i], t, ctx, stepTo(branches[i]->id, '='), &perBranch[i]);
            allTypes |= branches[i]->typeMask;
            if (branches[i]->typeMask == 0 ||
                typeAccepts(branches[i]->typeMask, t, branches[i]->integralDoublesAreIntegers()))
                candidates.push_back(i);
        }
        if (candidates.empty()) {
            pushOwn(results, ctx, keyword,
                    subject + " should be " + expectedTypes(allTypes) + ", not " + nounOf(t));
            return;
        }
        if (candidates.size() == 1) {
            moveErrors(perBranch[candidates.front()], results);
            return;
        }
        // anyOf: [{required: [a]}, {required: [b]}]: one line naming the choices.
        std::vector<std::string> names;
        for (size_t c : candidates) {
            const Results &r = perBranch[c];
            if (r.numErrors() != 1)
                break;
            const Results::Error &e = *r.begin();
            static const std::string prefix = "Missing required property '";
            if (e.context.size() != ctx.size() + 1 || e.description.rfind(prefix, 0) != 0 ||
                e.description.size() < prefix.size() + 2)
                break;
            names.push_back(
                e.description.substr(prefix.size(), e.description.size() - prefix.size() - 2));
        }
        if (names.size() == candidates.size()) {
            pushOwn(results, ctx, keyword,
                    subject + " needs " +
                        (std::strcmp(keyword, "anyOf") == 0 ? "at least one" : "exactly one") +
                        " of the properties " + joinQuoted(names));
            return;
        }
        size_t best = candidates.front();
        for (size_t c : candidates)
            if (perBranch[c].numErrors() < perBranch[best].numErrors())
                best = c;
        pushOwn(results, ctx, keyword,
                subject + " matches none of the " + std::to_string(branches.size()) +
                    " alternatives of " + keyword + "; the closest, #" + std::to_string(best) +
                    ", fails as follows");
        moveErrors(perBranch[best], results);
    }
};

// ---------------------------------------------------------------- compiling

class CompileError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

enum class OwnKeyword
{
    Type,
    Range,
    MultipleOf,
    Length,
    Format,
    Pattern,
    Structure
};

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
        switch (m_which) {
        case OwnKeyword::Type:
            return new TypeKeyword(node);
        case OwnKeyword::Range:
            return new RangeKeyword(node);
        case OwnKeyword::MultipleOf:
            return new MultipleOfKeyword(node);
        case OwnKeyword::Length:
            return new LengthKeyword(node);
        case OwnKeyword::Format:
            return new FormatKeyword(node);
        case OwnKeyword::Pattern:
            return new PatternKeyword(node);
        case OwnKeyword::Structure:
            return new StructureKeyword(node);
        }
        return nullptr;
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
        if (const size_t colon = s.find(':'); colon != std::string_view::npos && colon > 0 &&
                                              std::isalpha(static_cast<unsigned char>(s[0]))) {
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
        : m_core(core), m_parser4(valijson::SchemaParser::kDraft4),
          m_parser7(valijson::SchemaParser::kDraft7)
    {
        for (valijson::SchemaParser *parser : {&m_parser4, &m_parser7}) {
            for (const auto &[name, which] :
                 {std::pair{"x-pingscope-type", OwnKeyword::Type},
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
    const Node *compile(const json &s, const std::string &path, int depth,
                        const std::string &parentBase, int parentDraft)
    {
        if (const auto it = m_compiled.find(&s); it != m_compiled.end())
            return it->second;
        if (depth > kMaxSchemaDepth)
            fail(path, "the schema is nested more than " + std::to_string(kMaxSchemaDepth) +
                           " levels deep");
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
            const Node *target =
                resolveRef(ref->get_ref<const std::string &>(), info, path, depth);
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
            n->pattern =
                compilePattern(at("pattern").get_ref<const std::string &>(), sub("pattern"));
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
    const Node *compileOptional(const Node &parent, const json &s, const std::string &path,
                                int depth, bool booleanAllowed = false)
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
                n.properties.emplace_back(
                    name, child(n, c, path + "/properties/" + escapeToken(name), depth + 1));
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
            n.additionalProperties =
                compileOptional(n, *it, path + "/additionalProperties", depth + 1, true);
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
                fail(path + "/" + keyword,
                     std::string(keyword) + " must be a non-empty array of schemas");
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
                     "subschemas it identifies with " + idKeyword(holder.draft) +
                     ") and to the draft-04/06/07 metaschemas are supported; nothing is fetched");
        const Place &place = it->second;
        if (fragment.empty())
            return compile(*place.value, place.path, depth + 1, holder.base, holder.draft);
        if (fragment[0] != '/')
            fail(path + "/$ref", "$ref " + quote(ref) + ": no subschema has the identifier " +
                                     quote("#" + fragment));
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
    std::unordered_map<const json *, SchemaInfo> m_info;      // from the scan
    std::map<std::string, Place> m_resources;                 // URI without fragment
    std::map<std::string, Place> m_anchors;                   // "<uri>#<name>"
    std::unordered_map<const json *, const Node *> m_compiled; // by place in the document
    std::set<const json *> m_resolving;                       // $refs being resolved
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
    *error =
        "unsupported \"$schema\" " + quote(s) + " (draft-04, draft-06 and draft-07 are supported)";
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
        *error = u"%1 bytes: larger than any schema (the limit is %2 MiB): not read"_s.arg(info.size()).arg(kMaxSchemaBytes >> 20);
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

// ---------------------------------------------------------------- turning errors into words

struct Described
{
    std::string keyword;
    std::string message;
};

// valijson's own error lines (the keywords left to it), recognised by their fixed wording.
Described describeValijson(const std::string &d, const json *value, const json *schema,
                           const Location &loc, int draft)
{
    const std::string subject = subjectOf(loc);
    const std::string is = value ? " is " + render(*value) : std::string(" is out of range");
    auto schemaValue = [&](const char *k) -> std::string {
        if (!schema || !schema->is_object())
            return "?";
        const auto it = schema->find(k);
        return it == schema->end() ? std::string("?") : renderSchemaValue(*it);
    };
    auto starts = [&](const char *p) { return d.rfind(p, 0) == 0; };
    auto lengthOf = [&]() -> std::string {
        if (!value)
            return "?";
        if (value->is_string())
            return std::to_string(utf8Length(value->get_ref<const std::string &>()));
        return std::to_string(value->size());
    };

    static const std::string requiredPrefix = "Missing required property '";
    if (starts(requiredPrefix.c_str())) {
        std::string name = d.substr(requiredPrefix.size());
        if (name.size() >= 2 && name.compare(name.size() - 2, 2, "'.") == 0)
            name.resize(name.size() - 2);
        const std::string parent =
            loc.steps.empty() ? std::string() : dotted(loc.steps, loc.steps.size()) + ".";
        return {"required", "`" + parent + clip(name, 100) + "` is missing (required)"};
    }
    if (starts("Failed to match against any enum values")) {
        std::string allowed;
        if (schema && schema->contains("enum") && schema->at("enum").is_array()) {
            const json &e = schema->at("enum");
            for (size_t i = 0; i < e.size() && i < 10; ++i)
                allowed += (i ? ", " : "") + renderSchemaValue(e[i]);
            if (e.size() > 10)
                allowed += ", " + kEllipsis + " (" + std::to_string(e.size()) + " in all)";
        }
        return {"enum", subject + is + ", not one of the allowed values: " + allowed};
    }
    if (starts("Failed to match expected value set by 'const'"))
        return {"const", subject + is + ", not the required value " + schemaValue("const")};
    if (starts("Expected number greater than or equal to"))
        return {"minimum", subject + is + ", below the minimum " + schemaValue("minimum")};
    if (starts("Expected number greater than")) {
        if (draft == 4)
            return {"minimum",
                    subject + is + ", not above the exclusive minimum " + schemaValue("minimum")};
        return {"exclusiveMinimum", subject + is + ", not above the exclusive minimum " +
                                        schemaValue("exclusiveMinimum")};
    }
    if (starts("Expected number less than or equal to"))
        return {"maximum", subject + is + ", above the maximum " + schemaValue("maximum")};
    if (starts("Expected number less than")) {
        if (draft == 4)
            return {"maximum",
                    subject + is + ", not below the exclusive maximum " + schemaValue("maximum")};
        return {"exclusiveMaximum", subject + is + ", not below the exclusive maximum " +
                                        schemaValue("exclusiveMaximum")};
    }
    if (starts("String should be no more than"))
        return {"maxLength", subject + " is " + lengthOf() +
                                 " characters long, over the maximum length " +
                                 schemaValue("maxLength")};
    if (starts("String should be no fewer than"))
        return {"minLength", subject + " is " + lengthOf() +
                                 " characters long, under the minimum length " +
                                 schemaValue("minLength")};
    if (starts("Array should contain no more than"))
        return {"maxItems", subject + " has " + lengthOf() + " items, more than the maximum " +
                                schemaValue("maxItems")};
    if (starts("Array should contain no fewer than"))
        return {"minItems", subject + " has " + lengthOf() + " items, fewer than the minimum " +
                                schemaValue("minItems")};
    if (starts("Object should have no more than"))
        return {"maxProperties", subject + " has " + lengthOf() +
                                     " properties, more than the maximum " +
                                     schemaValue("maxProperties")};
    if (starts("Object should have no fewer than"))
        return {"minProperties", subject + " has " + lengthOf() +
                                     " properties, fewer than the minimum " +
                                     schemaValue("minProperties")};
    if (starts("Value should be a multiple of") || starts("Value could not be converted"))
        return {"multipleOf", subject + is + ", not a multiple of " + schemaValue("multipleOf")};
    if (starts("Value type not permitted"))
        return {"type", subject + " has a type the schema does not allow"};
    return {std::string(), subject + ": " + d};
}

// The instance value at a location (for messages); nullptr when it cannot be found.
const json *valueAt(const json &doc, const std::vector<Step> &steps, json *holder)
{
    const json *v = &doc;
    for (const Step &s : steps) {
        if (s.kind == '@') { // the property name itself is the value
            *holder = json(std::string(s.text));
            return holder;
        }
        if (v->is_object()) {
            const auto it = v->find(std::string(s.text));
            if (it == v->end())
                return nullptr;
            v = &*it;
        } else if (v->is_array()) {
            size_t index = 0;
            const auto [end, ec] =
                std::from_chars(s.text.data(), s.text.data() + s.text.size(), index);
            if (ec != std::errc() || end != s.text.data() + s.text.size() || index >= v->size())
                return nullptr;
            v = &(*v)[index];
        } else {
            return nullptr;
        }
    }
    return v;
}

} // namespace


// everit's pointer form: "#" + the JSON pointer ("#" alone for the root).
std::string everitPath(const QString &pointer)
{
    return "#" + pointer.toStdString();
}

std::string everitValue(const json &v)
{
    return v.is_string() ? v.get<std::string>() : v.dump();
}

std::string everitType(const json &v)
{
    switch (v.type()) {
    case json::value_t::string: return "String";
    case json::value_t::object: return "JSONObject";
    case json::value_t::array: return "JSONArray";
    case json::value_t::boolean: return "Boolean";
    case json::value_t::null: return "Null";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "Integer";
    default: return "BigDecimal";
    }
}

// The everit wording of one error (see ValidationError::everit); `missingIndex` is which of the
// object's missing required keys this error is.
QString everitMessage(const ValidationError &e, const json *value, const json *schema, int missingIndex)
{
    const std::string kw = e.keyword.toStdString();
    auto at = [&](const char *k) -> const json * {
        if (!schema || !schema->is_object())
            return nullptr;
        const auto it = schema->find(k);
        return it == schema->end() ? nullptr : &*it;
    };
    std::string path = everitPath(e.pointer), text;
    if (kw == "required" && value && value->is_object()) {
        if (const json *req = at("required"); req && req->is_array()) {
            int n = 0;
            for (const json &k : *req)
                if (k.is_string() && !value->contains(k.get<std::string>()) && n++ == missingIndex)
                    text = "required key [" + k.get<std::string>() + "] not found";
        }
    } else if (kw == "additionalProperties") {
        // Pingscope points at the property; everit at the object, naming the key.
        const qsizetype slash = e.pointer.lastIndexOf(u'/');
        if (slash >= 0) {
            QString key = e.pointer.mid(slash + 1);
            key.replace(u"~1"_s, u"/"_s).replace(u"~0"_s, u"~"_s);
            path = everitPath(e.pointer.left(slash));
            text = "extraneous key [" + key.toStdString() + "] is not permitted";
        }
    } else if (value && value->is_number() && (kw == "minimum" || kw == "maximum" || kw == "exclusiveMinimum" ||
                                               kw == "exclusiveMaximum")) {
        const bool min = kw == "minimum" || kw == "exclusiveMinimum";
        const json *limit = at(min ? "minimum" : "maximum");
        bool exclusive = kw.rfind("exclusive", 0) == 0;
        if (const json *ex = at(kw.c_str()); ex && ex->is_number()) // draft 6+: the limit itself
            limit = ex;
        else if (const json *flag = at(min ? "exclusiveMinimum" : "exclusiveMaximum"); flag && flag->is_boolean())
            exclusive = flag->get<bool>(); // draft 4: a modifier
        if (limit && limit->is_number())
            text = value->dump() + (min ? (exclusive ? " is not greater than " : " is not greater or equal to ")
                                        : (exclusive ? " is not less than " : " is not less or equal to ")) +
                   limit->dump();
    } else if (value && value->is_string() && (kw == "minLength" || kw == "maxLength")) {
        if (const json *limit = at(kw.c_str()); limit && limit->is_number())
            text = "expected " + kw + ": " + std::to_string(limit->get<long long>()) +
                   ", actual: " + std::to_string(QString::fromStdString(value->get<std::string>()).toUcs4().size());
    } else if (value && value->is_array() && (kw == "minItems" || kw == "maxItems")) {
        if (const json *limit = at(kw.c_str()); limit && limit->is_number())
            text = std::string(kw == "minItems" ? "expected minimum item count: " : "expected maximum item count: ") +
                   std::to_string(limit->get<long long>()) + ", found: " + std::to_string(value->size());
    } else if (value && value->is_string() && kw == "pattern") {
        if (const json *pattern = at("pattern"); pattern && pattern->is_string())
            text = "string [" + value->get<std::string>() + "] does not match pattern " + pattern->get<std::string>();
    } else if (value && value->is_number() && kw == "multipleOf") {
        if (const json *m = at("multipleOf"); m && m->is_number())
            text = value->dump() + " is not a multiple of " + m->dump();
    } else if (value && kw == "type") {
        if (const json *t = at("type"); t && t->is_string()) {
            std::string want = t->get<std::string>();
            const std::map<std::string, std::string> names = {{"string", "String"},   {"object", "JSONObject"},
                                                              {"array", "JSONArray"}, {"boolean", "Boolean"},
                                                              {"null", "Null"},       {"integer", "Integer"},
                                                              {"number", "Number"}};
            if (const auto n = names.find(want); n != names.end())
                text = "expected type: " + n->second + ", found: " + everitType(*value);
        }
    }
    if (text.empty())
        text = e.message.toStdString();
    return QString::fromStdString(path + ": " + text);
}

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

std::unique_ptr<CompiledSchema> compileSchemaJson(const nlohmann::json &document, int draft,
                                                  QString *error, const QString &source)
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
    QHash<QString, std::shared_ptr<const CompiledSchema>> genericSchemas; // "glean.1", ... (registry)
    std::shared_ptr<PipelineRegistry> pipeline;
    QString pipelineSource;
    QString fingerprint;
    QStringList roots;
    bool bundled = false;

    static QString lookupKey(const QString &ns, const QString &docType, const QString &docVersion)
    {
        return snakeCase(ns) + u'/' + snakeCase(docType) + u'/' + docVersion;
    }

    void addTree(const QString &schemasDir, CoreCache &cores,
                 QList<SchemaLoadError> *errors, QCryptographicHash *digest);
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

void SchemaRegistry::Private::addFile(const SchemaFile &f, CoreCache &cores,
                                      QList<SchemaLoadError> *errors, QCryptographicHash *digest)
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
    byKey.insert(lookup, makeCompiled(displayKey, QDir::cleanPath(QFileInfo(f.path).absoluteFilePath()), std::move(core)));
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
                    errors->append({source + u": "_s + QString::fromStdString(key), QString::fromStdString(problem)});
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
        compiled.insert(lookupKey(e.ns, e.docType, e.version), makeCompiled(key, sourcePrefix + key, core->second));
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

std::shared_ptr<const SchemaRegistry> SchemaRegistry::load(const QStringList &userRoots,
                                                           bool includeBundled,
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
    if (const auto it = d->byKey.constFind(Private::lookupKey(ns, docType, docVersion)); it != d->byKey.constEnd())
        return it->get();
    const auto it = d->registrySchemas.constFind(Private::lookupKey(ns, docType, docVersion));
    return it == d->registrySchemas.constEnd() ? nullptr : it->get();
}

QString SchemaRegistry::sourceOf(const QString &ns, const QString &docType,
                                 const QString &docVersion) const
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
    const json snap = close < 0 ? json() : json::parse(index.mid(open, close - open + 1).toStdString(), nullptr, false);
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

ValidationOutcome Validator::validate(const QString &ns, const QString &docType,
                                      const QString &docVersion, const nlohmann::json &document,
                                      bool fromGleanSdk)
{
    const SchemaRegistry *reg = m_registry.get();
    const PipelineRegistry *pipeline = reg ? reg->pipeline() : nullptr;
    if (pipeline && !ns.isEmpty() && !docType.isEmpty()) {
        const RegistryEntry *entry = docVersion.isEmpty() ? nullptr : pipeline->find(ns, docType, docVersion);
        if (const auto user = reg->d->byKey.constFind(SchemaRegistry::Private::lookupKey(ns, docType, docVersion));
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
            out.note = u"the registry names %1 for %2/%3/%4, but it did not load (see the schema load errors)"_s.arg(
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
                        : u"; the body would also fail %1 (%2 errors)"_s.arg(genericSchema->key()).arg(out.errors.size());
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

ValidationOutcome Validator::validateAgainst(const CompiledSchema &schema,
                                             const nlohmann::json &document)
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
            suffix = !own.schemaSuffix.empty() || own.keyword == "false" ? own.schemaSuffix
                                                                         : "/" + own.keyword;
        } else {
            json holder;
            const json *value = valueAt(document, loc.steps, &holder);
            const Described dsc = describeValijson(e.description, value,
                                                   node ? node->source : nullptr, loc, core.draft);
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

        const QString identity =
            err.pointer + QChar(u'\0') + err.keyword + QChar(u'\0') + err.message;
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
        out.errors.append(
            {QString(), QString(), QString(),
             u"%1 more errors not listed (at most %2 are kept)"_s.arg(dropped).arg(kMaxErrors), QString()});
    if (!stopped.isEmpty())
        out.errors.append({QString(), QString(), QString(), stopped, QString()});
    if (!ok && out.errors.isEmpty())
        out.errors.append(
            {QString(), QString(), QString(), u"the document does not match the schema"_s, QString()});
    out.kind =
        out.errors.isEmpty() ? ValidationOutcome::Kind::Valid : ValidationOutcome::Kind::Invalid;
    return out;
}

} // namespace pingscope
