#pragma once

#include <QAbstractTableModel>
#include <QWidget>

#include <optional>

#include "story.h"

class QLabel;
class QPushButton;
class QTableView;

namespace attnscope {

/// The story's feature table as a Qt model: tokens are rows, features columns. Edits are not
/// applied here: setData emits cellEdited, and whoever owns the story (the Explorer, through
/// its undo stack) sets the new table back with setTable.
class StoryTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    using QAbstractTableModel::QAbstractTableModel;
    /// Shows `table` (null: nothing).
    void setTable(const StoryTable *table);
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role) override;
    /// The label shown for feature `key` ("animate" …), translated.
    static QString featureLabel(const std::string &key);

signals:
    /// The user typed `value` into cell [row, col] (a finite number, different from the shown one).
    void cellEdited(int row, int col, double value);

private:
    std::optional<StoryTable> m_table;
};

/// The "Story features" panel: the feature table (editable cells), a line that says what the
/// pronoun attends to, and Reset.
class StoryPanel : public QWidget {
    Q_OBJECT
public:
    explicit StoryPanel(QWidget *parent = nullptr);
    /// Shows `table`, or the hint to open the story when null.
    void setTable(const StoryTable *table);
    /// The line under the table: where the pronoun looks, in words.
    void setVerdict(const QString &text);
    QTableView *view() const { return m_view; }
    StoryTableModel *tableModel() const { return m_model; }
    QPushButton *resetButton() const { return m_reset; }

signals:
    void cellEdited(int row, int col, double value);
    void resetRequested();

private:
    StoryTableModel *m_model = nullptr;
    QTableView *m_view = nullptr;
    QLabel *m_hint = nullptr, *m_verdict = nullptr;
    QPushButton *m_reset = nullptr;
};

} // namespace attnscope
