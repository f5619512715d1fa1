// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// Turning valijson's and our errors into words, and everit's (production's) wording.
#include "validation/validation_p.h"

namespace pingscope::detail {

// ---------------------------------------------------------------- turning errors into words

// valijson's own error lines (the keywords left to it), recognised by their fixed wording.
Described describeValijson(const std::string &d, const json *value, const json *schema, const Location &loc,
                           int draft)
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
            return {"minimum", subject + is + ", not above the exclusive minimum " + schemaValue("minimum")};
        return {"exclusiveMinimum",
                subject + is + ", not above the exclusive minimum " + schemaValue("exclusiveMinimum")};
    }
    if (starts("Expected number less than or equal to"))
        return {"maximum", subject + is + ", above the maximum " + schemaValue("maximum")};
    if (starts("Expected number less than")) {
        if (draft == 4)
            return {"maximum", subject + is + ", not below the exclusive maximum " + schemaValue("maximum")};
        return {"exclusiveMaximum",
                subject + is + ", not below the exclusive maximum " + schemaValue("exclusiveMaximum")};
    }
    if (starts("String should be no more than"))
        return {"maxLength", subject + " is " + lengthOf() + " characters long, over the maximum length " +
                                 schemaValue("maxLength")};
    if (starts("String should be no fewer than"))
        return {"minLength", subject + " is " + lengthOf() + " characters long, under the minimum length " +
                                 schemaValue("minLength")};
    if (starts("Array should contain no more than"))
        return {"maxItems",
                subject + " has " + lengthOf() + " items, more than the maximum " + schemaValue("maxItems")};
    if (starts("Array should contain no fewer than"))
        return {"minItems",
                subject + " has " + lengthOf() + " items, fewer than the minimum " + schemaValue("minItems")};
    if (starts("Object should have no more than"))
        return {"maxProperties", subject + " has " + lengthOf() + " properties, more than the maximum " +
                                     schemaValue("maxProperties")};
    if (starts("Object should have no fewer than"))
        return {"minProperties", subject + " has " + lengthOf() + " properties, fewer than the minimum " +
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
            const auto [end, ec] = std::from_chars(s.text.data(), s.text.data() + s.text.size(), index);
            if (ec != std::errc() || end != s.text.data() + s.text.size() || index >= v->size())
                return nullptr;
            v = &(*v)[index];
        } else {
            return nullptr;
        }
    }
    return v;
}

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
    case json::value_t::string:
        return "String";
    case json::value_t::object:
        return "JSONObject";
    case json::value_t::array:
        return "JSONArray";
    case json::value_t::boolean:
        return "Boolean";
    case json::value_t::null:
        return "Null";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
        return "Integer";
    default:
        return "BigDecimal";
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
    } else if (value && value->is_number() &&
               (kw == "minimum" || kw == "maximum" || kw == "exclusiveMinimum" || kw == "exclusiveMaximum")) {
        const bool min = kw == "minimum" || kw == "exclusiveMinimum";
        const json *limit = at(min ? "minimum" : "maximum");
        bool exclusive = kw.rfind("exclusive", 0) == 0;
        if (const json *ex = at(kw.c_str()); ex && ex->is_number()) // draft 6+: the limit itself
            limit = ex;
        else if (const json *flag = at(min ? "exclusiveMinimum" : "exclusiveMaximum");
                 flag && flag->is_boolean())
            exclusive = flag->get<bool>(); // draft 4: a modifier
        if (limit && limit->is_number())
            text = value->dump() +
                   (min ? (exclusive ? " is not greater than " : " is not greater or equal to ")
                        : (exclusive ? " is not less than " : " is not less or equal to ")) +
                   limit->dump();
    } else if (value && value->is_string() && (kw == "minLength" || kw == "maxLength")) {
        if (const json *limit = at(kw.c_str()); limit && limit->is_number())
            text = "expected " + kw + ": " + std::to_string(limit->get<long long>()) + ", actual: " +
                   std::to_string(QString::fromStdString(value->get<std::string>()).toUcs4().size());
    } else if (value && value->is_array() && (kw == "minItems" || kw == "maxItems")) {
        if (const json *limit = at(kw.c_str()); limit && limit->is_number())
            text = std::string(kw == "minItems" ? "expected minimum item count: "
                                                : "expected maximum item count: ") +
                   std::to_string(limit->get<long long>()) + ", found: " + std::to_string(value->size());
    } else if (value && value->is_string() && kw == "pattern") {
        if (const json *pattern = at("pattern"); pattern && pattern->is_string())
            text = "string [" + value->get<std::string>() + "] does not match pattern " +
                   pattern->get<std::string>();
    } else if (value && value->is_number() && kw == "multipleOf") {
        if (const json *m = at("multipleOf"); m && m->is_number())
            text = value->dump() + " is not a multiple of " + m->dump();
    } else if (value && kw == "type") {
        if (const json *t = at("type"); t && t->is_string()) {
            std::string want = t->get<std::string>();
            const std::map<std::string, std::string> names = {
                {"string", "String"},   {"object", "JSONObject"}, {"array", "JSONArray"},
                {"boolean", "Boolean"}, {"null", "Null"},         {"integer", "Integer"},
                {"number", "Number"}};
            if (const auto n = names.find(want); n != names.end())
                text = "expected type: " + n->second + ", found: " + everitType(*value);
        }
    }
    if (text.empty())
        text = e.message.toStdString();
    return QString::fromStdString(path + ": " + text);
}

} // namespace pingscope::detail
