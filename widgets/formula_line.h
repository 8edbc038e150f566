#pragma once

#include <QLabel>

#include "attention.h"

namespace attnscope {

/// The whole formula, softmax(QKᵀ/√d_k + M)·V with Q, K, V = X·W_Q, X·W_K, X·W_V, as rich text
/// (it follows the font and is translatable), with the part the current stage computes
/// highlighted: Inputs X; Q, K, V the three letters; Scores QKᵀ; Scaled the scaling (/√d_k,
/// /d_k, ·1, ×c, and /τ when τ ≠ 1); Masked + M; Weights softmax(…); Output ·V.
class FormulaLine : public QLabel {
    Q_OBJECT
public:
    explicit FormulaLine(QWidget *parent = nullptr);

    void setStage(Stage stage);
    Stage stage() const { return m_stage; }
    /// The Scale parameter the scaling part is written for.
    void setScale(const ScaleSpec &scale, double temperature);
    /// The highlighted part as plain text ("QKᵀ", "/√d_k", "softmax()"), for tests and readers.
    QString highlightedText() const;

    /// The formula's HTML for `stage` with its part on `highlight` (bold, dark text).
    static QString html(Stage stage, const ScaleSpec &scale, double temperature, const QString &highlight = QStringLiteral("#ffd54f"));
    /// The plain text of the part `stage` highlights.
    static QString highlightedText(Stage stage, const ScaleSpec &scale, double temperature);
    /// The scaling as written in the formula: "/√d_k", "/d_k", "·1", "×0.5", with "/τ" after it
    /// when τ ≠ 1 (plain text; d_k with an underscore).
    static QString scaleText(const ScaleSpec &scale, double temperature);

private:
    void refresh();
    Stage m_stage = Stage::Weights;
    ScaleSpec m_scale;
    double m_temperature = 1;
};

} // namespace attnscope
