// The image page's controls and their session settings, and the images chosen in a dialog or
// dropped on the page, which the window opens (openRequested).
#include "image_page.h"

#include <QComboBox>
#include <QDragEnterEvent>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTimer>
#include <QVBoxLayout>

#include "heatmap_view.h"
#include "image_patches.h"

namespace attnscope {

QWidget *ImagePage::createControls()
{
    auto *panel = new QWidget(this);
    auto *column = new QVBoxLayout(panel);
    const auto spin = [panel](const char *name, int lo, int hi, int value, const QString &tip) {
        auto *box = new QSpinBox(panel);
        box->setObjectName(name);
        box->setRange(lo, hi);
        box->setValue(value);
        box->setToolTip(tip);
        box->setKeyboardTracking(false);
        return box;
    };
    const auto combo = [panel](const char *name, const QStringList &items, const QString &tip) {
        auto *box = new QComboBox(panel);
        box->setObjectName(name);
        box->addItems(items);
        box->setToolTip(tip);
        return box;
    };

    auto *imageBox = new QGroupBox(tr("Image"), panel);
    auto *imageForm = new QFormLayout(imageBox);
    auto *open = new QPushButton(tr("&Open image…"), imageBox);
    open->setObjectName("imageOpen");
    open->setToolTip(tr("Open a PNG, JPEG, BMP, GIF or other image (or drop one on this page)"));
    connect(open, &QPushButton::clicked, this, &ImagePage::openDialog);
    imageForm->addRow(open);
    m_fileLabel = new QLabel(tr("no image"), imageBox);
    m_fileLabel->setWordWrap(true);
    m_fileLabel->setToolTip(tr("The image shown and its patch grid"));
    imageForm->addRow(m_fileLabel);
    m_patchSize = spin("patchSize", 2, 4096, 32, tr("Patches of about this many pixels square; each patch is one token "
                                                   "(16 features: colour, contrast, edges, position). At most %1 patches.")
                                                    .arg(kMaxPagePatches));
    m_patchSize->setSuffix(tr(" px"));
    imageForm->addRow(tr("&Patch size"), m_patchSize);
    column->addWidget(imageBox);

    auto *attnBox = new QGroupBox(tr("Attention"), panel);
    auto *attnForm = new QFormLayout(attnBox);
    m_mode = combo("mode", {tr("Patches attend to each other"), tr("A prompt attends to the image"), tr("A bundle's attention")},
                   tr("Self-attention among the patches, or text → image cross-attention as in text-to-image models: "
                      "the prompt's tokens are the queries, the patches the keys and values. The bundle's attention "
                      "is available after opening a bundle with image_grid."));
    nameComboItems(m_mode, {"patches", "prompt", "bundle"});
    qobject_cast<QStandardItemModel *>(m_mode->model())->item(2)->setEnabled(false);
    attnForm->addRow(tr("&Mode"), m_mode);
    m_prompt = new QLineEdit(tr("a house under the sun"), attnBox);
    m_prompt->setObjectName("prompt");
    m_prompt->setPlaceholderText(tr("Type a prompt"));
    m_prompt->setToolTip(tr("The prompt whose tokens attend to the image's patches (prompt mode)"));
    attnForm->addRow(tr("P&rompt"), m_prompt);
    m_layer = spin("layer", 0, 0, 0, tr("The bundle's layer to show"));
    attnForm->addRow(tr("&Layer"), m_layer);
    m_head = spin("head", 0, kHeads - 1, 0, tr("The head to show; each head has its own seeded projections"));
    attnForm->addRow(tr("&Head"), m_head);
    m_seed = spin("seed", 0, 999999, 1, tr("Seed of the random projections Wq, Wk, Wv (and of the patches' map into "
                                           "the text's width in prompt mode)"));
    attnForm->addRow(tr("S&eed"), m_seed);
    m_stage = combo("stage", {tr("Scores Q·Kᵀ"), tr("Scaled scores"), tr("Weights (softmax)")},
                    tr("The stage the matrix beside the image shows; the overlay always shows weights"));
    nameComboItems(m_stage, {"scores", "scaled", "weights"});
    m_stage->setCurrentIndex(2);
    attnForm->addRow(tr("Ma&trix"), m_stage);
    column->addWidget(attnBox);

    auto *showBox = new QGroupBox(tr("Display"), panel);
    auto *showForm = new QFormLayout(showBox);
    m_opacity = new QSlider(Qt::Horizontal, showBox);
    m_opacity->setObjectName("opacity");
    m_opacity->setRange(0, 100);
    m_opacity->setValue(50);
    m_opacity->setToolTip(tr("How strongly the map covers the image: 0 shows the image alone, 100 the map alone"));
    showForm->addRow(tr("&Opacity"), m_opacity);
    m_upsampling = combo("upsampling", {tr("Nearest (patch blocks)"), tr("Smooth (bilinear)")},
                         tr("Nearest paints each patch in one colour, exactly as computed; smooth interpolates "
                            "between patch centres"));
    nameComboItems(m_upsampling, {"nearest", "bilinear"});
    showForm->addRow(tr("&Upsampling"), m_upsampling);
    m_colormap = combo("colormap", {"viridis", "magma", "gray"},
                       tr("Colours from 0 (dark) to the shown map's largest weight (bright)"));
    nameComboItems(m_colormap, {"viridis", "magma", "gray"});
    showForm->addRow(tr("&Colour map"), m_colormap);
    column->addWidget(showBox);
    column->addStretch(1);

    connect(m_patchSize, &QSpinBox::valueChanged, this, [this] { regrid(); });
    connect(m_mode, &QComboBox::currentIndexChanged, this, [this] { setMode(mode()); });
    connect(m_prompt, &QLineEdit::textChanged, m_promptTimer, qOverload<>(&QTimer::start));
    connect(m_layer, &QSpinBox::valueChanged, this, [this] { showBundleMatrix(); });
    connect(m_head, &QSpinBox::valueChanged, this, [this] { mode() == Mode::Bundle ? showBundleMatrix() : requestCompute(); });
    connect(m_seed, &QSpinBox::valueChanged, this, [this] { rebuildSetup(); });
    connect(m_stage, &QComboBox::currentIndexChanged, this, [this] { updateHeatmap(); });
    for (QComboBox *box : {m_upsampling, m_colormap})
        connect(box, &QComboBox::currentIndexChanged, this, [this] {
            m_heatmap->setColormap(colormap());
            renderThumbnails();
            render();
        });
    connect(m_opacity, &QSlider::valueChanged, this, [this] {
        renderThumbnails();
        render();
    });
    connectSettingsChanged();
    return panel;
}

void ImagePage::connectSettingsChanged()
{
    const auto changed = [this] {
        if (!m_applyingSettings)
            emit modified();
    };
    for (QSpinBox *box : {m_patchSize, m_layer, m_head, m_seed})
        connect(box, &QSpinBox::valueChanged, this, changed);
    for (QComboBox *box : {m_mode, m_stage, m_upsampling, m_colormap})
        connect(box, &QComboBox::currentIndexChanged, this, changed);
    connect(m_prompt, &QLineEdit::textChanged, this, changed);
    connect(m_opacity, &QSlider::valueChanged, this, changed);
}

SettingControls ImagePage::settingControls() const
{
    // The patch size and the mode first: they set the grid and the head's range.
    return {
        {QStringLiteral("image.patchSize"), m_patchSize},
        {QStringLiteral("image.mode"), m_mode},
        {QStringLiteral("image.prompt"), m_prompt},
        {QStringLiteral("image.layer"), m_layer},
        {QStringLiteral("image.head"), m_head},
        {QStringLiteral("image.seed"), m_seed},
        {QStringLiteral("image.stage"), m_stage},
        {QStringLiteral("image.opacity"), m_opacity},
        {QStringLiteral("image.upsampling"), m_upsampling},
        {QStringLiteral("image.colormap"), m_colormap},
    };
}

PageSettings ImagePage::settings() const
{
    PageSettings s = settingsOf(settingControls());
    QStringList patches;
    for (int p : m_selection)
        patches << QString::number(p);
    if (!patches.isEmpty())
        s.insert(QStringLiteral("image.patches"), patches.join(QLatin1Char(',')));
    if (m_tokenFocus && m_token >= 0)
        s.insert(QStringLiteral("image.token"), QString::number(m_token));
    return s;
}

QStringList ImagePage::applySettings(const PageSettings &settings)
{
    m_applyingSettings = true;
    const QStringList ignored = attnscope::applySettings(settings, settingControls());
    m_applyingSettings = false;
    applySelection(settings);
    return ignored;
}

void ImagePage::applySelection(const PageSettings &settings)
{
    const auto patches = intListSetting(settings.value(QStringLiteral("image.patches")), 0, m_grid.count() - 1);
    if (patches) {
        m_selection = *patches;
        m_tokenFocus = m_tokenFocus && m_patchRow0 < 0; // the patches are shown when they are queries
    }
    bool ok = false;
    const int token = settings.value(QStringLiteral("image.token")).toInt(&ok);
    if (ok && token >= 0 && mode() == Mode::Prompt && m_tokenRows.empty()) {
        m_token = token; // not computed yet: onReady keeps it within the prompt's tokens
        m_tokenFocus = true;
    } else if (ok && token >= 0) {
        selectToken(token); // checked against the tokens shown; patch mode has none
    }
    render();
}

ImagePage::Mode ImagePage::mode() const { return Mode(m_mode->currentIndex()); }
Upsampling ImagePage::upsampling() const { return m_upsampling->currentIndex() == 0 ? Upsampling::Nearest : Upsampling::Bilinear; }
ColormapId ImagePage::colormap() const { return Colormap::fromName(m_colormap->currentText()).value_or(ColormapId::Viridis); }
double ImagePage::opacity() const { return m_opacity->value() / 100.0; }

void ImagePage::updateEnabled()
{
    const Mode m = mode();
    m_prompt->setEnabled(m == Mode::Prompt);
    if (auto *form = qobject_cast<QFormLayout *>(m_layer->parentWidget()->layout()))
        form->setRowVisible(m_layer, m == Mode::Bundle); // only bundles have layers
    m_seed->setEnabled(m != Mode::Bundle);
    m_stage->setEnabled(m != Mode::Bundle);
    m_patchSize->setEnabled(m != Mode::Bundle);
}

void ImagePage::openDialog()
{
    QStringList patterns;
    for (const std::string &suffix : imageSuffixes())
        patterns << QStringLiteral("*.") + QString::fromStdString(suffix);
    const QString path = m_chooseOpenPath(this, tr("Open an image"), tr("Images (%1);;All files (*)").arg(patterns.join(' ')));
    if (!path.isEmpty())
        emit openRequested(path);
}

void ImagePage::dragEnterEvent(QDragEnterEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.size() == 1 && urls.front().isLocalFile() && hasImageSuffix(urls.front().toLocalFile().toStdString()))
        event->acceptProposedAction();
    else
        event->ignore(); // other files are the window's to open
}

void ImagePage::dropEvent(QDropEvent *event)
{
    emit openRequested(event->mimeData()->urls().front().toLocalFile());
    event->acceptProposedAction();
}

} // namespace attnscope
