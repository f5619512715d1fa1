// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// Text helpers, types, formats (without regex) and patterns (PCRE2) for the validator.
#include "validation/validation_p.h"

namespace pingscope::detail {

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

std::string quote(std::string_view s, size_t maxBytes)
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
    if (s.size() != 10 || !digitsAt(s, 0, 4, &y) || s[4] != '-' || !digitsAt(s, 5, 2, &m) || s[7] != '-' ||
        !digitsAt(s, 8, 2, &d))
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
    if (s.size() < 9 || !digitsAt(s, 0, 2, &h) || s[2] != ':' || !digitsAt(s, 3, 2, &m) || s[5] != ':' ||
        !digitsAt(s, 6, 2, &sec))
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

// ---------------------------------------------------------------- patterns

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

} // namespace pingscope::detail
