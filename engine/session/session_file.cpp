#include "session_file.h"

#include <QByteArray>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

#include <algorithm>
#include <utility>

#include "file_io.h"
#include "npy.h"
#include "session_fields.h"

namespace attnscope {

namespace session_detail {

namespace {

QJsonObject inputJson(const SessionState &s)
{
    QJsonArray files;
    for (const SessionInput &in : s.inputs) {
        QJsonObject f{{"name", qs(in.name)}, {"path", qs(in.absolutePath)}, {"relative", qs(in.relativePath)}};
        if (!in.role.empty())
            f.insert("role", qs(in.role));
        if (in.embedded) {
            const QByteArray raw(reinterpret_cast<const char *>(in.embedded->data()), qsizetype(in.embedded->size()));
            f.insert("embedded", QJsonObject{{"encoding", nameOf(kEncodings, in.encoding)},
                                             {"data", QString::fromLatin1(raw.toBase64())}});
        }
        files.append(f);
    }
    QJsonObject input{{"kind", nameOf(kKinds, s.inputKind)}, {"files", files}};
    if (s.inputKind == SessionState::InputKind::Model) {
        input.insert("model", qs(s.modelDir));
        if (!s.modelImage.empty())
            input.insert("image", qs(s.modelImage));
    }
    return input;
}

QJsonObject windowJson(const SessionState &s)
{
    return QJsonObject{
        {"page", qs(s.page)}, {"colormap", qs(s.colormap)}, {"reduction", nameOf(kReductions, s.reduction)}};
}

QJsonObject pagesJson(const SessionState &s)
{
    QJsonObject pages;
    for (const auto &[key, part] : s.pages)
        pages.insert(qs(key), part);
    return pages;
}

bool readEmbedded(FieldReader &r, const QJsonObject &f, const QString &path, SessionInput &in)
{
    QJsonObject e;
    if (!f.contains(QLatin1String("embedded")))
        return true;
    std::string data;
    if (!r.object(f, path, "embedded", e) || !r.choice(e, path + ".embedded", "encoding", kEncodings, in.encoding) ||
        !r.string(e, path + ".embedded", "data", data))
        return false;
    const auto decoded = QByteArray::fromBase64Encoding(
        QByteArray::fromStdString(data), QByteArray::Base64Encoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return r.fail(path + ".embedded.data", "is not valid base64");
    const auto *bytes = reinterpret_cast<const std::byte *>(decoded.decoded.constData());
    in.embedded.emplace(bytes, bytes + decoded.decoded.size());
    if (in.encoding == SessionInput::Encoding::Npy) {
        auto header =
            parseNpyHeader(bytes, in.embedded->size(), in.embedded->size(), in.name, NpyAllow::NumericAndUnicode);
        if (!header)
            return r.fail(path + ".embedded.data", "is not a valid .npy file: " + header.error().message);
    }
    return true;
}

bool isPlainFileName(const std::string &name)
{
    return !name.empty() && name != "." && name != ".." && name.find_first_of("/\\") == std::string::npos &&
           name.find('\0') == std::string::npos;
}

bool isKnownRole(const std::string &role)
{
    return role.empty() || role == kSessionRoleOverlayImage || role == kSessionRoleSecondInput;
}

/// Reads element `path` of input.files into `in`; false on an error (in `r`).
bool readFile(FieldReader &r, const QJsonObject &f, const QString &path, SessionInput &in)
{
    if (!r.string(f, path, "name", in.name) || !r.string(f, path, "path", in.absolutePath))
        return false;
    if (f.contains(QLatin1String("relative")) && !r.string(f, path, "relative", in.relativePath))
        return false;
    if (!isPlainFileName(in.name))
        return r.fail(path + ".name", "must be a plain file name, not \"" + in.name + "\"");
    if (in.absolutePath.empty() && in.relativePath.empty())
        return r.fail(path + ".path", "is empty, and so is \"relative\"");
    return readEmbedded(r, f, path, in);
}

/// A secondary role (known, non-empty) is allowed once, and only beside a bundle.
bool checkSecondaryRole(FieldReader &r, const SessionState &s, const QString &path, const std::string &role)
{
    if (s.inputKind != SessionState::InputKind::Bundle)
        return r.fail(path + ".role", "is \"" + role + "\", which only a \"bundle\" input has");
    for (const SessionInput &other : s.inputs)
        if (other.role == role)
            return r.fail(path + ".role", "is \"" + role + "\" a second time");
    return true;
}

} // namespace

bool readFiles(FieldReader &r, const QJsonArray &files, SessionState &s)
{
    for (qsizetype i = 0; i < files.size(); ++i) {
        const QString path = QStringLiteral("input.files[%1]").arg(i);
        if (!files[i].isObject())
            return r.fail(path, "must be an object");
        const QJsonObject f = files[i].toObject();
        SessionInput in;
        if (f.contains(QLatin1String("role")) && !r.string(f, path, "role", in.role))
            return false;
        if (!isKnownRole(in.role))
            continue; // a later release's kind of file: nothing here could use it
        if (!in.role.empty() && !checkSecondaryRole(r, s, path, in.role))
            return false;
        if (!readFile(r, f, path, in))
            return false;
        s.inputs.push_back(std::move(in));
    }
    const bool primary =
        std::any_of(s.inputs.begin(), s.inputs.end(), [](const SessionInput &in) { return in.role.empty(); });
    if (s.inputKind != SessionState::InputKind::Text && s.inputKind != SessionState::InputKind::Model && !primary)
        return r.fail("input.files", "has no primary file (one without a role), but the input kind \"" +
                                         nameOf(kKinds, s.inputKind).toStdString() + "\" needs a file");
    return true;
}

namespace {

/// Version 2's input: the kind and the files (the typed text is the explorer page's).
bool readInput(FieldReader &r, const QJsonObject &root, SessionState &s)
{
    QJsonObject o;
    QJsonArray files;
    if (!r.object(root, "", "input", o) || !r.choice(o, "input", "kind", kKinds, s.inputKind) ||
        !r.array(o, "input", "files", files) || !readFiles(r, files, s))
        return false;
    if (s.inputKind != SessionState::InputKind::Model)
        return true;
    if (!r.string(o, "input", "model", s.modelDir) || (o.contains(QLatin1String("image")) && !r.string(o, "input", "image", s.modelImage)))
        return false;
    return !s.modelDir.empty() || r.fail("input.model", "is empty, but the input kind \"model\" needs a model folder");
}

bool readWindow(FieldReader &r, const QJsonObject &root, SessionState &s)
{
    QJsonObject o;
    const QString w = QStringLiteral("window");
    if (!r.object(root, "", "window", o) || !r.string(o, w, "page", s.page) ||
        !r.string(o, w, "colormap", s.colormap) || !r.choice(o, w, "reduction", kReductions, s.reduction))
        return false;
    if (s.page.empty())
        return r.fail("window.page", "is empty; it must name a page (\"explorer\", \"attention\", \"image\" …)");
    return true;
}

/// "pages": an object whose members are objects, kept as they are (each page checks its own).
bool readPages(FieldReader &r, const QJsonObject &root, SessionState &s)
{
    QJsonObject o;
    if (!r.object(root, "", "pages", o))
        return false;
    for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
        if (!it->isObject())
            return r.fail("pages." + it.key(), "is not an object");
        s.pages[it.key().toStdString()] = it->toObject();
    }
    return true;
}

Result<bool> readHeader(FieldReader &r, const QJsonObject &root, SessionState &s, const std::string &sessionPath)
{
    std::string tag;
    if (!r.string(root, "", "format", tag))
        return *r.error();
    if (tag != kSessionFormatTag)
        return makeError(Error::Code::BadFormat, sessionPath +
                                                     ": not an AttnScope session (the field \"format\" is \"" + tag +
                                                     "\", expected \"" + kSessionFormatTag + "\")");
    if (!r.integer(root, "", "version", s.version, 1, kMaxIndex))
        return *r.error();
    if (s.version > kSessionFormatVersion)
        return makeError(Error::Code::Unsupported, sessionPath + ": written by a newer AttnScope (version " +
                                                       std::to_string(s.version) + "); this one reads versions up to " +
                                                       std::to_string(kSessionFormatVersion));
    return true;
}

} // namespace

} // namespace session_detail

using namespace session_detail;

const char *stageKey(Stage stage)
{
    return stageInfo(stage).key;
}

std::optional<Stage> stageFromKey(const std::string &key)
{
    return stageForKey(key);
}

std::vector<std::byte> encodeSession(const SessionState &state)
{
    const QJsonObject root{{"format", QString::fromLatin1(kSessionFormatTag)},
                           {"version", kSessionFormatVersion},
                           {"input", inputJson(state)},
                           {"window", windowJson(state)},
                           {"pages", pagesJson(state)}};
    const QByteArray json = QJsonDocument(root).toJson(QJsonDocument::Indented);
    const auto *p = reinterpret_cast<const std::byte *>(json.constData());
    return std::vector<std::byte>(p, p + json.size());
}

Result<SessionState> decodeSession(const std::vector<std::byte> &bytes, const std::string &sessionPath)
{
    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(
        QByteArray::fromRawData(reinterpret_cast<const char *>(bytes.data()), qsizetype(bytes.size())), &perr);
    if (perr.error != QJsonParseError::NoError)
        return makeError(Error::Code::BadFormat, sessionPath + ": not a valid session file (JSON error at byte " +
                                                     std::to_string(perr.offset) + ": " +
                                                     perr.errorString().toStdString() + ")");
    if (!doc.isObject())
        return makeError(Error::Code::BadFormat, sessionPath + ": not a valid session file (not a JSON object)");
    const QJsonObject root = doc.object();
    FieldReader r(sessionPath);
    SessionState s;
    if (auto header = readHeader(r, root, s, sessionPath); !header)
        return header.error();
    const bool read = s.version == 1 ? readVersion1(r, root, s)
                                     : readInput(r, root, s) && readWindow(r, root, s) && readPages(r, root, s);
    if (!read)
        return *r.error();
    s.sessionPath = sessionPath;
    return s;
}

Status saveSession(const SessionState &state, const std::string &path)
{
    SessionState copy = state;
    const QDir folder = QFileInfo(qs(path)).absoluteDir();
    for (SessionInput &in : copy.inputs)
        if (!in.absolutePath.empty())
            in.relativePath = folder.relativeFilePath(qs(in.absolutePath)).toStdString();
    return writeFileAtomically(path, encodeSession(copy));
}

Result<SessionState> loadSession(const std::string &path)
{
    auto file = InputFile::open(path);
    if (!file)
        return file.error();
    if (file->size() > kSessionMaxFileBytes)
        return makeError(Error::Code::OverBudget, path + ": the session file is " + std::to_string(file->size()) +
                                                      " bytes; sessions are at most " +
                                                      std::to_string(kSessionMaxFileBytes) + " bytes");
    auto bytes = file->readAll();
    if (!bytes)
        return bytes.error();
    return decodeSession(*bytes, path);
}

} // namespace attnscope
