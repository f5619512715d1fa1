// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include <QString>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace pingscope {

// The structural diff of two JSON documents (two pings), by JSON pointer. Values and pure
// functions: any thread.

// One difference. `pointer` is an RFC 6901 JSON pointer ("" is the whole document). Removed
// names the place in A, Added and Changed the place in B: the two differ only inside arrays
// whose elements moved.
struct DiffEntry
{
    enum class Kind
    {
        Added,
        Removed,
        Changed
    };
    Kind kind = Kind::Changed;
    std::string pointer;
    // ordered_json, so that printing a value keeps the client's key order. Removed: only
    // `before`; Added: only `after` (the other is null).
    nlohmann::ordered_json before, after;
};

struct JsonDiff
{
    // Depth first, in the order of A's keys, then the keys only B has in B's order.
    std::vector<DiffEntry> entries;
    // What the differences mean for two pings (seq gaps, time deltas, another client), to be
    // shown before the entries; empty when the documents are equal.
    std::vector<std::string> notes;
    bool equal() const { return entries.empty(); }
};

// "a/b" -> "a~1b", "m~n" -> "m~0n" (RFC 6901).
std::string jsonPointerEscape(std::string_view key);

// A against B. Objects are compared key by key, whatever the key order. Arrays are aligned so
// that an inserted element is one Added entry: Glean events by (category, name, timestamp),
// then by (category, name); other arrays by a longest common subsequence of equal elements
// (index by index past 4 million element pairs). Unaligned elements between two aligned ones
// are paired up as Changed (and compared inside when both are objects or both arrays).
// Numbers are equal by value (1 = 1.0); a value of another type is Changed.
// Recursive: one level per level of nesting, so the caller refuses documents deeper than
// kMaxPrintableDepth (ping/decode.h), as printing them would recurse as deep.
JsonDiff diffJson(const nlohmann::ordered_json &a, const nlohmann::ordered_json &b);

// For the terminal: the notes, one line per entry ("+ /p: value", "- /p: value",
// "~ /p: before → after", values as compact JSON cut at 120 characters), then
// "N added, M removed, K changed" (or "no differences"). ANSI colours when `color`.
QString formatDiff(const JsonDiff &diff, bool color);

// {"equal", "notes", "entries": [{"op": "add|remove|change", "pointer", "before", "after"}]};
// an added entry has no "before", a removed one no "after".
nlohmann::ordered_json diffToJson(const JsonDiff &diff);

} // namespace pingscope
