// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include <QColor>
#include <QImage>
#include <QWidget>

namespace pingscope::test {

// How many pixels of `colour` (exactly) the widget's rendering holds: proof that a chart drew
// its markers or bars, not only that the series hold the points.
inline int countColour(QWidget &w, const QColor &colour)
{
    const QImage img = w.grab().toImage().convertToFormat(QImage::Format_RGB32);
    int n = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x)
            if (QColor(img.pixel(x, y)).rgb() == colour.rgb())
                ++n;
    return n;
}

} // namespace pingscope::test
