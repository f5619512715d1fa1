// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// libFuzzer target for pingscope::parseSubmitPath (the /submit/ URL router) and queryValue.
//
// Input: a request target as a client sends it ("/submit/...?v=4"); split at the first '?'.
// Checks: no crash or sanitizer report; an accepted URL has the parts its form needs (namespace,
// docType, a docId that is a UUID; a docVersion for the generic form, the four app fields for
// telemetry); a refused one says why; the same input gives the same answer twice.
#include "ping/submitpath.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace pingscope;

namespace {

[[noreturn]] void fail(const char *what, const QByteArray &input)
{
    std::fprintf(stderr, "\n*** fuzz_submitpath: %s\ninput: %s\n", what,
                 input.toPercentEncoding("/?=&").constData());
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    const QByteArray target(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    const qsizetype q = target.indexOf('?');
    const QByteArray path = q < 0 ? target : target.left(q);
    const QByteArray query = q < 0 ? QByteArray() : target.mid(q + 1);
    const SubmitPath sp = parseSubmitPath(path, query);
    if (sp.isValid()) {
        if (sp.form == SubmitPath::Form::Invalid)
            fail("accepted with form Invalid", target);
        if (sp.ns.isEmpty() || sp.docType.isEmpty())
            fail("accepted without namespace or docType", target);
        if (!isUuid(sp.docId))
            fail("accepted with a docId that is not a UUID", target);
        if (sp.form == SubmitPath::Form::Generic && sp.docVersion.isEmpty())
            fail("generic form accepted without a docVersion", target);
        if (sp.form == SubmitPath::Form::Telemetry && sp.ns != u"telemetry")
            fail("telemetry form with another namespace", target);
        for (const QString *part : {&sp.ns, &sp.docType, &sp.docVersion, &sp.docId})
            if (part->contains(u'/'))
                fail("a path part contains '/'", target);
    } else if (sp.problem.trimmed().isEmpty()) {
        fail("refused without a reason", target);
    }
    const SubmitPath again = parseSubmitPath(path, query);
    if (again.problem != sp.problem || again.ns != sp.ns || again.docId != sp.docId ||
        again.docType != sp.docType)
        fail("not deterministic", target);
    (void)queryValue(query, "v");
    (void)queryValue(query, QByteArrayView(data, static_cast<qsizetype>(size < 8 ? size : 8)));
    return 0;
}
