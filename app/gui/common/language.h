#pragma once
// The interface language (docs/translations.md): English, the language of the source strings,
// or Simplified Chinese from resources/translations/attnscope_zh_CN.ts, whose .qm CMake builds
// and embeds as :/i18n/attnscope_zh_CN.qm. Chosen once at start: --lang (this run only) over
// View → Language (saved) over the system locale. The CLI is never translated.

#include <QString>
#include <QStringList>

class QApplication;
class QLocale;
class QMenu;
class QWidget;

namespace attnscope {

/// The languages the window speaks: "en" and "zh_CN".
QStringList uiLanguages();
bool isUiLanguage(const QString &lang);

/// "zh_CN" for any Chinese locale (zh, zh_CN, zh_TW, zh_HK …: the only Chinese we have), else "en".
QString languageForLocale(const QLocale &locale);

/// The language to start in without --lang: View → Language's saved choice, or for "system"
/// (the default) the system locale's.
QString startupLanguage();

/// Makes `lang` ("en" or "zh_CN") the interface language of `app`: removes the translators this
/// installed before, and for "zh_CN" installs ours and Qt's own (qtbase, from
/// QLibraryInfo::TranslationsPath, so that Qt's dialogs follow; missing is not an error) and
/// puts CJK fonts in the application font's fallbacks. Widgets built before keep their text.
/// False when `lang` is not a language of uiLanguages() or our .qm cannot be loaded: then the
/// interface stays English.
bool installTranslations(QApplication &app, const QString &lang);

/// The interface language installed last ("en" until installTranslations succeeds otherwise),
/// for the texts that come in both languages (the lesson, the story).
QString uiLanguage();

/// `text` without its keyboard accelerator, for a tool bar: "&Open…" → "Open…", and the Chinese
/// form with the letter in brackets, "打开(&O)…" → "打开…" (Qt would show "打开(O)…").
QString withoutAccelerator(QString text);

/// View → Language: English, 简体中文 and System (the locale's), the saved choice checked.
/// Choosing one saves it and says it applies when AttnScope starts again.
QMenu *createLanguageMenu(QWidget *parent);

} // namespace attnscope
