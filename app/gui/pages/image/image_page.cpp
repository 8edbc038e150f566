// The image page: opening images and bundles, the computation off the GUI thread, and drawing
// the overlay, the matrix and the thumbnails from its result.
#include "image_page.h"

#include <QComboBox>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

#include "attention_overlay.h"
#include "controls_column.h"
#include "heatmap_view.h"
#include "image_overlay_view.h"
#include "text.h"
#include "token_map_strip.h"

namespace attnscope {
namespace {

using Features = std::shared_ptr<const Mat<float>>;

/// The patch at the centre of a grid: the first thing shown after opening an image.
int centrePatch(const PatchGrid &g) { return (g.rows / 2) * g.cols + g.cols / 2; }

} // namespace

ImagePage::ImagePage(QWidget *parent) : Page(parent)
{
    setObjectName("imagePage");
    setAcceptDrops(true);
    m_session = new ExplorerSession(this);
    connect(m_session, &ExplorerSession::ready, this, &ImagePage::onReady);
    connect(m_session, &ExplorerSession::failed, this, &ImagePage::fail);
    m_promptTimer = new QTimer(this);
    m_promptTimer->setSingleShot(true);
    m_promptTimer->setInterval(150); // recompute once typing pauses
    connect(m_promptTimer, &QTimer::timeout, this, &ImagePage::rebuildSetup);

    auto *outer = new QHBoxLayout(this);
    outer->setContentsMargins(6, 6, 6, 6);
    outer->addWidget(controlsColumn(createControls(), this));

    auto *right = new QVBoxLayout;
    m_caption = new QLabel(this);
    m_caption->setObjectName("imageCaption");
    m_caption->setWordWrap(true);
    m_caption->setTextFormat(Qt::RichText);
    m_caption->setContentsMargins(4, 2, 4, 2);
    right->addWidget(m_caption);
    auto *split = new QSplitter(Qt::Horizontal, this);
    m_view = new ImageOverlayView(split);
    m_view->setObjectName("imageOverlay");
    m_view->setToolTip(tr("Click a patch to see where it looks; drag a rectangle to select several patches "
                          "(their mean is shown)."));
    m_view->setPlaceholderText(tr("Open an image: the button on the left, drag and drop a file here, "
                                  "or start with  attnscope IMAGE"));
    m_heatmap = new HeatmapView(split);
    m_heatmap->setObjectName("imageHeatmap");
    m_heatmap->setToolTip(tr("The stage matrix of the shown head: rows are queries, columns the patches as keys. "
                             "Click a row to show that query's map."));
    split->addWidget(m_view);
    split->addWidget(m_heatmap);
    m_heatmap->setMinimumWidth(60); // a narrow window gives the picture the width first
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({600, 400}); // in proportion once the page has its size
    right->addWidget(split, 1);
    m_strip = new TokenMapStrip(this);
    m_strip->setObjectName("tokenMaps");
    m_strip->setToolTip(tr("Every query token's map over the image at once; click one to show it large."));
    m_strip->hide();
    right->addWidget(m_strip);
    outer->addLayout(right, 1);

    connect(m_view, &ImageOverlayView::patchesSelected, this, &ImagePage::onPatchesSelected);
    connect(m_view, &ImageOverlayView::patchHovered, this, &ImagePage::onPatchHovered);
    connect(m_strip, &TokenMapStrip::tokenClicked, this, &ImagePage::selectToken);
    connect(m_heatmap, &HeatmapView::cellClicked, this, [this](int row, int) {
        if (m_patchRow0 >= 0 && row >= m_patchRow0 && row - m_patchRow0 < m_grid.count())
            return selectPatches({row - m_patchRow0});
        const auto it = std::find(m_tokenRows.begin(), m_tokenRows.end(), row);
        if (it != m_tokenRows.end())
            selectToken(int(it - m_tokenRows.begin()));
    });
    updateEnabled();
    updateCaption();
}

ImagePage::~ImagePage() = default;

bool ImagePage::openImage(const QString &path, QString *error)
{
    auto image = loadImage(path.toStdString());
    if (!image) {
        if (error)
            *error = QString::fromStdString(image.error().message);
        return false;
    }
    m_bundle.reset();
    m_bundleMatrix.reset();
    qobject_cast<QStandardItemModel *>(m_mode->model())->item(2)->setEnabled(false);
    setImage(image.value(), QFileInfo(path).fileName());
    if (mode() == Mode::Bundle)
        setMode(Mode::Patches); // regrids
    else
        regrid();
    return true;
}

bool ImagePage::showBundleOverlay(const AttentionBundle &bundle, const QString &imagePath, QString *error)
{
    const auto fail = [error](const QString &m) {
        if (error)
            *error = m;
        return false;
    };
    if (bundle.gridRows < 1 || bundle.gridCols < 1)
        return fail(tr("%1 has no image_grid: its keys are not image patches").arg(QString::fromStdString(bundle.path)));
    auto image = loadImage(imagePath.toStdString());
    if (!image)
        return fail(QString::fromStdString(image.error().message));
    auto grid = PatchGrid::fromRowsCols(image->size(), bundle.gridRows, bundle.gridCols);
    if (!grid)
        return fail(QString::fromStdString(grid.error().message));
    m_bundle = std::make_shared<const AttentionBundle>(bundle);
    setImage(image.value(), QFileInfo(imagePath).fileName());
    qobject_cast<QStandardItemModel *>(m_mode->model())->item(2)->setEnabled(true);
    if (mode() == Mode::Bundle)
        setMode(Mode::Bundle);
    else
        m_mode->setCurrentIndex(int(Mode::Bundle)); // calls setMode
    return true;
}

void ImagePage::setImage(const QImage &image, const QString &name)
{
    m_image = image;
    m_display = image;
    if (image.width() > kMaxDisplaySide || image.height() > kMaxDisplaySide)
        m_display = image.scaled(kMaxDisplaySide, kMaxDisplaySide, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    m_thumbBase = m_display.scaledToHeight(TokenMapStrip::kThumbnailHeight, Qt::SmoothTransformation);
    m_imageName = name;
    m_grid = {};
    m_features.reset();
    updatePatchSizeRange();
}

void ImagePage::updatePatchSizeRange()
{
    const int w = m_image.width(), h = m_image.height();
    int smallest = 2;
    const auto patches = [w, h](int p) { return std::int64_t((w + p - 1) / p) * ((h + p - 1) / p); };
    while (patches(smallest) > kMaxPagePatches)
        ++smallest;
    const QSignalBlocker block(m_patchSize);
    m_patchSize->setRange(smallest, std::max({smallest, w, h}));
    if (m_patchSize->value() == smallest && smallest > 2)
        emit statusMessage(tr("Patches of at least %1 px for this image: at most %2 patches are computed")
                               .arg(smallest)
                               .arg(kMaxPagePatches));
}

void ImagePage::setMode(Mode m)
{
    if (m_mode->currentIndex() != int(m)) {
        m_mode->setCurrentIndex(int(m)); // comes back here through the signal
        return;
    }
    m_state.reset();
    m_setup.reset();
    m_patchWeights.resize(0, 0);
    m_tokenRows.clear();
    m_tokenLabels.clear();
    m_token = -1;
    m_tokenFocus = false;
    updateEnabled();
    if (m == Mode::Bundle && m_bundle) {
        const QSignalBlocker blockLayer(m_layer), blockHead(m_head);
        m_layer->setRange(0, int(m_bundle->layers()) - 1);
        m_head->setRange(0, int(m_bundle->heads()) - 1);
        m_grid = PatchGrid::fromRowsCols(m_image.size(), m_bundle->gridRows, m_bundle->gridCols).value();
        m_view->setGrid(m_grid);
        m_selection = {centrePatch(m_grid)};
        showBundleMatrix();
        return;
    }
    {
        const QSignalBlocker block(m_head);
        m_head->setRange(0, kHeads - 1);
    }
    const auto wanted = PatchGrid::fromPatchSize(m_image.size(), m_patchSize->value());
    if (m_image.isNull() || !wanted || wanted->rows != m_grid.rows || wanted->cols != m_grid.cols)
        regrid();
    else
        rebuildSetup();
}

void ImagePage::setPrompt(const QString &text)
{
    m_prompt->setText(text);
    m_promptTimer->stop();
    rebuildSetup();
}

void ImagePage::regrid()
{
    if (m_image.isNull() || mode() == Mode::Bundle)
        return;
    auto grid = PatchGrid::fromPatchSize(m_image.size(), m_patchSize->value());
    if (!grid) {
        fail(QString::fromStdString(grid.error().message));
        return;
    }
    m_grid = grid.value();
    m_view->setGrid(m_grid);
    m_selection = {centrePatch(m_grid)};
    m_state.reset();
    m_setup.reset();
    m_patchWeights.resize(0, 0);
    m_fileLabel->setText(tr("%1\n%2 × %3 px, %4 × %5 patches")
                             .arg(m_imageName)
                             .arg(m_image.width())
                             .arg(m_image.height())
                             .arg(m_grid.rows)
                             .arg(m_grid.cols));
    render();
    requestFeatures();
}

void ImagePage::requestFeatures()
{
    m_features.reset();
    const quint64 generation = ++m_featureGeneration;
    auto *watcher = new QFutureWatcher<Features>(this);
    connect(watcher, &QFutureWatcher<Features>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_featureGeneration)
            return; // the image or the patch size changed meanwhile
        m_features = watcher->result();
        rebuildSetup();
    });
    // Features read every pixel once: milliseconds for a photo, but not for a 64-Mpixel scan.
    watcher->setFuture(QtConcurrent::run([image = m_image, grid = m_grid]() -> Features {
        return std::make_shared<const Mat<float>>(patchFeatures(image, grid));
    }));
}

void ImagePage::rebuildSetup()
{
    if (mode() == Mode::Bundle || !m_features || m_features->rows() != m_grid.count())
        return;
    const std::vector<std::string> labels = patchLabels(m_grid);
    const auto seed = std::uint64_t(m_seed->value());
    Result<ExplorerSetup> setup = makeError(Error::Code::BadArgument, "");
    if (mode() == Mode::Prompt) {
        const std::vector<std::string> tokens = tokenizeSentence(m_prompt->text());
        if (tokens.empty()) {
            m_setup.reset();
            m_state.reset();
            m_patchWeights.resize(0, 0);
            renderThumbnails();
            render();
            fail(tr("The prompt is empty: type a prompt, its tokens will attend to the image"));
            return;
        }
        setup = buildTextToImageSetup(tokens, *m_features, labels, kDHead, kHeads, seed);
    } else {
        setup = buildImageSetup(*m_features, labels, kDHead, kHeads, seed);
    }
    if (!setup) {
        fail(QString::fromStdString(setup.error().message));
        return;
    }
    m_setup = std::make_shared<const ExplorerSetup>(std::move(setup.value()));
    requestCompute();
}

void ImagePage::requestCompute()
{
    if (!m_setup || mode() == Mode::Bundle)
        return;
    ExplorerRequest r;
    r.fixedSetup = m_setup;
    r.head = m_head->value();
    m_session->request(r);
}

void ImagePage::onReady(std::shared_ptr<const ExplorerState> state)
{
    if (state->setup != m_setup || mode() == Mode::Bundle)
        return; // made for an earlier grid, prompt or mode
    m_state = state;
    m_patchWeights = state->result.stages.weights;
    const bool cross = state->setup->crossAttention;
    m_patchRow0 = cross ? -1 : 0;
    m_tokenRows.clear();
    m_tokenLabels.clear();
    if (cross) {
        for (int i = 0; i < int(state->setup->queryTokens.size()); ++i)
            m_tokenRows.push_back(i);
        m_tokenLabels = toQStringList(state->setup->queryTokens);
        m_token = std::clamp(m_token, 0, int(m_tokenRows.size()) - 1);
        m_tokenFocus = true;
    }
    updateHeatmap();
    renderThumbnails();
    render();
    emit statusMessage(tr("%1 patches, head %2: computed in %3 ms")
                           .arg(m_grid.count())
                           .arg(state->result.head)
                           .arg(state->computeMs, 0, 'f', 1));
    emit shown();
}

void ImagePage::showBundleMatrix()
{
    if (mode() != Mode::Bundle || !m_bundle)
        return;
    const AttentionBundle &b = *m_bundle;
    const std::int64_t lead = std::int64_t(m_layer->value()) * b.heads() + m_head->value();
    m_bundleMatrix = std::make_shared<const Mat<double>>(b.attentions.matrix<double>(lead));
    const int cls = b.leadingClsKey ? 1 : 0;
    m_patchWeights = m_bundleMatrix->middleCols(cls, m_grid.count()); // the [CLS] key left out
    const bool patchQueries = b.queries() == b.keys();
    m_patchRow0 = patchQueries ? cls : -1;
    const QStringList queries = b.tokens.empty() ? QStringList() : toQStringList(b.tokens);
    m_tokenRows.clear();
    m_tokenLabels.clear();
    const int nonPatchRows = patchQueries ? cls : int(b.queries());
    for (int i = 0; i < nonPatchRows; ++i) {
        m_tokenRows.push_back(i);
        m_tokenLabels << (i < queries.size() ? queries.at(i) : (cls ? QStringLiteral("[CLS]") : QString::number(i)));
    }
    if (!m_tokenRows.empty() && m_token < 0) {
        m_token = 0; // [CLS] → patches is the classic picture of a vision transformer
        m_tokenFocus = true;
    }
    updateHeatmap();
    renderThumbnails();
    render();
    emit statusMessage(tr("%1: layer %2, head %3").arg(QString::fromStdString(b.path)).arg(m_layer->value()).arg(m_head->value()));
    emit shown();
}

void ImagePage::updateHeatmap()
{
    HeatmapView::Content c;
    if (mode() == Mode::Bundle && m_bundleMatrix) {
        c.values = m_bundleMatrix;
        c.rowLabels = toQStringList(m_bundle->tokens);
        c.colLabels = toQStringList(m_bundle->keyTokens);
        c.title = tr("Layer %1, head %2 · weights").arg(m_layer->value()).arg(m_head->value());
    } else if (m_state) {
        const auto &st = m_state->result.stages;
        const Mat<double> *m[] = {&st.scoresRaw, &st.scoresScaled, &st.weights};
        c.values = std::shared_ptr<const Mat<double>>(m_state, m[m_stage->currentIndex()]); // shares m_state
        c.rowLabels = toQStringList(m_state->setup->queryTokens);
        c.colLabels = toQStringList(m_state->setup->keyTokens);
        c.title = tr("Head %1 · %2").arg(m_state->result.head).arg(m_stage->currentText().toLower());
        c.rowAxis = m_state->setup->crossAttention ? tr("prompt token (query)") : tr("patch (query)");
        c.colAxis = tr("patch (key)");
        c.diverging = m_stage->currentIndex() < 2;
    } else {
        m_heatmap->clear();
        return;
    }
    m_heatmap->setContent(std::move(c));
}

QImage ImagePage::blendOver(const QImage &base, const Vec<double> &values) const
{
    return renderAttentionOverlay(base, values, m_grid, {colormap(), std::nullopt, opacity(), upsampling()});
}

void ImagePage::render()
{
    m_shownMap = Vec<double>();
    const bool fits = m_patchWeights.rows() > 0 && m_patchWeights.cols() == m_grid.count();
    int row = -1;
    if (fits && m_tokenFocus && m_token >= 0 && m_token < int(m_tokenRows.size())) {
        row = m_tokenRows[std::size_t(m_token)];
        m_shownMap = m_patchWeights.row(row).transpose();
    } else if (fits && !m_tokenFocus && m_patchRow0 >= 0 && !m_selection.isEmpty()) {
        std::vector<int> rows;
        for (int p : std::as_const(m_selection))
            rows.push_back(m_patchRow0 + p);
        m_shownMap = meanOfRows(m_patchWeights, rows); // several patches: the mean of their rows
        row = rows.size() == 1 ? rows.front() : -1;
    }
    m_view->setSelection(m_tokenFocus ? QList<int>() : m_selection);
    m_view->setPicture(m_shownMap.size() > 0 ? blendOver(m_display, m_shownMap) : m_display);
    m_strip->setCurrent(m_tokenFocus ? m_token : -1);
    m_heatmap->setHighlightedRow(row);
    updateCaption();
}

void ImagePage::renderThumbnails()
{
    const bool fits = m_patchWeights.rows() > 0 && m_patchWeights.cols() == m_grid.count();
    if (!fits || m_tokenRows.empty()) {
        m_strip->clear();
        m_strip->hide();
        return;
    }
    QList<QImage> thumbs;
    for (int row : m_tokenRows)
        thumbs << blendOver(m_thumbBase, m_patchWeights.row(row).transpose());
    m_strip->setMaps(thumbs, m_tokenLabels);
    m_strip->show();
}

void ImagePage::updateCaption()
{
    QString what;
    if (m_image.isNull()) {
        m_caption->setText(tr("Open an image to see how its patches attend to each other, or how a prompt attends to it."));
        return;
    }
    if (m_shownMap.size() == 0) {
        m_caption->setText(m_patchWeights.rows() > 0 && m_patchRow0 < 0
                               ? tr("Pick a token below to see where it looks in the image.")
                               : tr("Computing…"));
        return;
    }
    const QStringList labels = toQStringList(patchLabels(m_grid));
    if (m_tokenFocus)
        what = tr("Where <b>“%1”</b> looks").arg(m_tokenLabels.value(m_token).toHtmlEscaped());
    else if (m_selection.size() == 1)
        what = tr("Where patch <b>%1</b> looks").arg(labels.value(m_selection.front()));
    else
        what = tr("Where <b>%1 patches</b> look (the mean of their rows)").arg(m_selection.size());
    const QString hint = m_patchRow0 >= 0 ? tr("Click a patch or drag over several.") : tr("Click a thumbnail below for another token.");
    m_caption->setText(tr("%1: weights over the %2 patches, from 0 (dark) to the largest, %3 (bright). %4")
                           .arg(what)
                           .arg(m_grid.count())
                           .arg(m_shownMap.maxCoeff(), 0, 'g', 3)
                           .arg(hint));
}

void ImagePage::selectPatches(const QList<int> &patches)
{
    m_selection = patches;
    m_tokenFocus = false;
    render();
}

void ImagePage::selectToken(int index)
{
    if (index < 0 || index >= int(m_tokenRows.size()))
        return;
    m_token = index;
    m_tokenFocus = true;
    render();
}

void ImagePage::onPatchesSelected(const QList<int> &patches)
{
    if (m_patchRow0 >= 0)
        return selectPatches(patches);
    // The patches are only keys here: say how much each token attends to the first one.
    if (m_patchWeights.cols() != m_grid.count() || patches.isEmpty())
        return;
    QStringList parts;
    for (std::size_t i = 0; i < m_tokenRows.size(); ++i)
        parts << QStringLiteral("%1 %2").arg(m_tokenLabels.value(int(i))).arg(m_patchWeights(m_tokenRows[i], patches.front()), 0, 'f', 4);
    emit statusMessage(tr("Attention to patch %1: %2").arg(QString::fromStdString(patchLabels(m_grid)[std::size_t(patches.front())]), parts.join(QStringLiteral(", "))));
}

void ImagePage::onPatchHovered(int index)
{
    if (index < 0 || m_shownMap.size() != m_grid.count())
        return;
    const int r = index / m_grid.cols, c = index % m_grid.cols;
    emit statusMessage(tr("patch r%1c%2: weight %3").arg(r).arg(c).arg(m_shownMap(index), 0, 'g', 4));
}

void ImagePage::fail(const QString &message)
{
    emit statusMessage(message);
    emit failed(message);
}

} // namespace attnscope
