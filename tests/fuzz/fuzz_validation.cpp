// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// libFuzzer target for validation: a JSON document checked against the bundled registry's
// schemas for firefox-desktop/baseline/1 (glean.1) and telemetry/main/4 (main.4), the way
// ingest checks pings.
//
// Input: byte 0 picks the schema (even: glean.1, odd: main.4), the rest is the document.
// Checks: no crash or sanitizer report, no hang; a verdict is Valid exactly when no error is
// listed; every error has a JSON pointer that starts with '/' or is empty; the same document
// gives the same verdict and errors twice (the validator is reused, as a worker reuses it).
#include "validation/validation.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>

using namespace pingscope;
using namespace Qt::StringLiterals;

namespace {

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "\n*** fuzz_validation: %s\n", what);
    std::abort();
}

Validator &validator()
{
    static std::shared_ptr<const SchemaRegistry> registry = SchemaRegistry::load({}, true, nullptr);
    static Validator v(registry);
    return v;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 256 * 1024)
        return 0;
    const bool main4 = data[0] & 1;
    nlohmann::json doc = nlohmann::json::parse(data + 1, data + size, nullptr, false);
    if (doc.is_discarded())
        return 0;
    Validator &v = validator();
    const auto check = [&] {
        return main4 ? v.validate(u"telemetry"_s, u"main"_s, u"4"_s, doc, false)
                     : v.validate(u"firefox-desktop"_s, u"baseline"_s, u"1"_s, doc, true);
    };
    const ValidationOutcome a = check();
    if (a.kind != ValidationOutcome::Kind::Valid && a.kind != ValidationOutcome::Kind::Invalid)
        fail("a registered doc type was not checked");
    if ((a.kind == ValidationOutcome::Kind::Valid) != a.errors.isEmpty())
        fail("the verdict and the error list disagree");
    for (const ValidationError &e : a.errors)
        if (!e.pointer.isEmpty() && !e.pointer.startsWith(u'/'))
            fail("an error pointer is not a JSON pointer");
    const ValidationOutcome b = check();
    if (a.kind != b.kind || a.errors.size() != b.errors.size())
        fail("not deterministic");
    return 0;
}
