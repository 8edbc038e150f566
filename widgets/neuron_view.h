#pragma once
// The neuron view (BertViz): for one query of one head, the query vector q, each key's vector
// k_j, the elementwise products q ⊙ k_j, the dot products q · k_j, the scaled scores
// q · k_j / √d and the softmax across the keys, side by side with the key tokens as row labels.
// Vectors are strips of cells coloured blue (negative) to red (positive), centred on zero; the
// weights white to blue. Values show on hover and are printed where cells are wide enough; masked
// keys (causal, sliding window) are hatched. The numbers come from engine/math/neuron_values.h.

#include <QWidget>

#include <optional>

#include "neuron_values.h"

class QLabel;
class QScrollArea;

namespace attnscope {

/// What the neuron view shows.
struct NeuronViewContent {
    NeuronValues values;
    QString queryLabel;     ///< the query's token
    QStringList keyLabels;  ///< one per key
    QString title;          ///< e.g. "layer 3, head 5, query 2 “cat”"
    /// How the scores were scaled when not by 1/√d (the Explorer: "1/d_k = 1/16", "none",
    /// "× 0.5, τ = 2"); empty: 1/√d. The scaled column's title is then "× <values.scale>".
    QString scaleName;
    /// Appended to the line above the picture (e.g. that an additive mask changed the weights).
    QString note;
};

class NeuronCanvas;

/// The neuron view: a line saying what it shows (or why it cannot), the scrolling picture and the
/// value under the mouse.
class NeuronView : public QWidget {
    Q_OBJECT
public:
    /// A column of the picture: q and k are vectors (one cell per dimension), the rest scalars.
    enum class Part { Query, Key, Product, Dot, Scaled, Softmax };
    struct Cell {
        Part part = Part::Query;
        int key = -1; ///< the key's row (-1 for q)
        int dim = -1; ///< the dimension (-1 for the scalar columns)
        double value = 0;
        bool masked = false;
    };

    explicit NeuronView(QWidget *parent = nullptr);
    void setContent(NeuronViewContent content);
    /// No picture: `message` says why (e.g. the bundle has no q/k).
    void showMessage(const QString &message);
    bool hasContent() const { return m_content.has_value(); }
    const NeuronViewContent *content() const { return m_content ? &*m_content : nullptr; }
    QString message() const;
    /// The cell under a point of the canvas, and where a cell is (an empty rect when it does not exist).
    std::optional<Cell> cellAt(QPoint canvasPoint) const;
    QRect cellRect(Part part, int key, int dim) const;
    /// The last cell clicked or hovered, as the line below the picture describes it.
    std::optional<Cell> currentCell() const { return m_current; }
    QString hoverText() const;
    NeuronCanvas *canvas() const { return m_canvas; }

signals:
    void cellClicked(const attnscope::NeuronView::Cell &cell);

private:
    friend class NeuronCanvas;
    void setCurrent(std::optional<Cell> cell);

    std::optional<NeuronViewContent> m_content;
    std::optional<Cell> m_current;
    QLabel *m_header = nullptr;
    QLabel *m_hover = nullptr;
    QScrollArea *m_scroll = nullptr;
    NeuronCanvas *m_canvas = nullptr;
};

class NeuronCanvas : public QWidget {
    Q_OBJECT
public:
    explicit NeuronCanvas(NeuronView *view);
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;

private:
    NeuronView *m_view;
};

} // namespace attnscope
