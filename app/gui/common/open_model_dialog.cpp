#include "open_model_dialog.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "hf_cache.h"
#include "settings.h"

namespace attnscope {
namespace {

QString askFolder(QWidget *parent, const QString &title, const QString &start)
{
    return QFileDialog::getExistingDirectory(parent, title, start);
}

QString rootsText()
{
    QStringList roots;
    for (const std::string &r : hfCacheRoots())
        roots << QDir::toNativeSeparators(QString::fromStdString(r));
    return roots.join(QStringLiteral(", "));
}

} // namespace

OpenModelDialog::OpenModelDialog(QWidget *parent) : QDialog(parent), m_chooseFolder(askFolder)
{
    setWindowTitle(tr("Open Model"));
    m_where = new QLabel(this);
    m_where->setObjectName(QStringLiteral("where"));
    m_where->setWordWrap(true);
    m_where->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("filter"));
    m_filter->setPlaceholderText(tr("Filter by name or type"));
    m_filter->setClearButtonEnabled(true);
    m_filter->installEventFilter(this);
    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("models"));
    m_list->setHeaderLabels({tr("Name"), tr("Type"), tr("Size"), tr("Folder")});
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setAllColumnsShowFocus(true);
    m_list->setTextElideMode(Qt::ElideMiddle); // a snapshot folder's ends say the most
    m_list->header()->setStretchLastSection(true);
    m_empty = new QLabel(this);
    m_empty->setObjectName(QStringLiteral("empty"));
    m_empty->setWordWrap(true);
    m_empty->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_empty->setTextFormat(Qt::RichText);
    m_empty->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_browse = new QPushButton(tr("Browse for a folder…"), this);
    m_browse->setObjectName(QStringLiteral("browse"));
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Open"));

    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_browse);
    bottom->addStretch(1);
    bottom->addWidget(m_buttons);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_where);
    layout->addWidget(m_filter);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_empty, 1);
    layout->addLayout(bottom);

    connect(m_filter, &QLineEdit::textChanged, this, &OpenModelDialog::applyFilter);
    connect(m_list, &QTreeWidget::currentItemChanged, this, &OpenModelDialog::updateOk);
    connect(m_list, &QTreeWidget::itemActivated, this, &OpenModelDialog::chooseItem);
    connect(m_browse, &QPushButton::clicked, this, &OpenModelDialog::browse);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] { chooseItem(m_list->currentItem()); });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    resize(820, 420);
    fill();
}

QString OpenModelDialog::getModelFolder(QWidget *parent)
{
    OpenModelDialog dialog(parent);
    return dialog.exec() == QDialog::Accepted ? dialog.selectedFolder() : QString();
}

void OpenModelDialog::refresh() { fill(); }

bool OpenModelDialog::selectable(const QTreeWidgetItem *item)
{
    return item && !item->isHidden() && !item->isDisabled();
}

void OpenModelDialog::fill()
{
    m_list->clear();
    const QString last = Settings::value(Settings::Key::LastModelFolder).toString();
    QTreeWidgetItem *remembered = nullptr;
    for (const HfCachedModel &m : scanHfCaches()) {
        QTreeWidgetItem *item = addItem(m);
        if (!remembered && !last.isEmpty() && item->data(NameColumn, FolderRole).toString() == last && selectable(item))
            remembered = item;
    }
    for (int c = 0; c < FolderColumn; ++c)
        m_list->resizeColumnToContents(c);
    const QString roots = rootsText();
    const bool empty = m_list->topLevelItemCount() == 0;
    m_where->setText(empty ? tr("No models in the Hugging Face cache.")
                           : tr("Models in the Hugging Face cache (%1):").arg(roots));
    m_empty->setText(
        tr("<p>AttnScope looked in <b>%1</b> (set <tt>HF_HUB_CACHE</tt> or <tt>HF_HOME</tt> to look elsewhere) "
           "and found no model there.</p>"
           "<p>To get one, download it with the Hugging Face command line:<br>"
           "<tt>huggingface-cli download gpt2 --include \"*.json\" \"*.safetensors\" \"*.txt\"</tt><br>"
           "or clone it: <tt>git clone https://huggingface.co/gpt2</tt> (with git-lfs), "
           "then choose <b>Browse for a folder…</b>.</p>")
            .arg(roots.toHtmlEscaped()));
    m_list->setVisible(!empty);
    m_filter->setVisible(!empty);
    m_empty->setVisible(empty);
    m_list->setCurrentItem(remembered);
    applyFilter(m_filter->text());
}

QTreeWidgetItem *OpenModelDialog::addItem(const HfCachedModel &m)
{
    const QString folder = QString::fromStdString(m.snapshotDir);
    const QString size = m.weightBytes > 0 ? QLocale().formattedDataSize(m.weightBytes) : QString();
    auto *item = new QTreeWidgetItem(m_list, {QString::fromStdString(m.name), QString::fromStdString(m.modelType), size,
                                              QDir::toNativeSeparators(folder)});
    item->setData(NameColumn, FolderRole, folder);
    item->setTextAlignment(SizeColumn, Qt::AlignRight | Qt::AlignVCenter);
    const QString tip = m.problem.empty() ? QDir::toNativeSeparators(folder)
                                          : tr("Cannot be opened: %1").arg(QString::fromStdString(m.problem));
    for (int c = 0; c < m_list->columnCount(); ++c)
        item->setToolTip(c, tip);
    item->setDisabled(!m.problem.empty());
    return item;
}

void OpenModelDialog::applyFilter(const QString &text)
{
    const QString needle = text.trimmed();
    QTreeWidgetItem *firstSelectable = nullptr;
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = m_list->topLevelItem(i);
        bool match = needle.isEmpty();
        for (int c : {NameColumn, TypeColumn})
            match = match || item->text(c).contains(needle, Qt::CaseInsensitive);
        item->setHidden(!match);
        if (!firstSelectable && selectable(item))
            firstSelectable = item;
    }
    if (!selectable(m_list->currentItem()))
        m_list->setCurrentItem(firstSelectable);
    updateOk();
}

void OpenModelDialog::updateOk()
{
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(selectable(m_list->currentItem()));
}

void OpenModelDialog::chooseItem(QTreeWidgetItem *item)
{
    if (selectable(item))
        finish(item->data(NameColumn, FolderRole).toString());
}

void OpenModelDialog::browse()
{
    QString start = Settings::value(Settings::Key::LastModelFolder).toString();
    if (start.isEmpty() || !QDir(start).exists())
        start = QDir::homePath();
    const QString folder = m_chooseFolder(this, tr("Open a model folder"), start);
    if (!folder.isEmpty())
        finish(QDir::cleanPath(folder));
}

void OpenModelDialog::finish(const QString &folder)
{
    m_selected = folder;
    Settings::setValue(Settings::Key::LastModelFolder, folder);
    accept();
}

bool OpenModelDialog::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_filter && event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent *>(event)->key();
        if (key == Qt::Key_Down || key == Qt::Key_Up) {
            m_list->setFocus(); // the current item is the first match already
            return true;
        }
        if (key == Qt::Key_Return || key == Qt::Key_Enter) {
            chooseItem(m_list->currentItem());
            return true;
        }
    }
    return QDialog::eventFilter(watched, event);
}

} // namespace attnscope
