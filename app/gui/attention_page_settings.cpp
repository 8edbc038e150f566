// The Imported attention tab's controls as session settings (docs/session-format.md, "view.pages").
#include "attention_page.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QSpinBox>

namespace attnscope {

SettingControls AttentionPage::settingControls() const
{
    return {
        {QStringLiteral("attention.mode"), m_mode},
        {QStringLiteral("attention.layer"), m_layer},
        {QStringLiteral("attention.head"), m_head},
        {QStringLiteral("attention.rolloutFusion"), m_rolloutFusion},
        {QStringLiteral("attention.discardRatio"), m_discard},
        {QStringLiteral("attention.specialTokens"), m_specials},
        {QStringLiteral("attention.hideSpecial"), m_hide},
        {QStringLiteral("attention.renormalize"), m_renormalize},
        {QStringLiteral("attention.mergeSubwords"), m_merge},
        {QStringLiteral("attention.normalization"), m_norm},
        {QStringLiteral("attention.difference"), m_diff},
        {QStringLiteral("attention.differenceLayer"), m_diffLayer},
        {QStringLiteral("attention.differenceHead"), m_diffHead},
        {QStringLiteral("attention.differenceSource"), m_diffSource},
        {QStringLiteral("attention.grid"), m_gridMode},
    };
}

PageSettings AttentionPage::settings() const
{
    return settingsOf(settingControls());
}

QStringList AttentionPage::applySettings(const PageSettings &settings)
{
    PageSettings usable = settings;
    const QString source = QStringLiteral("attention.differenceSource");
    if (!m_other && usable.value(source) == QLatin1String("second"))
        usable.remove(source); // the session had no second input, or it could not be opened
    m_updating = true;         // one recomputation at the end, and no settingsChanged
    const QStringList ignored = attnscope::applySettings(usable, settingControls());
    m_updating = false;
    recompute();
    return ignored;
}

} // namespace attnscope
