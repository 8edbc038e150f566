#include "about_box.h"

#include <QCoreApplication>
#include <QMessageBox>

#include <Eigen/Core>

namespace attnscope {

void showAboutBox(QWidget *parent)
{
    const QString text =
        QCoreApplication::translate("AboutBox",
                                    "<h2>AttnScope %1</h2>"
                                    "<p>See attention at work: the scores Q·Kᵀ, their scaling and masking, the softmax "
                                    "weights and the weighted sum A·V, step by step, for text and image regions.</p>"
                                    "<p>Built with Qt %2, Eigen %3.%4.%5 and QCustomPlot 2.1.</p>")
            .arg(QCoreApplication::applicationVersion(), QString::fromLatin1(qVersion()))
            .arg(EIGEN_WORLD_VERSION)
            .arg(EIGEN_MAJOR_VERSION)
            .arg(EIGEN_MINOR_VERSION);
    QMessageBox::about(parent, QCoreApplication::translate("AboutBox", "About AttnScope"), text);
}

} // namespace attnscope
