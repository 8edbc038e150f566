#pragma once

#include <QImage>

#include <memory>
#include <vector>

#include "bundle.h"
#include "colormap.h"
#include "explorer_session.h"
#include "image_attention.h"
#include "open_path_chooser.h"
#include "page.h"
#include "page_settings.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QSlider;
class QSpinBox;
class QTimer;

namespace attnscope {

class HeatmapView;
class ImageOverlayView;
class TokenMapStrip;

/// Attention over an image: a patch grid over the picture, patches attending to each other or
/// a prompt's tokens attending to the patches (text → image cross-attention), computed by the
/// engine off the GUI thread (features in a QtConcurrent job, then ExplorerSession), or the
/// attention of a bundle with image_grid. The map of the selected patches (the mean of their
/// weight rows) or of the picked token is blended over the image; the stage matrix is beside
/// it; in prompt mode a strip shows every token's map.
class ImagePage : public Page {
    Q_OBJECT
public:
    enum class Mode { Patches, Prompt, Bundle };
    /// The computed modes' model: heads of d_k = kDHead (text width kTextToImageDModel).
    static constexpr int kHeads = 4;
    static constexpr int kDHead = 16;
    /// At most this many patches are computed (the smallest patch size is raised to fit):
    /// the stages of a head then take 4 × 1024² doubles, 32 MiB.
    static constexpr int kMaxPagePatches = 1024;
    /// Larger images are shown, and blended, through a copy that fits this square.
    static constexpr int kMaxDisplaySide = 1024;

    explicit ImagePage(QWidget *parent = nullptr);
    ~ImagePage() override;

    QString key() const override { return QStringLiteral("image"); }
    QString title() const override;
    /// Images in the formats Qt reads, by their name.
    int claims(const QString &path) const override;
    bool opensKind(SessionState::InputKind kind) const override { return kind == SessionState::InputKind::Image; }
    bool openInput(PageInput &input, QString *error) override;
    /// A bundle with image_grid can be shown over its picture (askAfterOpen, openRole).
    void followInput(const PageInput &input) override;
    /// Asks for the picture of a bundle whose keys are image patches, and shows it over it.
    void askAfterOpen(const PageInput &input) override;
    /// Role "overlayImage": the picture the window's bundle is shown over (showBundleOverlay).
    bool openRole(const QString &role, const QString &path, QString *error) override;
    /// The picture the shown bundle is drawn over (role overlayImage), or empty.
    QString overlayPath() const { return m_overlayPath; }
    QList<QPair<QString, QString>> roleInputs() const override;
    bool setLayerHead(int layer, int head, QString *error) override;
    /// The controls' settings() without their "image." prefix, as JSON strings.
    QJsonObject saveState() const override;
    QStringList restoreState(const QJsonObject &state) override;
    Exports exports() const override;
    /// The image with its overlay: PNG laid out at `size` and drawn at size × scale pixels (an
    /// off-screen copy of the view), or SVG or PDF at the view's size on screen.
    bool exportPicture(const QString &path, QSize size, double scale, QString *error) override;
    QImage renderPicture(QSize size, double scale) const override;
    QSize defaultPictureSize() const override;
    /// The map shown, one value per patch, as a [rows, cols] matrix (.csv or .npy).
    bool exportData(const QString &path, QString *error) override;
    ViewOptionSet viewOptions() const override { return ViewOption::Colormap; }
    void setViewOptions(const ViewOptions &options) override;
    /// The file names File → Open gives this page.
    static bool isImagePath(const QString &path);

    /// Loads an image (any Qt-readable format, with loadImage's checks) and computes its patch
    /// attention. On failure keeps the current image and puts the message in `error`.
    bool openImage(const QString &path, QString *error = nullptr);
    /// Shows a bundle's attention over `imagePath`: the bundle needs image_grid; its keys are
    /// the patches (a leading [CLS] key is left out of the map). When its queries are the
    /// patches too, clicking a patch shows its row; other queries ([CLS], text) go in the strip.
    bool showBundleOverlay(const AttentionBundle &bundle, const QString &imagePath, QString *error = nullptr);

    /// Whether a bundle's attention can be shown (Mode::Bundle): showBundleOverlay succeeded and
    /// no image has been opened since.
    bool hasBundle() const { return m_bundle != nullptr; }
    void setMode(Mode mode);
    Mode mode() const;
    void setPrompt(const QString &text);
    /// Shows the mean map of these patches (patch and bundle modes).
    void selectPatches(const QList<int> &patches);
    /// Shows the map of query token `index` of the strip.
    void selectToken(int index);

    const QImage &image() const { return m_image; }
    /// The copy of the image the overlay is blended on (the image itself unless it is large).
    const QImage &displayImage() const { return m_display; }
    const PatchGrid &grid() const { return m_grid; }
    /// The last computation shown (patch and prompt modes), or null.
    std::shared_ptr<const ExplorerState> state() const { return m_state; }
    /// The per-patch values of the map shown, before scaling to its maximum (empty: none).
    const Vec<double> &shownMap() const { return m_shownMap; }
    Upsampling upsampling() const;
    ColormapId colormap() const;
    double opacity() const;

    /// Every control as session settings, keys `image.*` (docs/session-format.md), with the
    /// selected patches and the token whose map is shown, and back. applySettings ignores other
    /// keys and values that are invalid or outside a control's range (such a control keeps its
    /// value); call it after the image is open, since the patch size's range and the patches
    /// depend on it.
    PageSettings settings() const;
    /// Returns a note per value it could not use (page_settings.h).
    QStringList applySettings(const PageSettings &settings);

    ImageOverlayView *overlayView() const { return m_view; }
    HeatmapView *heatmap() const { return m_heatmap; }
    TokenMapStrip *tokenMaps() const { return m_strip; }

    /// What the Open button asks with (a QFileDialog unless replaced).
    void setOpenPathChooser(OpenPathChooser chooser) { m_chooseOpenPath = std::move(chooser); }

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    /// statusMessage and failed.
    void fail(const QString &message);
    QWidget *createControls();
    void connectSettingsChanged();
    SettingControls settingControls() const;
    void applySelection(const PageSettings &settings);
    void setImage(const QImage &image, const QString &name);
    void updatePatchSizeRange();
    void regrid();
    void requestFeatures();
    void rebuildSetup();
    void requestCompute();
    void onReady(std::shared_ptr<const ExplorerState> state);
    void showBundleMatrix();
    void updateHeatmap();
    void render();
    void renderThumbnails();
    QImage blendOver(const QImage &base, const Vec<double> &values) const;
    void updateCaption();
    void onPatchesSelected(const QList<int> &patches);
    void onPatchHovered(int index);
    void updateEnabled();
    void openDialog();

    ExplorerSession *m_session = nullptr;
    std::shared_ptr<const AttentionBundle> m_inputBundle; ///< the window's bundle, for openRole
    QString m_overlayPath; ///< the picture the shown bundle is over (role overlayImage), or empty
    QImage m_image, m_display, m_thumbBase;
    QString m_imageName;
    PatchGrid m_grid;
    quint64 m_featureGeneration = 0;
    std::shared_ptr<const Mat<float>> m_features; ///< of m_grid, or null while computing
    std::shared_ptr<const ExplorerSetup> m_setup;
    std::shared_ptr<const ExplorerState> m_state;
    std::shared_ptr<const AttentionBundle> m_bundle;
    std::shared_ptr<const Mat<double>> m_bundleMatrix; ///< the shown layer and head, [Tq, Tk]

    // What the overlay draws from, whichever the mode: weights over the patch keys [Tq, patches],
    // the query row of patch 0 (-1: patches are not queries), and the strip's query rows.
    Mat<double> m_patchWeights;
    int m_patchRow0 = -1;
    std::vector<int> m_tokenRows;
    QStringList m_tokenLabels;
    QList<int> m_selection;
    int m_token = -1;
    bool m_tokenFocus = false; ///< the strip's token, not the selected patches, is shown
    Vec<double> m_shownMap;
    bool m_applyingSettings = false; ///< applySettings is setting the controls

    QLabel *m_fileLabel = nullptr;
    QSpinBox *m_patchSize = nullptr;
    QComboBox *m_mode = nullptr;
    QLineEdit *m_prompt = nullptr;
    QSpinBox *m_layer = nullptr;
    QSpinBox *m_head = nullptr;
    QSpinBox *m_seed = nullptr;
    QComboBox *m_stage = nullptr;
    QSlider *m_opacity = nullptr;
    QComboBox *m_upsampling = nullptr;
    QComboBox *m_colormap = nullptr;
    QLabel *m_caption = nullptr;
    ImageOverlayView *m_view = nullptr;
    HeatmapView *m_heatmap = nullptr;
    TokenMapStrip *m_strip = nullptr;
    QTimer *m_promptTimer = nullptr;
    OpenPathChooser m_chooseOpenPath = askOpenPath;
};

} // namespace attnscope
