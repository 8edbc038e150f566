#pragma once
// Errors as data: a bad file or a bad argument is expected, so readers and the pipeline return
// a Result that carries either the value or an Error; warnings travel beside the value.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <cassert>

namespace attnscope {

/// What went wrong, for whom. `message` is complete and names the file or option involved, so
/// the CLI prints it after "error: " and the GUI shows it in a dialog unchanged.
struct Error {
    enum class Code {
        FileNotFound,
        ReadFailed,
        WriteFailed,
        BadFormat,       ///< the file is not what it claims (magic, header, truncation)
        Unsupported,     ///< a valid file we do not read (dtype, version)
        BadShape,        ///< shapes that do not fit together
        BadArgument,     ///< an option value that makes no sense
        OverBudget,      ///< the request would not fit the memory budget
        Cancelled,
    };
    Code code = Code::BadArgument;
    std::string message;
};

/// Either a value or an Error. Accessing the value of a failed result is a bug (asserts).
template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_value(std::move(value)) {}
    Result(Error error) : m_error(std::move(error)) {}

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }

    T &value() & { assert(ok()); return *m_value; }
    const T &value() const & { assert(ok()); return *m_value; }
    T &&value() && { assert(ok()); return std::move(*m_value); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

    const Error &error() const { assert(!ok()); return m_error; }

private:
    std::optional<T> m_value;
    Error m_error;
};

/// Result of an operation with no value.
using Status = Result<bool>;
inline Status okStatus() { return Status(true); }

inline Error makeError(Error::Code code, std::string message)
{
    return Error{code, std::move(message)};
}

} // namespace attnscope
