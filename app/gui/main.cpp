// attnscope: the AttnScope window.

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <cstdio>

#include "main_window.h"

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName("AttnScope");
    QApplication::setOrganizationName("AttnScope");
    QApplication::setApplicationVersion(ATTNSCOPE_VERSION);

    QCommandLineParser parser;
    parser.setApplicationDescription("AttnScope: see attention at work, stage by stage.");
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption screenshot("screenshot", "Render the window to FILE.png once it is shown, then exit.", "FILE.png");
    parser.addOption(screenshot);
    if (!parser.parse(QApplication::arguments())) {
        std::fprintf(stderr, "error: %s\n", qPrintable(parser.errorText()));
        return 2;
    }
    if (parser.isSet("help"))
        parser.showHelp(0);
    if (parser.isSet("version"))
        parser.showVersion();

    attnscope::MainWindow window;
    window.show();
    if (parser.isSet(screenshot)) {
        const QString path = parser.value(screenshot);
        QTimer::singleShot(200, &window, [&window, path] {
            if (!window.grab().save(path, "PNG")) {
                std::fprintf(stderr, "error: %s: cannot write the screenshot\n", qPrintable(path));
                QApplication::exit(2);
                return;
            }
            QApplication::exit(0);
        });
    }
    return app.exec();
}
