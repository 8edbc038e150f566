#pragma once

#include <QMainWindow>

namespace attnscope {

/// The application window.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);

private:
    void createMenus();
};

} // namespace attnscope
