#pragma once
// Every remembered setting, its key and its default, in one table (settings.cpp). Values read
// back are checked against the default's type; a wrong or missing value gives the default.

#include <QVariant>

namespace attnscope {

class Settings {
public:
    enum class Key {
        Geometry,
        WindowState,
        ExplorerParams, ///< the Explorer's parameters for typed text, as JSON (explorer_params.h)
        Colormap,
        Reduction,
        RecentFiles,
        Stage,
        MemoryBudget, ///< "" for the default, else a size parseByteSize reads ("4G")
        LastModelFolder, ///< the model folder the Open Model dialog gave last, "" for none
        NumbersInCells,  ///< View → Numbers in cells
        FixedWeightScale, ///< View → Weights colour scale: fixed 0–1 (true) or per view
        Language, ///< View → Language: "system" (the locale's), "en" or "zh_CN" (language.h)
        LessonStep, ///< the guided lesson's step shown last (1-based), where Help → Lesson reopens
        Threads, ///< View → Threads…: how many threads compute, 0 = every core (parallel.h)
    };
    static QVariant value(Key key);
    static void setValue(Key key, const QVariant &value);
    static QVariant defaultValue(Key key);
    static constexpr int kMaxRecentFiles = 8;
};

} // namespace attnscope
