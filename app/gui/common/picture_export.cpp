// Exports every page uses: a heatmap's picture and data, and a widget's picture.

#include "picture_export.h"

#include <QBuffer>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QSpinBox>
#include <QDir>
#include <QFileInfo>
#include <QObject>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgGenerator>

#include <qcustomplot.h>

#include <cmath>
#include <cstring>

#include "file_io.h"
#include "heatmap_export.h"
#include "npy.h"

namespace attnscope {

std::vector<std::byte> bytesOf(const QByteArray &a)
{
    std::vector<std::byte> out(std::size_t(a.size()));
    if (!a.isEmpty())
        std::memcpy(out.data(), a.constData(), out.size());
    return out;
}

bool failWith(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

namespace {

bool failWith(QString *error, const Error &e) { return attnscope::failWith(error, QString::fromStdString(e.message)); }

/// A CSV field, quoted when it holds a separator, a quote or a line break (RFC 4180).
QString csvField(const QString &s)
{
    if (!s.contains(QLatin1Char(',')) && !s.contains(QLatin1Char('"')) && !s.contains(QLatin1Char('\n'))
        && !s.contains(QLatin1Char('\r')))
        return s;
    QString q = s;
    q.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + q + QLatin1Char('"');
}

/// 9 significant digits; infinities and NaN as numpy writes them (-inf, inf, nan).
QString csvNumber(double v)
{
    if (std::isnan(v))
        return QStringLiteral("nan");
    if (std::isinf(v))
        return v < 0 ? QStringLiteral("-inf") : QStringLiteral("inf");
    return QString::number(v, 'g', 9);
}

QByteArray encodeCsv(const HeatmapView::Content &c)
{
    const Mat<double> &m = *c.values;
    QString out;
    out += csvField(c.rowAxis);
    for (Eigen::Index j = 0; j < m.cols(); ++j)
        out += QLatin1Char(',') + csvField(c.colLabels.value(int(j), QString::number(j)));
    out += QLatin1Char('\n');
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        out += csvField(c.rowLabels.value(int(i), QString::number(i)));
        for (Eigen::Index j = 0; j < m.cols(); ++j)
            out += QLatin1Char(',') + csvNumber(m(i, j));
        out += QLatin1Char('\n');
    }
    return out.toUtf8();
}

} // namespace

QString checkPictureSize(QSize size, double scale)
{
    if (size.width() < 1 || size.height() < 1 || size.width() > kMaxExportSide || size.height() > kMaxExportSide)
        return QObject::tr("the picture size %1 × %2 is not within 1..%3").arg(size.width()).arg(size.height()).arg(kMaxExportSide);
    if (!(scale > 0) || std::lround(size.width() * scale) > kMaxExportSide || std::lround(size.height() * scale) > kMaxExportSide
        || std::lround(size.width() * scale) < 1 || std::lround(size.height() * scale) < 1)
        return QObject::tr("%1 × %2 at scale %3 is not within 1..%4 pixels a side")
            .arg(size.width())
            .arg(size.height())
            .arg(scale)
            .arg(kMaxExportSide);
    return QString();
}

QString missingFolder(const QString &dir)
{
    const QFileInfo info(dir);
    return info.isDir() ? QString() : QObject::tr("cannot write into %1: the folder does not exist").arg(QDir::toNativeSeparators(dir));
}

/// Draws `content` as the window does, laid out at `size` and rendered at `scale` pixels per
/// unit: what exportHeatmap draws for PNG, with the scale factor added (larger pixels, same layout).
QImage drawHeatmapPicture(const HeatmapView::Content &content, ColormapId map, QSize size, double scale)
{
    if (!checkPictureSize(size, scale).isEmpty())
        return QImage();
    HeatmapView view;
    view.setAttribute(Qt::WA_DontShowOnScreen);
    view.resize(size);
    QCustomPlot *plot = view.plot();
    plot->setViewport(QRect(QPoint(0, 0), size));
    view.setColormap(map);
    view.setContent(content);
    view.resetView();
    return plot->toPixmap(size.width(), size.height(), scale).toImage();
}

bool exportHeatmapPicture(const HeatmapView::Content &content, ColormapId map, const QString &path, QSize size,
                          double scale, QString *error)
{
    const auto format = exportFormatForPath(path);
    if (!format)
        return failWith(error, QObject::tr("cannot write %1: the extension is not .png, .svg or .pdf").arg(QDir::toNativeSeparators(path)));
    if (const QString why = checkPictureSize(size, *format == ExportFormat::Png ? scale : 1.0); !why.isEmpty())
        return failWith(error, QObject::tr("cannot write %1: %2").arg(QDir::toNativeSeparators(path), why));
    if (*format != ExportFormat::Png) { // vector: the size is the page; a scale factor means nothing
        ExportOptions opt;
        opt.width = size.width();
        opt.height = size.height();
        opt.colormap = map;
        const Status s = exportHeatmap(content, opt, path);
        return s ? true : failWith(error, s.error());
    }
    const QImage image = drawHeatmapPicture(content, map, size, scale);
    const QSize expected(int(std::lround(size.width() * scale)), int(std::lround(size.height() * scale)));
    if (image.size() != expected)
        return failWith(error, QObject::tr("cannot write %1: could not draw a %2 × %3 picture")
                                   .arg(QDir::toNativeSeparators(path))
                                   .arg(expected.width())
                                   .arg(expected.height()));
    auto bytes = encodeImage(image, ExportFormat::Png, content.title);
    if (!bytes)
        return failWith(error, bytes.error());
    const Status s = writeFileAtomically(path.toStdString(), bytesOf(*bytes));
    return s ? true : failWith(error, s.error());
}

bool exportHeatmapData(const HeatmapView::Content &content, const QString &path, QString *error)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != QLatin1String("csv") && suffix != QLatin1String("npy"))
        return failWith(error, QObject::tr("cannot write %1: the extension is not .csv or .npy").arg(QDir::toNativeSeparators(path)));
    const std::vector<std::byte> bytes =
        suffix == QLatin1String("csv") ? bytesOf(encodeCsv(content)) : encodeNpy(Tensor::fromMatrix(*content.values));
    const Status s = writeFileAtomically(path.toStdString(), bytes);
    return s ? true : failWith(error, s.error());
}

/// Makes `copy` an off-screen stand-in for `original` laid out at `size`: same font and palette.
void prepareCopy(QWidget &copy, const QWidget &original, QSize size)
{
    copy.setAttribute(Qt::WA_DontShowOnScreen);
    copy.setFont(original.font());
    copy.setPalette(original.palette());
    copy.resize(size);
}

/// `widget` laid out at `size`, drawn on white at `scale` pixels per unit: size × scale pixels.
QImage drawWidgetAt(QWidget &widget, QSize size, double scale)
{
    QImage image(int(std::lround(size.width() * scale)), int(std::lround(size.height() * scale)),
                 QImage::Format_ARGB32_Premultiplied);
    if (image.isNull())
        return image;
    image.setDevicePixelRatio(scale);
    image.fill(Qt::white);
    QPainter painter(&image);
    widget.render(&painter);
    return image;
}

bool exportWidgetPicture(QWidget *widget, const QString &path, QSize size, double scale,
                                     const std::function<QImage(QSize, double)> &drawPng, QString *error)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    const QString where = QDir::toNativeSeparators(path);
    if (!widget || !widget->isVisible() || widget->width() < 2)
        return failWith(error, QObject::tr("cannot write %1: there is no picture on this tab yet").arg(where));
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (suffix == "png") {
        if (const QString why = checkPictureSize(size, scale); !why.isEmpty())
            return failWith(error, QObject::tr("cannot write %1: %2").arg(where, why));
        const QImage image = drawPng(size, scale);
        if (image.isNull())
            return failWith(error, QObject::tr("cannot write %1: could not draw the picture").arg(where));
        image.save(&buffer, "PNG");
    } else if (suffix == "svg") {
        // The widget paints itself onto the generator: its text stays text, its images are embedded.
        QSvgGenerator svg;
        svg.setOutputDevice(&buffer);
        svg.setSize(widget->size());
        svg.setViewBox(QRect(QPoint(0, 0), widget->size()));
        svg.setTitle(QFileInfo(path).completeBaseName());
        QPainter painter(&svg);
        widget->render(&painter);
    } else if (suffix == "pdf") {
        QPdfWriter pdf(&buffer);
        pdf.setPageSize(QPageSize(QSizeF(widget->width(), widget->height()), QPageSize::Point));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setResolution(72);
        QPainter painter(&pdf);
        widget->render(&painter);
    } else {
        return failWith(error, QObject::tr("cannot write %1: the extension is not .png, .svg or .pdf").arg(where));
    }
    if (bytes.isEmpty())
        return failWith(error, QObject::tr("cannot write %1: the picture could not be drawn").arg(where));
    const Status s = writeFileAtomically(path.toStdString(), bytesOf(bytes));
    return s ? true : failWith(error, QString::fromStdString(s.error().message));
}

bool askPngSize(QWidget *parent, QSize *size, double *scale)
{
    QDialog dialog(parent);
    dialog.setWindowTitle(QObject::tr("PNG size"));
    auto *form = new QFormLayout(&dialog);
    auto *width = new QSpinBox(&dialog);
    auto *height = new QSpinBox(&dialog);
    for (QSpinBox *box : {width, height}) {
        box->setRange(1, kMaxExportSide);
        box->setSuffix(QObject::tr(" px"));
    }
    width->setValue(size->width());
    height->setValue(size->height());
    auto *factor = new QDoubleSpinBox(&dialog);
    factor->setRange(0.25, 8.0);
    factor->setSingleStep(0.5);
    factor->setValue(*scale);
    factor->setToolTip(QObject::tr("Pixels per unit: 2 draws the same layout with twice the pixels each way"));
    form->addRow(QObject::tr("Width:"), width);
    form->addRow(QObject::tr("Height:"), height);
    form->addRow(QObject::tr("Scale factor:"), factor);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return false;
    *size = QSize(width->value(), height->value());
    *scale = factor->value();
    return true;
}

bool askPicturePath(QWidget *parent, const QString &title, QString *path, QSize *size, double *scale)
{
    QString filter;
    QString chosen = QFileDialog::getSaveFileName(parent, title, QString(),
                                                  QObject::tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"), &filter);
    if (chosen.isEmpty())
        return false;
    if (!exportFormatForPath(chosen))
        chosen += filter.contains(QLatin1String("svg")) ? QStringLiteral(".svg")
                  : filter.contains(QLatin1String("pdf")) ? QStringLiteral(".pdf")
                                                          : QStringLiteral(".png");
    *scale = 2.0;
    if (exportFormatForPath(chosen) == ExportFormat::Png && !askPngSize(parent, size, scale))
        return false;
    *path = chosen;
    return true;
}

} // namespace attnscope
