#include "what_if_panel.h"

#include <QColor>
#include <QComboBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QTableWidget>
#include <QVBoxLayout>

#include "cell_values.h"

namespace attnscope {

WhatIfPanel::WhatIfPanel(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("Edit one token's query or key vector by hand: the scores, the softmax and the output follow."), this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto *form = new QFormLayout;
    m_target = new QComboBox(this);
    m_target->setObjectName("whatIfTarget");
    m_target->addItem(tr("Query (a row of Q)"));
    m_target->addItem(tr("Key (a row of K)"));
    m_token = new QComboBox(this);
    m_token->setObjectName("whatIfToken");
    form->addRow(tr("&Vector"), m_target);
    form->addRow(tr("&Token"), m_token);
    layout->addLayout(form);
    m_values = new QTableWidget(1, 0, this);
    m_values->setObjectName("whatIfValues");
    m_values->verticalHeader()->setVisible(false);
    m_values->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed
                              | QAbstractItemView::AnyKeyPressed);
    m_values->setFixedHeight(m_values->horizontalHeader()->sizeHint().height() + 2 * m_values->verticalHeader()->defaultSectionSize()
                             + m_values->horizontalScrollBar()->sizeHint().height());
    m_values->setToolTip(tr("The vector's numbers, one per dimension of d_k; type a number to replace one"));
    layout->addWidget(m_values);
    m_active = new QLabel(this);
    m_active->setObjectName("whatIfActive");
    m_active->setWordWrap(true);
    layout->addWidget(m_active);
    m_reset = new QPushButton(tr("Reset: &all vectors as computed"), this);
    m_reset->setObjectName("whatIfReset");
    layout->addWidget(m_reset);
    layout->addStretch(1);
    connect(m_target, &QComboBox::currentIndexChanged, this, [this] {
        fillTokens();
        fillValues();
    });
    connect(m_token, &QComboBox::currentIndexChanged, this, [this] { fillValues(); });
    connect(m_values, &QTableWidget::itemChanged, this, [this](QTableWidgetItem *item) { onItemChanged(item->column()); });
    connect(m_reset, &QPushButton::clicked, this, &WhatIfPanel::resetRequested);
    setEnabled(false);
}

void WhatIfPanel::setState(std::shared_ptr<const ExplorerSetup> setup, int head, const std::vector<VectorOverride> &overrides)
{
    const bool newTokens = !m_setup || !setup || m_setup->queryTokens != setup->queryTokens || m_setup->keyTokens != setup->keyTokens;
    m_setup = std::move(setup);
    m_head = head;
    m_overrides = overrides;
    setEnabled(m_setup != nullptr);
    if (newTokens)
        fillTokens();
    fillValues();
    QStringList active;
    for (const VectorOverride &o : m_overrides) {
        const auto &tokens = o.target == VectorOverride::Target::Query ? m_setup->queryTokens : m_setup->keyTokens;
        const QString token = o.token < int(tokens.size()) ? QString::fromStdString(tokens[std::size_t(o.token)]) : QString::number(o.token);
        active << (o.target == VectorOverride::Target::Query ? tr("q(%1), head %2") : tr("k(%1), head %2")).arg(token).arg(o.head);
    }
    m_active->setText(active.isEmpty() ? tr("No vector edited.") : tr("Edited by hand: %1").arg(active.join(QStringLiteral(", "))));
    m_reset->setEnabled(!m_overrides.empty());
}

void WhatIfPanel::choose(bool key, int token)
{
    m_target->setCurrentIndex(key ? 1 : 0);
    m_token->setCurrentIndex(token);
}

void WhatIfPanel::fillTokens()
{
    if (!m_setup)
        return;
    const QSignalBlocker block(m_token);
    const int kept = m_token->currentIndex();
    m_token->clear();
    const auto &tokens = m_target->currentIndex() == 0 ? m_setup->queryTokens : m_setup->keyTokens;
    for (std::size_t i = 0; i < tokens.size(); ++i)
        m_token->addItem(QStringLiteral("%1  %2").arg(i).arg(QString::fromStdString(tokens[i])));
    m_token->setCurrentIndex(kept >= 0 && kept < m_token->count() ? kept : 0);
}

void WhatIfPanel::fillValues()
{
    const QSignalBlocker block(m_values);
    m_values->setColumnCount(0);
    const int token = m_token->currentIndex();
    if (!m_setup || token < 0 || m_head >= int(m_setup->inputs.q.size()))
        return;
    const auto &in = m_setup->inputs;
    const bool key = m_target->currentIndex() == 1;
    const Mat<double> &m = key ? in.k[std::size_t(m_head) * in.k.size() / in.q.size()] : in.q[std::size_t(m_head)];
    if (token >= m.rows())
        return;
    const VectorOverride::Target target = key ? VectorOverride::Target::Key : VectorOverride::Target::Query;
    bool edited = false;
    for (const VectorOverride &o : m_overrides)
        edited = edited || (o.target == target && o.head == m_head && o.token == token);
    m_values->setColumnCount(int(m.cols()));
    for (Eigen::Index j = 0; j < m.cols(); ++j) {
        auto *item = new QTableWidgetItem(QString::number(m(token, j), 'g', 6));
        item->setData(Qt::UserRole, m(token, j)); // the exact value, for the cells not edited
        item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        if (edited)
            item->setBackground(QColor(0xff, 0xf3, 0xc4));
        m_values->setItem(0, int(j), item);
        m_values->setHorizontalHeaderItem(int(j), new QTableWidgetItem(QString::number(j))); // dimensions from 0
    }
    m_values->resizeColumnsToContents();
    m_values->resizeRowsToContents();
    m_values->setFixedHeight(m_values->horizontalHeader()->sizeHint().height() + m_values->rowHeight(0)
                             + m_values->horizontalScrollBar()->sizeHint().height() + 2 * m_values->frameWidth() + 2);
}

void WhatIfPanel::onItemChanged(int col)
{
    if (!m_setup)
        return;
    QTableWidgetItem *changed = m_values->item(0, col);
    const std::optional<double> typed = typedCellValue(changed->text());
    if (!typed) { // not a number: the old value comes back
        fillValues();
        return;
    }
    const double v = *typed;
    if (v == changed->data(Qt::UserRole).toDouble()) { // the same number typed again: nothing to do
        fillValues();
        return;
    }
    VectorOverride o;
    o.target = m_target->currentIndex() == 1 ? VectorOverride::Target::Key : VectorOverride::Target::Query;
    o.head = m_head;
    o.token = m_token->currentIndex();
    for (int j = 0; j < m_values->columnCount(); ++j)
        o.values.push_back(j == col ? v : m_values->item(0, j)->data(Qt::UserRole).toDouble());
    emit overrideEdited(o);
}

} // namespace attnscope
