#include "session_file.h"

#include <QByteArray>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

#include "file_io.h"
#include "npy.h"

namespace attnscope {

namespace {

template <class E> using Names = std::vector<std::pair<const char *, E>>;

const Names<Stage> kStages = [] { // the stages' table (stages.h)
    Names<Stage> out;
    for (const StageInfo &s : kStageTable)
        out.push_back({s.key, s.stage});
    return out;
}();
const Names<SessionState::InputKind> kKinds = {{"text", SessionState::InputKind::Text},
                                               {"files", SessionState::InputKind::Files},
                                               {"bundle", SessionState::InputKind::Bundle},
                                               {"image", SessionState::InputKind::Image}};
const Names<ScaleSpec::Mode> kScales = {{"sqrt", ScaleSpec::Mode::Sqrt},
                                        {"dim", ScaleSpec::Mode::Dim},
                                        {"none", ScaleSpec::Mode::None},
                                        {"custom", ScaleSpec::Mode::Custom}};
const Names<SessionState::MaskMode> kMasks = {{"none", SessionState::MaskMode::None},
                                              {"causal", SessionState::MaskMode::Causal},
                                              {"padding", SessionState::MaskMode::Padding}};
const Names<SessionState::Reduction> kReductions = {{"max", SessionState::Reduction::Max},
                                                    {"mean", SessionState::Reduction::Mean}};
const Names<SessionInput::Encoding> kEncodings = {{"npy", SessionInput::Encoding::Npy},
                                                  {"raw", SessionInput::Encoding::Raw}};

template <class E> QString nameOf(const Names<E> &names, E value)
{
    for (const auto &[name, v] : names)
        if (v == value)
            return QString::fromLatin1(name);
    assert(false && "every enumerator has a name");
    return {};
}

// Integers up to 2^53 are exact as JSON numbers; a larger seed is written as a decimal string.
constexpr double kMaxExactInteger = 9007199254740992.0;
constexpr int kMaxHeads = 4096;
constexpr int kMaxWidth = 1 << 16;
constexpr int kMaxIndex = std::numeric_limits<int>::max();

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

QJsonArray rangeJson(const SessionState::Range &r)
{
    return QJsonArray{r.lower, r.upper};
}

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
    return QJsonObject{
        {"kind", nameOf(kKinds, s.inputKind)}, {"text", qs(s.text)}, {"context", qs(s.context)}, {"cross", s.cross},
        {"bundleLayer", s.bundleLayer},        {"files", files}};
}

QJsonObject parametersJson(const SessionState &s)
{
    QJsonArray padded;
    for (int k : s.paddedKeys)
        padded.append(k);
    const QJsonValue seed = double(s.seed) <= kMaxExactInteger && std::uint64_t(double(s.seed)) == s.seed
                                ? QJsonValue(double(s.seed))
                                : QJsonValue(QString::number(s.seed));
    return QJsonObject{{"dModel", s.dModel},
                       {"dHead", s.dHead},
                       {"heads", s.heads},
                       {"head", s.head},
                       {"seed", seed},
                       {"scale", nameOf(kScales, s.scaleMode)},
                       {"customScale", s.customScale},
                       {"temperature", s.temperature},
                       {"mask", nameOf(kMasks, s.maskMode)},
                       {"paddedKeys", padded}};
}

QJsonObject viewJson(const SessionState &s)
{
    QJsonObject pages;
    for (const auto &[key, value] : s.pageSettings)
        pages.insert(qs(key), qs(value));
    QJsonObject v{{"stage", nameOf(kStages, s.stage)},
                  {"selectedQuery", s.selectedQuery},
                  {"selectedCell", QJsonArray{s.selectedRow, s.selectedCol}},
                  {"colormap", qs(s.colormap)},
                  {"reduction", nameOf(kReductions, s.reduction)},
                  {"tab", s.tab},
                  {"pages", pages}};
    if (s.zoomX)
        v.insert("zoomX", rangeJson(*s.zoomX));
    if (s.zoomY)
        v.insert("zoomY", rangeJson(*s.zoomY));
    return v;
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
        for (const auto &[name, v] : names)
            if (s == name) {
                out = v;
                return true;
            }
        std::string allowed;
        for (const auto &n : names)
            allowed += (allowed.empty() ? "" : ", ") + std::string(n.first);
        return fail(join(path, key), "has the unknown value \"" + s + "\" (expected one of " + allowed + ")");
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

bool readSeed(FieldReader &r, const QJsonObject &o, std::uint64_t &out)
{
    QJsonValue v;
    if (!r.value(o, "parameters", "seed", v))
        return false;
    if (v.isDouble()) {
        const double d = v.toDouble();
        if (d >= 0 && d <= kMaxExactInteger && d == std::floor(d)) {
            out = std::uint64_t(d);
            return true;
        }
    } else if (v.isString()) {
        const std::string s = v.toString().toStdString();
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        if (!s.empty() && ec == std::errc() && end == s.data() + s.size())
            return true;
    }
    return r.fail("parameters.seed", "must be an integer from 0 to 2^64-1 (a number, or a decimal string)");
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
    if (s.inputKind != SessionState::InputKind::Text && !primary)
        return r.fail("input.files", "has no primary file (one without a role), but the input kind \"" +
                                         nameOf(kKinds, s.inputKind).toStdString() + "\" needs a file");
    return true;
}

bool readInput(FieldReader &r, const QJsonObject &root, SessionState &s)
{
    QJsonObject o;
    QJsonArray files;
    if (!r.object(root, "", "input", o) || !r.choice(o, "input", "kind", kKinds, s.inputKind) ||
        !r.string(o, "input", "text", s.text) || !r.string(o, "input", "context", s.context) ||
        !r.boolean(o, "input", "cross", s.cross) || !r.array(o, "input", "files", files))
        return false;
    if (o.contains(QLatin1String("bundleLayer")) && !r.integer(o, "input", "bundleLayer", s.bundleLayer, -1, kMaxIndex))
        return false;
    return readFiles(r, files, s);
}

bool readParameters(FieldReader &r, const QJsonObject &root, SessionState &s)
{
    QJsonObject o;
    QJsonArray padded;
    const QString p = QStringLiteral("parameters");
    if (!r.object(root, "", "parameters", o) || !r.integer(o, p, "dModel", s.dModel, 1, kMaxWidth) ||
        !r.integer(o, p, "dHead", s.dHead, 1, kMaxWidth) || !r.integer(o, p, "heads", s.heads, 1, kMaxHeads) ||
        !r.integer(o, p, "head", s.head, 0, s.heads - 1) || !readSeed(r, o, s.seed) ||
        !r.choice(o, p, "scale", kScales, s.scaleMode) || !r.number(o, p, "customScale", s.customScale) ||
        !r.number(o, p, "temperature", s.temperature) || !r.choice(o, p, "mask", kMasks, s.maskMode) ||
        !r.array(o, p, "paddedKeys", padded))
        return false;
    if (s.temperature <= 0)
        return r.fail("parameters.temperature",
                      "must be greater than 0, not " + QString::number(s.temperature, 'g', 17).toStdString());
    for (qsizetype i = 0; i < padded.size(); ++i) {
        int k = 0;
        if (!r.integer(padded[i], QStringLiteral("parameters.paddedKeys[%1]").arg(i), k, 0, kMaxIndex))
            return false;
        s.paddedKeys.push_back(k);
    }
    return true;
}

bool readRange(FieldReader &r, const QJsonObject &o, const char *key, std::optional<SessionState::Range> &out)
{
    QJsonArray a;
    if (!o.contains(QLatin1String(key)))
        return true;
    if (!r.array(o, "view", key, a))
        return false;
    const QString field = FieldReader::join("view", key);
    if (a.size() != 2 || !a[0].isDouble() || !a[1].isDouble() || !std::isfinite(a[0].toDouble()) ||
        !std::isfinite(a[1].toDouble()) || !(a[0].toDouble() < a[1].toDouble()))
        return r.fail(field, "must be [lower, upper]: two finite numbers with lower < upper");
    out = SessionState::Range{a[0].toDouble(), a[1].toDouble()};
    return true;
}

bool readView(FieldReader &r, const QJsonObject &root, SessionState &s)
{
    QJsonObject o, pages;
    QJsonArray cell;
    const QString v = QStringLiteral("view");
    if (!r.object(root, "", "view", o) || !r.choice(o, v, "stage", kStages, s.stage) ||
        !r.integer(o, v, "selectedQuery", s.selectedQuery, -1, kMaxIndex) || !r.array(o, v, "selectedCell", cell) ||
        !r.string(o, v, "colormap", s.colormap) || !r.choice(o, v, "reduction", kReductions, s.reduction) ||
        !r.integer(o, v, "tab", s.tab, 0, kMaxIndex) || !readRange(r, o, "zoomX", s.zoomX) ||
        !readRange(r, o, "zoomY", s.zoomY))
        return false;
    if (cell.size() != 2)
        return r.fail("view.selectedCell", "must be [row, column]");
    if (!r.integer(cell[0], "view.selectedCell[0]", s.selectedRow, -1, kMaxIndex) ||
        !r.integer(cell[1], "view.selectedCell[1]", s.selectedCol, -1, kMaxIndex))
        return false;
    if (o.contains(QLatin1String("pages")) && !r.object(o, v, "pages", pages))
        return false;
    for (auto it = pages.constBegin(); it != pages.constEnd(); ++it) {
        if (!it->isString())
            return r.fail("view.pages." + it.key(), "must be a string");
        s.pageSettings[it.key().toStdString()] = it->toString().toStdString();
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
                           {"parameters", parametersJson(state)},
                           {"view", viewJson(state)}};
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
    if (!readInput(r, root, s) || !readParameters(r, root, s) || !readView(r, root, s))
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
