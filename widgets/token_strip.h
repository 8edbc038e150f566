#pragma once

#include <QTextBrowser>

#include <vector>

#include "colormap.h"

namespace attnscope {

/// The key tokens as running text, each on a background tinted by how much the selected query
/// attends to it. Clicking a token selects it as the query (for self-attention).
class TokenStrip : public QTextBrowser {
    Q_OBJECT
public:
    explicit TokenStrip(QWidget *parent = nullptr);
    /// `weights` has one entry per token (the selected query's row), or is empty for no tint.
    void setTokens(const QStringList &tokens, const std::vector<double> &weights, int selectedQuery,
                   const QString &queryToken, ColormapId colormap);
    /// The tint of token i as last drawn (tests), invalid when none.
    QColor tint(int i) const { return i >= 0 && i < m_tints.size() ? m_tints.at(i) : QColor(); }

signals:
    void tokenClicked(int index);

private:
    QList<QColor> m_tints;
};

} // namespace attnscope
