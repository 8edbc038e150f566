#pragma once
// Internal to the session reader (session_file.cpp, session_v1.cpp), not part of the engine's
// interface: the name tables of the format's enumerations and a reader of typed JSON fields whose
// messages name the file and the field.

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "result.h"
#include "session_file.h"
#include "stages.h"

namespace attnscope::session_detail {

template <class E> using Names = std::vector<std::pair<const char *, E>>;

inline const Names<Stage> kStages = [] { // the stages' table (stages.h)
    Names<Stage> out;
    for (const StageInfo &s : kStageTable)
        out.push_back({s.key, s.stage});
    return out;
}();
inline const Names<SessionState::InputKind> kKinds = {{"text", SessionState::InputKind::Text},
                                                      {"files", SessionState::InputKind::Files},
                                                      {"bundle", SessionState::InputKind::Bundle},
                                                      {"image", SessionState::InputKind::Image},
                                                      {"model", SessionState::InputKind::Model}};
inline const Names<SessionState::Reduction> kReductions = {{"max", SessionState::Reduction::Max},
                                                           {"mean", SessionState::Reduction::Mean}};
inline const Names<SessionInput::Encoding> kEncodings = {{"npy", SessionInput::Encoding::Npy},
                                                         {"raw", SessionInput::Encoding::Raw}};

template <class E> QString nameOf(const Names<E> &names, E value)
{
    for (const auto &[name, v] : names)
        if (v == value)
            return QString::fromLatin1(name);
    assert(false && "every enumerator has a name");
    return {};
}

inline constexpr int kMaxIndex = std::numeric_limits<int>::max();

inline QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

/// Reads typed fields, remembering the first problem as an error that names the file and the
/// field's dotted path. Each getter returns false once something is wrong.
class FieldReader {
public:
    explicit FieldReader(std::string file) : m_file(std::move(file)) {}

    const std::optional<Error> &error() const { return m_error; }

    bool fail(const QString &field, const std::string &problem, Error::Code code = Error::Code::BadFormat)
    {
        if (!m_error)
            m_error = makeError(code, m_file + ": the field \"" + field.toStdString() + "\" " + problem);
        return false;
    }

    bool value(const QJsonObject &o, const QString &path, const char *key, QJsonValue &out, bool required = true)
    {
        const auto it = o.constFind(QLatin1String(key));
        if (it == o.constEnd())
            return required ? fail(join(path, key), "is missing") : false;
        out = *it;
        return true;
    }

    bool object(const QJsonObject &o, const QString &path, const char *key, QJsonObject &out, bool required = true)
    {
        QJsonValue v;
        if (!value(o, path, key, v, required))
            return false;
        if (!v.isObject())
            return fail(join(path, key), "must be an object");
        out = v.toObject();
        return true;
    }

    bool array(const QJsonObject &o, const QString &path, const char *key, QJsonArray &out, bool required = true)
    {
        QJsonValue v;
        if (!value(o, path, key, v, required))
            return false;
        if (!v.isArray())
            return fail(join(path, key), "must be an array");
        out = v.toArray();
        return true;
    }

    bool string(const QJsonObject &o, const QString &path, const char *key, std::string &out, bool required = true)
    {
        QJsonValue v;
        if (!value(o, path, key, v, required))
            return false;
        if (!v.isString())
            return fail(join(path, key), "must be a string");
        out = v.toString().toStdString();
        return true;
    }

    bool boolean(const QJsonObject &o, const QString &path, const char *key, bool &out)
    {
        QJsonValue v;
        if (!value(o, path, key, v))
            return false;
        if (!v.isBool())
            return fail(join(path, key), "must be true or false");
        out = v.toBool();
        return true;
    }

    bool integer(const QJsonValue &v, const QString &field, int &out, int lo, int hi)
    {
        const double d = v.toDouble();
        if (!v.isDouble() || d != std::floor(d) || d < lo || d > hi)
            return fail(field, "must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi) +
                                   ", not " + describe(v));
        out = int(d);
        return true;
    }

    bool integer(const QJsonObject &o, const QString &path, const char *key, int &out, int lo, int hi)
    {
        QJsonValue v;
        return value(o, path, key, v) && integer(v, join(path, key), out, lo, hi);
    }

    bool number(const QJsonObject &o, const QString &path, const char *key, double &out)
    {
        QJsonValue v;
        if (!value(o, path, key, v))
            return false;
        if (!v.isDouble() || !std::isfinite(v.toDouble()))
            return fail(join(path, key), "must be a finite number");
        out = v.toDouble();
        return true;
    }

    template <class E>
    bool choice(const QJsonObject &o, const QString &path, const char *key, const Names<E> &names, E &out)
    {
        std::string s;
        if (!string(o, path, key, s))
            return false;
        std::vector<const char *> allowed;
        for (const auto &[name, v] : names) {
            if (s == name) {
                out = v;
                return true;
            }
            allowed.push_back(name);
        }
        return unknownValue(join(path, key), s, allowed);
    }

    /// A string that must be one of `names`, kept as the string.
    bool oneOf(const QJsonObject &o, const QString &path, const char *key, const std::vector<const char *> &names,
               std::string &out)
    {
        if (!string(o, path, key, out))
            return false;
        if (std::find(names.begin(), names.end(), out) != names.end())
            return true;
        return unknownValue(join(path, key), out, names);
    }

    bool unknownValue(const QString &field, const std::string &s, const std::vector<const char *> &names)
    {
        std::string allowed;
        for (const char *n : names)
            allowed += (allowed.empty() ? "" : ", ") + std::string(n);
        return fail(field, "has the unknown value \"" + s + "\" (expected one of " + allowed + ")");
    }

    static std::string describe(const QJsonValue &v)
    {
        switch (v.type()) {
        case QJsonValue::Double:
            return QString::number(v.toDouble(), 'g', 17).toStdString();
        case QJsonValue::String:
            return "the string \"" + v.toString().left(40).toStdString() + "\"";
        case QJsonValue::Bool:
            return v.toBool() ? "true" : "false";
        case QJsonValue::Null:
            return "null";
        case QJsonValue::Array:
            return "an array";
        case QJsonValue::Object:
            return "an object";
        case QJsonValue::Undefined:
            break;
        }
        return "nothing";
    }

    static QString join(const QString &path, const char *key)
    {
        return path.isEmpty() ? QString::fromLatin1(key) : path + QLatin1Char('.') + QLatin1String(key);
    }

private:
    std::string m_file;
    std::optional<Error> m_error;
};

/// Reads the array input.files into `s.inputs` with every rule of the format (names, paths,
/// roles, embedded data, a primary file unless `s.inputKind` is text); `s.inputKind` must be set.
bool readFiles(FieldReader &r, const QJsonArray &files, SessionState &s);

/// Reads the sections of a version-1 file (input, parameters, view) with version 1's rules and
/// converts them to `s` (session_v1.cpp; docs/session-format.md, "Version 1").
bool readVersion1(FieldReader &r, const QJsonObject &root, SessionState &s);

} // namespace attnscope::session_detail
