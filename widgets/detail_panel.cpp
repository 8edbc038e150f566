#include "detail_panel.h"

#include <cmath>

namespace attnscope {
namespace {

QString num(double v)
{
    if (std::isinf(v))
        return v < 0 ? QStringLiteral("−∞") : QStringLiteral("∞");
    QString s = QString::number(v, 'g', 5);
    if (s.startsWith('-'))
        s.replace(0, 1, QChar(0x2212));
    return s;
}

constexpr int kMaxTerms = 16;

// The engine's names of what blocks a score (explain.cpp), for lupdate; the panel translates them.
[[maybe_unused]] constexpr const char *kMaskNames[] = {
    QT_TRANSLATE_NOOP("attnscope::DetailPanel", "causal"),
    QT_TRANSLATE_NOOP("attnscope::DetailPanel", "mask"),
    QT_TRANSLATE_NOOP("attnscope::DetailPanel", "padding"),
};

/// "q·k = (a)(b) + (c)(d) + … = s", at most kMaxTerms terms shown.
QString dotTerms(const std::vector<double> &a, const std::vector<double> &b)
{
    QStringList terms;
    for (std::size_t i = 0; i < a.size() && i < std::size_t(kMaxTerms); ++i)
        terms << QStringLiteral("(%1)(%2)").arg(num(a[i]), num(b[i]));
    QString s = terms.join(QStringLiteral(" + "));
    if (a.size() > std::size_t(kMaxTerms))
        s += QObject::tr(" + … (%1 more terms)").arg(a.size() - std::size_t(kMaxTerms));
    return s;
}

/// How the scale factor is written: "/√16", "/16", "·1" or "×0.5", then "/τ" when τ ≠ 1.
QString scaleWritten(const CellExplanation &e)
{
    const auto dk = double(e.q.size());
    QString s;
    if (dk > 0 && std::abs(e.factor - 1 / std::sqrt(dk)) < 1e-12)
        s = QStringLiteral(" / √%1").arg(e.q.size());
    else if (dk > 0 && std::abs(e.factor - 1 / dk) < 1e-12)
        s = QStringLiteral(" / %1").arg(e.q.size());
    else if (e.factor == 1)
        s = QStringLiteral(" · 1");
    else
        s = QStringLiteral(" × %1").arg(num(e.factor));
    if (e.temperature != 1)
        s += QStringLiteral(" / %1").arg(num(e.temperature));
    return s;
}

} // namespace

QString DetailPanel::formulaHtml(const CellExplanation &e)
{
    const QString box = QStringLiteral("<p style=\"background-color:#fff3c4; color:#000000\">%1</p>");
    if (e.stage == Stage::Output) {
        QStringList terms;
        for (std::size_t j = 0; j < e.rowWeights.size() && j < 6; ++j)
            terms << QStringLiteral("%1·%2").arg(num(e.rowWeights[j]), num(e.vColumn[j]));
        if (e.rowWeights.size() > 6)
            terms << QStringLiteral("…");
        return box.arg(tr("o = (A·V)<sub>%1,%2</sub> = %3 = <b>%4</b>").arg(e.row).arg(e.col).arg(terms.join(QStringLiteral(" + ")), num(e.output)));
    }
    const QString mask = e.blocked ? tr("−∞ (masked)") : e.additive != 0 ? num(e.additive) : tr("0 (not masked)");
    QString h = tr("a = softmax(<b>%1</b>%2 + %3)").arg(num(e.raw), scaleWritten(e), mask);
    if (e.blocked || !std::isfinite(e.rowMax))
        h += tr(" = <b>0</b>");
    else
        h += tr(" = e<sup>%1 − %2</sup> / %3 = <b>%4</b>").arg(num(e.masked), num(e.rowMax), num(e.expSum), num(e.weight));
    return box.arg(tr("s = q·k = %1; s%2 = %3; + %4 = %5<br>%6")
                       .arg(num(e.raw), scaleWritten(e), num(e.scaled), mask, num(e.masked), h));
}

DetailPanel::DetailPanel(QWidget *parent) : QTextBrowser(parent)
{
    setOpenLinks(false);
    setMinimumWidth(260);
    showHint(tr("Click a cell of the heatmap to see its computation with real numbers."));
}

void DetailPanel::showHint(const QString &text) { setHtml(QStringLiteral("<p><i>%1</i></p>").arg(text.toHtmlEscaped())); }

void DetailPanel::showCell(const CellExplanation &e, const QString &query, const QString &key)
{
    setHtml(html(e, query, key));
}

QString DetailPanel::html(const CellExplanation &e, const QString &query, const QString &key)
{
    QString h;
    const QString q = query.toHtmlEscaped(), k = key.toHtmlEscaped();
    if (e.stage == Stage::Output) {
        h += tr("<h3>Output [%1, %2]</h3><p>query <b>%3</b>, value dimension %2</p>").arg(e.row).arg(e.col).arg(q);
        h += formulaHtml(e);
        h += tr("<p>o = Σ<sub>j</sub> a<sub>j</sub> · v<sub>j,%1</sub></p><table cellspacing=4>").arg(e.col);
        h += tr("<tr><th>key j</th><th>a<sub>j</sub></th><th>v<sub>j,%1</sub></th><th>a·v</th></tr>").arg(e.col);
        for (std::size_t j = 0; j < e.rowWeights.size() && j < 64; ++j)
            h += QStringLiteral("<tr><td>%1</td><td align=right>%2</td><td align=right>%3</td><td align=right>%4</td></tr>")
                     .arg(j)
                     .arg(num(e.rowWeights[j]), num(e.vColumn[j]), num(e.rowWeights[j] * e.vColumn[j]));
        h += QStringLiteral("</table>");
        if (e.rowWeights.size() > 64)
            h += tr("<p>… %1 more keys</p>").arg(e.rowWeights.size() - 64);
        h += tr("<p><b>o = %1</b></p>").arg(num(e.output));
        return h;
    }
    h += tr("<h3>Query <b>%1</b> → key <b>%2</b></h3><p>cell [%3, %4]</p>").arg(q, k).arg(e.row).arg(e.col);
    h += formulaHtml(e);
    h += tr("<p><b>1. Score</b> s = q·k = %1 = <b>%2</b></p>").arg(dotTerms(e.q, e.k), num(e.raw));
    QString scale = tr("<p><b>2. Scale</b> s × %1").arg(num(e.factor));
    if (e.temperature != 1)
        scale += tr(" ÷ τ (%1)").arg(num(e.temperature));
    scale += tr(" = <b>%1</b></p>").arg(num(e.scaled));
    h += scale;
    if (e.blocked)
        h += tr("<p><b>3. Mask</b> blocked by the %1 mask: −∞, so exp gives 0</p>").arg(tr(e.blockedBy.c_str()));
    else if (e.additive != 0)
        h += tr("<p><b>3. Mask</b> %1 + (%2) = <b>%3</b></p>").arg(num(e.scaled), num(e.additive), num(e.masked));
    else
        h += tr("<p><b>3. Mask</b> not masked: <b>%1</b></p>").arg(num(e.masked));
    if (!std::isfinite(e.rowMax)) {
        h += tr("<p><b>4. Softmax</b> every key of this row is masked: the weights are all 0, and so is the output.</p>");
        return h;
    }
    h += tr("<p><b>4. Softmax</b> subtract the row maximum %1, exponentiate, normalise:<br>"
            "exp(%2 − %1) = %3<br>Σ<sub>j</sub> exp(s<sub>j</sub> − max) = %4<br>"
            "a = %3 ÷ %4 = <b>%5</b></p>")
             .arg(num(e.rowMax), num(e.masked), num(e.expValue), num(e.expSum), num(e.weight));
    return h;
}

} // namespace attnscope
