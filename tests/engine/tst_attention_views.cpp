// Views of imported attention (engine/math/attention_views.h): special tokens, sub-word grouping in the
// three schemes (hand-written token lists), every case of fixtures/gen_views.py (an independent
// numpy reference, float64) through readAttentionBundle → computeView, the order of operations,
// differences, and the errors a user can provoke.
//
// Tolerance against the references: |got − expected| <= 1e-12 + 1e-12·|expected|, elementwise.
// Infinities must match exactly.

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cmath>
#include <limits>

#include "attention_views.h"
#include "bundle.h"
#include "npy.h"

using namespace attnscope;

namespace {

const QString kFixtureDir = QStringLiteral(ATTNSCOPE_FIXTURE_DIR "/views");
constexpr double kTol = 1e-12;

using Strings = std::vector<std::string>;

std::vector<std::int64_t> toIndices(const QJsonArray &a)
{
    std::vector<std::int64_t> out;
    for (const auto &v : a)
        out.push_back(v.toInteger());
    return out;
}

QJsonObject manifest()
{
    QFile f(kFixtureDir + "/manifest.json");
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

/// Empty when `got` matches `expected` within kTol; otherwise what differs.
QString compare(const QString &what, const Tensor &expected, const Mat<double> &got)
{
    if (expected.rank() != 2 || expected.shape[0] != got.rows() || expected.shape[1] != got.cols())
        return what + QStringLiteral(": shape [%1, %2], expected %3")
                          .arg(got.rows())
                          .arg(got.cols())
                          .arg(QString::fromStdString(shapeToString(expected.shape)));
    for (Eigen::Index i = 0; i < got.size(); ++i) {
        const double e = expected.at(i), g = got.data()[i];
        const bool same = std::isinf(e) ? e == g : std::isfinite(g) && std::abs(g - e) <= kTol + kTol * std::abs(e);
        if (!same)
            return what + QStringLiteral(": at flat index %1 got %2, expected %3").arg(i).arg(g, 0, 'g', 17).arg(e, 0, 'g', 17);
    }
    return {};
}

Strings toStrings(const QJsonArray &a)
{
    Strings out;
    for (const auto &v : a)
        out.push_back(v.toString().toStdString());
    return out;
}

AttentionBundle load(const QString &name)
{
    auto b = readAttentionBundle((kFixtureDir + "/" + name).toStdString());
    if (!b)
        qFatal("%s", b.error().message.c_str());
    return std::move(b.value());
}

/// A bundle [L, H, T, T] of distinct positive entries with rows summing to 1, from a formula.
AttentionBundle syntheticBundle(int layers, int heads, const Strings &tokens)
{
    const auto t = Eigen::Index(tokens.size());
    std::vector<Mat<double>> ms;
    for (int l = 0; l < layers; ++l)
        for (int h = 0; h < heads; ++h) {
            Mat<double> m(t, t);
            for (Eigen::Index i = 0; i < t; ++i) {
                for (Eigen::Index j = 0; j < t; ++j)
                    m(i, j) = 1.0 + std::sin(double(1 + l * 31 + h * 7 + i * 5 + j * 3));
                m.row(i) /= m.row(i).sum();
            }
            ms.push_back(m);
        }
    AttentionBundle b;
    b.path = "synthetic";
    b.attentions = Tensor::fromMatrices(ms);
    b.attentions.shape = {layers, heads, t, t};
    b.tokens = b.keyTokens = tokens;
    return b;
}

const std::string G = "\xC4\xA0";       // Ġ
const std::string NL = "\xC4\x8A";      // Ċ
const std::string SP = "\xE2\x96\x81";  // ▁

} // namespace

Q_DECLARE_METATYPE(Strings)
Q_DECLARE_METATYPE(std::vector<int>)
Q_DECLARE_METATYPE(SubwordScheme)
Q_DECLARE_METATYPE(std::vector<double>)

class TstAttentionViews : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void specialTokens_data();
    void specialTokens();
    void detectsTheScheme_data();
    void detectsTheScheme();
    void groupsSubwords_data();
    void groupsSubwords();
    void mergeMatrixByHand();
    void mergeKeepsRowSums();
    void fixtures_data();
    void fixtures();
    void orderOfOperations();
    void differenceOfAViewWithItselfIsZero();
    void differenceNeedsEqualShapes();
    void errors_data();
    void errors();
    void descriptionSaysWhatIsShown();
    void mergingWithoutMarkersWarns();
    void hiddenLabelsNameOriginalIndices();
    void hidingRowsErrors();
    void checksWeightRows_data();
    void checksWeightRows();

private:
    QJsonObject m_manifest;
};

void TstAttentionViews::initTestCase()
{
    m_manifest = manifest();
    QVERIFY2(m_manifest.value("cases").toArray().size() >= 20,
             qPrintable("the manifest " + kFixtureDir + "/manifest.json is missing or short"));
    QCOMPARE(m_manifest.value("tolerance").toObject().value("rtol").toDouble(), kTol);
    // The reference and the engine recognise the same special tokens.
    QCOMPARE(toStrings(m_manifest.value("specials").toArray()), defaultSpecialTokens());
}

void TstAttentionViews::specialTokens_data()
{
    QTest::addColumn<Strings>("tokens");
    QTest::addColumn<std::vector<int>>("expected");
    QTest::newRow("bert") << Strings{"[CLS]", "a", "b", "[SEP]", "[PAD]", "[PAD]"} << std::vector<int>{0, 3, 4, 5};
    QTest::newRow("roberta") << Strings{"<s>", "Hi", "</s>", "<pad>"} << std::vector<int>{0, 2, 3};
    QTest::newRow("gpt2") << Strings{"<|endoftext|>", "Hello", G + "world"} << std::vector<int>{0};
    QTest::newRow("llama3") << Strings{"<|begin_of_text|>", "Hi", "<|eot_id|>"} << std::vector<int>{0, 2};
    QTest::newRow("plain BOS/EOS") << Strings{"BOS", "x", "EOS"} << std::vector<int>{0, 2};
    QTest::newRow("case-sensitive") << Strings{"[cls]", "bos", "<S>", "Bos"} << std::vector<int>{};
    QTest::newRow("whole token only") << Strings{"[CLS]x", " [SEP]", "<s>>"} << std::vector<int>{};
    QTest::newRow("mask") << Strings{"the", "[MASK]", "sat"} << std::vector<int>{1};
    QTest::newRow("unknown words are content") << Strings{"[UNK]", "<unk>"} << std::vector<int>{};
    QTest::newRow("empty") << Strings{} << std::vector<int>{};
}

void TstAttentionViews::specialTokens()
{
    QFETCH(Strings, tokens);
    QFETCH(std::vector<int>, expected);
    QCOMPARE(specialTokenIndices(tokens), expected);
}

void TstAttentionViews::detectsTheScheme_data()
{
    QTest::addColumn<Strings>("tokens");
    QTest::addColumn<SubwordScheme>("scheme");
    QTest::newRow("wordpiece") << Strings{"[CLS]", "play", "##ing", "[SEP]"} << SubwordScheme::WordPiece;
    QTest::newRow("gpt2") << Strings{"The", G + "cat", G + "sat"} << SubwordScheme::Gpt2;
    QTest::newRow("sentencepiece") << Strings{"<s>", SP + "The", SP + "ca", "t"} << SubwordScheme::SentencePiece;
    QTest::newRow("none") << Strings{"the", "cat", "sat"} << SubwordScheme::None;
    QTest::newRow("lone ## is not a marker") << Strings{"##", "#", "a"} << SubwordScheme::None;
    QTest::newRow("most marked wins") << Strings{"##a", G + "b", G + "c"} << SubwordScheme::Gpt2;
    QTest::newRow("ties: WordPiece first") << Strings{"##a", SP + "b"} << SubwordScheme::WordPiece;
    QTest::newRow("ties: SentencePiece before GPT-2") << Strings{G + "a", SP + "b"} << SubwordScheme::SentencePiece;
}

void TstAttentionViews::detectsTheScheme()
{
    QFETCH(Strings, tokens);
    QFETCH(SubwordScheme, scheme);
    QCOMPARE(detectSubwordScheme(tokens), scheme);
    QCOMPARE(mergeSubwords(tokens).scheme, scheme);
}

void TstAttentionViews::groupsSubwords_data()
{
    QTest::addColumn<Strings>("tokens");
    QTest::addColumn<std::vector<int>>("starts");
    QTest::addColumn<Strings>("words");

    QTest::newRow("wordpiece")
        << Strings{"[CLS]", "the", "un", "##believ", "##able", "fox", "jump", "##ed", "[SEP]"}
        << std::vector<int>{0, 1, 2, 5, 6, 8, 9} << Strings{"[CLS]", "the", "unbelievable", "fox", "jumped", "[SEP]"};
    QTest::newRow("wordpiece: a leading ## and one after a special start words")
        << Strings{"##ing", "##s", "[SEP]", "##ed"} << std::vector<int>{0, 2, 3, 4} << Strings{"##ings", "[SEP]", "##ed"};
    QTest::newRow("gpt2")
        << Strings{"The", G + "qu", "ick", G + "brown", G + "fox", "."} << std::vector<int>{0, 1, 3, 4, 6}
        << Strings{"The", "quick", "brown", "fox."};
    QTest::newRow("gpt2: a special is a word and the next piece starts one")
        << Strings{"<|endoftext|>", "Hello", G + "world", "<|endoftext|>", "again"}
        << std::vector<int>{0, 1, 2, 3, 4, 5} << Strings{"<|endoftext|>", "Hello", "world", "<|endoftext|>", "again"};
    QTest::newRow("gpt2: newlines are words, and end one")
        << Strings{G + "end", NL + NL, "Next", "line", G, G + "x"} << std::vector<int>{0, 1, 2, 4, 5, 6}
        << Strings{"end", NL + NL, "Nextline", G, "x"};
    QTest::newRow("sentencepiece")
        << Strings{"<s>", SP + "The", SP + "qu", "ick", SP, "1", "2", "</s>"} << std::vector<int>{0, 1, 2, 4, 7, 8}
        << Strings{"<s>", "The", "quick", "12", "</s>"};
    QTest::newRow("sentencepiece: first token without marker")
        << Strings{"ab", "c", SP + "d"} << std::vector<int>{0, 2, 3} << Strings{"abc", "d"};
    QTest::newRow("sentencepiece: a lone marker keeps its label")
        << Strings{SP + "a", SP} << std::vector<int>{0, 1, 2} << Strings{"a", SP};
    QTest::newRow("no markers") << Strings{"the", "cat"} << std::vector<int>{0, 1, 2} << Strings{"the", "cat"};
    QTest::newRow("empty") << Strings{} << std::vector<int>{0} << Strings{};
}

void TstAttentionViews::groupsSubwords()
{
    QFETCH(Strings, tokens);
    QFETCH(std::vector<int>, starts);
    QFETCH(Strings, words);
    const WordGroups g = mergeSubwords(tokens);
    QCOMPARE(g.starts, starts);
    QCOMPARE(g.words, words);
    QCOMPARE(g.tokenCount(), int(tokens.size()));
    QCOMPARE(g.wordCount(), int(words.size()));
}

void TstAttentionViews::mergeMatrixByHand()
{
    // Rows: words {0}, {1, 2}; columns: words {0, 1}, {2}.
    Mat<double> m(3, 3);
    m << 0.1, 0.2, 0.7, //
        0.3, 0.3, 0.4,  //
        0.5, 0.25, 0.25;
    WordGroups rows, cols;
    rows.starts = {0, 1, 3};
    rows.words = {"a", "bc"};
    cols.starts = {0, 2, 3};
    cols.words = {"ab", "c"};
    Mat<double> expected(2, 2);
    expected << 0.3, 0.7, //
        (0.6 + 0.75) / 2, (0.4 + 0.25) / 2;
    const Mat<double> got = mergeMatrix(m, rows, cols);
    QVERIFY((got - expected).cwiseAbs().maxCoeff() < 1e-15);
}

void TstAttentionViews::mergeKeepsRowSums()
{
    // Attention *to* a word sums its pieces and *from* a word averages them, so rows that summed
    // to 1 still do.
    const Strings tokens{"[CLS]", "un", "##believ", "##able", "cat", "##s", "run", "[SEP]"};
    const AttentionBundle b = syntheticBundle(2, 3, tokens);
    ViewRequest r;
    r.layer = 1;
    r.head = 2;
    r.mergeSubwords = true;
    auto v = computeView(b, r);
    QVERIFY(v.ok());
    QVERIFY(v->subwordsMerged);
    QCOMPARE(v->values.rows(), 5); // [CLS] unbelievable cats run [SEP]
    QCOMPARE(v->values.cols(), 5);
    for (Eigen::Index i = 0; i < v->values.rows(); ++i)
        QVERIFY(std::abs(v->values.row(i).sum() - 1.0) < 1e-12);
}

void TstAttentionViews::fixtures_data()
{
    QTest::addColumn<QJsonObject>("c");
    for (const auto &v : m_manifest.value("cases").toArray())
        QTest::newRow(qPrintable(v.toObject().value("name").toString())) << v.toObject();
}

void TstAttentionViews::fixtures()
{
    QFETCH(QJsonObject, c);
    const AttentionBundle a = load(c.value("bundle").toString());
    std::optional<AttentionBundle> other;
    if (!c.value("other").toString().isEmpty())
        other = load(c.value("other").toString());
    ViewRequest r;
    const QString mode = c.value("mode").toString();
    r.mode = mode == "single" ? ViewRequest::Mode::Single
             : mode == "fuse" ? ViewRequest::Mode::FuseHeads
                              : ViewRequest::Mode::Rollout;
    r.layer = c.value("layer").toInt();
    r.head = c.value("head").toInt();
    r.fusion = parseFusion(c.value("fusion").toString().toStdString()).value();
    r.discardRatio = c.value("discard").toDouble();
    for (const auto &j : c.value("hide").toArray())
        r.hiddenKeys.push_back(j.toInt());
    r.renormalize = c.value("renormalize").toBool();
    r.hideRows = c.value("hide_rows").toBool();
    r.mergeSubwords = c.value("merge").toBool();
    const QString norm = c.value("norm").toString();
    for (Normalization n : {Normalization::None, Normalization::Row, Normalization::Column, Normalization::Global,
                            Normalization::Log})
        if (norm == normalizationName(n))
            r.norm = n;
    QCOMPARE(normalizationName(r.norm), norm.toStdString().c_str());
    if (c.value("diff").isArray())
        r.difference = ViewRequest::Difference{c.value("diff").toArray().at(0).toInt(),
                                               c.value("diff").toArray().at(1).toInt()};

    auto v = computeView(a, r, other ? &*other : nullptr);
    QVERIFY2(v.ok(), v.ok() ? "" : v.error().message.c_str());
    auto expected = readNpy((kFixtureDir + "/" + c.value("expected").toString()).toStdString());
    QVERIFY(expected.ok());
    const QString diff = compare(c.value("name").toString(), expected.value(), v->values);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    QCOMPARE(v->rowLabels, toStrings(c.value("rowLabels").toArray()));
    QCOMPARE(v->colLabels, toStrings(c.value("colLabels").toArray()));
    QCOMPARE(v->rowIndex, toIndices(c.value("rowIndex").toArray()));
    QCOMPARE(v->colIndex, toIndices(c.value("colIndex").toArray()));
    QCOMPARE(v->rowsHidden, r.hideRows && !r.hiddenKeys.empty());
    QCOMPARE(v->colsHidden, !r.hiddenKeys.empty());
    QCOMPARE(v->diverging, r.difference.has_value());
}

void TstAttentionViews::orderOfOperations()
{
    // select → hide + renormalise → merge → normalise, step by step with the engine's parts; and
    // each step moved out of place gives another picture.
    const Strings tokens{"[CLS]", "the", "un", "##believ", "##able", "fox", "jump", "##ed", "[SEP]"};
    const AttentionBundle b = syntheticBundle(2, 4, tokens);
    ViewRequest r;
    r.mode = ViewRequest::Mode::FuseHeads;
    r.layer = 1;
    r.hiddenKeys = specialTokenIndices(tokens);
    QCOMPARE(r.hiddenKeys, (std::vector<int>{0, 8}));
    r.renormalize = true;
    r.mergeSubwords = true;
    r.norm = Normalization::Column;
    auto v = computeView(b, r);
    QVERIFY(v.ok());

    std::vector<std::string> warnings;
    const Mat<double> fused = fuseHeads(b.attentions, 1, Fusion::Mean);
    const Mat<double> hidden = hideTokens(fused, r.hiddenKeys, true, warnings).value();
    const Strings kept(tokens.begin() + 1, tokens.end() - 1);
    const Mat<double> merged = mergeMatrix(hidden, mergeSubwords(tokens), mergeSubwords(kept));
    const Mat<double> right = normalizeColumns(merged);
    QVERIFY((v->values - right).cwiseAbs().maxCoeff() < 1e-15);
    QCOMPARE(v->colLabels, (Strings{"the", "unbelievable", "fox", "jumped"}));

    // Merging before renormalising: the rows of a word are averaged before each is rescaled.
    const Mat<double> mergedFirst = mergeMatrix(fused, mergeSubwords(tokens), mergeSubwords(tokens));
    const Mat<double> wrong1 = normalizeColumns(hideTokens(mergedFirst, {0, 5}, true, warnings).value());
    QVERIFY((wrong1 - right).cwiseAbs().maxCoeff() > 1e-6);
    // Normalising before merging: a display scale summed over pieces.
    const Mat<double> wrong2 = mergeMatrix(normalizeColumns(hidden), mergeSubwords(tokens), mergeSubwords(kept));
    QVERIFY((wrong2 - right).cwiseAbs().maxCoeff() > 1e-6);
}

void TstAttentionViews::differenceOfAViewWithItselfIsZero()
{
    const AttentionBundle b = syntheticBundle(2, 2, {"[CLS]", "a", "##b", "c"});
    ViewRequest r;
    r.layer = 1;
    r.head = 1;
    r.mergeSubwords = true;
    r.norm = Normalization::Row;
    r.difference = ViewRequest::Difference{1, 1};
    auto v = computeView(b, r);
    QVERIFY(v.ok());
    QVERIFY(v->diverging);
    QCOMPARE(v->values.rows(), 3);
    QCOMPARE(v->values.cwiseAbs().maxCoeff(), 0.0);
    // A − B is antisymmetric.
    r.difference = ViewRequest::Difference{0, 1};
    const Mat<double> ab = computeView(b, r)->values;
    std::swap(r.layer, r.difference->layer);
    std::swap(r.head, r.difference->head);
    const Mat<double> ba = computeView(b, r)->values;
    QVERIFY((ab + ba).cwiseAbs().maxCoeff() < 1e-15);
    QVERIFY(ab.cwiseAbs().maxCoeff() > 1e-3);
}

void TstAttentionViews::differenceNeedsEqualShapes()
{
    const AttentionBundle a = syntheticBundle(1, 1, {"a", "b", "c"});
    const AttentionBundle b = syntheticBundle(1, 1, {"a", "b", "c", "d"});
    ViewRequest r;
    r.difference = ViewRequest::Difference{0, 0};
    auto v = computeView(a, r, &b);
    QVERIFY(!v.ok());
    QCOMPARE(v.error().code, Error::Code::BadShape);
    QVERIFY2(QString::fromStdString(v.error().message).contains("3 × 3"), v.error().message.c_str());
    // Same shape, other tokens: computed, with a warning.
    const AttentionBundle c = syntheticBundle(1, 1, {"x", "y", "z"});
    auto w = computeView(a, r, &c);
    QVERIFY(w.ok());
    QVERIFY(!w->warnings.empty());
}

void TstAttentionViews::errors_data()
{
    QTest::addColumn<int>("layer");
    QTest::addColumn<int>("head");
    QTest::addColumn<int>("mode");
    QTest::addColumn<double>("ratio");
    QTest::addColumn<std::vector<int>>("hidden");
    QTest::addColumn<QString>("mentions");
    const int single = int(ViewRequest::Mode::Single), rollout = int(ViewRequest::Mode::Rollout);
    QTest::newRow("layer too big") << 2 << 0 << single << 0.0 << std::vector<int>{} << "layer 2";
    QTest::newRow("layer negative") << -1 << 0 << single << 0.0 << std::vector<int>{} << "layer -1";
    QTest::newRow("head too big") << 0 << 3 << single << 0.0 << std::vector<int>{} << "head 3";
    QTest::newRow("discard ratio 1") << 1 << 0 << rollout << 1.0 << std::vector<int>{} << "discard ratio";
    QTest::newRow("discard ratio NaN") << 1 << 0 << rollout << std::nan("") << std::vector<int>{} << "discard ratio";
    QTest::newRow("hidden key out of range") << 0 << 0 << single << 0.0 << std::vector<int>{4} << "key 4";
    QTest::newRow("every key hidden") << 0 << 0 << single << 0.0 << std::vector<int>{0, 1, 2, 3} << "every";
}

void TstAttentionViews::errors()
{
    QFETCH(int, layer);
    QFETCH(int, head);
    QFETCH(int, mode);
    QFETCH(double, ratio);
    QFETCH(std::vector<int>, hidden);
    QFETCH(QString, mentions);
    const AttentionBundle b = syntheticBundle(2, 3, {"a", "b", "c", "d"});
    ViewRequest r;
    r.layer = layer;
    r.head = head;
    r.mode = ViewRequest::Mode(mode);
    r.discardRatio = ratio;
    r.hiddenKeys = hidden;
    auto v = computeView(b, r);
    QVERIFY(!v.ok());
    const QString message = QString::fromStdString(v.error().message);
    QVERIFY2(message.contains(mentions) && message.contains("synthetic"), qPrintable(message));
}

void TstAttentionViews::descriptionSaysWhatIsShown()
{
    const AttentionBundle b = syntheticBundle(4, 12, {"[CLS]", "a", "##b", "[SEP]"});
    ViewRequest r;
    r.mode = ViewRequest::Mode::FuseHeads;
    r.layer = 3;
    r.hiddenKeys = {0, 3};
    r.renormalize = true;
    r.mergeSubwords = true;
    r.norm = Normalization::Row;
    auto v = computeView(b, r);
    QVERIFY(v.ok());
    QCOMPARE(v->description,
             std::string("mean of 12 heads, layer 3; keys hidden: [CLS], [SEP], renormalised; sub-words merged "
                         "(WordPiece); rows normalised"));
    r.mode = ViewRequest::Mode::Rollout;
    r.discardRatio = 0.25;
    r.difference = ViewRequest::Difference{1, 0};
    v = computeView(b, r);
    QVERIFY(v.ok());
    QVERIFY2(v->description.starts_with("A − B: rollout of layers 0–3 (mean of heads, discard ratio 0.25) minus "
                                        "rollout of layers 0–1"),
             v->description.c_str());
}

void TstAttentionViews::mergingWithoutMarkersWarns()
{
    const AttentionBundle b = syntheticBundle(1, 1, {"the", "cat"});
    ViewRequest r;
    r.mergeSubwords = true;
    auto v = computeView(b, r);
    QVERIFY(v.ok());
    QVERIFY(!v->subwordsMerged);
    QCOMPARE(v->warnings.size(), std::size_t(1));
    QVERIFY(v->description.find("none found") != std::string::npos);
    QCOMPARE(v->values.rows(), 2);
}

void TstAttentionViews::checksWeightRows_data()
{
    // Each case: a [2, 1, 2, 3] tensor (4 rows of 3), written row by row; then the counts by hand.
    QTest::addColumn<std::vector<double>>("values");
    QTest::addColumn<int>("negativeRows");
    QTest::addColumn<int>("badSumRows");
    QTest::addColumn<double>("worstSum");
    QTest::addColumn<int>("nan");
    QTest::addColumn<int>("inf");
    QTest::addColumn<QString>("warning");
    const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
    QTest::newRow("softmax rows") << std::vector<double>{0.2, 0.3, 0.5, 1, 0, 0, 0.1, 0.1, 0.8, 0.3334, 0.3333, 0.3333}
                                  << 0 << 0 << 1.0 << 0 << 0 << "";
    QTest::newRow("an all-zero row is a fully masked query") << std::vector<double>{0.2, 0.3, 0.5, 0, 0, 0, 0, 0, 1, 0.5, 0.5, 0}
                                                             << 0 << 0 << 1.0 << 0 << 0 << "";
    QTest::newRow("within 1e-3") << std::vector<double>{0.2, 0.3, 0.5009, 1, 0, 0, 0.1, 0.1, 0.7995, 0.5, 0.5, 0}
                                 << 0 << 0 << 1.0009 << 0 << 0 << "";
    QTest::newRow("rows summing to 7") << std::vector<double>{1, 2, 4, 7, 0, 0, 3, 3, 1, 0, 0, 7}
                                       << 0 << 4 << 7.0 << 0 << 0
                                       << "Warning: 4 of 4 rows do not sum to 1 (worst 7.000): these may not be softmax weights.";
    QTest::newRow("worst is furthest from 1, below") << std::vector<double>{0.2, 0.3, 0.5, 0.1, 0, 0, 0.5, 0.5, 0.5, 0.3, 0.3, 0.3}
                                                     << 0 << 3 << 0.1 << 0 << 0
                                                     << "Warning: 3 of 4 rows do not sum to 1 (worst 0.100): these may not be softmax weights.";
    QTest::newRow("negative values summing to 1") << std::vector<double>{-0.5, 1, 0.5, 1, 0, 0, 2, -1, 0, 0.2, 0.3, 0.5}
                                                  << 2 << 0 << 1.0 << 0 << 0
                                                  << "Warning: 2 rows have negative values: these may not be softmax weights.";
    QTest::newRow("one of each") << std::vector<double>{-1, 1, 3, 0.2, 0.3, 0.5, nan, 0.5, 0.5, inf, 0, 0}
                                 << 1 << 1 << 3.0 << 1 << 1
                                 << "Warning: 1 of 4 rows does not sum to 1 (worst 3.000), 1 row has negative values, "
                                    "1 value is NaN and 1 value is infinite: these may not be softmax weights.";
}

void TstAttentionViews::checksWeightRows()
{
    QFETCH(std::vector<double>, values);
    QFETCH(int, negativeRows);
    QFETCH(int, badSumRows);
    QFETCH(double, worstSum);
    QFETCH(int, nan);
    QFETCH(int, inf);
    QFETCH(QString, warning);
    std::vector<Mat<double>> ms;
    for (int m = 0; m < 2; ++m)
        ms.push_back(Eigen::Map<const Mat<double>>(values.data() + m * 6, 2, 3));
    for (const bool asFloat : {false, true}) {
        Tensor t = Tensor::fromMatrices(ms);
        if (asFloat) {
            std::vector<Mat<float>> fs;
            for (const auto &m : ms)
                fs.push_back(m.cast<float>());
            t = Tensor::fromMatrices(fs);
        }
        t.shape = {2, 1, 2, 3};
        const WeightRowsCheck c = checkWeightRows(t);
        QCOMPARE(c.rows, std::int64_t(4));
        QCOMPARE(c.negativeRows, std::int64_t(negativeRows));
        QCOMPARE(c.badSumRows, std::int64_t(badSumRows));
        QVERIFY2(std::abs(c.worstSum - worstSum) < (asFloat ? 1e-6 : 1e-12), qPrintable(QString::number(c.worstSum)));
        QCOMPARE(c.nanValues, std::int64_t(nan));
        QCOMPARE(c.infValues, std::int64_t(inf));
        QCOMPARE(c.looksLikeWeights(), warning.isEmpty());
        QCOMPARE(QString::fromStdString(weightRowsWarning(c)), warning);
    }
}

QTEST_GUILESS_MAIN(TstAttentionViews)
#include "tst_attention_views.moc"

void TstAttentionViews::hiddenLabelsNameOriginalIndices()
{
    // [CLS] a un ##able [SEP]: hide [CLS] and [SEP] with their rows, merge; by hand the words are
    // "a" (index 1) and "unable" (index 2, its first piece).
    const AttentionBundle b = syntheticBundle(1, 1, {"[CLS]", "a", "un", "##able", "[SEP]"});
    ViewRequest r;
    r.hiddenKeys = {0, 4};
    r.hideRows = true;
    r.mergeSubwords = true;
    auto v = computeView(b, r);
    QVERIFY(v.ok());
    QCOMPARE(v->rowIndex, (std::vector<std::int64_t>{1, 2}));
    QCOMPARE(v->colIndex, (std::vector<std::int64_t>{1, 2}));
    QCOMPARE(pictureRowLabels(*v), (Strings{"a #1", "unable #2"}));
    QCOMPARE(pictureColLabels(*v), (Strings{"a #1", "unable #2"}));
    // Keys only: the rows keep their plain labels (merged: four words).
    r.hideRows = false;
    v = computeView(b, r);
    QVERIFY(v.ok());
    QCOMPARE(pictureRowLabels(*v), (Strings{"[CLS]", "a", "unable", "[SEP]"}));
    QCOMPARE(pictureColLabels(*v), (Strings{"a #1", "unable #2"}));
    // Nothing hidden: plain labels; without tokens the index alone.
    QCOMPARE(indexedLabel("7", 7), std::string("7"));
    QCOMPARE(indexedLabel("x", 7), std::string("x #7"));
}

void TstAttentionViews::hidingRowsErrors()
{
    AttentionBundle cross = syntheticBundle(1, 1, {"a", "b", "c"});
    cross.attentions = Tensor::fromMatrix(Mat<double>(Mat<double>::Constant(2, 3, 1.0 / 3))); // Tq != Tk
    cross.attentions.shape = {1, 1, 2, 3};
    cross.tokens = {"x", "y"};
    ViewRequest r;
    r.hiddenKeys = {0};
    r.hideRows = true;
    auto v = computeView(cross, r);
    QVERIFY(!v.ok());
    QVERIFY2(QString::fromStdString(v.error().message).contains("as many queries as keys"), v.error().message.c_str());

    const AttentionBundle b = syntheticBundle(1, 1, {"a", "b"});
    r.hiddenKeys = {0, 1};
    v = computeView(b, r);
    QVERIFY(!v.ok());
    r.hiddenKeys = {5};
    v = computeView(b, r);
    QVERIFY(!v.ok());
    QVERIFY2(QString::fromStdString(v.error().message).contains("out of range"), v.error().message.c_str());
}
