#include "story_panel.h"

#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

#include "cell_values.h"

namespace attnscope {

void StoryTableModel::setTable(const StoryTable *table)
{
    beginResetModel();
    m_table = table ? std::optional<StoryTable>(*table) : std::nullopt;
    endResetModel();
}

int StoryTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_table ? 0 : int(m_table->values.rows());
}

int StoryTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_table ? 0 : int(m_table->values.cols());
}

QVariant StoryTableModel::data(const QModelIndex &index, int role) const
{
    if (!m_table || !index.isValid())
        return {};
    const double v = m_table->values(index.row(), index.column());
    if (role == Qt::DisplayRole)
        return QString::number(v, 'g', 3);
    if (role == Qt::EditRole)
        return QString::number(v, 'g', 17);
    if (role == Qt::TextAlignmentRole)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant StoryTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (!m_table || role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return QString::fromStdString(m_table->tokens.at(std::size_t(section)));
    return featureLabel(m_table->features.at(std::size_t(section)));
}

Qt::ItemFlags StoryTableModel::flags(const QModelIndex &index) const
{
    return index.isValid() ? Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable : Qt::NoItemFlags;
}

bool StoryTableModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!m_table || !index.isValid() || role != Qt::EditRole)
        return false;
    const std::optional<double> c = typedCellValue(value.toString());
    if (!c)
        return false;
    if (*c != m_table->values(index.row(), index.column()))
        emit cellEdited(index.row(), index.column(), *c);
    return true;
}

QString StoryTableModel::featureLabel(const std::string &key)
{
    if (key == "noun")
        return tr("noun");
    if (key == "animate")
        return tr("animate");
    if (key == "place")
        return tr("place");
    if (key == "pronoun")
        return tr("pronoun");
    if (key == "verb")
        return tr("verb");
    if (key == "position")
        return tr("position");
    return QString::fromStdString(key);
}

StoryPanel::StoryPanel(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    m_hint = new QLabel(tr("File → Examples → The animal and the street opens the story: every word described by "
                           "a few features, with Wq, Wk and Wv chosen by hand. Edit a feature and watch the pronoun look elsewhere."),
                        this);
    m_hint->setWordWrap(true);
    layout->addWidget(m_hint);
    m_model = new StoryTableModel(this);
    m_view = new QTableView(this);
    m_view->setObjectName("storyTable");
    m_view->setModel(m_model);
    m_view->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed
                            | QAbstractItemView::AnyKeyPressed);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->setToolTip(tr("Each word's features (1 = yes, 0 = no; position runs from 0 to 1). Q = X·Wq, K = X·Wk "
                          "and V = X·Wv are recomputed from this table as you edit it."));
    layout->addWidget(m_view, 1);
    m_verdict = new QLabel(this);
    m_verdict->setObjectName("storyVerdict");
    m_verdict->setWordWrap(true);
    layout->addWidget(m_verdict);
    m_reset = new QPushButton(tr("&Reset the story"), this);
    m_reset->setObjectName("storyReset");
    m_reset->setToolTip(tr("Restore the story's original features"));
    layout->addWidget(m_reset);
    connect(m_model, &StoryTableModel::cellEdited, this, &StoryPanel::cellEdited);
    connect(m_reset, &QPushButton::clicked, this, &StoryPanel::resetRequested);
    setTable(nullptr);
}

void StoryPanel::setTable(const StoryTable *table)
{
    m_model->setTable(table);
    m_hint->setVisible(!table);
    m_view->setVisible(table != nullptr);
    m_reset->setEnabled(table != nullptr);
    m_verdict->setVisible(table != nullptr);
}

void StoryPanel::setVerdict(const QString &text) { m_verdict->setText(text); }

} // namespace attnscope
