// attnscope: the AttnScope window.

#include <QApplication>

#include "main_window.h"

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName("AttnScope");
    QApplication::setOrganizationName("AttnScope");
    QApplication::setApplicationVersion(ATTNSCOPE_VERSION);
    attnscope::MainWindow window;
    window.show();
    return app.exec();
}
