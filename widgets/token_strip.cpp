#include "token_strip.h"

#include <QUrl>

#include <algorithm>

namespace attnscope {

TokenStrip::TokenStrip(QWidget *parent) : QTextBrowser(parent)
{
    setOpenLinks(false);
    setMinimumHeight(60);
    QFont f = font();
    f.setFamilies({f.family(), QStringLiteral("Noto Sans CJK SC"), QStringLiteral("WenQuanYi Micro Hei")});
    f.setPointSizeF(f.pointSizeF() * 1.3);
    setFont(f);
    connect(this, &QTextBrowser::anchorClicked, this, [this](const QUrl &url) {
        bool ok = false;
        const int i = url.fragment().toInt(&ok);
        if (ok)
            emit tokenClicked(i);
    });
}

void TokenStrip::setTokens(const QStringList &tokens, const std::vector<double> &weights, int selectedQuery,
                           const QString &queryToken, ColormapId colormap)
{
    m_tints.clear();
    const Colormap &map = Colormap::get(colormap);
    double hi = 0;
    for (double w : weights)
        hi = std::max(hi, w);
    QString h = QStringLiteral("<p style='line-height:160%'>");
    if (selectedQuery >= 0)
        h += tr("<b>%1</b> attends to: ").arg(queryToken.toHtmlEscaped());
    for (int i = 0; i < tokens.size(); ++i) {
        QColor bg = palette().base().color();
        if (std::size_t(i) < weights.size() && hi > 0)
            bg = QColor::fromRgb(map.at(weights[std::size_t(i)] / hi));
        m_tints << bg;
        const QColor fg = bg.lightnessF() > 0.55 ? Qt::black : Qt::white;
        const QString weight = std::size_t(i) < weights.size() ? QString::number(weights[std::size_t(i)], 'f', 3) : QString();
        h += QStringLiteral("<a href='#%1' style='text-decoration:none; color:%2'><span style='background:%3; color:%2' "
                            "title='%4'>&nbsp;%5&nbsp;</span></a> ")
                 .arg(i)
                 .arg(fg.name(), bg.name(), weight, tokens.at(i).toHtmlEscaped());
    }
    h += QStringLiteral("</p>");
    setHtml(h);
}

} // namespace attnscope
