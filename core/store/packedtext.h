// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace pingscope {

// The short texts the store keeps for every ping (its request headers, its warnings, what the
// pipeline derives) deflated against a built-in dictionary of what such texts usually hold:
// a few hundred bytes become a few dozen, where plain deflate gains almost nothing.
//
// Packed: a marker byte (0x01: the headers dictionary, 0x02: the JSON one), then raw deflate
// (RFC 1951) with that dictionary. Anything else is the text itself: headers start with a
// token character, JSON with '[' or '{', so old rows (and texts that packing would not shrink)
// read as they are. The dictionaries must never change: another one takes another marker.
//
// Thread-safe (each thread keeps its own zlib streams).
enum class PackedKind
{
    Headers, // "Name: value\r\n" lines
    Json,    // warnings, the derived fields
};
QByteArray packText(QByteArrayView text, PackedKind kind);
// The text back; a packed value that does not inflate (a damaged row) gives an empty result.
QByteArray unpackText(const QByteArray &stored);
bool isPackedText(QByteArrayView stored);

} // namespace pingscope
