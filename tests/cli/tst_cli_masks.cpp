// Mask conventions of `attnscope-cli attention` and `stages` against PyTorch 1.13 (python3-torch):
// --attention-mask (Hugging Face: 1 = keep), --key-padding bool (nn.MultiheadAttention's
// key_padding_mask: True = padding) and float (added, as MultiheadAttention adds it), masks with
// a batch axis [B, H, Tq, Tk] / [B, 1, Tq, Tk] and key masks [B, Tk] following --batch, causal
// top-left aligned when Tq ≠ Tk (torch's is_causal). Also the warning for non-finite results
// from finite float32 inputs (issue 11, item 8).
//
// References are computed by torch in float64 (the private F._scaled_dot_product_attention of
// torch 1.13, whose bool attn_mask is True = attend, as the public SDPA of torch 2; and
// nn.MultiheadAttention with identity projections). The CLI runs with --precision f64.
// Tolerance: |got − expected| <= 1e-10 + 1e-9·|expected|; weights of masked keys exactly 0.

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "cli_run.h"
#include "npy.h"

using namespace attnscope;
using attnscope::test::Run;
using attnscope::test::runCli;

namespace {

QString describe(const Run &r)
{
    return QStringLiteral("exit %1%2\nstdout: %3\nstderr: %4").arg(r.exitCode).arg(r.crashed ? " (crashed)" : "").arg(r.out, r.err);
}

QStringList stderrLines(const QString &err) { return err.split('\n', Qt::SkipEmptyParts); }

/// Runs /usr/bin/python3 -c `script` `args`; its stderr on failure.
QString runPython(const char *script, const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral("/usr/bin/python3"), QStringList{"-c", QString::fromUtf8(script)} + args);
    if (!p.waitForFinished(300000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return QString::fromUtf8(p.readAllStandardError()) + " (python failed)";
    return {};
}

/// Writes OUT/<case>/ (inputs, weights.npy, output.npy from torch) and OUT/manifest.json.
const char *kTorchCases = R"PY(
import json, os, sys
import numpy as np
import torch
import torch.nn.functional as F

out = sys.argv[1]
torch.manual_seed(11)
cases = []

def rnd(*shape):
    return torch.randn(*shape, dtype=torch.float64)

def save(case, name, t):
    os.makedirs(os.path.join(out, case), exist_ok=True)
    np.save(os.path.join(out, case, name), t.numpy() if isinstance(t, torch.Tensor) else t)

def sdpa(q, k, v, mask=None, causal=False):
    o, w = F._scaled_dot_product_attention(q, k, v, mask, 0.0, True, causal)
    return o, w

def mha(q, k, v, key_padding_mask=None, attn_mask=None):
    """nn.MultiheadAttention with one head and identity projections: q [B, T, d]."""
    d = q.shape[-1]
    m = torch.nn.MultiheadAttention(d, 1, bias=False, batch_first=True).double()
    with torch.no_grad():
        m.in_proj_weight.copy_(torch.cat([torch.eye(d)] * 3).double())
        m.out_proj.weight.copy_(torch.eye(d).double())
        o, w = m(q, k, v, key_padding_mask=key_padding_mask, attn_mask=attn_mask, need_weights=True,
                 average_attn_weights=False)
    return o, w

def add(name, args, files, weights, output):
    for f, t in files.items():
        save(name, f, t)
    save(name, "weights.npy", weights.detach())
    save(name, "output.npy", output.detach())
    cases.append({"name": name, "args": args})

B, H, T, S, d = 2, 2, 3, 5, 4
q, k, v = rnd(B, H, T, d), rnd(B, H, S, d), rnd(B, H, S, d)
qkv = {"q.npy": q, "k.npy": k, "v.npy": v}
base = ["--q", "q.npy", "--k", "k.npy", "--v", "v.npy", "--precision", "f64"]

# Hugging Face attention_mask [B, Tk], int64, 1 = keep; batch item 1.
am = torch.tensor([[1, 1, 1, 0, 0], [1, 0, 1, 1, 0]], dtype=torch.int64)
o, w = sdpa(q[1], k[1], v[1], am[1].bool().expand(H, T, S))
add("hf_attention_mask_batch1", base + ["--attention-mask", "am.npy", "--batch", "1"], dict(qkv, **{"am.npy": am}), w, o)
o, w = sdpa(q[0], k[0], v[0], am[0].bool().expand(H, T, S))
add("hf_attention_mask_batch0", base + ["--attention-mask", "am.npy"], dict(qkv, **{"am.npy": am}), w, o)

# 2-D inputs, a bool attention_mask [Tk].
q2, k2, v2 = rnd(T, d), rnd(S, d), rnd(S, d)
am1 = torch.tensor([True, False, True, True, False])
o, w = sdpa(q2[None], k2[None], v2[None], am1.expand(1, T, S))
add("hf_attention_mask_1d", ["--q", "q.npy", "--k", "k.npy", "--v", "v.npy", "--precision", "f64", "--attention-mask", "am.npy"],
    {"q.npy": q2, "k.npy": k2, "v.npy": v2, "am.npy": am1}, w[0], o[0])

# Key padding: one head, inputs [B, 1, T, d]; nn.MultiheadAttention on [B, T, d].
q1, k1, v1 = rnd(B, 1, T, d), rnd(B, 1, S, d), rnd(B, 1, S, d)
qkv1 = {"q.npy": q1, "k.npy": k1, "v.npy": v1}
kpb = torch.tensor([[False, False, True, True, False], [False, True, False, False, True]])
o, w = mha(q1[:, 0], k1[:, 0], v1[:, 0], key_padding_mask=kpb)
add("key_padding_bool_batch1", base + ["--key-padding", "kp.npy", "--batch", "1"], dict(qkv1, **{"kp.npy": kpb}), w[1], o[1][None])
kpf = torch.tensor([[0.0, 0.0, -1.0, float("-inf"), 0.5], [0.0, -1.0, 0.0, 0.0, -2.5]], dtype=torch.float64)
o, w = mha(q1[:, 0], k1[:, 0], v1[:, 0], key_padding_mask=kpf)
add("key_padding_float_batch0", base + ["--key-padding", "kp.npy"], dict(qkv1, **{"kp.npy": kpf}), w[0], o[0][None])
add("key_padding_float_batch1", base + ["--key-padding", "kp.npy", "--batch", "1"], dict(qkv1, **{"kp.npy": kpf}), w[1], o[1][None])
# A float key padding is float32 in most files: -1.0 is added, not taken for padding.
add("key_padding_float32_batch1", base + ["--key-padding", "kp.npy", "--batch", "1"],
    dict(qkv1, **{"kp.npy": kpf.float().numpy()}), w[1], o[1][None])

# Masks with a batch axis: bool [B, H, Tq, Tk] (True = attend, as SDPA) and float [B, 1, Tq, Tk].
mb = torch.rand(B, H, T, S) > 0.4
mb[..., 0] = True  # no fully masked rows (torch gives NaN there)
o, w = sdpa(q[1], k[1], v[1], mb[1])
add("mask_bool_bhts_batch1", base + ["--mask", "m.npy", "--batch", "1"], dict(qkv, **{"m.npy": mb}), w, o)
mf = rnd(B, 1, T, S)
mf[1, 0, 0, 2] = float("-inf")
w = torch.softmax(q[1] @ k[1].transpose(-1, -2) / d ** 0.5 + mf[1], -1)
add("mask_float_b1ts_batch1", base + ["--mask", "m.npy", "--batch", "1"], dict(qkv, **{"m.npy": mf}), w, w @ v[1])
# [1, H, Tq, Tk] broadcasts over the batch.
o, w = sdpa(q[1], k[1], v[1], mb[0])
add("mask_bool_broadcast_batch1", base + ["--mask", "m.npy", "--batch", "1"], dict(qkv, **{"m.npy": mb[:1]}), w, o)

# causal with Tq != Tk: top-left aligned, query i attends keys 0..i (torch's is_causal).
o, w = sdpa(q2[None], k2[None], v2[None], None, True)
add("causal_tq3_tk5", ["--q", "q.npy", "--k", "k.npy", "--v", "v.npy", "--precision", "f64", "--mask", "causal"],
    {"q.npy": q2, "k.npy": k2, "v.npy": v2}, w[0], o[0])

json.dump({"torch": torch.__version__, "cases": cases}, open(os.path.join(out, "manifest.json"), "w"), indent=1)
)PY";

/// Empty when every element matches; else the first difference.
QString compare(const QString &what, const Tensor &expected, const Tensor &got)
{
    if (expected.shape != got.shape)
        return what + ": shape " + QString::fromStdString(shapeToString(got.shape)) + ", expected " +
               QString::fromStdString(shapeToString(expected.shape));
    for (std::int64_t i = 0; i < expected.numel(); ++i) {
        const double e = expected.at(i), g = got.at(i);
        const bool ok = std::isnan(g) ? false : (e == 0 ? g == 0 || std::abs(g) <= 1e-10 : std::abs(g - e) <= 1e-10 + 1e-9 * std::abs(e));
        if (!ok)
            return QStringLiteral("%1 at flat index %2: got %3, expected %4").arg(what).arg(i).arg(g, 0, 'g', 17).arg(e, 0, 'g', 17);
    }
    return {};
}

/// Weights that torch gives exactly 0 (masked keys) must be exactly 0 here too.
QString maskedExactlyZero(const Tensor &expected, const Tensor &got)
{
    for (std::int64_t i = 0; i < expected.numel() && i < got.numel(); ++i)
        if (expected.at(i) == 0 && got.at(i) != 0)
            return QStringLiteral("weight at flat index %1 is %2, torch has exactly 0 (a masked key)").arg(i).arg(got.at(i));
    return {};
}

} // namespace

class TstCliMasks : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void againstTorch_data();
    void againstTorch();
    void stagesSharesTheMaskOptions();
    void refusals_data();
    void refusals();
    void float32OverflowWarns();
    void helpNamesTheConventions();

private:
    QTemporaryDir m_dir;
    QJsonArray m_cases;
};

void TstCliMasks::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QString problem = runPython(kTorchCases, {m_dir.path()});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QFile f(m_dir.filePath("manifest.json"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    m_cases = QJsonDocument::fromJson(f.readAll()).object().value("cases").toArray();
    QCOMPARE(m_cases.size(), 11);
}

void TstCliMasks::againstTorch_data()
{
    QTest::addColumn<int>("index");
    for (int i = 0; i < m_cases.size(); ++i)
        QTest::newRow(qPrintable(m_cases[i].toObject().value("name").toString())) << i;
}

void TstCliMasks::againstTorch()
{
    QFETCH(int, index);
    const QJsonObject c = m_cases[index].toObject();
    const QString dir = m_dir.filePath(c.value("name").toString());
    QStringList args{"attention"};
    for (const auto &a : c.value("args").toArray())
        args << a.toString();
    args << "--weights-out" << "got_weights.npy" << "--output-out" << "got_output.npy";
    const Run r = runCli(args, dir);
    QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(args.join(' ') + "\n" + describe(r)));
    QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
    auto expW = readNpy((dir + "/weights.npy").toStdString()), gotW = readNpy((dir + "/got_weights.npy").toStdString());
    auto expO = readNpy((dir + "/output.npy").toStdString()), gotO = readNpy((dir + "/got_output.npy").toStdString());
    QVERIFY(expW.ok() && gotW.ok() && expO.ok() && gotO.ok());
    QString diff = compare("weights", *expW, *gotW);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    diff = maskedExactlyZero(*expW, *gotW);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    diff = compare("output", *expO, *gotO);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
}

void TstCliMasks::stagesSharesTheMaskOptions()
{
    // `stages` reads the same options: its weights.npy for the HF attention mask, batch item 1.
    const QString dir = m_dir.filePath("hf_attention_mask_batch1");
    const Run r = runCli({"stages", "--q", "q.npy", "--k", "k.npy", "--v", "v.npy", "--precision", "f64", "--attention-mask",
                          "am.npy", "--batch", "1", "--out-dir", "stages", "--width", "200", "--height", "160"},
                         dir);
    QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
    auto exp = readNpy((dir + "/weights.npy").toStdString()), got = readNpy((dir + "/stages/weights.npy").toStdString());
    QVERIFY(exp.ok() && got.ok());
    const QString diff = compare("stages weights", *exp, *got);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
}

void TstCliMasks::refusals_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("mentions");
    const QStringList b = {"--q", "q.npy", "--k", "k.npy", "--v", "v.npy"};
    // The inputs of hf_attention_mask_1d are 2-D: [3, 4], [5, 4]; key_padding_float_batch0's are [2, 1, T, d].
    QTest::newRow("float attention mask") << (b + QStringList{"--attention-mask", "fam.npy"}) << "Hugging Face";
    QTest::newRow("[B, Tk] key padding with 2-D inputs") << (b + QStringList{"--key-padding", "kp2.npy"}) << "batch";
    QTest::newRow("[B, H, Tq, Tk] mask with 2-D inputs") << (b + QStringList{"--mask", "m4.npy"}) << "batch";
    QTest::newRow("attention mask of the wrong length") << (b + QStringList{"--attention-mask", "am4.npy"}) << "am4.npy";
}

void TstCliMasks::refusals()
{
    QFETCH(QStringList, args);
    QFETCH(QString, mentions);
    const QString dir = m_dir.filePath("hf_attention_mask_1d");
    const QString problem = runPython("import numpy as np, os, sys\n"
                                      "d = sys.argv[1]\n"
                                      "np.save(os.path.join(d, 'fam.npy'), np.array([1, 1, 0, 1, 0], np.float32))\n"
                                      "np.save(os.path.join(d, 'kp2.npy'), np.zeros((2, 5), bool))\n"
                                      "np.save(os.path.join(d, 'm4.npy'), np.ones((2, 1, 3, 5), bool))\n"
                                      "np.save(os.path.join(d, 'am4.npy'), np.ones(4, np.int64))\n",
                                      {dir});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const Run r = runCli(QStringList{"attention"} + args + QStringList{"--weights-out", "refused.npy"}, dir);
    QVERIFY2(!r.crashed && r.exitCode == 2, qPrintable(describe(r)));
    const QStringList lines = stderrLines(r.err);
    QVERIFY2(lines.size() == 1 && lines[0].startsWith("error: ") && lines[0].contains(mentions), qPrintable(r.err));
    QVERIFY(!QFile::exists(dir + "/refused.npy"));
}

void TstCliMasks::float32OverflowWarns()
{
    // Finite float32 inputs whose scores overflow: rows 1 and 3 of head 0 hold ±3e38, so some
    // q·k are +inf, then inf − inf = NaN in the softmax. numpy float32 agrees that the scores are
    // not finite; the CLI must say so (naming head and rows) instead of exiting 0 silently, and
    // float64 must compute the same inputs without the warning.
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString problem = runPython("import numpy as np, os, sys\n"
                                      "d = sys.argv[1]\n"
                                      "q = np.ones((2, 4, 2), np.float32); q[0, 1] = 3e38; q[0, 3] = [3e38, -3e38]\n"
                                      "k = np.ones((2, 5, 2), np.float32); k[:, 2, 0] = 2.0\n"
                                      "v = np.arange(20, dtype=np.float32).reshape(2, 5, 2)\n"
                                      "with np.errstate(over='ignore', invalid='ignore'):\n"
                                      "    s = (q[0] @ k[0].T) / np.float32(np.sqrt(2))\n"
                                      "assert np.all(np.isfinite(q)) and not np.all(np.isfinite(s[1]))\n"
                                      "for n, a in (('q', q), ('k', k), ('v', v)): np.save(os.path.join(d, n + '.npy'), a)\n",
                                      {tmp.path()});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const QStringList args = {"attention", "--q", "q.npy", "--k", "k.npy", "--v", "v.npy", "--weights-out", "w.npy"};
    const Run r = runCli(args, tmp.path());
    QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
    const QStringList lines = stderrLines(r.err);
    QVERIFY2(lines.size() == 1, qPrintable(r.err));
    QVERIFY2(lines[0].startsWith("warning: non-finite"), qPrintable(r.err));
    QVERIFY2(lines[0].contains("head 0 query row 1, 3"), qPrintable(r.err));
    QVERIFY2(!lines[0].contains("head 1"), qPrintable(r.err));
    QVERIFY2(lines[0].contains("--precision f64"), qPrintable(r.err));

    const Run r64 = runCli(args + QStringList{"--precision", "f64"}, tmp.path());
    QVERIFY2(r64.exitCode == 0 && r64.err.isEmpty(), qPrintable(describe(r64)));
    auto w = readNpy(tmp.filePath("w.npy").toStdString());
    QVERIFY(w.ok());
    for (std::int64_t i = 0; i < w->numel(); ++i)
        QVERIFY2(std::isfinite(w->at(i)), "float64 weights must be finite");
}

void TstCliMasks::helpNamesTheConventions()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const Run r = runCli({"attention", "--help"}, tmp.path());
    QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
    for (const char *word : {"--attention-mask", "1 = keep", "top-left", "[B, H, Tq, Tk]", "[B, Tk]", "added to"})
        QVERIFY2(r.out.contains(QString::fromUtf8(word)), word);
}

QTEST_GUILESS_MAIN(TstCliMasks)
#include "tst_cli_masks.moc"
