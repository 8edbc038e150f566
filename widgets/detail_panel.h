#pragma once

#include <QTextBrowser>

#include "explain.h"

namespace attnscope {

/// The computation of one cell with real numbers, as a reader follows it on paper.
class DetailPanel : public QTextBrowser {
    Q_OBJECT
public:
    explicit DetailPanel(QWidget *parent = nullptr);
    /// Shows `e` for query token `query` and key token `key` (the output column for Output).
    void showCell(const CellExplanation &e, const QString &query, const QString &key);
    void showHint(const QString &text);
    /// The HTML for `e`, also used by tests and exports.
    static QString html(const CellExplanation &e, const QString &query, const QString &key);
    /// softmax(QKᵀ/√d_k + M)·V with this cell's own numbers put in, as one HTML line:
    /// "a = softmax(s·f + m) = e^(x − max) / Σ = a" (or "o = Σ a·v = o" for the output).
    static QString formulaHtml(const CellExplanation &e);
};

} // namespace attnscope
