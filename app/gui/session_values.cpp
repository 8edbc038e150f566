#include "session_values.h"

namespace attnscope {

const ChoiceTable<ColormapId> &colormapChoices()
{
    static const ChoiceTable<ColormapId> t{QStringLiteral("view.colormap"),
                                           {{QStringLiteral("viridis"), ColormapId::Viridis},
                                            {QStringLiteral("magma"), ColormapId::Magma},
                                            {QStringLiteral("gray"), ColormapId::Gray}}};
    return t;
}

const ChoiceTable<SessionState::Reduction> &reductionChoices()
{
    static const ChoiceTable<SessionState::Reduction> t{QStringLiteral("view.reduction"),
                                                        {{QStringLiteral("max"), SessionState::Reduction::Max},
                                                         {QStringLiteral("mean"), SessionState::Reduction::Mean}}};
    return t;
}

const ChoiceTable<ScaleSpec::Mode> &scaleChoices()
{
    // The order of ControlsPanel's Scale box.
    static const ChoiceTable<ScaleSpec::Mode> t{QStringLiteral("parameters.scale"),
                                                {{QStringLiteral("sqrt"), ScaleSpec::Mode::Sqrt},
                                                 {QStringLiteral("dim"), ScaleSpec::Mode::Dim},
                                                 {QStringLiteral("none"), ScaleSpec::Mode::None},
                                                 {QStringLiteral("custom"), ScaleSpec::Mode::Custom}}};
    return t;
}

const ChoiceTable<SessionState::MaskMode> &maskChoices()
{
    // The order of ControlsPanel's Mask box.
    static const ChoiceTable<SessionState::MaskMode> t{QStringLiteral("parameters.mask"),
                                                       {{QStringLiteral("none"), SessionState::MaskMode::None},
                                                        {QStringLiteral("causal"), SessionState::MaskMode::Causal},
                                                        {QStringLiteral("padding"), SessionState::MaskMode::Padding}}};
    return t;
}

const ChoiceTable<Stage> &stageChoices()
{
    static const ChoiceTable<Stage> t = [] {
        ChoiceTable<Stage> out{QStringLiteral("view.stage"), {{QString::fromLatin1(stageKey(Stage::Weights)), Stage::Weights}}};
        for (Stage s : {Stage::Inputs, Stage::Qkv, Stage::Scores, Stage::Scaled, Stage::Masked, Stage::Output})
            out.entries.push_back({QString::fromLatin1(stageKey(s)), s});
        return out;
    }();
    return t;
}

const ChoiceTable<int> &tabChoices()
{
    static const ChoiceTable<int> t{QStringLiteral("view.tab"),
                                    {{QStringLiteral("0"), 0}, {QStringLiteral("1"), 1}, {QStringLiteral("2"), 2}}};
    return t;
}

} // namespace attnscope
