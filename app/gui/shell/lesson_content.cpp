#include "lesson_content.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <utility>

namespace attnscope {
namespace {

/// Reads one JSON object, remembering the first problem with where it was ("step 3: setup.stage").
class Reader {
public:
    explicit Reader(QString where) : m_where(std::move(where)) {}
    bool ok() const { return m_error.isEmpty(); }
    const QString &error() const { return m_error; }
    void fail(const QString &key, const QString &problem)
    {
        if (m_error.isEmpty())
            m_error = QStringLiteral("%1%2: %3").arg(m_where, key.isEmpty() ? QString() : QStringLiteral(": ") + key, problem);
    }
    /// Fails on every key of `o` that is not in `known` (a typo would otherwise do nothing).
    void onlyKeys(const QJsonObject &o, const QString &prefix, const QSet<QString> &known)
    {
        for (auto it = o.begin(); it != o.end(); ++it)
            if (!known.contains(it.key()))
                fail(prefix + it.key(), QStringLiteral("unknown key"));
    }
    QString string(const QJsonObject &o, const QString &prefix, const QString &key, bool required)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined() && !required)
            return {};
        if (!v.isString() || v.toString().trimmed().isEmpty())
            fail(prefix + key, v.isUndefined() ? QStringLiteral("missing") : QStringLiteral("is not a non-empty string"));
        return v.toString();
    }
    /// One of `choices` (by name), or `fallback` when absent.
    template <class T>
    T choice(const QJsonObject &o, const QString &key, const QList<std::pair<QString, T>> &choices, T fallback)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined())
            return fallback;
        QStringList names;
        for (const auto &[name, value] : choices) {
            if (v.toString() == name)
                return value;
            names << name;
        }
        fail(QStringLiteral("setup.") + key, QStringLiteral("'%1' is not %2").arg(v.toVariant().toString(), names.join(QStringLiteral(", "))));
        return fallback;
    }
    int integer(const QJsonObject &o, const QString &key, int lo, int hi, int fallback)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined())
            return fallback;
        const double d = v.toDouble(-1e300);
        if (!v.isDouble() || d != double(int(d)) || d < lo || d > hi) {
            fail(QStringLiteral("setup.") + key, QStringLiteral("is not a whole number within %1..%2").arg(lo).arg(hi));
            return fallback;
        }
        return int(d);
    }
    bool boolean(const QJsonObject &o, const QString &key)
    {
        const QJsonValue v = o.value(key);
        if (!v.isUndefined() && !v.isBool())
            fail(QStringLiteral("setup.") + key, QStringLiteral("is not true or false"));
        return v.toBool(false);
    }

private:
    QString m_where, m_error;
};

QSet<QString> languageSet()
{
    const QStringList languages = lessonLanguages();
    return QSet<QString>(languages.begin(), languages.end());
}

/// {"en": "…", "zh_CN": "…"}: every language, non-empty.
QHash<QString, QString> readTexts(Reader &r, const QJsonObject &step, const QString &key)
{
    QHash<QString, QString> out;
    const QJsonObject texts = step.value(key).toObject();
    if (!step.value(key).isObject())
        r.fail(key, QStringLiteral("is not an object of texts by language"));
    r.onlyKeys(texts, key + QLatin1Char('.'), languageSet());
    for (const QString &lang : lessonLanguages())
        out.insert(lang, r.string(texts, key + QLatin1Char('.'), lang, true));
    return out;
}

/// setup.input: one LessonInput per language, with the fields its page and mode need.
void readInputs(Reader &r, const QJsonObject &setup, LessonSetup &s)
{
    const bool prompt = s.page == LessonSetup::Page::Image && s.imageMode == LessonSetup::ImageMode::Prompt;
    const bool needed = s.page == LessonSetup::Page::Explorer || prompt;
    if (!setup.contains(QStringLiteral("input"))) {
        if (needed)
            r.fail(QStringLiteral("setup.input"), QStringLiteral("missing"));
        return;
    }
    if (!needed)
        return r.fail(QStringLiteral("setup.input"), QStringLiteral("an image step in patches mode has no input"));
    const QJsonObject all = setup.value(QStringLiteral("input")).toObject();
    r.onlyKeys(all, QStringLiteral("setup.input."), languageSet());
    for (const QString &lang : lessonLanguages()) {
        const QString prefix = QStringLiteral("setup.input.%1.").arg(lang);
        if (!all.value(lang).isObject()) {
            r.fail(QStringLiteral("setup.input.") + lang, QStringLiteral("missing"));
            continue;
        }
        const QJsonObject o = all.value(lang).toObject();
        LessonInput in;
        if (prompt) {
            r.onlyKeys(o, prefix, {QStringLiteral("prompt"), QStringLiteral("token")});
            in.prompt = r.string(o, prefix, QStringLiteral("prompt"), true);
            in.token = r.string(o, prefix, QStringLiteral("token"), true);
        } else {
            r.onlyKeys(o, prefix, {QStringLiteral("text"), QStringLiteral("story"), QStringLiteral("query"), QStringLiteral("key")});
            in.text = r.string(o, prefix, QStringLiteral("text"), true);
            in.story = r.string(o, prefix, QStringLiteral("story"), false);
            in.query = r.string(o, prefix, QStringLiteral("query"), true);
            in.key = r.string(o, prefix, QStringLiteral("key"), false);
            if (!in.story.isEmpty() && !lessonLanguages().contains(in.story))
                r.fail(prefix + QStringLiteral("story"), QStringLiteral("'%1' is not en or zh_CN").arg(in.story));
        }
        s.input.insert(lang, in);
    }
}

/// The Explorer's keys of a setup.
void readExplorer(Reader &r, const QJsonObject &o, LessonSetup &s)
{
    QList<std::pair<QString, Stage>> stages;
    for (const StageInfo &info : kStageTable)
        stages.append({QString::fromLatin1(info.key), info.stage});
    if (!o.contains(QStringLiteral("stage")))
        r.fail(QStringLiteral("setup.stage"), QStringLiteral("missing"));
    s.stage = r.choice(o, QStringLiteral("stage"), stages, Stage::Weights);
    s.scale = r.choice<ScaleSpec::Mode>(o, QStringLiteral("scale"),
                                        {{QStringLiteral("sqrt"), ScaleSpec::Mode::Sqrt},
                                         {QStringLiteral("dim"), ScaleSpec::Mode::Dim},
                                         {QStringLiteral("none"), ScaleSpec::Mode::None}},
                                        ScaleSpec::Mode::Sqrt);
    s.mask = r.choice<ExplorerParams::Mask>(o, QStringLiteral("mask"),
                                            {{QStringLiteral("none"), ExplorerParams::Mask::None},
                                             {QStringLiteral("causal"), ExplorerParams::Mask::Causal}},
                                            ExplorerParams::Mask::None);
    s.heads = r.integer(o, QStringLiteral("heads"), 1, 16, 2);
    s.head = r.integer(o, QStringLiteral("head"), 0, s.heads - 1, 0);
    s.fixedScale = r.boolean(o, QStringLiteral("fixedScale"));
    s.comparison = r.boolean(o, QStringLiteral("comparison"));
    const bool keyStage = s.stage == Stage::Scores || s.stage == Stage::Scaled || s.stage == Stage::Masked || s.stage == Stage::Weights;
    for (const LessonInput &in : std::as_const(s.input))
        if (!in.key.isEmpty() && !keyStage)
            r.fail(QStringLiteral("setup.input"), QStringLiteral("a key is selected only on the scores, scaled, masked and weights stages"));
}

/// The image page's keys of a setup.
void readImage(Reader &r, const QJsonObject &o, LessonSetup &s)
{
    s.image = r.string(o, QStringLiteral("setup."), QStringLiteral("image"), true);
    if (r.ok() && lessonImagePath(s.image).isEmpty())
        r.fail(QStringLiteral("setup.image"), QStringLiteral("'%1' is not a built-in example image").arg(s.image));
    if (!o.contains(QStringLiteral("point")))
        return;
    const QJsonArray p = o.value(QStringLiteral("point")).toArray();
    if (p.size() != 2 || !p[0].isDouble() || !p[1].isDouble() || p[0].toDouble() < 0 || p[0].toDouble() > 1 ||
        p[1].toDouble() < 0 || p[1].toDouble() > 1 || s.imageMode != LessonSetup::ImageMode::Patches)
        return r.fail(QStringLiteral("setup.point"), QStringLiteral("is not [x, y] within 0..1 (patches mode only)"));
    s.point = QPointF(p[0].toDouble(), p[1].toDouble());
}

std::optional<LessonStep> readStep(const QJsonValue &value, int number, QString *error)
{
    Reader r(QStringLiteral("step %1").arg(number));
    const QJsonObject o = value.toObject();
    if (!value.isObject())
        r.fail({}, QStringLiteral("is not an object"));
    r.onlyKeys(o, {}, {QStringLiteral("title"), QStringLiteral("body"), QStringLiteral("setup")});
    LessonStep step;
    step.title = readTexts(r, o, QStringLiteral("title"));
    step.body = readTexts(r, o, QStringLiteral("body"));
    const QJsonObject setup = o.value(QStringLiteral("setup")).toObject();
    if (!o.value(QStringLiteral("setup")).isObject())
        r.fail(QStringLiteral("setup"), QStringLiteral("missing"));
    LessonSetup &s = step.setup;
    s.page = r.choice<LessonSetup::Page>(setup, QStringLiteral("page"),
                                         {{QStringLiteral("explorer"), LessonSetup::Page::Explorer},
                                          {QStringLiteral("image"), LessonSetup::Page::Image}},
                                         LessonSetup::Page::Explorer);
    if (s.page == LessonSetup::Page::Explorer) {
        r.onlyKeys(setup, QStringLiteral("setup."),
                   {"page", "input", "stage", "scale", "mask", "heads", "head", "fixedScale", "comparison"});
        readInputs(r, setup, s);
        readExplorer(r, setup, s);
    } else {
        r.onlyKeys(setup, QStringLiteral("setup."), {"page", "input", "image", "mode", "point"});
        s.imageMode = r.choice<LessonSetup::ImageMode>(setup, QStringLiteral("mode"),
                                                       {{QStringLiteral("patches"), LessonSetup::ImageMode::Patches},
                                                        {QStringLiteral("prompt"), LessonSetup::ImageMode::Prompt}},
                                                       LessonSetup::ImageMode::Patches);
        readInputs(r, setup, s);
        readImage(r, setup, s);
    }
    if (!r.ok()) {
        *error = r.error();
        return std::nullopt;
    }
    return step;
}

} // namespace

QStringList lessonLanguages() { return {QStringLiteral("en"), QStringLiteral("zh_CN")}; }

std::optional<LessonContent> parseLesson(const QByteArray &json, const QString &what, QString *error)
{
    QString problem;
    const auto failWith = [&](const QString &message) -> std::optional<LessonContent> {
        if (error)
            *error = what + QStringLiteral(": ") + message;
        return std::nullopt;
    };
    QJsonParseError parse;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parse);
    if (parse.error != QJsonParseError::NoError)
        return failWith(QStringLiteral("not JSON: %1 at byte %2").arg(parse.errorString()).arg(parse.offset));
    const QJsonObject root = doc.object();
    if (root.value(QStringLiteral("format")).toString() != QLatin1String("attnscope-lesson"))
        return failWith(QStringLiteral("not a lesson (\"format\" is not \"attnscope-lesson\")"));
    if (root.value(QStringLiteral("version")).toInt() != 1)
        return failWith(QStringLiteral("version %1 is not 1").arg(root.value(QStringLiteral("version")).toVariant().toString()));
    const QJsonArray steps = root.value(QStringLiteral("steps")).toArray();
    if (steps.isEmpty())
        return failWith(QStringLiteral("it has no steps"));
    LessonContent content;
    for (int i = 0; i < steps.size(); ++i) {
        auto step = readStep(steps[i], i + 1, &problem);
        if (!step)
            return failWith(problem);
        content.steps.append(std::move(*step));
    }
    return content;
}

const LessonContent *builtInLesson(QString *error)
{
    static QString problem;
    static const std::optional<LessonContent> content = [] {
        QFile file(QStringLiteral(":/lessons/attention.json"));
        if (!file.open(QIODevice::ReadOnly)) {
            problem = QStringLiteral(":/lessons/attention.json: the built-in lesson is missing");
            return std::optional<LessonContent>();
        }
        return parseLesson(file.readAll(), QStringLiteral("attention.json"), &problem);
    }();
    if (!content && error)
        *error = problem;
    return content ? &*content : nullptr;
}

QString lessonImagePath(const QString &name)
{
    const QString path = QStringLiteral(":/lessons/examples/") + name;
    return !name.contains(QLatin1Char('/')) && QFile::exists(path) ? path : QString();
}

} // namespace attnscope
