#pragma once
// File → Open Model…: the models found in the Hugging Face hub cache (engine/formats/hf_cache.h)
// listed first, with their type, weight size and folder; those that cannot be opened are greyed,
// their reason as tooltip. "Browse for a folder…" picks any model folder instead. The folder
// chosen last is remembered (Settings::Key::LastModelFolder): it starts the browsing and is
// selected again in the list.

#include <QDialog>
#include <QString>

#include <functional>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace attnscope {

struct HfCachedModel;

class OpenModelDialog : public QDialog {
    Q_OBJECT
public:
    /// Columns of the model list.
    enum Column { NameColumn, TypeColumn, SizeColumn, FolderColumn };
    /// The data role of column 0 holding an item's snapshot folder.
    static constexpr int FolderRole = Qt::UserRole + 1;

    /// Scans the cache roots (hfCacheRoots()) once, on construction.
    explicit OpenModelDialog(QWidget *parent = nullptr);

    /// Shows the dialog modally; the chosen model folder, or an empty string when cancelled.
    static QString getModelFolder(QWidget *parent);

    /// The folder chosen, once the dialog was accepted; empty before and after Cancel.
    QString selectedFolder() const { return m_selected; }

    /// How "Browse for a folder…" asks for a folder (QFileDialog::getExistingDirectory by
    /// default); a test answers instead, so the button's whole path runs without a modal dialog.
    using FolderChooser = std::function<QString(QWidget *parent, const QString &title, const QString &start)>;
    void setFolderChooser(FolderChooser chooser) { m_chooseFolder = std::move(chooser); }

    /// Scans the cache again and refills the list (the filter stays).
    void refresh();

protected:
    /// Down or Up in the filter box moves into the list; Return there opens the current model.
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void fill();
    QTreeWidgetItem *addItem(const HfCachedModel &model);
    void applyFilter(const QString &text);
    void updateOk();
    void chooseItem(QTreeWidgetItem *item);
    void browse();
    void finish(const QString &folder);
    static bool selectable(const QTreeWidgetItem *item);

    QLabel *m_where = nullptr;
    QLabel *m_empty = nullptr;
    QLineEdit *m_filter = nullptr;
    QTreeWidget *m_list = nullptr;
    QPushButton *m_browse = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    FolderChooser m_chooseFolder;
    QString m_selected;
};

} // namespace attnscope
