#pragma once

#include <QWidget>

#include "colormap.h"
#include "scale_comparison.h"

class QLabel;
class QSlider;
class QSpinBox;
class QTableWidget;

namespace attnscope {

class HeatmapView;

/// The √d_k lesson: the same scores softmaxed under 1/√d_k, 1/d_k and no scaling, side by side
/// on one fixed colour scale 0–1, each titled with the spread (σ) of its scaled scores, and a
/// table of each row's entropy in bits under each scaling. d_k is chosen with a spin box or a
/// slider (powers of two); the view asks for it (dkChanged) and shows what it is given.
class ScaleComparisonView : public QWidget {
    Q_OBJECT
public:
    explicit ScaleComparisonView(QWidget *parent = nullptr);

    /// Shows `c` with the query (row) and key (column) labels.
    void setComparison(const ScaleComparison &c, const QStringList &rows, const QStringList &cols);
    /// Writes values in the cells when they are large enough (View → Numbers in cells).
    void setNumbersInCells(bool on);
    void setColormap(ColormapId id);
    /// The d_k the spin box shows; setDk changes it and emits dkChanged when it differs.
    int dk() const;
    void setDk(int dk);

    HeatmapView *heatmap(int i) const { return m_views[i]; }
    QTableWidget *entropyTable() const { return m_table; }
    QSpinBox *dkBox() const { return m_dkBox; }
    QSlider *dkSlider() const { return m_slider; }
    /// The scaling's name as a title shows it: "1/√d_k", "1/d_k", "no scaling".
    static QString scalingName(ScaleSpec::Mode mode);

signals:
    void dkChanged(int dk);

private:
    HeatmapView *m_views[3] = {};
    QTableWidget *m_table = nullptr;
    QSpinBox *m_dkBox = nullptr;
    QSlider *m_slider = nullptr;
    QLabel *m_summary = nullptr;
    bool m_numbers = true;
};

} // namespace attnscope
