#include "attention_page.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <array>
#include <set>

#include "cell_values.h"
#include "controls_column.h"
#include "head_grid.h"
#include "heatmap_view.h"
#include "model_view.h"
#include "text.h"
#include "token_list.h"

namespace attnscope {
namespace {

enum ModeIndex { kSingle, kMean, kMax, kMin, kRollout };

QGroupBox *group(const QString &title, QFormLayout *&form, QWidget *parent)
{
    auto *box = new QGroupBox(title, parent);
    form = new QFormLayout(box);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    return box;
}

} // namespace

AttentionPage::AttentionPage(QWidget *parent) : Page(parent)
{
    setObjectName("attentionPage");
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    layout->addWidget(controlsColumn(createControls(), this));

    auto *right = new QVBoxLayout;
    m_status = new QLabel(this);
    m_status->setObjectName("attentionStatus");
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont big = m_status->font();
    big.setPointSizeF(big.pointSizeF() * 1.15);
    m_status->setFont(big);
    m_status->setToolTip(tr("What the heatmap shows, in the order it was computed"));
    right->addWidget(m_status);
    m_warnings = new QLabel(this);
    m_warnings->setObjectName("attentionWarnings");
    m_warnings->setWordWrap(true);
    m_warnings->setStyleSheet("color: #a04000");
    m_warnings->setVisible(false);
    right->addWidget(m_warnings);

    m_viewTabs = new QTabWidget(this);
    m_viewTabs->setObjectName("attentionViewTabs");
    auto *split = new QSplitter(Qt::Vertical, m_viewTabs);
    m_view = new HeatmapView(split);
    m_view->setObjectName("attentionHeatmap");
    m_view->setToolTip(tr("Rows are queries, columns keys. Hover for the value, wheel to zoom, drag to pan, "
                          "double-click to fit"));
    m_grid = new HeadGrid(split);
    m_grid->setObjectName("headGrid");
    split->addWidget(m_view);
    split->addWidget(m_grid);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);
    m_viewTabs->addTab(split, tr("Heatmap"));
    split->setProperty("viewKey", QStringLiteral("heatmap")); // main.cpp --view
    addModelViewTab();
    createHeadViewTabs(m_viewTabs);
    right->addWidget(m_viewTabs, 1);
    m_hover = new QLabel(this);
    m_hover->setObjectName("attentionHover");
    m_hover->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_hover->setMinimumHeight(m_hover->fontMetrics().height() + 4);
    right->addWidget(m_hover);
    layout->addLayout(right, 1);

    connectControls();
    recompute();
}

AttentionPage::~AttentionPage() = default;

QWidget *AttentionPage::createControls()
{
    auto *panel = new QWidget(this);
    auto *v = new QVBoxLayout(panel);
    QFormLayout *form = nullptr;

    QGroupBox *input = group(tr("Input"), form, panel);
    auto *open = new QPushButton(tr("Open bundle or tensor…"), input);
    open->setObjectName("attentionOpen");
    open->setToolTip(tr("An attention bundle (.npz, .safetensors: attentions [L, H, Tq, Tk] with tokens) or any "
                        "tensor file holding [L, H, Tq, Tk], [H, Tq, Tk] or [Tq, Tk]"));
    connect(open, &QPushButton::clicked, this, [this] {
        const QString path = m_chooseOpenPath(this, tr("Open attention"),
                                              tr("Attention (*.npz *.npy *.safetensors);;All files (*)"));
        if (!path.isEmpty())
            emit openRequested(path);
    });
    form->addRow(open);
    m_fileLabel = new QLabel(tr("nothing open"), input);
    m_fileLabel->setToolTip(tr("The file shown"));
    m_fileLabel->setWordWrap(true);
    form->addRow(tr("File"), m_fileLabel);
    m_shapeLabel = new QLabel(input);
    m_shapeLabel->setWordWrap(true);
    m_shapeLabel->setToolTip(tr("Layers × heads, queries × keys; layers and heads count from 0, as in the file"));
    form->addRow(tr("Shape"), m_shapeLabel);
    v->addWidget(input);

    QGroupBox *show = group(tr("View"), form, panel);
    m_mode = new QComboBox(show);
    m_mode->setObjectName("modeCombo");
    m_mode->addItems({tr("one head"), tr("mean of the heads"), tr("max of the heads"), tr("min of the heads"),
                      tr("rollout up to this layer")});
    nameComboItems(m_mode, {"single", "mean", "max", "min", "rollout"});
    m_mode->setToolTip(tr("One head; the heads of the layer combined cell by cell (mean, max or min); or attention "
                          "rollout: layers 0 to this one multiplied, with the identity added for the residual "
                          "connections (Abnar & Zuidema 2020)"));
    form->addRow(tr("Show"), m_mode);
    m_layer = new QSpinBox(show);
    m_layer->setObjectName("layerSpin");
    m_layer->setToolTip(tr("The layer (0-based); for rollout, the last layer included"));
    form->addRow(tr("Layer"), m_layer);
    m_head = new QSpinBox(show);
    m_head->setObjectName("headSpin");
    m_head->setToolTip(tr("The head (0-based), when one head is shown"));
    form->addRow(tr("Head"), m_head);
    m_rolloutFusion = new QComboBox(show);
    m_rolloutFusion->setObjectName("rolloutFusionCombo");
    m_rolloutFusion->addItems({tr("mean"), tr("max"), tr("min")});
    nameComboItems(m_rolloutFusion, {"mean", "max", "min"});
    m_rolloutFusion->setToolTip(tr("How rollout combines the heads of each layer before multiplying the layers"));
    form->addRow(tr("Rollout heads"), m_rolloutFusion);
    m_discard = new QDoubleSpinBox(show);
    m_discard->setObjectName("discardSpin");
    m_discard->setRange(0.0, 0.99);
    m_discard->setSingleStep(0.05);
    m_discard->setDecimals(2);
    m_discard->setToolTip(tr("Rollout only: the fraction of the smallest off-diagonal weights of each layer set to "
                             "0 before adding the identity (0 keeps everything)"));
    form->addRow(tr("Discard ratio"), m_discard);
    v->addWidget(show);

    QGroupBox *tokens = group(tr("Tokens"), form, panel);
    m_specials = new QLineEdit(tokens);
    m_specials->setObjectName("specialsEdit");
    m_specials->setPlaceholderText(tr("[CLS], [SEP], <s> …"));
    m_specials->setToolTip(tr("Tokens to hide, separated by commas: a token text (exact and case-sensitive, as "
                              "stored: Ġ and ## included) hides every occurrence; digits or #N hide key N by its "
                              "position (0-based), also for tensors without tokens or tokens with a comma; =TEXT "
                              "names a token that looks like a number. Filled with the special tokens found in "
                              "the input."));
    form->addRow(tr("Special"), m_specials);
    m_hide = new QCheckBox(tr("Hide these keys"), tokens);
    m_hide->setObjectName("hideCheck");
    m_hide->setToolTip(tr("Remove the columns of the listed tokens (the queries stay)"));
    form->addRow(m_hide);
    m_hideRows = new QCheckBox(tr("Hide their rows too"), tokens);
    m_hideRows->setObjectName("hideRowsCheck");
    m_hideRows->setToolTip(tr("Remove the listed tokens' rows (queries) as well as their columns; needs as many "
                              "queries as keys"));
    form->addRow(m_hideRows);
    m_renormalize = new QCheckBox(tr("Renormalise the rest"), tokens);
    m_renormalize->setObjectName("renormalizeCheck");
    m_renormalize->setToolTip(tr("Divide each row by its sum after hiding, so that the remaining weights sum to 1"));
    form->addRow(m_renormalize);
    m_merge = new QCheckBox(tr("Merge sub-words into words"), tokens);
    m_merge->setObjectName("mergeCheck");
    m_merge->setToolTip(tr("WordPiece ##pieces, GPT-2 Ġ and SentencePiece ▁ word starts are recognised. Attention "
                           "to a word is the sum over its pieces, attention from a word the mean over its pieces. "
                           "Done after hiding, before normalising."));
    form->addRow(m_merge);
    v->addWidget(tokens);

    QGroupBox *scale = group(tr("Colour scale"), form, panel);
    m_norm = new QComboBox(scale);
    m_norm->setObjectName("normCombo");
    m_norm->addItem(tr("weights as they are"), int(Normalization::None));
    m_norm->addItem(tr("each row 0–1"), int(Normalization::Row));
    m_norm->addItem(tr("each column 0–1"), int(Normalization::Column));
    m_norm->addItem(tr("whole matrix 0–1"), int(Normalization::Global));
    m_norm->addItem(tr("log10"), int(Normalization::Log));
    nameComboItems(m_norm, {"none", "row", "column", "global", "log"});
    m_norm->setToolTip(tr("Applied last: each row, column or the whole matrix mapped from its minimum to its "
                          "maximum, or log10 of the weights (zeros are not drawn)"));
    form->addRow(tr("Normalise"), m_norm);
    v->addWidget(scale);

    QGroupBox *diff = group(tr("Difference"), form, panel);
    m_diff = new QCheckBox(tr("Show A − B"), diff);
    m_diff->setObjectName("diffCheck");
    m_diff->setToolTip(tr("A is the view above; B the same view of another layer and head, or of a second input. "
                          "Both go through the same steps; drawn with a diverging colour map centred on 0."));
    form->addRow(m_diff);
    m_diffLayer = new QSpinBox(diff);
    m_diffLayer->setObjectName("diffLayerSpin");
    m_diffLayer->setToolTip(tr("B's layer (0-based)"));
    form->addRow(tr("B layer"), m_diffLayer);
    m_diffHead = new QSpinBox(diff);
    m_diffHead->setObjectName("diffHeadSpin");
    m_diffHead->setToolTip(tr("B's head (0-based), when one head is shown"));
    form->addRow(tr("B head"), m_diffHead);
    m_diffSource = new QComboBox(diff);
    m_diffSource->setObjectName("diffSourceCombo");
    m_diffSource->addItems({tr("this input"), tr("second input")});
    nameComboItems(m_diffSource, {"this", "second"});
    m_diffSource->setToolTip(tr("Where B comes from: this input, or a second input of the same shape"));
    form->addRow(tr("B from"), m_diffSource);
    m_diffOpen = new QPushButton(tr("Open second input…"), diff);
    m_diffOpen->setObjectName("diffOpen");
    m_diffOpen->setToolTip(tr("A second bundle or tensor of the same shape, for example the same model on "
                              "another sentence"));
    connect(m_diffOpen, &QPushButton::clicked, this, [this] {
        const QString path = m_chooseOpenPath(this, tr("Open second input"),
                                              tr("Attention (*.npz *.npy *.safetensors);;All files (*)"));
        if (!path.isEmpty())
            openSecondBundle(path);
    });
    form->addRow(m_diffOpen);
    v->addWidget(diff);

    QGroupBox *grid = group(tr("Grid"), form, panel);
    m_gridMode = new QComboBox(grid);
    m_gridMode->setObjectName("gridModeCombo");
    m_gridMode->addItems({tr("every head of this layer"), tr("this head in every layer")});
    nameComboItems(m_gridMode, {"headsOfLayer", "layersOfHead"});
    m_gridMode->setToolTip(tr("The small multiples below the heatmap, each with the same hiding, merging and "
                              "scale; click one to show it alone"));
    form->addRow(tr("Thumbnails"), m_gridMode);
    v->addWidget(grid);
    v->addStretch(1);
    return panel;
}

void AttentionPage::connectControls()
{
    for (QSpinBox *s : {m_layer, m_head, m_diffLayer, m_diffHead})
        connect(s, &QSpinBox::valueChanged, this, &AttentionPage::onControlChanged);
    for (QComboBox *c : {m_mode, m_rolloutFusion, m_norm, m_diffSource, m_gridMode})
        connect(c, &QComboBox::currentIndexChanged, this, &AttentionPage::onControlChanged);
    for (QCheckBox *c : {m_hide, m_hideRows, m_renormalize, m_merge, m_diff})
        connect(c, &QCheckBox::toggled, this, &AttentionPage::onControlChanged);
    connect(m_discard, &QDoubleSpinBox::valueChanged, this, &AttentionPage::onControlChanged);
    connect(m_specials, &QLineEdit::textChanged, this, &AttentionPage::onControlChanged);
    connect(m_view, &HeatmapView::cellHovered, this, &AttentionPage::onHovered);
    connect(m_grid, &HeadGrid::thumbnailClicked, this, &AttentionPage::onThumbnailClicked);
}

void AttentionPage::onControlChanged()
{
    if (!m_updating)
        emit modified();
    recompute();
}

void AttentionPage::updateEnabled()
{
    const int mode = m_mode->currentIndex();
    m_head->setEnabled(mode == kSingle);
    m_rolloutFusion->setEnabled(mode == kRollout);
    m_discard->setEnabled(mode == kRollout);
    m_renormalize->setEnabled(m_hide->isChecked());
    m_hideRows->setEnabled(m_hide->isChecked());
    for (QWidget *w : std::initializer_list<QWidget *>{m_diffLayer, m_diffSource, m_diffOpen})
        w->setEnabled(m_diff->isChecked());
    m_diffHead->setEnabled(m_diff->isChecked() && mode == kSingle);
}

bool AttentionPage::reportError(const QString &message, QString *error)
{
    if (error)
        *error = message;
    else
        QMessageBox::warning(this, tr("AttnScope"), message);
    emit statusMessage(message);
    return false;
}

bool AttentionPage::openBundle(const QString &path, QString *error)
{
    auto read = readAttentionBundle(path.toStdString());
    if (!read)
        return reportError(QString::fromStdString(read.error().message), error);
    showBundle(std::make_shared<const AttentionBundle>(std::move(read.value())), QFileInfo(path).fileName(), path);
    emit statusMessage(tr("Opened %1").arg(QFileInfo(path).fileName()));
    return true;
}

void AttentionPage::showBundle(std::shared_ptr<const AttentionBundle> bundle, const QString &label, const QString &toolTip)
{
    // A model's next run (the same model, another sentence) keeps the layer and head looked at.
    const bool sameModel = m_bundle && !bundle->model.empty() && m_bundle->model == bundle->model &&
                           m_bundle->layers() == bundle->layers() && m_bundle->heads() == bundle->heads();
    m_bundle = std::move(bundle);
    const AttentionBundle &b = *m_bundle;
    m_fileWarning = QString::fromStdString(weightRowsWarning(checkWeightRows(b.attentions)));
    if (!b.layoutNote.empty()) // how a bare rank-4 tensor was read: layers, not a batch
        m_fileWarning = (QString::fromStdString(b.layoutNote) + QLatin1Char('\n') + m_fileWarning).trimmed();

    m_updating = true;
    for (QSpinBox *s : {m_layer, m_diffLayer})
        s->setRange(0, int(b.layers()) - 1);
    for (QSpinBox *s : {m_head, m_diffHead})
        s->setRange(0, int(b.heads()) - 1);
    if (!sameModel) {
        m_layer->setValue(int(b.layers()) - 1); // the last layer, where the Explorer starts too
        m_head->setValue(0);
    }
    // The special tokens present, in the order they first appear among the keys, then queries.
    QStringList present;
    for (const auto *list : {&b.keyTokens, &b.tokens})
        for (int i : specialTokenIndices(*list))
            if (const QString t = QString::fromStdString((*list)[std::size_t(i)]); !present.contains(t))
                present << t;
    m_specials->setText(present.join(", "));
    m_updating = false;

    m_fileLabel->setText(label);
    m_fileLabel->setToolTip(toolTip);
    refreshModelView();
    m_shapeLabel->setText(tr("%1 layers × %2 heads\n%3 queries × %4 keys%5")
                              .arg(b.layers())
                              .arg(b.heads())
                              .arg(b.queries())
                              .arg(b.keys())
                              .arg(b.tokens.empty() && b.keyTokens.empty() ? tr(", no tokens") : QString()));
    recompute();
}

bool AttentionPage::openSecondBundle(const QString &path, QString *error)
{
    auto read = readAttentionBundle(path.toStdString());
    if (!read)
        return reportError(QString::fromStdString(read.error().message), error);
    m_other = std::move(read.value());
    m_otherPath = path;
    m_updating = true;
    m_diffSource->setItemText(1, tr("second input: %1").arg(QFileInfo(path).fileName()));
    m_diffSource->setCurrentIndex(1);
    m_diff->setChecked(true);
    m_updating = false;
    recompute();
    emit modified();
    return true;
}

void AttentionPage::closeSecondBundle()
{
    if (!m_other)
        return;
    m_other.reset();
    m_otherPath.clear();
    m_updating = true;
    m_diffSource->setItemText(1, tr("second input"));
    m_diffSource->setCurrentIndex(0);
    m_updating = false;
    recompute();
}

void AttentionPage::setColormap(ColormapId id)
{
    m_colormap = id;
    m_grid->setColormap(id);
    m_modelView->setColormap(id);
    recompute();
}

std::vector<int> AttentionPage::hiddenKeysFromText(QStringList *problems) const
{
    if (!m_bundle)
        return {};
    // The engine's token lists (token_list.h), as on the command line; what resolves is hidden.
    const TokenListParse parsed = parseTokenList(m_specials->text().toStdString(), m_bundle->keyTokens, m_bundle->keys());
    if (problems)
        for (const auto &p : parsed.problems)
            *problems << QString::fromStdString(p);
    return parsed.indices;
}

ViewRequest AttentionPage::request() const
{
    ViewRequest r;
    r.layer = m_layer->value();
    r.head = m_head->value();
    const int mode = m_mode->currentIndex();
    r.mode = mode == kSingle ? ViewRequest::Mode::Single
             : mode == kRollout ? ViewRequest::Mode::Rollout
                                : ViewRequest::Mode::FuseHeads;
    r.fusion = mode == kRollout ? std::array{Fusion::Mean, Fusion::Max, Fusion::Min}[std::size_t(
                                      std::clamp(m_rolloutFusion->currentIndex(), 0, 2))]
               : mode == kMax   ? Fusion::Max
               : mode == kMin   ? Fusion::Min
                                : Fusion::Mean;
    if (mode == kRollout)
        r.discardRatio = m_discard->value();
    r.norm = Normalization(m_norm->currentData().toInt());
    if (m_hide->isChecked()) {
        r.hiddenKeys = hiddenKeysFromText(nullptr);
        r.renormalize = m_renormalize->isChecked();
        r.hideRows = m_hideRows->isChecked();
    }
    r.mergeSubwords = m_merge->isChecked();
    if (m_diff->isChecked())
        r.difference = ViewRequest::Difference{m_diffLayer->value(), m_diffHead->value()};
    return r;
}

QString AttentionPage::statusText() const
{
    return m_statusPlain;
}

void AttentionPage::recompute()
{
    if (m_updating)
        return;
    updateEnabled();
    m_hover->clear();
    if (!m_bundle) {
        m_result.reset();
        m_view->clear();
        m_grid->clear();
        m_statusPlain = tr("Open an attention bundle (.npz, .safetensors) or an [L, H, Tq, Tk] tensor.");
        m_status->setText(m_statusPlain);
        refreshShownTab();
        emit shown();
        return;
    }
    const ViewRequest r = request();
    QStringList notes;
    if (!m_fileWarning.isEmpty())
        notes << m_fileWarning;
    QStringList unknown;
    if (m_hide->isChecked())
        hiddenKeysFromText(&unknown);
    if (!unknown.isEmpty())
        notes << tr("Not hidden: %1").arg(unknown.join("; "));

    const bool fromSecond = r.difference && m_diffSource->currentIndex() == 1;
    auto v = fromSecond && !m_other
                 ? Result<ViewResult>(makeError(Error::Code::BadArgument, "open a second input for B first"))
                 : computeView(*m_bundle, r, fromSecond ? &*m_other : nullptr);
    if (!v) {
        m_result.reset();
        m_view->clear();
        const QString message = QString::fromStdString(v.error().message);
        m_statusPlain = tr("Cannot show this: %1").arg(message);
        m_status->setText(QStringLiteral("<span style='color:#b00020'>%1</span>").arg(m_statusPlain.toHtmlEscaped()));
        m_warnings->setText(m_fileWarning);
        m_warnings->setVisible(!m_fileWarning.isEmpty());
        emit statusMessage(message);
        emit failed(message);
    } else {
        m_result = std::move(v.value());
        HeatmapView::Content c;
        c.values = std::make_shared<const Mat<double>>(m_result->values);
        c.rowLabels = toQStringList(pictureRowLabels(*m_result)); // "TEXT #i" after hiding
        c.colLabels = toQStringList(pictureColLabels(*m_result));
        c.rowAxis = tr("query");
        c.colAxis = tr("key");
        const QString description = QString::fromStdString(m_result->description);
        c.title = tr("%1 — %2").arg(m_fileLabel->text(), description.section(';', 0, 0));
        c.diverging = m_result->diverging;
        m_view->setColormap(c.diverging ? ColormapId::Coolwarm : m_colormap);
        applyCellOptions(c);
        m_view->setContent(std::move(c));
        // What is shown in bold, then how it was processed.
        m_statusPlain = description;
        const qsizetype cut = description.indexOf(';');
        m_status->setText(QStringLiteral("<b>%1</b>%2").arg(description.left(cut).toHtmlEscaped(),
                                                           cut < 0 ? QString() : description.mid(cut).toHtmlEscaped()));
        for (const auto &w : m_result->warnings)
            notes << QString::fromStdString(w);
        m_warnings->setText(notes.join('\n'));
        m_warnings->setVisible(!notes.isEmpty());
    }
    refreshGrid(r);
    refreshShownTab();
    emit shown();
}

void AttentionPage::refreshGrid(const ViewRequest &r)
{
    // Each thumbnail is one head with the same hiding, merging and scale as the view.
    const bool headsOfLayer = m_gridMode->currentIndex() == 0;
    const int n = int(headsOfLayer ? m_bundle->heads() : m_bundle->layers());
    std::vector<HeadGrid::Item> items;
    for (int i = 0; i < n; ++i) {
        ViewRequest t = r;
        t.mode = ViewRequest::Mode::Single;
        t.layer = headsOfLayer ? r.layer : i;
        t.head = headsOfLayer ? i : r.head;
        t.difference.reset();
        auto v = computeView(*m_bundle, t);
        if (!v)
            break; // the same error as the view's, already shown
        items.push_back({t.layer, t.head, std::make_shared<const Mat<double>>(std::move(v->values))});
    }
    if (int(items.size()) < n)
        items.clear();
    m_grid->setItems(headsOfLayer ? HeadGrid::Mode::HeadsOfLayer : HeadGrid::Mode::LayersOfHead, std::move(items));
    const bool single = r.mode == ViewRequest::Mode::Single;
    m_grid->setFocused(single ? r.layer : -1, single ? r.head : -1);
    m_modelView->setFocused(single ? r.layer : -1, single ? r.head : -1);
}

void AttentionPage::onHovered(int row, int col)
{
    if (row < 0 || !m_result || row >= m_result->values.rows() || col >= m_result->values.cols()) {
        m_hover->clear();
        emit statusMessage(QString());
        return;
    }
    const double x = m_result->values(row, col);
    const QString value = m_result->diverging ? tr("A − B = %1").arg(cellValueText(x, false, 4, true)) : cellValueText(x, false, 4);
    const QString text = tr("query “%1” → key “%2”: %3   (row %4, column %5 as shown)")
                             .arg(QString::fromStdString(m_result->rowLabels[std::size_t(row)]),
                                  QString::fromStdString(m_result->colLabels[std::size_t(col)]), value)
                             .arg(row)
                             .arg(col);
    m_hover->setText(text);
    emit statusMessage(text);
}

void AttentionPage::onThumbnailClicked(int layer, int head)
{
    m_updating = true;
    m_mode->setCurrentIndex(kSingle);
    m_layer->setValue(layer);
    m_head->setValue(head);
    m_updating = false;
    recompute();
    emit modified();
    emit statusMessage(tr("Showing layer %1, head %2").arg(layer).arg(head));
}

} // namespace attnscope
