// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// Ingest cost per request (gunzip, UTF-8, JSON, routing, registry, scrubber, validation, derived
// fields, BigQuery columns), as one worker thread pays it, for real captured requests; with the
// production registry and with validation off. Run by hand:
//   build/dev/tests/bench/pingscope_bench_ingest [seconds-per-case=1 [only-requests-named-like]]
#include "ingest.h"
#include "testsupport.h"
#include "validation/validation.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

using namespace pingscope;
using namespace pingscope::test;
using namespace Qt::StringLiterals;
using Clock = std::chrono::steady_clock;

namespace {

double medianUs(const RawSubmission &raw, const IngestOptions &options, Validator *validator, double seconds)
{
    std::vector<double> us;
    const auto end = Clock::now() + std::chrono::duration<double>(seconds);
    while (Clock::now() < end) {
        const auto t0 = Clock::now();
        PingRecord r = ingestSubmission(raw, options, validator);
        us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
        if (r.verdict.isEmpty())
            std::abort();
    }
    std::sort(us.begin(), us.end());
    return us[us.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    const double seconds = argc > 1 ? std::atof(argv[1]) : 1.0;
    const QString only = argc > 2 ? QString::fromLocal8Bit(argv[2]) : QString();
    const auto t0 = Clock::now();
    IngestOptions withRegistry;
    withRegistry.schemas = SchemaRegistry::load({}, true, nullptr);
    const double loadMs = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    Validator validator(withRegistry.schemas);
    IngestOptions off;
    std::printf("registry %s loaded in %.0f ms\n\n%-52s %10s %10s %8s\n",
                qPrintable(withRegistry.schemas->fingerprint()), loadMs, "request", "full us", "no-valid us",
                "verdict");
    for (const QString &name :
         {u"firefox-esr/005-POST-firefox-desktop_baseline"_s,
          u"firefox-esr/012-POST-firefox-desktop_events"_s, u"firefox-esr/003-POST-firefox-desktop_newtab"_s,
          u"firefox-esr/011-POST-telemetry_a49b6c77-d6ee-4f3f-aae9-0bbee28e75ed"_s,
          u"gleanjs/002-POST-peers-gleanjs-node_peer-test"_s}) {
        for (const CapturedRequest &c : loadCapturedRequests()) {
            if (c.name != name || !name.contains(only))
                continue;
            const RawSubmission raw = rawSubmission(c.url, c.headers, c.body, 1'795'000'000'000'000);
            const double full = medianUs(raw, withRegistry, &validator, seconds);
            const double bare = medianUs(raw, off, nullptr, seconds);
            std::printf("%-52s %10.1f %10.1f %8s\n", qPrintable(name), full, bare,
                        qPrintable(ingestSubmission(raw, withRegistry, &validator).verdict));
        }
    }
    return 0;
}
