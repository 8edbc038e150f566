#include "language.h"

#include <QActionGroup>
#include <QApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QRegularExpression>
#include <QTranslator>

#include <memory>
#include <vector>

#include "settings.h"

namespace attnscope {
namespace {

QString g_language = QStringLiteral("en");
std::vector<std::unique_ptr<QTranslator>> g_translators; // installed by installTranslations

void removeTranslators()
{
    for (const auto &t : g_translators)
        QCoreApplication::removeTranslator(t.get());
    g_translators.clear();
}

/// Loads `name` from `dir` and installs it; false when there is no such file.
bool installTranslator(const QString &name, const QString &dir)
{
    auto t = std::make_unique<QTranslator>();
    if (!t->load(name, dir) || !QCoreApplication::installTranslator(t.get()))
        return false;
    g_translators.push_back(std::move(t));
    return true;
}

/// The saved View → Language choice: "system", "en" or "zh_CN" (anything else reads as "system").
QString savedChoice()
{
    const QString saved = Settings::value(Settings::Key::Language).toString();
    return isUiLanguage(saved) ? saved : QStringLiteral("system");
}

} // namespace

QStringList uiLanguages() { return {QStringLiteral("en"), QStringLiteral("zh_CN")}; }

bool isUiLanguage(const QString &lang) { return uiLanguages().contains(lang); }

QString languageForLocale(const QLocale &locale)
{
    return locale.language() == QLocale::Chinese ? QStringLiteral("zh_CN") : QStringLiteral("en");
}

QString startupLanguage()
{
    const QString saved = savedChoice();
    return saved == QLatin1String("system") ? languageForLocale(QLocale::system()) : saved;
}

bool installTranslations(QApplication &app, const QString &lang)
{
    removeTranslators();
    g_language = QStringLiteral("en");
    if (!isUiLanguage(lang))
        return false;
    if (lang == QLatin1String("en"))
        return true;
    if (!installTranslator(QStringLiteral("attnscope_") + lang, QStringLiteral(":/i18n")))
        return false;
    // Qt's own strings (the buttons of message boxes, file dialogs); without them those stay English.
    installTranslator(QStringLiteral("qtbase_") + lang, QLibraryInfo::path(QLibraryInfo::TranslationsPath));
    g_language = lang;
    // The CJK fonts after the default one; the Simplified Chinese forms first (Noto would pick
    // the Japanese ones otherwise).
    QFont font = QApplication::font();
    font.setFamilies({font.family(), QStringLiteral("Noto Sans CJK SC"), QStringLiteral("WenQuanYi Micro Hei")});
    app.setFont(font);
    return true;
}

QString uiLanguage() { return g_language; }

QString withoutAccelerator(QString text)
{
    static const QRegularExpression bracketed(QStringLiteral("[(（]&[^&\\s][)）]"));
    text.remove(bracketed);
    static const QRegularExpression single(QStringLiteral("&(.)"));
    return text.replace(single, QStringLiteral("\\1")); // "&&" → "&"
}

QMenu *createLanguageMenu(QWidget *parent)
{
    auto *menu = new QMenu(QCoreApplication::translate("attnscope::Language", "&Language"), parent);
    menu->setObjectName(QStringLiteral("languageMenu"));
    auto *group = new QActionGroup(menu);
    // Each language is named in itself, so that whoever reads only that one finds it.
    const std::pair<QString, QString> choices[] = {
        {QStringLiteral("en"), QStringLiteral("English")},
        {QStringLiteral("zh_CN"), QStringLiteral("简体中文")},
        {QStringLiteral("system"), QCoreApplication::translate("attnscope::Language", "&System (the computer's language)")},
    };
    const QString saved = savedChoice();
    for (const auto &[key, label] : choices) {
        QAction *a = menu->addAction(label);
        a->setCheckable(true);
        a->setChecked(key == saved);
        a->setData(key);
        a->setObjectName(QStringLiteral("language_") + key);
        group->addAction(a);
    }
    QObject::connect(group, &QActionGroup::triggered, menu, [parent](QAction *a) {
        const QString choice = a->data().toString();
        Settings::setValue(Settings::Key::Language, choice);
        const QString next = choice == QLatin1String("system") ? languageForLocale(QLocale::system()) : choice;
        if (next == uiLanguage())
            return;
        // Every widget sets its text once, when it is built: the window changes at the next start.
        // Said in both languages, since the reader may know only the one just chosen.
        QMessageBox::information(parent, QCoreApplication::translate("attnscope::Language", "Language"),
                                 QStringLiteral("The interface language changes when AttnScope starts again.\n"
                                                "界面语言将在下次启动 AttnScope 时切换。"));
    });
    return menu;
}

} // namespace attnscope
