// Attention over image patches: the setups' shapes and rows summing to 1, the mean of selected
// rows, upsampling of patch values to pixels (nearest by the floor bounds, bilinear between
// centres) and blending over the image.
#include <QtTest>

#include <cmath>

#include "image_attention.h"

using namespace attnscope;

namespace {

/// A small picture with colour, edges and texture, so that features differ between patches.
QImage testImage(int w, int h)
{
    QImage img(w, h, QImage::Format_RGB32);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            img.setPixel(x, y, qRgb((x * 255) / w, (y * 255) / h, ((x / 3 + y / 5) % 2) * 200));
    return img;
}

/// The pixel's patch value the slow way: the cell whose rectangle holds the pixel.
double cellValueAt(const PatchGrid &grid, const Vec<double> &values, int x, int y)
{
    for (int r = 0; r < grid.rows; ++r)
        for (int c = 0; c < grid.cols; ++c)
            if (grid.cell(r, c).contains(x, y))
                return values(r * grid.cols + c);
    return std::nan("");
}

Vec<double> randomValues(int n, unsigned seed)
{
    Vec<double> v(n);
    std::srand(seed);
    for (int i = 0; i < n; ++i)
        v(i) = double(std::rand() % 1000) / 999.0;
    return v;
}

std::array<QRgb, 256> testLut()
{
    std::array<QRgb, 256> lut{};
    for (int i = 0; i < 256; ++i)
        lut[std::size_t(i)] = qRgb(i, 255 - i, (i * 7) % 256);
    return lut;
}

} // namespace

class TestImageAttention : public QObject {
    Q_OBJECT
private slots:
    void nearestTakesTheValueOfThePixelsPatch_data();
    void nearestTakesTheValueOfThePixelsPatch();
    void nearestBoundsLieAtTheFloor();
    void nearestAtTwiceTheSizeRepeatsEachPixel();
    void bilinearEqualsPatchValuesAtCentres();
    void bilinearIsMonotoneBetweenTwoPatchesAndClampedAtBorders();
    void bilinearStaysWithinTheValues();
    void blendAtOpacityZeroIsTheImage();
    void blendAtOpacityOneIsTheColourMap();
    void blendHalfwayMixes();
    void patchEmbeddingsAreStandardised();
    void imageSetupShapes();
    void imageSetupRefusesBadArguments();
    void textToImageWeightsRowsSumToOne();
    void meanOfSelectedRows();
    void scaleToMaxPutsTheLargestAtOne();
};

void TestImageAttention::nearestTakesTheValueOfThePixelsPatch_data()
{
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("cols");
    QTest::newRow("even 4×4 of 8×8") << 32 << 32 << 4 << 4;
    QTest::newRow("uneven 10×7 in 3×4") << 10 << 7 << 3 << 4;
    QTest::newRow("one pixel per patch") << 5 << 3 << 3 << 5;
    QTest::newRow("one patch") << 9 << 4 << 1 << 1;
    QTest::newRow("odd 37×23 in 5×6") << 37 << 23 << 5 << 6;
}

void TestImageAttention::nearestTakesTheValueOfThePixelsPatch()
{
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(int, rows);
    QFETCH(int, cols);
    const PatchGrid grid = PatchGrid::fromRowsCols(QSize(width, height), rows, cols).value();
    const Vec<double> values = randomValues(grid.count(), 7);
    const Mat<double> map = upsampleToImage(values, grid, QSize(width, height), Upsampling::Nearest);
    QCOMPARE(map.rows(), height);
    QCOMPARE(map.cols(), width);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            QCOMPARE(map(y, x), cellValueAt(grid, values, x, y)); // exactly: a copy, no arithmetic
}

void TestImageAttention::nearestBoundsLieAtTheFloor()
{
    // 10 pixels in 3 columns: bounds at floor(10/3) = 3 and floor(20/3) = 6, so 3, 3 and 4 pixels.
    const PatchGrid grid = PatchGrid::fromRowsCols(QSize(10, 1), 1, 3).value();
    const Mat<double> map = upsampleToImage(Vec<double>::LinSpaced(3, 0, 2), grid, QSize(10, 1), Upsampling::Nearest);
    const double expected[10] = {0, 0, 0, 1, 1, 1, 2, 2, 2, 2};
    for (int x = 0; x < 10; ++x)
        QCOMPARE(map(0, x), expected[x]);
}

void TestImageAttention::nearestAtTwiceTheSizeRepeatsEachPixel()
{
    const PatchGrid grid = PatchGrid::fromRowsCols(QSize(10, 7), 3, 4).value();
    const Vec<double> values = randomValues(grid.count(), 3);
    const Mat<double> once = upsampleToImage(values, grid, QSize(10, 7), Upsampling::Nearest);
    const Mat<double> twice = upsampleToImage(values, grid, QSize(20, 14), Upsampling::Nearest);
    for (int y = 0; y < 14; ++y)
        for (int x = 0; x < 20; ++x)
            QCOMPARE(twice(y, x), once(y / 2, x / 2));
}

void TestImageAttention::bilinearEqualsPatchValuesAtCentres()
{
    // Cells of 5 × 3 pixels: centres at x = 2.5, 7.5, 12.5 and y = 1.5, 4.5, 7.5, which are the
    // centres of pixels 2, 7, 12 and 1, 4, 7.
    const PatchGrid grid = PatchGrid::fromRowsCols(QSize(15, 9), 3, 3).value();
    const Vec<double> values = randomValues(9, 11);
    const Mat<double> map = upsampleToImage(values, grid, QSize(15, 9), Upsampling::Bilinear);
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c)
            QVERIFY(std::abs(map(1 + 3 * r, 2 + 5 * c) - values(r * 3 + c)) < 1e-12);
}

void TestImageAttention::bilinearIsMonotoneBetweenTwoPatchesAndClampedAtBorders()
{
    // Two patches of 10 × 4 pixels, centres at x = 5 and 15.
    const PatchGrid grid = PatchGrid::fromRowsCols(QSize(20, 4), 1, 2).value();
    Vec<double> values(2);
    values << 0.2, 0.9;
    const Mat<double> map = upsampleToImage(values, grid, QSize(20, 4), Upsampling::Bilinear);
    for (int y = 0; y < 4; ++y) {
        for (int x = 0; x <= 4; ++x) // pixel centres before the first patch centre
            QCOMPARE(map(y, x), 0.2);
        for (int x = 15; x < 20; ++x) // at or after the last
            QCOMPARE(map(y, x), 0.9);
        for (int x = 5; x < 15; ++x)
            QVERIFY2(map(y, x) > map(y, x - 1), qPrintable(QStringLiteral("x = %1").arg(x)));
        // Halfway between the centres (pixel 9's centre is 9.5, 0.45 of the way) the value is linear.
        QVERIFY(std::abs(map(y, 9) - (0.2 + 0.45 * 0.7)) < 1e-12);
    }
    // The same across rows: above the first row of centres and below the last, clamped.
    const PatchGrid tall = PatchGrid::fromRowsCols(QSize(4, 20), 2, 1).value();
    const Mat<double> col = upsampleToImage(values, tall, QSize(4, 20), Upsampling::Bilinear);
    QCOMPARE(col(0, 3), 0.2);
    QCOMPARE(col(19, 0), 0.9);
    for (int y = 5; y < 15; ++y)
        QVERIFY(col(y, 1) > col(y - 1, 1));
}

void TestImageAttention::bilinearStaysWithinTheValues()
{
    const PatchGrid grid = PatchGrid::fromPatchSize(QSize(53, 41), 8).value();
    const Vec<double> values = randomValues(grid.count(), 5);
    for (QSize out : {QSize(53, 41), QSize(17, 90), QSize(200, 160)}) {
        const Mat<double> map = upsampleToImage(values, grid, out, Upsampling::Bilinear);
        QCOMPARE(map.rows(), out.height());
        QCOMPARE(map.cols(), out.width());
        QVERIFY(map.minCoeff() >= values.minCoeff() - 1e-12);
        QVERIFY(map.maxCoeff() <= values.maxCoeff() + 1e-12);
    }
}

void TestImageAttention::blendAtOpacityZeroIsTheImage()
{
    const QImage img = testImage(20, 12);
    const PatchGrid grid = PatchGrid::fromPatchSize(img.size(), 5).value();
    const Mat<double> map = upsampleToImage(randomValues(grid.count(), 1), grid, img.size(), Upsampling::Bilinear);
    const QImage out = blendOverlay(img, map, testLut(), 0.0);
    QCOMPARE(out.size(), img.size());
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x)
            QCOMPARE(out.pixel(x, y), img.pixel(x, y));
}

void TestImageAttention::blendAtOpacityOneIsTheColourMap()
{
    const QImage img = testImage(20, 12);
    const auto lut = testLut();
    const PatchGrid grid = PatchGrid::fromPatchSize(img.size(), 5).value();
    Vec<double> values = randomValues(grid.count(), 2);
    values(0) = 1.0; // the top entry, index 255
    values(1) = 0.0;
    const Mat<double> map = upsampleToImage(values, grid, img.size(), Upsampling::Nearest);
    const QImage out = blendOverlay(img, map, lut, 1.0);
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) {
            const auto index = std::size_t(std::min(255.0, map(y, x) * 256.0));
            QCOMPARE(out.pixel(x, y), lut[index]);
        }
    QCOMPARE(out.pixel(0, 0), lut[255]);
    QCOMPARE(out.pixel(5, 0), lut[0]);
}

void TestImageAttention::blendHalfwayMixes()
{
    QImage img(2, 1, QImage::Format_RGB32);
    img.fill(qRgb(100, 0, 250));
    std::array<QRgb, 256> lut{};
    lut.fill(qRgb(200, 255, 0));
    const QImage out = blendOverlay(img, Mat<double>::Constant(1, 2, 0.5), lut, 0.5);
    QCOMPARE(out.pixel(1, 0), qRgb(150, 127, 125)); // 127.5 rounds down: ⌊(0 + 255) / 2⌋
    QCOMPARE(qAlpha(out.pixel(0, 0)), 255);
}

void TestImageAttention::patchEmbeddingsAreStandardised()
{
    const QImage img = testImage(64, 48);
    const PatchGrid grid = PatchGrid::fromPatchSize(img.size(), 8).value();
    const Mat<double> x = patchEmbeddings(patchFeatures(img, grid));
    QCOMPARE(x.rows(), grid.count());
    QCOMPARE(x.cols(), kPatchFeatureDim);
    int varying = 0;
    for (int j = 0; j < kPatchFeatureDim; ++j) {
        QVERIFY(std::abs(x.col(j).mean()) < 1e-12);
        const double var = x.col(j).squaredNorm() / double(x.rows());
        QVERIFY(var < 1e-20 || std::abs(var - 1.0 / kPatchFeatureDim) < 1e-12);
        varying += var > 1e-20;
    }
    QVERIFY(varying >= 10);
    // Rows have unit length on average over the varying columns.
    QVERIFY(std::abs(x.rowwise().squaredNorm().mean() - double(varying) / kPatchFeatureDim) < 1e-9);
}

void TestImageAttention::imageSetupShapes()
{
    const QImage img = testImage(40, 30);
    const PatchGrid grid = PatchGrid::fromRowsCols(img.size(), 3, 4).value();
    const auto setup = buildImageSetup(patchFeatures(img, grid), patchLabels(grid), 8, 3, 42);
    QVERIFY(setup.ok());
    QVERIFY(!setup->crossAttention);
    QCOMPARE(setup->x.rows(), 12);
    QCOMPARE(setup->x.cols(), kPatchFeatureDim);
    QCOMPARE(setup->wq.rows(), kPatchFeatureDim);
    QCOMPARE(setup->wq.cols(), 24);
    QCOMPARE(setup->inputs.q.size(), std::size_t(3));
    QCOMPARE(setup->inputs.k[2].rows(), 12);
    QCOMPARE(setup->inputs.v[1].cols(), 8);
    QCOMPARE(setup->queryTokens.front(), std::string("r0c0"));
    QCOMPARE(setup->keyTokens.back(), std::string("r2c3"));
    const auto r = computeExplorerHead(*setup, 1, ScaleSpec{}, 1.0);
    QVERIFY(r.ok());
    QCOMPARE(r->stages.weights.rows(), 12);
    QCOMPARE(r->stages.weights.cols(), 12);
    for (int i = 0; i < 12; ++i)
        QVERIFY(std::abs(r->stages.weights.row(i).sum() - 1.0) < 1e-9);
    // The same seed gives the same setup; another seed another one.
    const auto again = buildImageSetup(patchFeatures(img, grid), patchLabels(grid), 8, 3, 42);
    QCOMPARE(again->inputs.q[0], setup->inputs.q[0]);
    const auto other = buildImageSetup(patchFeatures(img, grid), patchLabels(grid), 8, 3, 43);
    QVERIFY(other->inputs.q[0] != setup->inputs.q[0]);
}

void TestImageAttention::imageSetupRefusesBadArguments()
{
    const QImage img = testImage(16, 16);
    const PatchGrid grid = PatchGrid::fromRowsCols(img.size(), 2, 2).value();
    const Mat<float> f = patchFeatures(img, grid);
    QVERIFY(!buildImageSetup(Mat<float>(0, kPatchFeatureDim), {}, 8, 1, 1).ok());
    QVERIFY(!buildImageSetup(f, {"a", "b"}, 8, 1, 1).ok());
    QCOMPARE(buildImageSetup(f, {"a", "b"}, 8, 1, 1).error().code, Error::Code::BadShape);
    QVERIFY(!buildImageSetup(f.leftCols(8), patchLabels(grid), 8, 1, 1).ok());
    QVERIFY(!buildImageSetup(f, patchLabels(grid), 0, 1, 1).ok());
    QVERIFY(!buildTextToImageSetup({}, f, patchLabels(grid), 8, 1, 1).ok());
}

void TestImageAttention::textToImageWeightsRowsSumToOne()
{
    const QImage img = testImage(64, 48);
    const PatchGrid grid = PatchGrid::fromPatchSize(img.size(), 16).value();
    const std::vector<std::string> tokens = {"a", "red", "house", "under", "the", "sun"};
    const auto setup = buildTextToImageSetup(tokens, patchFeatures(img, grid), patchLabels(grid), 16, 2, 5);
    QVERIFY(setup.ok());
    QVERIFY(setup->crossAttention);
    QCOMPARE(setup->x.rows(), 6);
    QCOMPARE(setup->x.cols(), kTextToImageDModel);
    QCOMPARE(setup->c.rows(), grid.count());
    QCOMPARE(setup->c.cols(), kTextToImageDModel);
    QCOMPARE(setup->queryTokens, tokens);
    QCOMPARE(setup->keyTokens, patchLabels(grid));
    // The mapped patches keep about unit length (N(0, 1/d) map of ~unit rows).
    const double meanSq = setup->c.rowwise().squaredNorm().mean();
    QVERIFY2(meanSq > 0.4 && meanSq < 2.0, qPrintable(QString::number(meanSq)));
    for (int head = 0; head < 2; ++head) {
        const auto r = computeExplorerHead(*setup, head, ScaleSpec{}, 1.0);
        QVERIFY(r.ok());
        const Mat<double> &w = r->stages.weights;
        QCOMPARE(w.rows(), 6);
        QCOMPARE(w.cols(), grid.count());
        QVERIFY(w.allFinite());
        for (int i = 0; i < 6; ++i)
            QVERIFY(std::abs(w.row(i).sum() - 1.0) < 1e-9);
        QCOMPARE(r->stages.output.rows(), 6);
    }
}

void TestImageAttention::meanOfSelectedRows()
{
    const QImage img = testImage(40, 40);
    const PatchGrid grid = PatchGrid::fromRowsCols(img.size(), 4, 4).value();
    const auto setup = buildImageSetup(patchFeatures(img, grid), patchLabels(grid), 8, 1, 3);
    const Mat<double> w = computeExplorerHead(*setup, 0, ScaleSpec{}, 1.0)->stages.weights;
    const Vec<double> one = meanOfRows(w, {5});
    QVERIFY((one - w.row(5).transpose()).cwiseAbs().maxCoeff() == 0);
    const Vec<double> three = meanOfRows(w, {1, 6, 11});
    const Vec<double> expected = (w.row(1) + w.row(6) + w.row(11)).transpose() / 3.0;
    QVERIFY((three - expected).cwiseAbs().maxCoeff() < 1e-15);
    QVERIFY(std::abs(three.sum() - 1.0) < 1e-9); // a mean of distributions is one
    QCOMPARE(meanOfRows(w, {}).size(), Eigen::Index(16));
    QCOMPARE(meanOfRows(w, {}).cwiseAbs().maxCoeff(), 0.0);
}

void TestImageAttention::scaleToMaxPutsTheLargestAtOne()
{
    Vec<double> v(4);
    v << 0.1, 0.4, 0.2, 0.3;
    const Vec<double> s = scaleToMax(v);
    QCOMPARE(s.maxCoeff(), 1.0);
    QVERIFY(std::abs(s(0) - 0.25) < 1e-15);
    QCOMPARE(scaleToMax(Vec<double>::Zero(3)), Vec<double>(Vec<double>::Zero(3)));
}

QTEST_GUILESS_MAIN(TestImageAttention)
#include "tst_image_attention.moc"
