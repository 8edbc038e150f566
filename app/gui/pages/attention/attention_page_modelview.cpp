// AttentionPage: the Model tab — every layer × head of the bundle at once with the heads'
// summaries (widgets/model_view.h); a click opens the head in the Heatmap tab.

#include "attention_page.h"

#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QMessageBox>
#include <QSlider>
#include <QSpinBox>
#include <QTabWidget>

#include <algorithm>

#include "head_summary.h"
#include "model_view.h"
#include "picture_export.h"

namespace attnscope {

void AttentionPage::addModelViewTab()
{
    m_modelView = new ModelView(m_viewTabs);
    m_modelView->setObjectName("modelView");
    m_modelView->setProperty("viewKey", QStringLiteral("model")); // main.cpp --view
    nameComboItems(m_modelView->scaleCombo(), {"shared", "perHead"});
    QStringList metrics;
    for (int m = 0; m < kHeadMetricCount; ++m)
        metrics << QString::fromLatin1(headMetricKey(HeadMetric(m)));
    nameComboItems(m_modelView->colourByCombo(), QStringList{"none"} + metrics);
    nameComboItems(m_modelView->sortCombo(), QStringList{"head"} + metrics);
    m_viewTabs->addTab(m_modelView, tr("Model"));
    m_viewTabs->setTabToolTip(m_viewTabs->count() - 1,
                              tr("Every layer × head at a glance, ranked by what each head does; click one to open it"));
    connect(m_modelView, &ModelView::headActivated, this, &AttentionPage::onModelHeadActivated);
    connect(m_modelView, &ModelView::settingsChanged, this, [this] {
        if (!m_updating)
            emit modified();
    });
    connect(m_viewTabs, &QTabWidget::currentChanged, this, [this] { emit shown(); });
}

void AttentionPage::refreshModelView()
{
    if (!m_bundle) {
        m_modelView->clear();
        return;
    }
    m_modelView->setBundle(m_bundle, summarizeHeads(*m_bundle), m_fileLabel->text());
}

bool AttentionPage::modelViewShown() const
{
    return m_viewTabs->currentWidget() == m_modelView;
}

void AttentionPage::onModelHeadActivated(int layer, int head)
{
    onThumbnailClicked(layer, head); // Single mode, that layer and head
    m_viewTabs->setCurrentIndex(0);
}

SettingControls AttentionPage::modelViewSettingControls() const
{
    return {
        {QStringLiteral("attention.modelView.scale"), m_modelView->scaleCombo()},
        {QStringLiteral("attention.modelView.colourBy"), m_modelView->colourByCombo()},
        {QStringLiteral("attention.modelView.sortBy"), m_modelView->sortCombo()},
        {QStringLiteral("attention.modelView.cellSize"), m_modelView->zoomSlider()},
    };
}

bool AttentionPage::exportModelViewPicture(const QString &path, int cellSide, QString *error)
{
    if (!m_bundle || !m_modelView->hasBundle())
        return failWith(error, tr("open an attention bundle in the Imported attention tab first"));
    const Status st = m_modelView->exportPicture(path, cellSide);
    return st ? true : failWith(error, QString::fromStdString(st.error().message));
}

void AttentionPage::exportModelViewDialog()
{
    if (!m_modelView->hasBundle()) {
        QMessageBox::warning(this, tr("AttnScope"), tr("Open an attention bundle in the Imported attention tab first."));
        return;
    }
    // The picture's size follows from the cell size: the size asked for scales the cells.
    const int side = m_modelView->cellSide();
    const QSize base = m_modelView->pictureSize(side);
    QString path;
    QSize size = base;
    double scale = 2.0;
    if (!askPicturePath(this, tr("Export the Model view"), &path, &size, &scale))
        return;
    QString error;
    const double factor = scale * double(size.width()) / double(std::max(1, base.width()));
    if (!exportModelViewPicture(path, std::max(8, int(side * factor)), &error))
        QMessageBox::warning(this, tr("AttnScope"), error);
    else
        emit statusMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 5000);
}

} // namespace attnscope
