// The one overlay renderer (widgets/attention_overlay.h) that the Image tab and
// `attnscope-cli render --image` share, against pixels computed by hand, and the colour
// positions it takes from renderBare's normalisation.
//
//  - colourPositionsMatchRenderBare: for global, row and log normalisation, sequential and
//    diverging maps, and values with NaN, ±∞, zeros and negatives, ⌊t·256⌋ (clamped to 0..255)
//    is the colour index renderBare draws at one pixel per cell.
//  - scaledToMaxAtHalfOpacity / normalisedGlobally: a grey picture, two patches; every pixel is
//    (grey + the patch's colour) / 2 rounded down, the colour picked by hand from the map.
//  - opacityZeroKeepsThePicture: nothing drawn at opacity 0.

#include <QtTest>

#include <cmath>
#include <limits>

#include "attention_overlay.h"
#include "colormap.h"
#include "heatmap_export.h"

using namespace attnscope;

class TstAttentionOverlay : public QObject {
    Q_OBJECT
private slots:
    void colourPositionsMatchRenderBare_data();
    void colourPositionsMatchRenderBare();
    void scaledToMaxAtHalfOpacity();
    void normalisedGlobally();
    void opacityZeroKeepsThePicture();
};

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

QImage greyPicture(int w, int h)
{
    QImage img(w, h, QImage::Format_RGB32);
    img.fill(qRgb(128, 128, 128));
    return img;
}

QRgb half(QRgb a, QRgb b) { return qRgb((qRed(a) + qRed(b)) / 2, (qGreen(a) + qGreen(b)) / 2, (qBlue(a) + qBlue(b)) / 2); }

/// Two patches side by side over a 6 × 2 picture: x < 3 is patch 0.
void checkTwoPatches(const QImage &out, QRgb left, QRgb right)
{
    const QRgb grey = qRgb(128, 128, 128);
    QCOMPARE(out.size(), QSize(6, 2));
    for (int y = 0; y < 2; ++y)
        for (int x = 0; x < 6; ++x)
            QCOMPARE(qRgb(qRed(out.pixel(x, y)), qGreen(out.pixel(x, y)), qBlue(out.pixel(x, y))), half(grey, x < 3 ? left : right));
}

} // namespace

void TstAttentionOverlay::colourPositionsMatchRenderBare_data()
{
    QTest::addColumn<int>("norm");
    QTest::addColumn<int>("map");
    for (const auto &[nName, n] : {std::pair{"global", ColorNormalization::Global}, {"row", ColorNormalization::Row}, {"log", ColorNormalization::Log}})
        for (const auto &[mName, m] : {std::pair{"viridis", ColormapId::Viridis}, {"coolwarm", ColormapId::Coolwarm}})
            QTest::newRow(QByteArray(nName) + " " + mName) << int(n) << int(m);
}

void TstAttentionOverlay::colourPositionsMatchRenderBare()
{
    QFETCH(int, norm);
    QFETCH(int, map);
    Mat<double> m(2, 9);
    m << 0.0, 0.1, 0.25, 0.5, 1.0, -0.3, std::nan(""), kInf, -kInf, //
        3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0;                 // no spread: the lowest colour
    const auto n = ColorNormalization(norm);
    const auto id = ColormapId(map);
    const Mat<double> t = colourPositions(m, n, Colormap::get(id).diverging());
    const QImage bare = renderBare(m, int(m.cols()), int(m.rows()), id, n);
    for (int i = 0; i < m.rows(); ++i)
        for (int j = 0; j < m.cols(); ++j) {
            QVERIFY(t(i, j) >= 0 && t(i, j) <= 1);
            const int index = std::min(int(t(i, j) * 256), 255);
            QVERIFY2(index == bare.pixelIndex(j, i), qPrintable(QStringLiteral("cell (%1, %2): %3 vs %4").arg(i).arg(j).arg(index).arg(bare.pixelIndex(j, i))));
        }
}

void TstAttentionOverlay::scaledToMaxAtHalfOpacity()
{
    const QImage picture = greyPicture(6, 2);
    const PatchGrid grid = PatchGrid::fromRowsCols(picture.size(), 1, 2).value();
    Vec<double> values(2);
    values << 0.2, 0.8; // / max: 0.25 → index 64, 1 → index 255
    const auto &lut = Colormap::get(ColormapId::Magma).lut();
    const QImage out = renderAttentionOverlay(picture, values, grid, {ColormapId::Magma, std::nullopt, 0.5, Upsampling::Nearest});
    checkTwoPatches(out, lut[64], lut[255]);
}

void TstAttentionOverlay::normalisedGlobally()
{
    const QImage picture = greyPicture(6, 2);
    const PatchGrid grid = PatchGrid::fromRowsCols(picture.size(), 1, 2).value();
    Vec<double> values(2);
    values << 0.2, 0.8; // min..max: 0 → index 0, 1 → index 255
    const auto &lut = Colormap::get(ColormapId::Viridis).lut();
    const QImage out = renderAttentionOverlay(picture, values, grid,
                                              {ColormapId::Viridis, ColorNormalization::Global, 0.5, Upsampling::Nearest});
    checkTwoPatches(out, lut[0], lut[255]);
}

void TstAttentionOverlay::opacityZeroKeepsThePicture()
{
    const QImage picture = greyPicture(6, 2);
    const PatchGrid grid = PatchGrid::fromRowsCols(picture.size(), 1, 2).value();
    Vec<double> values(2);
    values << 0.2, 0.8;
    const QImage out = renderAttentionOverlay(picture, values, grid, {ColormapId::Viridis, std::nullopt, 0.0, Upsampling::Bilinear});
    for (int x = 0; x < 6; ++x)
        QCOMPARE(out.pixel(x, 0), picture.pixel(x, 0));
}

QTEST_MAIN(TstAttentionOverlay)
#include "tst_attention_overlay.moc"
