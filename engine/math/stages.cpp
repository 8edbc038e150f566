#include "stages.h"

#include <algorithm>

namespace attnscope {

std::optional<Stage> stageForKey(std::string_view key)
{
    for (const StageInfo &s : kStageTable)
        if (key == s.key)
            return s.stage;
    return std::nullopt;
}

std::span<const StageMatrix> stageMatrices(Stage stage)
{
    const auto first = std::find_if(kStageMatrices.begin(), kStageMatrices.end(),
                                    [stage](const StageMatrix &m) { return m.stage == stage; });
    const auto last = std::find_if(first, kStageMatrices.end(), [stage](const StageMatrix &m) { return m.stage != stage; });
    return {first, last};
}

} // namespace attnscope
