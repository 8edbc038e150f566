// The image page driven as a person would: open the example scene, click a patch, drag over
// several, switch to a prompt and pick a token's thumbnail, move the opacity slider; each time the
// overlay shown must be the engine's weights spread over the image and blended as documented.
#include <QAbstractButton>
#include <QComboBox>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QtTest>

#include "colormap.h"
#include "heatmap_view.h"
#include "image_attention.h"
#include "image_overlay_view.h"
#include "image_page.h"
#include "text.h"
#include "token_map_strip.h"

using namespace attnscope;

namespace {

const QString kScene = QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/scene.png");

/// The weights the page should show, computed by the engine directly.
Mat<double> referenceWeights(const PatchGrid &grid, const std::vector<std::string> &prompt, int head = 0,
                             std::uint64_t seed = 1)
{
    const QImage image = loadImage(kScene.toStdString()).value();
    const Mat<float> f = patchFeatures(image, grid);
    const auto setup = prompt.empty()
                           ? buildImageSetup(f, patchLabels(grid), ImagePage::kDHead, ImagePage::kHeads, seed)
                           : buildTextToImageSetup(prompt, f, patchLabels(grid), ImagePage::kDHead, ImagePage::kHeads, seed);
    return computeExplorerHead(*setup, head, ScaleSpec{}, 1.0)->stages.weights;
}

int patchIndex(const PatchGrid &g, int r, int c) { return r * g.cols + c; }

} // namespace

class TestImagePage : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void opensTheSceneWithAGrid();
    void clickingAPatchShowsItsRow();
    void draggingSelectsSeveralPatchesAndShowsTheirMean();
    void promptModeShowsATokensMap();
    void opacityZeroShowsTheImage();
    void smoothUpsamplingInterpolates();
    void bundleOverlayLeavesTheClsKeyOut();
    void refusesAMissingImage();
    void grabForALook();

private:
    bool openScene();
    /// The overlay the page should draw for patch values `values` with its current settings.
    QImage expectedOverlay(const Vec<double> &values) const;
    void compareOverlay(const Vec<double> &values);
    std::unique_ptr<ImagePage> m_page;
};

void TestImagePage::init()
{
    m_page = std::make_unique<ImagePage>();
    m_page->resize(1400, 820);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
}

void TestImagePage::cleanup() { m_page.reset(); }

bool TestImagePage::openScene()
{
    QSignalSpy shown(m_page.get(), &ImagePage::shown);
    QString error;
    if (!m_page->openImage(kScene, &error)) {
        qWarning() << error;
        return false;
    }
    return shown.wait(10000);
}

QImage TestImagePage::expectedOverlay(const Vec<double> &values) const
{
    const QImage &base = m_page->displayImage();
    const Mat<double> perPixel = upsampleToImage(scaleToMax(values), m_page->grid(), base.size(), m_page->upsampling());
    return blendOverlay(base, perPixel, Colormap::get(m_page->colormap()).lut(), m_page->opacity());
}

void TestImagePage::compareOverlay(const Vec<double> &values)
{
    QVERIFY(m_page->shownMap().size() == values.size());
    QVERIFY((m_page->shownMap() - values).cwiseAbs().maxCoeff() < 1e-12);
    const QImage shown = m_page->overlayView()->picture();
    const QImage expected = expectedOverlay(values);
    QCOMPARE(shown.size(), expected.size());
    // A few pixels by hand (corners, centre, the brightest patch), then the whole picture.
    Eigen::Index best = 0;
    values.maxCoeff(&best);
    const QPoint hot = m_page->grid().cell(int(best) / m_page->grid().cols, int(best) % m_page->grid().cols).center();
    for (const QPoint p : {QPoint(0, 0), QPoint(shown.width() - 1, shown.height() - 1), QPoint(shown.width() / 2, shown.height() / 3), hot})
        QCOMPARE(shown.pixel(p), expected.pixel(p));
    QVERIFY(shown == expected);
}

void TestImagePage::opensTheSceneWithAGrid()
{
    QVERIFY(openScene());
    QCOMPARE(m_page->image().size(), QSize(512, 384));
    QCOMPARE(m_page->displayImage().size(), QSize(512, 384)); // small enough to blend at full size
    QCOMPARE(m_page->grid().cols, 16); // 512 / 32
    QCOMPARE(m_page->grid().rows, 12); // 384 / 32
    QCOMPARE(m_page->overlayView()->grid().count(), 192);
    const auto &shown = *m_page->heatmap()->content().values;
    QCOMPARE(shown.rows(), 192);
    QCOMPARE(shown.cols(), 192);
    // At first the centre patch is selected, so that a map is on screen straight away.
    QCOMPARE(m_page->overlayView()->selection(), QList<int>({patchIndex(m_page->grid(), 6, 8)}));
    // Patch size 64 regrids to 8 × 6.
    QSignalSpy shownSpy(m_page.get(), &ImagePage::shown);
    m_page->findChild<QSpinBox *>("patchSize")->setValue(64);
    QVERIFY(shownSpy.wait(10000));
    QCOMPARE(m_page->grid().cols, 8);
    QCOMPARE(m_page->state()->result.stages.weights.rows(), 48);
}

void TestImagePage::clickingAPatchShowsItsRow()
{
    QVERIFY(openScene());
    const PatchGrid grid = m_page->grid();
    const int patch = patchIndex(grid, 3, 5); // sky near the roof
    ImageOverlayView *view = m_page->overlayView();
    QCOMPARE(view->patchAt(view->patchCenter(patch)), patch);
    QSignalSpy selected(view, &ImageOverlayView::patchesSelected);
    QTest::mouseClick(view, Qt::LeftButton, {}, view->patchCenter(patch));
    QCOMPARE(selected.count(), 1);
    QCOMPARE(view->selection(), QList<int>({patch}));
    const Mat<double> w = referenceWeights(grid, {});
    QVERIFY((m_page->state()->result.stages.weights - w).cwiseAbs().maxCoeff() < 1e-12);
    compareOverlay(w.row(patch).transpose());
    QCOMPARE(m_page->heatmap()->highlightedRow(), patch);
}

void TestImagePage::draggingSelectsSeveralPatchesAndShowsTheirMean()
{
    QVERIFY(openScene());
    const PatchGrid grid = m_page->grid();
    ImageOverlayView *view = m_page->overlayView();
    const QPoint from = view->patchCenter(patchIndex(grid, 8, 2)), to = view->patchCenter(patchIndex(grid, 9, 4));
    QTest::mousePress(view, Qt::LeftButton, {}, from);
    QTest::mouseMove(view, (from + to) / 2);
    QTest::mouseMove(view, to);
    QTest::mouseRelease(view, Qt::LeftButton, {}, to);
    QList<int> expected;
    std::vector<int> rows;
    for (int r = 8; r <= 9; ++r)
        for (int c = 2; c <= 4; ++c) {
            expected << patchIndex(grid, r, c);
            rows.push_back(patchIndex(grid, r, c));
        }
    QCOMPARE(view->selection(), expected);
    const Vec<double> mean = meanOfRows(referenceWeights(grid, {}), rows);
    QVERIFY(std::abs(mean.sum() - 1.0) < 1e-9);
    compareOverlay(mean);
    QCOMPARE(m_page->heatmap()->highlightedRow(), -1); // several rows: none highlighted
}

void TestImagePage::promptModeShowsATokensMap()
{
    QVERIFY(openScene());
    QSignalSpy shown(m_page.get(), &ImagePage::shown);
    m_page->findChild<QComboBox *>("mode")->setCurrentIndex(int(ImagePage::Mode::Prompt));
    QVERIFY(shown.wait(10000)); // the default prompt
    auto *prompt = m_page->findChild<QLineEdit *>("prompt");
    QVERIFY(prompt->isEnabled());
    prompt->clear();
    QTest::keyClicks(prompt, "red roof , green grass");
    const std::vector<std::string> tokens = tokenizeSentence(QStringLiteral("red roof , green grass"));
    QTRY_VERIFY_WITH_TIMEOUT(m_page->state() && m_page->state()->setup->queryTokens == tokens, 10000);

    TokenMapStrip *strip = m_page->tokenMaps();
    QVERIFY(strip->isVisible());
    QCOMPARE(strip->count(), 5);
    QCOMPARE(strip->tokens(), QStringList({"red", "roof", ",", "green", "grass"}));
    QCOMPARE(strip->current(), 0); // the first token is shown at first
    const Mat<double> w = referenceWeights(m_page->grid(), tokens);
    QCOMPARE(w.rows(), 5);
    QCOMPARE(w.cols(), 192);
    compareOverlay(w.row(0).transpose());

    QSignalSpy clicked(strip, &TokenMapStrip::tokenClicked);
    QTest::mouseClick(strip->thumbnail(4), Qt::LeftButton);
    QCOMPARE(clicked.count(), 1);
    QCOMPARE(strip->current(), 4);
    compareOverlay(w.row(4).transpose());
    QVERIFY(!strip->thumbnail(4)->icon().isNull());
    QCOMPARE(m_page->heatmap()->content().values->rows(), 5);
    QCOMPARE(m_page->heatmap()->highlightedRow(), 4);
}

void TestImagePage::opacityZeroShowsTheImage()
{
    QVERIFY(openScene());
    m_page->findChild<QSlider *>("opacity")->setValue(0);
    const QImage shown = m_page->overlayView()->picture();
    const QImage image = m_page->displayImage();
    for (const QPoint p : {QPoint(0, 0), QPoint(256, 200), QPoint(400, 80), QPoint(511, 383)})
        QCOMPARE(shown.pixel(p), image.pixel(p));
    QVERIFY(shown == image.convertToFormat(shown.format()));
    // Full opacity: the colour map alone.
    m_page->findChild<QSlider *>("opacity")->setValue(100);
    const QRgb top = Colormap::get(ColormapId::Viridis).lut()[255];
    const Vec<double> &map = m_page->shownMap();
    Eigen::Index best = 0;
    map.maxCoeff(&best);
    const QPoint hot = m_page->grid().cell(int(best) / m_page->grid().cols, int(best) % m_page->grid().cols).center();
    QCOMPARE(m_page->overlayView()->picture().pixel(hot), top);
}

void TestImagePage::smoothUpsamplingInterpolates()
{
    QVERIFY(openScene());
    m_page->findChild<QComboBox *>("upsampling")->setCurrentIndex(1);
    m_page->findChild<QComboBox *>("colormap")->setCurrentText("magma");
    QCOMPARE(m_page->upsampling(), Upsampling::Bilinear);
    QCOMPARE(m_page->colormap(), ColormapId::Magma);
    const int patch = patchIndex(m_page->grid(), 6, 8);
    compareOverlay(referenceWeights(m_page->grid(), {}).row(patch).transpose());
}

void TestImagePage::bundleOverlayLeavesTheClsKeyOut()
{
    // A vision transformer's shape: a 2 × 3 grid and a leading [CLS], 7 queries and 7 keys.
    AttentionBundle b;
    b.path = "vit.npz";
    Mat<double> a(7, 7);
    for (int i = 0; i < 7; ++i)
        for (int j = 0; j < 7; ++j)
            a(i, j) = 1.0 + ((i * 3 + j * 5) % 7);
    for (int i = 0; i < 7; ++i)
        a.row(i) /= a.row(i).sum();
    b.attentions = Tensor::fromMatrix<double>(a);
    b.attentions.shape = {1, 1, 7, 7};
    b.tokens = {"[CLS]", "p0", "p1", "p2", "p3", "p4", "p5"};
    b.keyTokens = b.tokens;
    b.gridRows = 2;
    b.gridCols = 3;
    b.leadingClsKey = true;
    QSignalSpy shown(m_page.get(), &ImagePage::shown);
    QString error;
    QVERIFY2(m_page->showBundleOverlay(b, kScene, &error), qPrintable(error));
    QVERIFY(shown.count() >= 1);
    QCOMPARE(m_page->mode(), ImagePage::Mode::Bundle);
    QCOMPARE(m_page->grid().count(), 6);
    QCOMPARE(m_page->tokenMaps()->count(), 1); // [CLS] in the strip, shown first
    compareOverlay(a.row(0).segment(1, 6).transpose());
    ImageOverlayView *view = m_page->overlayView();
    QTest::mouseClick(view, Qt::LeftButton, {}, view->patchCenter(4));
    compareOverlay(a.row(5).segment(1, 6).transpose()); // patch 4 is query row 5
    QCOMPARE(m_page->heatmap()->content().values->cols(), 7);
    // Opening a plain image leaves the bundle.
    QVERIFY(openScene());
    QCOMPARE(m_page->mode(), ImagePage::Mode::Patches);
    QCOMPARE(m_page->grid().count(), 192);
}

void TestImagePage::refusesAMissingImage()
{
    QString error;
    QVERIFY(!m_page->openImage(QStringLiteral("/nonexistent/picture.png"), &error));
    QVERIFY2(error.contains("picture.png"), qPrintable(error));
    AttentionBundle noGrid;
    noGrid.path = "text.npz";
    QVERIFY(!m_page->showBundleOverlay(noGrid, kScene, &error));
    QVERIFY2(error.contains("image_grid"), qPrintable(error));
}

void TestImagePage::grabForALook()
{
    // Set ATTNSCOPE_GRAB_DIR to write pictures of the page for a person to look at.
    const QString dir = qEnvironmentVariable("ATTNSCOPE_GRAB_DIR");
    if (dir.isEmpty())
        QSKIP("ATTNSCOPE_GRAB_DIR is not set");
    QVERIFY(openScene());
    QTest::qWait(100); // queued replots and layouts
    QVERIFY(m_page->grab().save(dir + "/image_page.png"));
    QSignalSpy shown(m_page.get(), &ImagePage::shown);
    m_page->setMode(ImagePage::Mode::Prompt);
    QVERIFY(shown.wait(10000));
    m_page->selectToken(1);
    QTest::qWait(100); // queued replots and layouts
    QVERIFY(m_page->grab().save(dir + "/image_page_prompt.png"));
    m_page->setMode(ImagePage::Mode::Patches);
    QVERIFY(shown.wait(10000));
    m_page->findChild<QComboBox *>("upsampling")->setCurrentIndex(1);
    m_page->findChild<QComboBox *>("colormap")->setCurrentText("magma");
    const PatchGrid g = m_page->grid();
    m_page->selectPatches({patchIndex(g, 1, 11), patchIndex(g, 1, 12), patchIndex(g, 2, 11), patchIndex(g, 2, 12)});
    QTest::qWait(100); // queued replots and layouts
    QVERIFY(m_page->grab().save(dir + "/image_page_smooth.png"));
}

QTEST_MAIN(TestImagePage)
#include "tst_image_page.moc"
