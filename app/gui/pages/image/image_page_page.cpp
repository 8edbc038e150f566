// ImagePage as a page of the window: what it opens, its part of a session, its exports and the
// view options it honours.

#include "image_page.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QImageReader>
#include <QLabel>
#include <QSpinBox>

#include "image_overlay_view.h"
#include "image_patches.h"
#include "picture_export.h"

namespace attnscope {
namespace {

const QString kPrefix = QStringLiteral("image.");

QImage drawOverlay(const ImageOverlayView &view, QSize size, double scale)
{
    ImageOverlayView copy;
    prepareCopy(copy, view, size);
    copy.setGrid(view.grid());
    copy.setPicture(view.picture());
    copy.setSelection(view.selection());
    copy.setGridVisible(view.gridVisible());
    return drawWidgetAt(copy, size, scale);
}

} // namespace

QString ImagePage::title() const { return tr("I&mage regions"); }

bool ImagePage::isImagePath(const QString &path)
{
    return hasImageSuffix(path.toStdString());
}

int ImagePage::claims(const QString &path) const { return isImagePath(path) ? 10 : 0; }

bool ImagePage::openInput(PageInput &input, QString *error)
{
    if (!openImage(input.paths.value(0), error))
        return false;
    input.kind = SessionState::InputKind::Image;
    return true;
}

void ImagePage::followInput(const PageInput &input)
{
    m_overlayPath.clear(); // the picture belonged to the previous input
    const bool bundleInput = input.kind == SessionState::InputKind::Bundle || input.kind == SessionState::InputKind::Model;
    m_inputBundle = bundleInput && input.bundle && input.bundle->gridRows > 0 ? input.bundle : nullptr;
}

void ImagePage::askAfterOpen(const PageInput &input)
{
    if (!input.bundle || input.bundle->gridRows < 1)
        return;
    const QString image = QFileDialog::getOpenFileName(
        this, tr("The image of this bundle (%1 × %2 patches)").arg(input.bundle->gridRows).arg(input.bundle->gridCols),
        QFileInfo(input.paths.value(0)).path(), tr("Images (*.png *.jpg *.jpeg *.bmp *.gif)"));
    QString message;
    if (!image.isEmpty() && !openRole(QString::fromLatin1(kSessionRoleOverlayImage), image, &message))
        QMessageBox::warning(this, tr("AttnScope"), message);
}

bool ImagePage::openRole(const QString &role, const QString &path, QString *error)
{
    if (role != QLatin1String(kSessionRoleOverlayImage))
        return Page::openRole(role, path, error);
    if (!m_inputBundle)
        return failWith(error, tr("the window's input is not a bundle whose keys are image patches"));
    if (!showBundleOverlay(*m_inputBundle, path, error))
        return false;
    m_overlayPath = path;
    return true;
}

QList<QPair<QString, QString>> ImagePage::roleInputs() const
{
    if (m_overlayPath.isEmpty() || !hasBundle())
        return {};
    return {{QString::fromLatin1(kSessionRoleOverlayImage), m_overlayPath}};
}

bool ImagePage::setLayerHead(int layer, int head, QString *error)
{
    if (!m_bundle || mode() != Mode::Bundle)
        return true; // the computed modes have no layers, and their head is the page's own
    if (layer >= m_bundle->layers())
        return failWith(error, tr("layer %1 is not within 0..%2 of the bundle over the image").arg(layer).arg(m_bundle->layers() - 1));
    if (head >= m_bundle->heads())
        return failWith(error, tr("head %1 is not within 0..%2 of the bundle over the image").arg(head).arg(m_bundle->heads() - 1));
    if (layer >= 0)
        m_layer->setValue(layer);
    if (head >= 0)
        m_head->setValue(head);
    return true;
}

QJsonObject ImagePage::saveState() const { return settingsToJson(settings(), kPrefix); }

QStringList ImagePage::restoreState(const QJsonObject &state)
{
    QStringList notes;
    const PageSettings settings = settingsFromJson(state, kPrefix, &notes);
    return notes + applySettings(settings);
}

Page::Exports ImagePage::exports() const
{
    Exports out;
    if (!m_image.isNull())
        out |= Export::Picture;
    if (m_shownMap.size() > 0)
        out |= Export::Data;
    return out;
}

QSize ImagePage::defaultPictureSize() const
{
    const QSize s = m_view->size();
    return s.width() < 200 || s.height() < 150 ? QSize(800, 600) : s;
}

QImage ImagePage::renderPicture(QSize size, double scale) const
{
    if (m_image.isNull() || !checkPictureSize(size, scale).isEmpty())
        return QImage();
    return drawOverlay(*m_view, size, scale);
}

bool ImagePage::exportPicture(const QString &path, QSize size, double scale, QString *error)
{
    if (m_image.isNull())
        return failWith(error, tr("cannot write %1: no image is open").arg(QDir::toNativeSeparators(path)));
    ImageOverlayView *view = m_view;
    return exportWidgetPicture(
        view, path, size, scale, [view](QSize s, double f) { return drawOverlay(*view, s, f); }, error);
}

bool ImagePage::exportData(const QString &path, QString *error)
{
    if (m_shownMap.size() != m_grid.count() || m_grid.count() == 0)
        return failWith(error, tr("No map is shown over the image yet."));
    HeatmapView::Content c;
    auto m = std::make_shared<Mat<double>>(m_grid.rows, m_grid.cols);
    for (int i = 0; i < m_grid.count(); ++i)
        (*m)(i / m_grid.cols, i % m_grid.cols) = m_shownMap(i);
    c.values = m;
    c.rowAxis = tr("patch row");
    c.colAxis = tr("patch column");
    c.title = m_caption->text();
    return exportHeatmapData(c, path, error);
}

void ImagePage::setViewOptions(const ViewOptions &options)
{
    // The page's own colour box follows the window's choice (and may then differ from it).
    PageSettings wanted;
    wanted.insert(kPrefix + QStringLiteral("colormap"), Colormap::name(options.colormap).toLower());
    applySetting(wanted, kPrefix + QStringLiteral("colormap"), m_colormap); // a map the box lacks: kept
}

} // namespace attnscope
