// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "ping/decode.h"

#include <QByteArray>

#include <nlohmann/json.hpp>

namespace pingscope {

// The panels' view of a decoded payload: nlohmann's ordered_json keeps the client's key order.
using ojson = nlohmann::ordered_json;

// `payload` parsed, or a discarded value when it is empty, not JSON, or nested deeper than
// kMaxPrintableDepth (nlohmann's parser and printer recurse; the raw view shows such payloads).
inline ojson parsePayload(const QByteArray &payload)
{
    if (payload.isEmpty() || jsonNestingDepth(payload) > kMaxPrintableDepth)
        return ojson(ojson::value_t::discarded);
    return ojson::parse(payload.begin(), payload.end(), nullptr, false);
}

// The member `key` of an object, or nullptr (also when `obj` is not an object).
inline const ojson *member(const ojson &obj, const char *key)
{
    if (!obj.is_object())
        return nullptr;
    const auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
}

} // namespace pingscope
