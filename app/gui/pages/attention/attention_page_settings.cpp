// The Imported attention tab's controls as session settings (docs/session-format.md, "view.pages").
#include "attention_page.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QFileInfo>
#include <QSpinBox>

namespace attnscope {

SettingControls AttentionPage::settingControls() const
{
    SettingControls controls = {
        {QStringLiteral("attention.mode"), m_mode},
        {QStringLiteral("attention.layer"), m_layer},
        {QStringLiteral("attention.head"), m_head},
        {QStringLiteral("attention.rolloutFusion"), m_rolloutFusion},
        {QStringLiteral("attention.discardRatio"), m_discard},
        {QStringLiteral("attention.specialTokens"), m_specials},
        {QStringLiteral("attention.hideSpecial"), m_hide},
        {QStringLiteral("attention.hideRows"), m_hideRows},
        {QStringLiteral("attention.renormalize"), m_renormalize},
        {QStringLiteral("attention.mergeSubwords"), m_merge},
        {QStringLiteral("attention.normalization"), m_norm},
        {QStringLiteral("attention.difference"), m_diff},
        {QStringLiteral("attention.differenceLayer"), m_diffLayer},
        {QStringLiteral("attention.differenceHead"), m_diffHead},
        {QStringLiteral("attention.differenceSource"), m_diffSource},
        {QStringLiteral("attention.grid"), m_gridMode},
    };
    for (auto &c : modelViewSettingControls())
        controls.push_back(c);
    return controls;
}

PageSettings AttentionPage::settings() const
{
    PageSettings s = settingsOf(settingControls());
    const PageSettings heads = headViewSettings();
    for (auto it = heads.begin(); it != heads.end(); ++it)
        s.insert(it.key(), it.value());
    return s;
}

QStringList AttentionPage::applySettings(const PageSettings &settings)
{
    PageSettings usable = settings;
    const QString source = QStringLiteral("attention.differenceSource");
    if (!m_other && usable.value(source) == QLatin1String("second"))
        usable.remove(source); // the session had no second input, or it could not be opened
    m_updating = true;         // one recomputation at the end, and no settingsChanged
    QStringList ignored = attnscope::applySettings(usable, settingControls());
    ignored += applyHeadViewSettings(usable);
    m_updating = false;
    recompute();
    return ignored;
}

} // namespace attnscope

namespace attnscope {
namespace {

const QString kPrefix = QStringLiteral("attention.");

/// Whether File → Open shows `path` here: a bundle, or a tensor file of attention weights. A bare
/// .npy of one layer and one head is left to the Explorer.
bool opensAsAttention(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != "npz" && suffix != "safetensors" && suffix != "npy")
        return false;
    auto bundle = readAttentionBundle(path.toStdString());
    return bundle.ok() && (suffix != "npy" || bundle->attentions.shape[0] > 1 || bundle->attentions.shape[1] > 1);
}

} // namespace

QString AttentionPage::title() const { return tr("&Imported attention: layers and heads"); }

int AttentionPage::claims(const QString &path) const { return opensAsAttention(path) ? 20 : 0; }

bool AttentionPage::openInput(PageInput &input, QString *error)
{
    if (input.kind == SessionState::InputKind::Model && input.bundle) { // a model's run: already in memory
        showBundle(input.bundle, QString::fromStdString(input.bundle->model),
                   tr("%1, run on the sentence typed in the Explorer").arg(input.paths.value(0)));
        return true;
    }
    if (!openBundle(input.paths.value(0), error))
        return false;
    input.kind = SessionState::InputKind::Bundle;
    input.bundle = m_bundle;
    return true;
}

bool AttentionPage::openRole(const QString &role, const QString &path, QString *error)
{
    if (role != QLatin1String(kSessionRoleSecondInput))
        return Page::openRole(role, path, error);
    return openSecondBundle(path, error);
}

QList<QPair<QString, QString>> AttentionPage::roleInputs() const
{
    if (m_otherPath.isEmpty())
        return {};
    return {{QString::fromLatin1(kSessionRoleSecondInput), m_otherPath}};
}

bool AttentionPage::setLayerHead(int layer, int head, QString *error)
{
    if (!m_bundle)
        return true; // nothing shown here has layers yet
    if (layer >= m_bundle->layers())
        return reportError(tr("layer %1 is not within 0..%2 of %3").arg(layer).arg(m_bundle->layers() - 1).arg(m_fileLabel->text()), error);
    if (head >= m_bundle->heads())
        return reportError(tr("head %1 is not within 0..%2 of %3").arg(head).arg(m_bundle->heads() - 1).arg(m_fileLabel->text()), error);
    m_updating = true;
    if (layer >= 0)
        m_layer->setValue(layer);
    if (head >= 0)
        m_head->setValue(head);
    m_updating = false;
    recompute();
    return true;
}

QJsonObject AttentionPage::saveState() const { return settingsToJson(settings(), kPrefix); }

QStringList AttentionPage::restoreState(const QJsonObject &state)
{
    QStringList notes;
    const PageSettings settings = settingsFromJson(state, kPrefix, &notes);
    return notes + applySettings(settings);
}

} // namespace attnscope
