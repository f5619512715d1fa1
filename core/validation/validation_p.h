// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

// Private to core/validation: the compiled form of a schema and the helpers its parts share.
// Nothing outside this folder includes it (valijson stays private to pingscope_validation).

#include "validation/validation.h"

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

#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace pingscope::detail {

using namespace Qt::StringLiterals;
using nlohmann::json;

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

inline const std::string kEllipsis = "\xE2\x80\xA6"; // U+2026

// ---------------------------------------------------------------- text (text.cpp)

std::string clip(std::string_view s, size_t maxBytes);
std::string quote(std::string_view s, size_t maxBytes = 80);
size_t utf8Length(std::string_view s);
std::string render(const json &v);
std::string renderSchemaValue(const json &v);
std::string nounOf(const AnyAdapter &a);
std::string joinOr(const std::vector<std::string> &items);
std::string joinQuoted(const std::vector<std::string> &items);
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

std::string expectedTypes(unsigned mask);
bool typeAccepts(unsigned mask, const AnyAdapter &a, bool integralDoublesAreIntegers);
bool digitsAt(std::string_view s, size_t pos, size_t n, int *value);
bool isRfc3339Date(std::string_view s);
bool isRfc3339Time(std::string_view s);
bool isRfc3339DateTime(std::string_view s);
enum class Format
{
    None,
    Date,
    Time,
    DateTime
};

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

Search search(const Pattern &p, const QString &subject);
QString pcreFromEcma(const QString &p);

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
    int draft = 7;    // the rules of the document it is in (4, 6 or 7)
    std::string base; // its base URI (after its own id)
    Kind kind = Kind::Normal;
    valijson::Schema leaf;

    unsigned typeMask = 0; // 0: no "type"
    Format format = Format::None;
    const Pattern *pattern = nullptr;

    // Numbers (schema values, read exactly) and lengths.
    const json *minimum = nullptr, *maximum = nullptr;
    bool minimumExclusive = false, maximumExclusive = false;             // draft-04 boolean form
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
        const auto it = std::lower_bound(properties.begin(), properties.end(), name,
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

// ---------------------------------------------------------------- validation context (keywords.cpp)

std::unordered_map<std::string, std::regex> &unusedRegexCache();
extern thread_local int t_depth;
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

StepRef stepTo(long nodeId, char kind, std::string_view text = {});
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

Location locate(const Context &ctx);
std::string dotted(const std::vector<Step> &steps, size_t count);
std::string subjectOf(const Location &loc);
std::string subjectOf(const Context &ctx);
std::string escapeToken(std::string_view s);
QString pointerOf(const std::vector<Step> &steps);
void pushOwn(Results &results, const Context &ctx, std::string_view keyword, const std::string &message,
             std::string_view schemaSuffix = {});
struct OwnError
{
    std::string keyword, message, schemaSuffix;
};

bool decodeOwn(const std::string &d, OwnError *out);
bool validateNode(const Node &node, const JsonAdapter &value, const Context &ctx, StepRef step,
                  Results *results);
void moveErrors(Results &from, Results &to);
bool sameValue(const JsonAdapter &a, const JsonAdapter &b);

// ---------------------------------------------------------------- compiling (compile.cpp)

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

// One of our keywords (keywords.cpp) for a node; what the compiler's keyword builders make.
valijson::constraints::Constraint *makeOwnKeyword(OwnKeyword which, const Node *node);

std::string percentDecoded(std::string_view s);
int metaschemaDraft(const std::string &uri);
int draftOf(const json &doc, std::string *error);
std::shared_ptr<const SchemaCore> compileCore(json document, int draft, std::string *error);
bool readJsonFile(const QString &path, json *out, QString *error);

// ---------------------------------------------------------------- messages (messages.cpp)

struct Described
{
    std::string keyword;
    std::string message;
};

Described describeValijson(const std::string &d, const json *value, const json *schema, const Location &loc,
                           int draft);
// The value at `steps` in `doc` (a missing member: nullptr; holder keeps a made one alive).
const json *valueAt(const json &doc, const std::vector<Step> &steps, json *holder);
std::string everitPath(const QString &pointer);
std::string everitValue(const json &v);
std::string everitType(const json &v);
QString everitMessage(const ValidationError &e, const json *value, const json *schema, int missingIndex);

} // namespace pingscope::detail
