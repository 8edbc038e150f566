#include "session_values.h"

namespace attnscope {

const ChoiceTable<ColormapId> &colormapChoices()
{
    static const ChoiceTable<ColormapId> t{QStringLiteral("window.colormap"),
                                           {{QStringLiteral("viridis"), ColormapId::Viridis},
                                            {QStringLiteral("magma"), ColormapId::Magma},
                                            {QStringLiteral("gray"), ColormapId::Gray}}};
    return t;
}

const ChoiceTable<SessionState::Reduction> &reductionChoices()
{
    static const ChoiceTable<SessionState::Reduction> t{QStringLiteral("window.reduction"),
                                                        {{QStringLiteral("max"), SessionState::Reduction::Max},
                                                         {QStringLiteral("mean"), SessionState::Reduction::Mean}}};
    return t;
}

const ChoiceTable<ScaleSpec::Mode> &scaleChoices()
{
    // The order of ControlsPanel's Scale box.
    static const ChoiceTable<ScaleSpec::Mode> t{QStringLiteral("explorer.scale"),
                                                {{QStringLiteral("sqrt"), ScaleSpec::Mode::Sqrt},
                                                 {QStringLiteral("dim"), ScaleSpec::Mode::Dim},
                                                 {QStringLiteral("none"), ScaleSpec::Mode::None},
                                                 {QStringLiteral("custom"), ScaleSpec::Mode::Custom}}};
    return t;
}

const ChoiceTable<ExplorerParams::Mask> &maskChoices()
{
    // The order of ControlsPanel's Mask box.
    static const ChoiceTable<ExplorerParams::Mask> t{QStringLiteral("explorer.mask"),
                                                     {{QStringLiteral("none"), ExplorerParams::Mask::None},
                                                      {QStringLiteral("causal"), ExplorerParams::Mask::Causal},
                                                      {QStringLiteral("padding"), ExplorerParams::Mask::Padding}}};
    return t;
}

const ChoiceTable<Stage> &stageChoices()
{
    static const ChoiceTable<Stage> t = [] {
        ChoiceTable<Stage> out{QStringLiteral("explorer.stage"), {{QString::fromLatin1(stageKey(Stage::Weights)), Stage::Weights}}};
        for (Stage s : {Stage::Inputs, Stage::Qkv, Stage::Scores, Stage::Scaled, Stage::Masked, Stage::Output})
            out.entries.push_back({QString::fromLatin1(stageKey(s)), s});
        return out;
    }();
    return t;
}

} // namespace attnscope
