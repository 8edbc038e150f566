#pragma once
// Exports every page uses: a heatmap's picture and data, and a widget's picture. Each writes its
// file atomically and returns false with a message naming the path.

#include <QByteArray>
#include <QImage>
#include <QSize>
#include <QString>

#include <cstddef>
#include <functional>
#include <vector>

#include "heatmap_view.h"

class QWidget;

namespace attnscope {

std::vector<std::byte> bytesOf(const QByteArray &a);
/// Puts `message` in `error` (when given) and returns false.
bool failWith(QString *error, const QString &message);
/// Why a PNG laid out at `size` and drawn at `scale` cannot be made, or empty.
QString checkPictureSize(QSize size, double scale);
/// Why files cannot be written into `dir`, or empty.
QString missingFolder(const QString &dir);

/// `content` drawn as a HeatmapView draws it, laid out at `size` and rendered at `scale` pixels
/// per unit (size × scale pixels); null when the size is out of range.
QImage drawHeatmapPicture(const HeatmapView::Content &content, ColormapId map, QSize size, double scale);
/// `content` as PNG (drawHeatmapPicture), SVG or PDF (a page of `size`), by the extension, with
/// title, labels and colour scale.
bool exportHeatmapPicture(const HeatmapView::Content &content, ColormapId map, const QString &path, QSize size,
                          double scale, QString *error);
/// `content`'s matrix: .csv (header row: the row-axis name, then the column labels; each row: its
/// label, then numbers with 9 significant digits, -inf as -inf) or .npy (float64).
bool exportHeatmapData(const HeatmapView::Content &content, const QString &path, QString *error);

/// `widget` as PNG drawn by `drawPng(size, scale)`, or as SVG or PDF at its size on screen
/// (text stays text; size and scale ignored).
bool exportWidgetPicture(QWidget *widget, const QString &path, QSize size, double scale,
                         const std::function<QImage(QSize, double)> &drawPng, QString *error);
/// Asks for a PNG's width, height and scale factor, starting from *size and *scale; false when
/// cancelled.
bool askPngSize(QWidget *parent, QSize *size, double *scale);
/// Asks where to save a picture (PNG, SVG or PDF; a name without one of these gets the chosen
/// filter's), then, for PNG, its size and scale starting from `size` at 2×. False when cancelled.
bool askPicturePath(QWidget *parent, const QString &title, QString *path, QSize *size, double *scale);

/// Makes `copy` an off-screen stand-in for `original` laid out at `size`: same font and palette.
void prepareCopy(QWidget &copy, const QWidget &original, QSize size);
/// `widget` laid out at its size, drawn on white at `scale` pixels per unit.
QImage drawWidgetAt(QWidget &widget, QSize size, double scale);

} // namespace attnscope
