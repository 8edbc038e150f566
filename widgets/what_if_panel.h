#pragma once

#include <QWidget>

#include <memory>
#include <vector>

#include "what_if.h"

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace attnscope {

/// The "What if" panel: choose Query or Key and a token, and its vector of the shown head is a
/// row of editable numbers. An edit emits overrideEdited with the whole new row; the owner
/// applies it (through its undo stack) and shows the new state here with setState.
class WhatIfPanel : public QWidget {
    Q_OBJECT
public:
    explicit WhatIfPanel(QWidget *parent = nullptr);
    /// The shown computation: `setup` (overrides applied) and its head, and the overrides active.
    void setState(std::shared_ptr<const ExplorerSetup> setup, int head, const std::vector<VectorOverride> &overrides);
    /// Chooses Query (false) or Key (true) and the token, as the combos would.
    void choose(bool key, int token);
    QComboBox *targetBox() const { return m_target; }
    QComboBox *tokenBox() const { return m_token; }
    QTableWidget *values() const { return m_values; }
    QPushButton *resetButton() const { return m_reset; }

signals:
    void overrideEdited(const attnscope::VectorOverride &o);
    void resetRequested();

private:
    void fillTokens();
    void fillValues();
    void onItemChanged(int col);

    QComboBox *m_target = nullptr, *m_token = nullptr;
    QTableWidget *m_values = nullptr;
    QLabel *m_active = nullptr;
    QPushButton *m_reset = nullptr;
    std::shared_ptr<const ExplorerSetup> m_setup;
    int m_head = 0;
    std::vector<VectorOverride> m_overrides;
    bool m_filling = false;
};

} // namespace attnscope
