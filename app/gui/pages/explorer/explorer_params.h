#pragma once
// The Explorer's parameters (ExplorerParams, engine/explorer.h) to and from JSON, in one place:
// the "explorer" part of a session (docs/session-format.md) and the remembered settings both use
// these functions, so they cannot disagree about a key, a range or a default.

#include <QJsonObject>
#include <QStringList>

#include "explorer.h"

namespace attnscope {

/// What a new window types and computes: the built-in example sentence, d_model 64, d_k 16,
/// 2 heads, seed 1, 1/√d_k, τ = 1, no mask.
ExplorerParams defaultTextParams();

/// Every field, keys as in docs/session-format.md ("text", "dModel", "scale": "sqrt", "seed": a
/// number up to 2⁵³, a decimal string above).
QJsonObject paramsToJson(const ExplorerParams &p);
/// `base` with each field of `json` that is present and valid; a field of the wrong type or out
/// of range is ignored with a note naming it ("explorer.heads: 0 is not within 1..4096").
/// Afterwards head < heads and paddedKeys ≥ 0 hold.
ExplorerParams paramsFromJson(const QJsonObject &json, ExplorerParams base, QStringList *notes);

/// The parameters typed text used last time (defaultTextParams() on a first run), and keeping them.
ExplorerParams rememberedTextParams();
void rememberTextParams(const ExplorerParams &p);

} // namespace attnscope
