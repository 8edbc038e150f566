#include "token_map_strip.h"

#include <QButtonGroup>
#include <QHBoxLayout>
#include <QPixmap>
#include <QScrollBar>
#include <QToolButton>

namespace attnscope {

TokenMapStrip::TokenMapStrip(QWidget *parent) : QScrollArea(parent)
{
    setWidgetResizable(true);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setFrameShape(QFrame::NoFrame);
    m_content = new QWidget(this);
    m_layout = new QHBoxLayout(m_content);
    m_layout->setContentsMargins(2, 2, 2, 2);
    m_layout->setSpacing(4);
    m_layout->addStretch(1);
    setWidget(m_content);
    m_group = new QButtonGroup(this);
    m_group->setExclusive(true);
    connect(m_group, &QButtonGroup::idClicked, this, [this](int id) {
        m_current = id;
        emit tokenClicked(id);
    });
    const int textHeight = fontMetrics().height() + 6;
    setFixedHeight(kThumbnailHeight + textHeight + 20 + horizontalScrollBar()->sizeHint().height());
}

void TokenMapStrip::clear()
{
    for (QAbstractButton *b : std::as_const(m_buttons)) {
        m_group->removeButton(b);
        delete b;
    }
    m_buttons.clear();
    m_tokens.clear();
    m_current = -1;
}

void TokenMapStrip::setMaps(const QList<QImage> &thumbnails, const QStringList &tokens)
{
    Q_ASSERT(thumbnails.size() == tokens.size());
    const int keep = m_current;
    if (tokens != m_tokens) {
        clear();
        m_tokens = tokens;
        for (int i = 0; i < tokens.size(); ++i) {
            auto *b = new QToolButton(m_content);
            b->setObjectName(QStringLiteral("tokenMap%1").arg(i));
            b->setToolButtonStyle(Qt::ToolButtonTextUnderIcon);
            b->setCheckable(true);
            b->setAutoRaise(true);
            b->setText(tokens.at(i));
            b->setToolTip(tr("Where “%1” looks in the image: its attention over the patches. Click to show it large.")
                              .arg(tokens.at(i)));
            m_group->addButton(b, i);
            m_layout->insertWidget(i, b);
            m_buttons << b;
        }
    }
    for (int i = 0; i < thumbnails.size(); ++i) {
        m_buttons.at(i)->setIcon(QIcon(QPixmap::fromImage(thumbnails.at(i))));
        m_buttons.at(i)->setIconSize(thumbnails.at(i).size());
    }
    setCurrent(keep < count() ? keep : -1);
}

void TokenMapStrip::setCurrent(int index)
{
    m_current = index >= 0 && index < count() ? index : -1;
    if (m_current >= 0) {
        m_buttons.at(m_current)->setChecked(true);
        ensureWidgetVisible(m_buttons.at(m_current));
    } else if (QAbstractButton *b = m_group->checkedButton()) {
        m_group->setExclusive(false); // an exclusive group cannot uncheck its last button
        b->setChecked(false);
        m_group->setExclusive(true);
    }
}

QAbstractButton *TokenMapStrip::thumbnail(int i) const
{
    return i >= 0 && i < count() ? m_buttons.at(i) : nullptr;
}

} // namespace attnscope
