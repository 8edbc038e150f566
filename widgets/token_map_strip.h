#pragma once

#include <QImage>
#include <QList>
#include <QScrollArea>

class QAbstractButton;
class QButtonGroup;
class QHBoxLayout;

namespace attnscope {

/// A horizontal, scrollable row of thumbnails, one per query token: each is that token's
/// attention map over the image, with the token under it. Clicking one emits tokenClicked();
/// the current one is shown pressed. It shows pictures made elsewhere; it does not compute.
class TokenMapStrip : public QScrollArea {
    Q_OBJECT
public:
    explicit TokenMapStrip(QWidget *parent = nullptr);

    /// One thumbnail per token (equal counts); all the same size. Keeps the current token when
    /// it is still in range.
    void setMaps(const QList<QImage> &thumbnails, const QStringList &tokens);
    void clear();
    int count() const { return int(m_buttons.size()); }
    /// The pressed thumbnail, -1 for none; does not emit.
    void setCurrent(int index);
    int current() const { return m_current; }
    /// The thumbnail button of token `i` (for tests), or null.
    QAbstractButton *thumbnail(int i) const;
    QStringList tokens() const { return m_tokens; }

    /// Height of the thumbnails' pictures in pixels.
    static constexpr int kThumbnailHeight = 84;

signals:
    void tokenClicked(int index);

private:
    QWidget *m_content = nullptr;
    QHBoxLayout *m_layout = nullptr;
    QButtonGroup *m_group = nullptr;
    QList<QAbstractButton *> m_buttons;
    QStringList m_tokens;
    int m_current = -1;
};

} // namespace attnscope
