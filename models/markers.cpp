// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "markers.h"

#include <QGuiApplication>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace pingscope {

namespace {

// A transparent square of `size` pixels drawn by `draw(painter, unit)`, unit = size / 16.
template <typename Draw> QPixmap paintMarker(int size, Draw draw)
{
    QPixmap pm(size, size);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    draw(p, size / 16.0);
    return pm;
}

} // namespace

QPixmap paintErrorMarker(int size)
{
    return paintMarker(size, [](QPainter &p, qreal s) {
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(0xc0, 0x1c, 0x28));
        p.drawEllipse(QRectF(2 * s, 2 * s, 12 * s, 12 * s));
        p.setBrush(Qt::white);
        p.drawRoundedRect(QRectF(7.1 * s, 4.2 * s, 1.8 * s, 5.0 * s), 0.7 * s, 0.7 * s);
        p.drawEllipse(QPointF(8 * s, 11.2 * s), 1.0 * s, 1.0 * s);
    });
}

QPixmap paintWarningMarker(int size)
{
    return paintMarker(size, [](QPainter &p, qreal s) {
        QPainterPath triangle;
        triangle.moveTo(8 * s, 1.6 * s);
        triangle.lineTo(15 * s, 14.2 * s);
        triangle.lineTo(1 * s, 14.2 * s);
        triangle.closeSubpath();
        p.setPen(QPen(QColor(0x9c, 0x6a, 0x00), 0.8 * s, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.setBrush(QColor(0xf5, 0xc2, 0x11));
        p.drawPath(triangle);
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(0x3d, 0x2b, 0x00));
        p.drawRoundedRect(QRectF(7.1 * s, 5.4 * s, 1.8 * s, 4.8 * s), 0.7 * s, 0.7 * s);
        p.drawEllipse(QPointF(8 * s, 12.0 * s), 1.0 * s, 1.0 * s);
    });
}

QVariant warningDecoration(QIcon &cache)
{
    if (!qobject_cast<QGuiApplication *>(QCoreApplication::instance()))
        return warningTextColor();
    if (cache.isNull()) {
        cache.addPixmap(paintWarningMarker(16));
        cache.addPixmap(paintWarningMarker(32));
    }
    return cache;
}

} // namespace pingscope
