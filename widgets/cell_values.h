#pragma once
// What a heatmap cell holds when it is not an ordinary number, and how it is named and coloured:
// −∞ where a mask blocks the cell is "masked" (grey); NaN, +∞ and −∞ where nothing masks are
// unexpected values, each with its own colour, distinct from every colour map's colours and from
// the masked grey (the nearest colour-map entry is at least 145 apart in RGB, 0–255 per channel).

#include <QColor>
#include <QString>

#include <optional>

#include <Eigen/Core>

namespace attnscope {

/// Same shape as the matrix it describes: true where a mask blocks the cell. The same type as
/// BoolMat (engine attention.h).
using CellMask = Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// The special kinds of cell, in the order of the legend; Finite is an ordinary value.
enum class CellKind { Finite, Masked, NaN, PosInf, NegInf };
inline constexpr int kSpecialCellKinds = 4; ///< Masked … NegInf

/// The kind of value `v` in a cell that `masked` says is (or is not) blocked by a mask. Only −∞
/// becomes Masked: a masked cell holding another value is that value.
CellKind cellKind(double v, bool masked);

/// The colour a special cell is drawn in: masked grey (150, 150, 150), NaN magenta, +∞ cyan,
/// −∞ (not masked) green. Finite: invalid QColor.
QColor specialCellColor(CellKind kind);

/// The name of a special kind, as hover texts and legends show it: "masked (−∞)", "NaN", "+∞",
/// "−∞ (not masked)"; empty for Finite.
QString specialCellName(CellKind kind);

/// A cell's value for hover texts: `v` with `digits` significant digits ('g'), or the name of
/// its special kind. `signedPlus` writes a '+' before non-negative finite values (differences).
QString cellValueText(double v, bool masked = false, int digits = 5, bool signedPlus = false);

/// A number typed into a table cell by hand: in the locale's form ("0,5" in German) or C's
/// ("0.5" in any locale), spaces around it ignored; nullopt when it is not a finite number.
std::optional<double> typedCellValue(const QString &text);

} // namespace attnscope
