#include "formula_line.h"

#include <algorithm>
#include <vector>

namespace attnscope {
namespace {

/// One piece of the formula: its HTML, its plain text and the stages that highlight it.
struct Piece {
    QString html, plain;
    std::vector<Stage> stages;
    bool highlightedIn(Stage s) const { return std::find(stages.begin(), stages.end(), s) != stages.end(); }
};

/// The scaling as the formula writes it, in HTML and in plain text.
struct ScaleWritten {
    QString html, plain;
};

ScaleWritten scaleWritten(const ScaleSpec &scale, double temperature)
{
    ScaleWritten w;
    switch (scale.mode) {
    case ScaleSpec::Mode::Sqrt: w = {QStringLiteral(" / √d<sub>k</sub>"), QStringLiteral("/√d_k")}; break;
    case ScaleSpec::Mode::Dim: w = {QStringLiteral(" / d<sub>k</sub>"), QStringLiteral("/d_k")}; break;
    case ScaleSpec::Mode::None: w = {QStringLiteral(" · 1"), QStringLiteral("·1")}; break;
    case ScaleSpec::Mode::Custom:
        w = {QStringLiteral(" × %1").arg(scale.custom, 0, 'g', 4), QStringLiteral("×%1").arg(scale.custom, 0, 'g', 4)};
        break;
    }
    if (temperature != 1) {
        w.html += QStringLiteral(" / τ");
        w.plain += QStringLiteral("/τ");
    }
    return w;
}

std::vector<Piece> pieces(const ScaleSpec &scale, double temperature)
{
    using S = Stage;
    const QString sub = QStringLiteral("<sub>%1</sub>");
    const ScaleWritten scaling = scaleWritten(scale, temperature);
    return {
        {QStringLiteral("softmax("), QStringLiteral("softmax("), {S::Weights}},
        {QStringLiteral("Q"), QStringLiteral("Q"), {S::Qkv, S::Scores}},
        {QStringLiteral("K<sup>T</sup>"), QStringLiteral("Kᵀ"), {S::Qkv, S::Scores}},
        {scaling.html, scaling.plain, {S::Scaled}},
        {QStringLiteral(" + M"), QStringLiteral("+ M"), {S::Masked}},
        {QStringLiteral(")"), QStringLiteral(")"), {S::Weights}},
        {QStringLiteral(" · "), QStringLiteral("·"), {S::Output}},
        {QStringLiteral("V"), QStringLiteral("V"), {S::Qkv, S::Output}},
        {QStringLiteral("&nbsp;&nbsp;&nbsp;&nbsp;"), QString(), {}},
        {QStringLiteral("Q"), QStringLiteral("Q"), {S::Qkv}},
        {QStringLiteral(" = "), QString(), {}},
        {QStringLiteral("X"), QStringLiteral("X"), {S::Inputs}},
        {QStringLiteral("W") + sub.arg('Q') + QStringLiteral(", "), QString(), {}},
        {QStringLiteral("K"), QStringLiteral("K"), {S::Qkv}},
        {QStringLiteral(" = "), QString(), {}},
        {QStringLiteral("X"), QStringLiteral("X"), {S::Inputs}},
        {QStringLiteral("W") + sub.arg('K') + QStringLiteral(", "), QString(), {}},
        {QStringLiteral("V"), QStringLiteral("V"), {S::Qkv}},
        {QStringLiteral(" = "), QString(), {}},
        {QStringLiteral("X"), QStringLiteral("X"), {S::Inputs}},
        {QStringLiteral("W") + sub.arg('V'), QString(), {}},
    };
}

} // namespace

FormulaLine::FormulaLine(QWidget *parent) : QLabel(parent)
{
    setObjectName("formulaLine");
    setTextFormat(Qt::RichText);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    setWordWrap(true);
    setContentsMargins(6, 2, 6, 2);
    setToolTip(tr("Scaled dot-product attention; the highlighted part is what the current stage computes"));
    refresh();
}

void FormulaLine::setStage(Stage stage)
{
    m_stage = stage;
    refresh();
}

void FormulaLine::setScale(const ScaleSpec &scale, double temperature)
{
    m_scale = scale;
    m_temperature = temperature;
    refresh();
}

QString FormulaLine::highlightedText() const { return highlightedText(m_stage, m_scale, m_temperature); }

void FormulaLine::refresh()
{
    setText(html(m_stage, m_scale, m_temperature));
}

QString FormulaLine::scaleText(const ScaleSpec &scale, double temperature)
{
    return scaleWritten(scale, temperature).plain;
}

QString FormulaLine::highlightedText(Stage stage, const ScaleSpec &scale, double temperature)
{
    QString out;
    for (const Piece &p : pieces(scale, temperature))
        if (p.highlightedIn(stage)) {
            if (!out.isEmpty() && stage != Stage::Weights && stage != Stage::Scores)
                out += QLatin1Char(' ');
            out += p.plain;
        }
    return out;
}

QString FormulaLine::html(Stage stage, const ScaleSpec &scale, double temperature, const QString &highlight)
{
    QString body;
    for (const Piece &p : pieces(scale, temperature))
        body += p.highlightedIn(stage)
                    ? QStringLiteral("<span style=\"background-color:%1; color:#000000; font-weight:bold\">%2</span>").arg(highlight, p.html)
                    : p.html;
    return tr("<span style=\"font-size:large\">Attention = %1</span>").arg(body);
}

} // namespace attnscope
