#pragma once
// How a page asks for a file to open: a QFileDialog by default. A test (or an application that
// embeds the page) can answer instead, so that a button's whole path runs without a modal dialog.

#include <QFileDialog>
#include <QString>

#include <functional>

namespace attnscope {

/// The chosen file, or an empty string when the user cancelled.
using OpenPathChooser = std::function<QString(QWidget *parent, const QString &title, const QString &filter)>;

/// The default chooser: QFileDialog::getOpenFileName.
inline QString askOpenPath(QWidget *parent, const QString &title, const QString &filter)
{
    return QFileDialog::getOpenFileName(parent, title, QString(), filter);
}

} // namespace attnscope
