// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// The validation context (where an error is) and our own keywords, checked by valijson.
#include "validation/validation_p.h"

namespace pingscope::detail {

// ---------------------------------------------------------------- validation context

std::unordered_map<std::string, std::regex> &unusedRegexCache()
{
    // ValidationVisitor wants one, for the std::regex `pattern` we no longer let it run.
    thread_local std::unordered_map<std::string, std::regex> cache;
    return cache;
}

thread_local int t_depth = 0;

StepRef stepTo(long nodeId, char kind, std::string_view text)
{
    return StepRef{nodeId, kind, text};
}

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
        const std::string parent =
            loc.steps.size() > 1 ? "`" + dotted(loc.steps, loc.steps.size() - 1) + "`" : "the document";
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
void pushOwn(Results &results, const Context &ctx, std::string_view keyword, const std::string &message,
             std::string_view schemaSuffix)
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
        return sign(a<bi, a> bi);
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
        return sign(a<bi, a> bi);
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
            return sign(a.i<bi, a.i> bi);
        return -compareIntDouble(bi, a.d);
    }
    const double bd = b.get<double>();
    if (a.isInteger)
        return compareIntDouble(a.i, bd);
    return sign(a.d<bd, a.d> bd);
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
    const uint64_t magnitude = n.i < 0 ? static_cast<uint64_t>(-(n.i + 1)) + 1 : static_cast<uint64_t>(n.i);
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
                        subjectOf(ctx) + " does not match the pattern " + clip(p.source, 160) + ": " +
                            quote(s));
            return false;
        case Search::Failed:
            if (results)
                pushOwn(*results, ctx, "pattern",
                        subjectOf(ctx) + " could not be checked against the pattern " + clip(p.source, 160) +
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
    static bool validateObject(const Node &n, const JsonAdapter &t, const Context &ctx, Results *results)
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
                                    clip(pattern->source, 160) + ": the regular expression engine gave up",
                                "/patternProperties/" + escapeToken(pattern->source));
                        continue;
                    }
                    if (!validateNode(*child, member.second, ctx, stepTo(child->id, '.', key), results)) {
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
                            subjectOf(c) + " is not allowed: the schema lists no such property here");
                } else if (!validateNode(extra, member.second, ctx, stepTo(extra.id, '.', key), results)) {
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

    static bool validateArray(const Node &n, const JsonAdapter &t, const Context &ctx, Results *results)
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
                            subjectOf(ctx) + " has " + std::to_string(count) + " items, more than the " +
                                std::to_string(n.tupleItems.size()) + " the schema allows");
                    break;
                }
                if (child && !validateNode(*child, item, ctx, stepTo(child->id, '#', std::to_string(index)),
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
                if (validateNode(*n.contains, item, ctx, stepTo(n.contains->id, '#', std::to_string(index)),
                                 nullptr)) {
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

    static bool validateCombinators(const Node &n, const JsonAdapter &t, const Context &ctx, Results *results)
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
        if (n.notSchema && validateNode(*n.notSchema, t, ctx, stepTo(n.notSchema->id, '='), nullptr)) {
            ok = false;
            if (!results)
                return false;
            pushOwn(*results, ctx, "not", subjectOf(ctx) + " must not match the schema under \"not\"");
        }
        if (n.ifSchema) {
            const bool cond = validateNode(*n.ifSchema, t, ctx, stepTo(n.ifSchema->id, '='), nullptr);
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
    static void reportNoAlternative(const char *keyword, const std::vector<const Node *> &branches,
                                    const JsonAdapter &t, const Context &ctx, Results &results)
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
            names.push_back(e.description.substr(prefix.size(), e.description.size() - prefix.size() - 2));
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
                subject + " matches none of the " + std::to_string(branches.size()) + " alternatives of " +
                    keyword + "; the closest, #" + std::to_string(best) + ", fails as follows");
        moveErrors(perBranch[best], results);
    }
};

valijson::constraints::Constraint *makeOwnKeyword(OwnKeyword which, const Node *node)
{
    switch (which) {
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

} // namespace pingscope::detail
