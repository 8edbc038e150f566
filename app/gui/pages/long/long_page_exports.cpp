// The Long input tab's exports: the view as a picture, the bins shown, the key and entropy strips.
#include "long_page.h"

#include <QDir>
#include <QFileDialog>
#include <QMenu>

#include "file_io.h"
#include "heatmap_export.h"
#include "npy.h"
#include "picture_export.h"

namespace attnscope {
namespace {

QStringList rangeLabels(const std::vector<std::int64_t> &starts)
{
    QStringList out;
    for (std::size_t b = 0; b + 1 < starts.size(); ++b)
        out << (starts[b + 1] - starts[b] == 1 ? QString::number(starts[b])
                                               : QStringLiteral("%1-%2").arg(starts[b]).arg(starts[b + 1] - 1));
    return out;
}

} // namespace

// ---- exports ----

Page::Exports LongPage::exports() const
{
    return m_shown ? (Export::Picture | Export::Data) : Exports();
}

QSize LongPage::defaultPictureSize() const
{
    return m_view->width() > 100 ? m_view->size() : QSize(1200, 900);
}

QImage LongPage::renderPicture(QSize size, double scale) const
{
    return m_shown ? m_view->render(size, scale) : QImage();
}

bool LongPage::exportPicture(const QString &path, QSize size, double scale, QString *error)
{
    if (!m_shown)
        return failWith(error, tr("cannot write %1: nothing is shown in the Long input tab").arg(QDir::toNativeSeparators(path)));
    const OverviewView *view = m_view;
    const Status st = exportPainting(path, size, m_input->name, [view, size](QPainter &p) { view->paintInto(p, size); }, scale);
    return st ? true : failWith(error, QString::fromStdString(st.error().message));
}

bool LongPage::exportData(const QString &path, QString *error)
{
    if (!m_shown || m_shownBins.size() == 0)
        return failWith(error, tr("cannot write %1: nothing is shown in the Long input tab").arg(QDir::toNativeSeparators(path)));
    HeatmapView::Content content;
    content.values = std::make_shared<const Mat<double>>(m_shownBins);
    content.rowLabels = rangeLabels(m_shownRowCells);
    content.colLabels = rangeLabels(m_shownColCells);
    content.title = m_input->name;
    return exportHeatmapData(content, path, error);
}

bool LongPage::exportStrips(const QString &dir, QString *error)
{
    if (!m_shown)
        return failWith(error, tr("nothing is shown in the Long input tab"));
    if (const QString why = missingFolder(dir); !why.isEmpty())
        return failWith(error, why);
    const HeadOverview<float> &h = m_shown->stats();
    const auto vectorTensor = [](const std::vector<double> &v) {
        Tensor t = Tensor::fromMatrix(Mat<double>(Eigen::Map<const Mat<double>>(v.data(), 1, Eigen::Index(v.size()))));
        t.shape = {Eigen::Index(v.size())};
        return t;
    };
    const auto sums = encodeNpy(vectorTensor(h.columnSums)), entropy = encodeNpy(vectorTensor(h.entropyBits));
    OutputBatch batch; // both or neither
    for (auto [name, bytes] : {std::pair{"column_sums.npy", &sums}, {"entropy.npy", &entropy}})
        if (auto st = batch.add(QDir(dir).filePath(QString::fromLatin1(name)).toStdString(), *bytes); !st)
            return failWith(error, QString::fromStdString(st.error().message));
    if (auto st = batch.commit(); !st)
        return failWith(error, QString::fromStdString(st.error().message));
    return true;
}

void LongPage::addExportActions(QMenu *menu)
{
    QAction *strips = menu->addAction(tr("Key and Entropy Strips (.npy)…"), this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder for column_sums.npy and entropy.npy"));
        if (dir.isEmpty())
            return;
        QString error;
        if (exportStrips(dir, &error))
            emit statusMessage(tr("Wrote column_sums.npy and entropy.npy into %1").arg(QDir::toNativeSeparators(dir)), 8000);
        else
            emit failed(error);
    });
    strips->setEnabled(m_shown != nullptr);
}

} // namespace attnscope
