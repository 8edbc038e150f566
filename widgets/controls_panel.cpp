#include "controls_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace attnscope {
namespace {

/// The temperature slider is logarithmic: position p in [-100, 100] is τ = 10^(p/100).
int sliderPos(double tau) { return int(std::lround(std::log10(std::clamp(tau, 0.1, 10.0)) * 100)); }

} // namespace

ControlsPanel::ControlsPanel(QWidget *parent) : QWidget(parent)
{
    auto *outer = new QVBoxLayout(this);

    auto *inputBox = new QGroupBox(tr("Input"), this);
    auto *inputForm = new QFormLayout(inputBox);
    m_text = new QLineEdit(inputBox);
    m_text->setObjectName("sentence");
    // QLineEdit cuts text at 32,767 characters by default: a long text file would lose its end
    // without a word. The memory budget, not the box, decides what can be shown.
    m_text->setMaxLength(std::numeric_limits<int>::max());
    m_text->setPlaceholderText(tr("Type a sentence (English or Chinese)"));
    m_text->setToolTip(tr("The sentence whose tokens attend to each other; words and punctuation are tokens, "
                          "each Chinese or Japanese character is one."));
    inputForm->addRow(tr("&Sentence"), m_text);
    m_cross = new QCheckBox(tr("&Cross-attention to another sequence"), inputBox);
    m_cross->setToolTip(tr("Queries come from the sentence, keys and values from the context below."));
    inputForm->addRow(m_cross);
    m_context = new QLineEdit(inputBox);
    m_context->setObjectName("context");
    m_context->setMaxLength(std::numeric_limits<int>::max());
    m_context->setPlaceholderText(tr("The keys' sentence"));
    m_context->setToolTip(tr("Cross-attention: the sequence C that keys and values are computed from (K = C·Wk, V = C·Wv)."));
    m_context->setEnabled(false);
    inputForm->addRow(tr("Con&text"), m_context);
    outer->addWidget(inputBox);

    auto *modelBox = new QGroupBox(tr("Model"), this);
    auto *modelForm = new QFormLayout(modelBox);
    const auto spin = [&](QSpinBox *&box, const char *name, int lo, int hi, int value, const QString &tip) {
        box = new QSpinBox(modelBox);
        box->setObjectName(name);
        box->setRange(lo, hi);
        box->setValue(value);
        box->setToolTip(tip);
        box->setKeyboardTracking(false);
    };
    spin(m_dModel, "dModel", 2, 1024, 64, tr("Width of the built-in embeddings (hashed character n-grams plus sinusoidal positions)."));
    spin(m_dHead, "dHead", 1, 256, 16, tr("d_k: the size of one head's queries, keys and values."));
    spin(m_heads, "heads", 1, 32, 2, tr("Number of heads: Wq, Wk, Wv have heads × d_k columns."));
    spin(m_seed, "seed", 0, 1000000, 1, tr("Seed of the random projections Wq, Wk, Wv: the same seed gives the same picture everywhere."));
    modelForm->addRow(tr("d_&model"), m_dModel);
    modelForm->addRow(tr("d_&k per head"), m_dHead);
    modelForm->addRow(tr("&Heads"), m_heads);
    modelForm->addRow(tr("S&eed"), m_seed);
    outer->addWidget(modelBox);

    auto *attBox = new QGroupBox(tr("Attention"), this);
    auto *attForm = new QFormLayout(attBox);
    m_scale = new QComboBox(attBox);
    m_scale->setObjectName("scale");
    m_scale->addItems({tr("1/√d_k"), tr("1/d_k (tutorial code)"), tr("none"), tr("custom")});
    m_scale->setToolTip(tr("How the scores are scaled. 1/√d_k keeps their spread independent of d_k; 1/d_k, which "
                           "a widely copied tutorial uses, flattens the weights as d_k grows; none sharpens them."));
    m_customScale = new QDoubleSpinBox(attBox);
    m_customScale->setObjectName("customScale");
    m_customScale->setRange(-100, 100);
    m_customScale->setDecimals(4);
    m_customScale->setValue(1.0);
    m_customScale->setEnabled(false);
    m_customScale->setToolTip(tr("The multiplier used by the custom scale."));
    auto *scaleRow = new QHBoxLayout;
    scaleRow->addWidget(m_scale, 1);
    scaleRow->addWidget(m_customScale);
    auto *scaleLabel = new QLabel(tr("Sc&ale"), attBox);
    scaleLabel->setBuddy(m_scale);
    attForm->addRow(scaleLabel, scaleRow);

    m_temperature = new QDoubleSpinBox(attBox);
    m_temperature->setObjectName("temperature");
    m_temperature->setRange(0.05, 20);
    m_temperature->setDecimals(2);
    m_temperature->setSingleStep(0.1);
    m_temperature->setValue(1.0);
    m_temperature->setToolTip(tr("τ divides the scaled scores before the softmax: 1 changes nothing, small τ sharpens, "
                                 "large τ flattens."));
    m_temperatureSlider = new QSlider(Qt::Horizontal, attBox);
    m_temperatureSlider->setRange(-100, 100);
    m_temperatureSlider->setValue(0);
    m_temperatureSlider->setToolTip(m_temperature->toolTip());
    auto *tauRow = new QHBoxLayout;
    tauRow->addWidget(m_temperatureSlider, 1);
    tauRow->addWidget(m_temperature);
    auto *tauLabel = new QLabel(tr("&Temperature τ"), attBox);
    tauLabel->setBuddy(m_temperature);
    attForm->addRow(tauLabel, tauRow);

    m_mask = new QComboBox(attBox);
    m_mask->setObjectName("mask");
    m_mask->addItems({tr("none"), tr("causal"), tr("padding of chosen keys")});
    m_mask->setToolTip(tr("Causal: query i attends keys 0..i. Padding: the checked keys are never attended. "
                          "Masked scores become −∞ and get zero weight."));
    attForm->addRow(tr("Mas&k"), m_mask);
    m_padding = new QListWidget(attBox);
    m_padding->setObjectName("paddingList");
    m_padding->setToolTip(tr("Check the keys to treat as padding."));
    m_padding->setMaximumHeight(110);
    m_padding->setEnabled(false);
    attForm->addRow(tr("Padded keys"), m_padding);

    m_head = new QSpinBox(attBox);
    m_head->setObjectName("head");
    m_head->setRange(0, 1);
    m_head->setToolTip(tr("The head whose stages are shown (0-based)."));
    attForm->addRow(tr("Head &shown"), m_head);
    outer->addWidget(attBox);
    outer->addStretch(1);

    connect(m_text, &QLineEdit::textChanged, this, &ControlsPanel::emitChanged);
    connect(m_context, &QLineEdit::textChanged, this, &ControlsPanel::emitChanged);
    connect(m_cross, &QCheckBox::toggled, this, [this](bool on) {
        m_context->setEnabled(on && m_text->isEnabled());
        emitChanged();
    });
    for (QSpinBox *box : {m_dModel, m_dHead, m_heads, m_seed, m_head})
        connect(box, &QSpinBox::valueChanged, this, &ControlsPanel::emitChanged);
    connect(m_heads, &QSpinBox::valueChanged, this, [this](int n) { m_head->setMaximum(n - 1); });
    connect(m_scale, &QComboBox::currentIndexChanged, this, [this](int i) {
        m_customScale->setEnabled(i == 3);
        emitChanged();
    });
    connect(m_customScale, &QDoubleSpinBox::valueChanged, this, &ControlsPanel::emitChanged);
    connect(m_temperature, &QDoubleSpinBox::valueChanged, this, [this](double tau) {
        const QSignalBlocker block(m_temperatureSlider);
        m_temperatureSlider->setValue(sliderPos(tau));
        emitChanged();
    });
    connect(m_temperatureSlider, &QSlider::valueChanged, this,
            [this](int p) { m_temperature->setValue(std::pow(10.0, p / 100.0)); });
    connect(m_mask, &QComboBox::currentIndexChanged, this, [this](int i) {
        m_padding->setEnabled(i == 2);
        emitChanged();
    });
    connect(m_padding, &QListWidget::itemChanged, this, &ControlsPanel::emitChanged);
    m_head->setMaximum(m_heads->value() - 1);
}

void ControlsPanel::emitChanged()
{
    if (!m_updating)
        emit changed();
}

ExplorerParams ControlsPanel::values() const
{
    ExplorerParams v;
    v.text = m_text->text().toStdString();
    v.context = m_context->text().toStdString();
    v.cross = m_cross->isChecked();
    v.dModel = m_dModel->value();
    v.dHead = m_dHead->value();
    v.heads = m_heads->value();
    v.head = m_head->value();
    v.seed = std::uint64_t(m_seed->value());
    v.scale = ScaleSpec::Mode(m_scale->currentIndex()); // the box lists the modes in their order
    v.customScale = m_customScale->value();
    v.temperature = m_temperature->value();
    v.mask = ExplorerParams::Mask(m_mask->currentIndex());
    for (int i = 0; i < m_padding->count(); ++i)
        if (m_padding->item(i)->checkState() == Qt::Checked)
            v.paddedKeys.push_back(i);
    return v;
}

void ControlsPanel::setValues(const ExplorerParams &v)
{
    m_updating = true;
    m_text->setText(QString::fromStdString(v.text));
    m_context->setText(QString::fromStdString(v.context));
    m_cross->setChecked(v.cross);
    // A file's model may be larger than the built-in one's ranges.
    m_dModel->setMaximum(std::max(1024, v.dModel));
    m_dHead->setMaximum(std::max(256, v.dHead));
    m_heads->setMaximum(std::max(32, v.heads));
    m_dModel->setValue(v.dModel);
    m_dHead->setValue(v.dHead);
    m_heads->setValue(v.heads);
    m_head->setMaximum(std::max(0, v.heads - 1));
    m_head->setValue(v.head);
    m_seed->setValue(int(std::min<std::uint64_t>(v.seed, std::uint64_t(m_seed->maximum()))));
    m_scale->setCurrentIndex(int(v.scale));
    m_customScale->setValue(v.customScale);
    m_temperature->setValue(v.temperature);
    m_mask->setCurrentIndex(int(v.mask));
    for (int i = 0; i < m_padding->count(); ++i)
        m_padding->item(i)->setCheckState(std::find(v.paddedKeys.begin(), v.paddedKeys.end(), i) != v.paddedKeys.end()
                                              ? Qt::Checked
                                              : Qt::Unchecked);
    m_updating = false;
    emit changed();
}

void ControlsPanel::setKeyTokens(const QStringList &tokens)
{
    const std::vector<int> checked = values().paddedKeys;
    const QSignalBlocker block(m_padding);
    m_padding->clear();
    for (int i = 0; i < tokens.size(); ++i) {
        auto *item = new QListWidgetItem(QStringLiteral("%1  %2").arg(i).arg(tokens.at(i)), m_padding);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(std::find(checked.begin(), checked.end(), i) != checked.end() ? Qt::Checked : Qt::Unchecked);
    }
}

void ControlsPanel::setHeadCount(int heads)
{
    m_head->setMaximum(std::max(0, heads - 1));
}

void ControlsPanel::setTextMode(bool on)
{
    for (QWidget *w : std::initializer_list<QWidget *>{m_text, m_cross, m_dModel, m_dHead, m_heads, m_seed})
        w->setEnabled(on);
    m_context->setEnabled(on && m_cross->isChecked());
}

} // namespace attnscope
