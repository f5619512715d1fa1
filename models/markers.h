// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include <QColor>
#include <QIcon>
#include <QVariant>

namespace pingscope {

// Row markers shared by the detail models. GUI thread only.

// The text colour of warnings (as the Problems tab's warning rows).
inline QColor warningTextColor()
{
    return QColor(0xa0, 0x5a, 0x00);
}

// A red disc with a white "!", `size` pixels square: an error (the one production reports,
// in the Problems tab; errors in the payload tree).
QPixmap paintErrorMarker(int size);

// An amber triangle with a dark "!", `size` pixels square.
QPixmap paintWarningMarker(int size);

// Qt::DecorationRole for a warned row: the marker as an icon (made once into `cache`), or the
// warning colour without a QGuiApplication (headless tools cannot make pixmaps).
QVariant warningDecoration(QIcon &cache);

} // namespace pingscope
