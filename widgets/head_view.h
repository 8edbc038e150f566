#pragma once
// The head view (BertViz's best-known view): the query tokens in a column on the left, the key
// tokens on the right, and a line from each query to each key it attends to, its opacity the
// weight, one colour per head, several heads overlaid. Lines below a threshold are not drawn
// (Dodrio). One paint function draws the widget and the exported pictures (PNG, SVG and PDF
// with the tokens as text). The view shows matrices computed elsewhere (the page's computeView
// per head, or a bundle's layer as the command line reads it); it computes nothing.

#include <QColor>
#include <QPointF>
#include <QSize>
#include <QStringList>
#include <QWidget>

#include <memory>
#include <vector>

#include "result.h"
#include "tensor.h"

class QDoubleSpinBox;
class QHBoxLayout;
class QLabel;
class QPainter;
class QScrollArea;
class QSpinBox;
class QToolButton;

namespace attnscope {

/// What the head view shows: one matrix [Tq, Tk] per head (all the same shape; the head's number
/// is its index) and the labels of the rows and columns.
struct HeadViewContent {
    QStringList queryLabels, keyLabels;
    std::vector<std::shared_ptr<const Mat<double>>> heads;
    QString title;

    int headCount() const { return int(heads.size()); }
    int queries() const { return int(queryLabels.size()); }
    int keys() const { return int(keyLabels.size()); }
    bool isEmpty() const { return heads.empty() || queryLabels.isEmpty() || keyLabels.isEmpty(); }
};

/// How it is shown: which heads, from which query, above which weight.
struct HeadViewState {
    std::vector<bool> shown; ///< per head; heads beyond its end are shown
    double threshold = 0.02; ///< links with weight < threshold are dropped
    int query = -1;          ///< the query whose links are drawn; -1: every query

    bool isShown(int head) const { return head >= int(shown.size()) || shown[std::size_t(head)]; }
};

/// One line of the picture: from query `query` to key `key` of head `head`.
struct HeadViewLink {
    int head = 0, query = 0, key = 0;
    double weight = 0; ///< drawn with opacity min(weight, 1)
};

/// The links drawn, head by head (ascending), then by query and key: every shown head's weight
/// >= threshold (NaN never), from `state.query` only when it is a valid row.
std::vector<HeadViewLink> headViewLinks(const HeadViewContent &content, const HeadViewState &state);

/// Head `head`'s colour: d3's category10 (as BertViz) and two dark extras, readable on white and
/// on a projector; heads 12 and up repeat the palette darker.
QColor headColour(int head);

/// The picture at its natural size: 22 px a row of the longer column, the labels' width.
QSize headViewNaturalSize(const HeadViewContent &content);

/// Draws the head view on `painter` over a canvas of `size` (white background, title, a legend of
/// the shown heads, the two columns and the lines). `hovered` marks a query label (-1: none).
void paintHeadView(QPainter &painter, const HeadViewContent &content, const HeadViewState &state, QSize size,
                   int hovered = -1);

/// The middle of query `query`'s label on a canvas of `size` (where a click selects it).
QPointF headViewQueryPoint(const HeadViewContent &content, QSize size, int query);
/// The query row whose label (or row) lies under `point` on a canvas of `size`, or -1.
int headViewQueryAt(const HeadViewContent &content, QSize size, QPointF point);

/// The head view as a file by its extension (PNG of size × scale pixels, SVG, one-page PDF),
/// written atomically; an empty `size` means headViewNaturalSize. Errors name `path`.
Status exportHeadView(const HeadViewContent &content, const HeadViewState &state, const QString &path,
                      QSize size = QSize(), double scale = 1.0);

class HeadViewCanvas;

/// The head view with its controls: a layer chooser, the threshold, "All" / "None" and one
/// coloured toggle per head above a scrolling canvas. Hover a query on the left to see its
/// links, click it to keep them (click it again, or press Escape, for every query again).
class HeadView : public QWidget {
    Q_OBJECT
public:
    explicit HeadView(QWidget *parent = nullptr);

    /// The content to draw; keeps the toggles of heads that still exist and the threshold; a
    /// selected query out of range is cleared.
    void setContent(HeadViewContent content);
    const HeadViewContent &content() const { return m_content; }
    void clear();
    /// The layer chooser's range (0..layers−1) and value; setting them emits nothing.
    void setLayers(int layers, int layer);
    int layer() const;

    HeadViewState state() const { return m_state; }
    void setHeadShown(int head, bool shown);
    bool isHeadShown(int head) const { return m_state.isShown(head); }
    void setAllHeadsShown(bool shown);
    void setThreshold(double threshold);
    double threshold() const { return m_state.threshold; }
    /// -1: every query.
    void setSelectedQuery(int query);
    int selectedQuery() const { return m_state.query; }
    /// What is drawn now (without a hover preview): headViewLinks(content(), state()).
    std::vector<HeadViewLink> visibleLinks() const { return headViewLinks(m_content, m_state); }
    HeadViewCanvas *canvas() const { return m_canvas; }
    QToolButton *headToggle(int head) const;

    Status exportPicture(const QString &path, QSize size = QSize(), double scale = 1.0) const;

signals:
    void layerChanged(int layer);
    /// A head toggled, the threshold or the selected query changed (for the session's "modified").
    void stateChanged();

private:
    void rebuildToggles();
    void syncToggles();
    void stateEdited();

    HeadViewContent m_content;
    HeadViewState m_state;
    QSpinBox *m_layer = nullptr;
    QDoubleSpinBox *m_threshold = nullptr;
    QHBoxLayout *m_toggleRow = nullptr;
    std::vector<QToolButton *> m_toggles;
    QScrollArea *m_scroll = nullptr;
    HeadViewCanvas *m_canvas = nullptr;
    QLabel *m_summary = nullptr;
    bool m_updating = false;
};

/// The drawing surface inside HeadView's scroll area: as tall as the rows need.
class HeadViewCanvas : public QWidget {
    Q_OBJECT
public:
    explicit HeadViewCanvas(HeadView *view);
    QSize sizeHint() const override;
    int hoveredQuery() const { return m_hovered; }

signals:
    void queryClicked(int query);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    /// Escape: every query again; Up / Down: the previous or next query.
    void keyPressEvent(QKeyEvent *event) override;

private:
    HeadView *m_view;
    int m_hovered = -1;
};

} // namespace attnscope
