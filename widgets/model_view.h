#pragma once

#include <QWidget>

#include <memory>
#include <optional>
#include <vector>

#include "model_picture.h"

class QComboBox;
class QLabel;
class QLayout;
class QScrollArea;
class QSlider;
class QStandardItemModel;
class QTableView;

namespace attnscope {

class ModelGridCanvas;

/// The Model view: every layer × head of a bundle at a glance, in one scrollable grid (rows
/// layers, columns heads) with one colour scale for all heads (default) or one per head; per
/// head summaries (head_summary.h, computed by the caller) to colour by — a strip under each
/// cell, a legend, the top tenth of the heads framed — and to sort by (heads within each layer,
/// most notable first, the head number on each cell); and a ranked table of every head, sortable
/// by each column. Clicking a cell or double-clicking a row emits headActivated. Ctrl + wheel or
/// the slider sets the cell size. It shows; it does not compute.
class ModelView : public QWidget {
    Q_OBJECT
public:
    explicit ModelView(QWidget *parent = nullptr);
    ~ModelView() override;

    /// Shows `bundle`'s attentions with their `summaries` (layer-major, L·H entries); `title`
    /// names it in exported pictures.
    void setBundle(std::shared_ptr<const AttentionBundle> bundle, std::vector<HeadSummary> summaries, const QString &title);
    void clear();
    bool hasBundle() const { return m_thumbs.bundle() != nullptr; }

    void setColormap(ColormapId id);
    /// Frames (layer, head) as the one the heatmap shows; (-1, -1) frames none.
    void setFocused(int layer, int head);

    /// Settings (sessions: attention.modelView.*).
    bool sharedScale() const;
    void setSharedScale(bool shared);
    std::optional<HeadMetric> colourBy() const;
    void setColourBy(std::optional<HeadMetric> m);
    std::optional<HeadMetric> sortBy() const;
    void setSortBy(std::optional<HeadMetric> m);
    int cellSide() const;
    void setCellSide(int pixels); ///< clamped to kMinCell..kMaxCell
    static constexpr int kMinCell = 24, kMaxCell = 256, kDefaultCell = 72;

    /// The heads framed as notable (layer-major), for the metric coloured by, else sorted by.
    const std::vector<bool> &standsOut() const { return m_standsOut; }
    ModelGridCanvas *canvas() const { return m_canvas; }
    QComboBox *scaleCombo() const { return m_scale; }
    QComboBox *colourByCombo() const { return m_colourBy; }
    QComboBox *sortCombo() const { return m_sortBy; }
    QSlider *zoomSlider() const { return m_zoom; }
    QTableView *table() const { return m_table; }
    QLabel *legend() const { return m_legend; }
    QLabel *hoverLabel() const { return m_hover; }
    ModelThumbnails &thumbnails() { return m_thumbs; }
    const ModelGridStyle &gridStyle() const;

    /// The grid as a picture file (PNG, SVG, PDF by extension) as the window shows it: same
    /// order, strips and frames, `cellSide` pixels per cell, titled with the bundle's name.
    Status exportPicture(const QString &path, int cellSide) const;
    /// The size of that picture.
    QSize pictureSize(int cellSide) const;

signals:
    void headActivated(int layer, int head);
    /// A setting changed by the user.
    void settingsChanged();

private:
    QLayout *createBar();
    QTableView *createTable(QWidget *parent);
    void connectSignals();
    void restyle();
    std::vector<std::vector<int>> sortedOrder(HeadMetric m) const;
    std::vector<bool> notableHeads(HeadMetric m) const;
    void fillTable();
    void updateLegend();
    void onHovered(int layer, int head, int row, int col, double value);
    ModelGridStyle exportStyle(int cellSide) const;

    mutable ModelThumbnails m_thumbs;
    std::vector<HeadSummary> m_summaries;
    std::vector<bool> m_standsOut;
    QString m_title;
    int m_focusLayer = -1, m_focusHead = -1;
    bool m_updating = false;

    QComboBox *m_scale = nullptr;
    QComboBox *m_colourBy = nullptr;
    QComboBox *m_sortBy = nullptr;
    QSlider *m_zoom = nullptr;
    QLabel *m_legend = nullptr;
    QScrollArea *m_scroll = nullptr;
    ModelGridCanvas *m_canvas = nullptr;
    QTableView *m_table = nullptr;
    QStandardItemModel *m_model = nullptr;
    QLabel *m_hover = nullptr;
};

} // namespace attnscope
