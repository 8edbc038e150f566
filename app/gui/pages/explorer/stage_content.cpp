#include "stage_content.h"

#include <QObject>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string_view>

#include "cell_values.h"
#include "stage_stepper.h"
#include "stages.h"
#include "story_panel.h"

namespace attnscope {
namespace {

// The engine's matrix titles and axis names (stages.h), for lupdate; matrixText translates them.
[[maybe_unused]] constexpr const char *kEngineTexts[] = {
    QT_TRANSLATE_NOOP("QObject", "Q"), QT_TRANSLATE_NOOP("QObject", "K"), QT_TRANSLATE_NOOP("QObject", "V"),
    QT_TRANSLATE_NOOP("QObject", "Scores Q·Kᵀ"), QT_TRANSLATE_NOOP("QObject", "Scaled scores"),
    QT_TRANSLATE_NOOP("QObject", "Masked scores (grey = −∞)"), QT_TRANSLATE_NOOP("QObject", "Attention weights A"),
    QT_TRANSLATE_NOOP("QObject", "Output A·V"), QT_TRANSLATE_NOOP("QObject", "query"),
    QT_TRANSLATE_NOOP("QObject", "key"), QT_TRANSLATE_NOOP("QObject", "dimension"),
};

QString matrixText(const char *s) { return QObject::tr(s); }

std::shared_ptr<const Mat<double>> share(const Mat<double> &m) { return std::make_shared<const Mat<double>>(m); }

HeatmapView::Content make(const Mat<double> &m, const QString &title, const QStringList &rows, const QStringList &cols,
                          const QString &rowAxis, const QString &colAxis, bool diverging)
{
    HeatmapView::Content c;
    c.values = share(m);
    c.title = title;
    c.rowLabels = rows;
    c.colLabels = cols;
    c.rowAxis = rowAxis;
    c.colAxis = colAxis;
    c.diverging = diverging;
    return c;
}

QString num(double v) { return std::isinf(v) ? (v < 0 ? QStringLiteral("−∞") : QStringLiteral("∞")) : QString::number(v, 'g', 5); }

} // namespace

std::vector<HeatmapView::Content> stageContents(const ExplorerState &s, Stage stage)
{
    const ExplorerSetup &setup = *s.setup;
    const HeadResult<double> &r = s.result.stages;
    const auto h = std::size_t(s.result.head), g = std::size_t(r.kvHead);
    const QStringList q = toQStringList(setup.queryTokens), k = toQStringList(setup.keyTokens);
    const auto &in = setup.inputs;
    if (stage == Stage::Inputs) {
        if (setup.x.size() == 0)
            return {make(in.q[h], QObject::tr("Q (given), %1").arg(QObject::tr("head %1").arg(h)), q, indexLabels(in.q[0].cols(), "d"), QObject::tr("query"), QObject::tr("dimension"), true)};
        if (setup.crossAttention)
            return {make(setup.x, QObject::tr("X: query tokens"), q, indexLabels(setup.x.cols(), "d"), QObject::tr("token"), QObject::tr("dimension"), true),
                    make(setup.c, QObject::tr("C: context tokens"), k, indexLabels(setup.c.cols(), "d"), QObject::tr("token"), QObject::tr("dimension"), true)};
        const QString title = setup.model.empty() ? QObject::tr("X: token embeddings")
                                                  : QObject::tr("X: layer %1's input after its norm").arg(setup.layer);
        if (!setup.featureNames.empty() && Eigen::Index(setup.featureNames.size()) == setup.x.cols()) { // the story
            QStringList features;
            for (const std::string &name : setup.featureNames)
                features << StoryTableModel::featureLabel(name);
            return {make(setup.x, title, q, features, QObject::tr("token"), QObject::tr("feature"), true)};
        }
        return {make(setup.x, title, q, indexLabels(setup.x.cols(), "d"), QObject::tr("token"), QObject::tr("dimension"), true)};
    }
    // Q, K, V and the later stages: the matrices of the stages' table (stages.h).
    std::vector<HeatmapView::Content> out;
    for (const StageMatrix &sm : stageMatrices(stage)) {
        const std::string_view file = sm.file;
        const Mat<double> &m = file == "q"   ? in.q[h]
                               : file == "k" ? in.k[g]
                               : file == "v" ? in.v[g]
                                             : r.*headResultMember<double>(stage);
        const QString title = sm.keyValueHead ? QObject::tr("%1, key/value head %2").arg(matrixText(sm.title)).arg(g)
                                              : QObject::tr("%1, head %2").arg(matrixText(sm.title)).arg(h);
        const QStringList rows = std::string_view(sm.rowAxis) == "query" ? q : k;
        const QStringList cols = std::string_view(sm.colAxis) == "key" ? k : indexLabels(m.cols(), "d");
        out.push_back(make(m, title, rows, cols, matrixText(sm.rowAxis), matrixText(sm.colAxis), sm.diverging));
        if (stage == Stage::Masked) // −∞ where the mask blocks is grey; any other −∞ has its own colour
            out.back().masked = std::make_shared<const CellMask>(blockedPositions(in.mask, h, m.rows(), m.cols()));
    }
    return out;
}

QString stageExplanation(const ExplorerState &s, Stage stage)
{
    const auto &in = s.setup->inputs;
    const Eigen::Index dk = in.q[0].cols();
    const double factor = s.scale.factor(dk);
    QString scale;
    switch (s.scale.mode) {
    case ScaleSpec::Mode::Sqrt: scale = QObject::tr("1/√d_k = 1/√%1 = %2").arg(dk).arg(num(factor)); break;
    case ScaleSpec::Mode::Dim: scale = QObject::tr("1/d_k = 1/%1 = %2 (the tutorial's choice: it shrinks the scores as d_k grows and flattens the weights)").arg(dk).arg(num(factor)); break;
    case ScaleSpec::Mode::None: scale = QObject::tr("1 (no scaling: the scores' spread grows with √d_k and the softmax saturates)"); break;
    case ScaleSpec::Mode::Custom: scale = QObject::tr("%1 (custom)").arg(num(factor)); break;
    }
    const QString tau = s.temperature != 1.0 ? QObject::tr(", then ÷ τ = %1").arg(num(s.temperature)) : QString();
    switch (stage) {
    case Stage::Inputs:
        if (!s.setup->model.empty())
            return QObject::tr("Inputs — layer %1 of %2: each token's hidden state after the layer's norm (d_model = %3), what Q, K and V are projected from.")
                .arg(s.setup->layer).arg(QString::fromStdString(s.setup->model)).arg(s.setup->x.cols());
        if (!s.setup->featureNames.empty())
            return QObject::tr("Inputs — each word is a row of features set by hand (the Story features dock): what it is, and where it stands in the sentence. A trained model learns such vectors instead.");
        return s.setup->x.size() == 0
                   ? QObject::tr("Inputs: Q, K and V were given directly (%1 queries, %2 keys, d_k = %3).").arg(in.q[0].rows()).arg(in.k[0].rows()).arg(dk)
                   : QObject::tr("Inputs — each token becomes a vector x: hashed character n-grams (what it is) plus a sinusoidal position code (where it is).");
    case Stage::Qkv:
        if (!s.setup->model.empty())
            return QObject::tr("Q = X·Wq, K = X·Wk, V = X·Wv of %1's layer %2 — Q and K as the scores use them: after the bias, q_norm/k_norm and the rotation (d_k = %3 per head; %4 query heads read %5 key/value heads).")
                .arg(QString::fromStdString(s.setup->model)).arg(s.setup->layer).arg(dk).arg(in.q.size()).arg(in.k.size());
        return QObject::tr("Q = X·Wq, K = C·Wk, V = C·Wv — each token asks with its query, offers its key and carries its value (d_k = %1 per head).").arg(dk);
    case Stage::Scores:
        return QObject::tr("S = Q·Kᵀ — each score is the dot product of a query row and a key row: how well they match.");
    case Stage::Scaled:
        return QObject::tr("S × %1%2 — scaling keeps the softmax from saturating.").arg(scale, tau);
    case Stage::Masked: {
        const auto &m = in.mask;
        QStringList kinds;
        if (m.causal) kinds << QObject::tr("causal: query i sees keys 0..i");
        if (!m.keyPadding.empty()) kinds << QObject::tr("padding: checked keys are never attended");
        if (!m.allowed.empty()) kinds << (s.setup->model.empty() ? QObject::tr("boolean mask") : QObject::tr("sliding window"));
        if (!m.additive.empty()) kinds << QObject::tr("additive mask");
        return kinds.isEmpty() ? QObject::tr("Masked — no mask is set, so the scores pass unchanged.")
                               : QObject::tr("Masked — blocked scores become −∞ (grey), so they get zero weight (%1).").arg(kinds.join(QStringLiteral("; ")));
    }
    case Stage::Weights:
        return QObject::tr("A = softmax of each row — a_j = exp(s_j − max) / Σ exp(s − max); every row sums to 1.");
    case Stage::Output:
        return QObject::tr("O = A·V — each query's output is the mix of the value rows, weighted by its attention.");
    }
    return {};
}

QString hoverText(const ExplorerState &s, Stage stage, int row, int col)
{
    const auto contents = stageContents(s, stage);
    if (contents.empty() || row < 0 || col < 0)
        return {};
    const auto &c = contents.front();
    const Mat<double> &m = *c.values;
    if (row >= m.rows() || col >= m.cols())
        return {};
    QString text = QObject::tr("%1 %2 “%3”, %4 %5 “%6”: %7")
                       .arg(c.rowAxis).arg(row).arg(c.rowLabels.value(row))
                       .arg(c.colAxis).arg(col).arg(c.colLabels.value(col))
                       .arg(c.valueText(row, col));
    if (stage == Stage::Weights) {
        const auto w = m.row(row);
        double entropy = 0;
        for (Eigen::Index j = 0; j < w.size(); ++j)
            if (w(j) > 0)
                entropy -= w(j) * std::log2(w(j));
        std::vector<Eigen::Index> order(std::size_t(w.size()));
        std::iota(order.begin(), order.end(), 0);
        const std::size_t top = std::min<std::size_t>(3, order.size());
        std::partial_sort(order.begin(), order.begin() + std::ptrdiff_t(top), order.end(),
                          [&](Eigen::Index a, Eigen::Index b) { return w(a) > w(b); });
        QStringList best;
        for (std::size_t i = 0; i < top; ++i)
            best << QStringLiteral("“%1” %2").arg(c.colLabels.value(int(order[i]))).arg(w(order[i]), 0, 'f', 3);
        text += QObject::tr("   row sum %1, entropy %2 bits, top: %3").arg(cellValueText(w.sum())).arg(entropy, 0, 'f', 3).arg(best.join(", "));
    }
    return text;
}

Mat<double> partialOutput(const ExplorerState &s, int row, int terms)
{
    const HeadResult<double> &r = s.result.stages;
    const Mat<double> &v = s.setup->inputs.v[std::size_t(r.kvHead)];
    Mat<double> out = r.output;
    if (row < 0 || row >= out.rows())
        return out;
    out.row(row).setZero();
    for (Eigen::Index j = 0; j < std::min<Eigen::Index>(terms, r.weights.cols()); ++j)
        out.row(row) += r.weights(row, j) * v.row(j);
    return out;
}

QString partialSumText(const ExplorerState &s, int row, int terms)
{
    const HeadResult<double> &r = s.result.stages;
    const auto keys = int(r.weights.cols());
    if (row < 0 || row >= r.weights.rows())
        return {};
    const QString query = QString::fromStdString(s.setup->queryTokens[std::size_t(row)]);
    const auto term = [row](int j) { return QStringLiteral("a<sub>%1,%2</sub>·v<sub>%2</sub>").arg(row).arg(j); };
    QString sum;
    if (terms <= 0)
        sum = QStringLiteral("0");
    else if (terms <= 3)
        for (int j = 0; j < terms; ++j)
            sum += (j ? QStringLiteral(" + ") : QString()) + term(j);
    else
        sum = term(0) + QStringLiteral(" + ") + term(1) + QStringLiteral(" + … + ") + term(terms - 1);
    QString text = QObject::tr("o<sub>%1</sub> (“%2”) = %3 — <b>%4 of %5 terms</b>")
                       .arg(row).arg(query.toHtmlEscaped(), sum).arg(std::max(0, terms)).arg(keys);
    if (terms > 0) {
        const int j = terms - 1;
        text += QObject::tr("; the last added: a<sub>%1,%2</sub> = %3 × v<sub>%2</sub> (“%4”)")
                    .arg(row).arg(j).arg(num(r.weights(row, j)))
                    .arg(QString::fromStdString(s.setup->keyTokens[std::size_t(j)]).toHtmlEscaped());
    }
    return text;
}

} // namespace attnscope
