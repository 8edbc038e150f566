#pragma once
// An undo step that sets a value: redo applies `after`, undo applies `before`. For pages whose
// state changes as a whole value (the Explorer's story table and overrides, the Long input tab's
// controls).

#include <QUndoCommand>

#include <functional>
#include <utility>

namespace attnscope {

template <class T>
class ValueChange : public QUndoCommand {
public:
    ValueChange(const QString &text, std::function<void(const T &)> apply, T before, T after)
        : m_apply(std::move(apply)), m_before(std::move(before)), m_after(std::move(after))
    {
        setText(text);
    }
    void undo() override { m_apply(m_before); }
    void redo() override { m_apply(m_after); }

private:
    std::function<void(const T &)> m_apply;
    T m_before, m_after;
};

} // namespace attnscope
