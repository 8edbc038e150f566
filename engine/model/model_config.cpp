// config.json → ModelConfig: the model type, its sizes and the details of its architecture.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

#include "model_internal.h"

namespace attnscope {

const char *supportedModelTypes()
{
    return "bert, gpt2, llama, mistral, qwen2, qwen3, vit";
}

namespace {

/// Sizes above this are refused outright: no real model has a dimension of 2^24, and the
/// products of such sizes stay far from overflowing int64.
constexpr std::int64_t kMaxSize = std::int64_t(1) << 24;

struct ConfigReader {
    const QJsonObject &obj;
    const std::string &path;

    Error bad(const char *key, const std::string &problem) const
    {
        return makeError(Error::Code::BadFormat, path + ": '" + key + "' " + problem);
    }
    bool has(const char *key) const { return obj.contains(QLatin1String(key)) && !obj.value(QLatin1String(key)).isNull(); }

    /// A positive integer at `key` (the first of `keys` present), or `fallback` (≤ 0: required).
    Result<std::int64_t> size(std::initializer_list<const char *> keys, std::int64_t fallback = 0) const
    {
        for (const char *key : keys) {
            if (!has(key))
                continue;
            const QJsonValue v = obj.value(QLatin1String(key));
            const double d = v.toDouble(-1);
            if (!v.isDouble() || d != std::floor(d) || d < 1 || d > double(kMaxSize))
                return bad(key, "must be a whole number from 1 to " + std::to_string(kMaxSize));
            return std::int64_t(d);
        }
        if (fallback > 0)
            return fallback;
        return makeError(Error::Code::BadFormat, path + ": '" + *keys.begin() + "' is missing");
    }
    double number(std::initializer_list<const char *> keys, double fallback) const
    {
        for (const char *key : keys)
            if (has(key))
                return obj.value(QLatin1String(key)).toDouble(fallback);
        return fallback;
    }
    bool flag(const char *key, bool fallback) const { return has(key) ? obj.value(QLatin1String(key)).toBool(fallback) : fallback; }
    std::string text(std::initializer_list<const char *> keys, const std::string &fallback) const
    {
        for (const char *key : keys)
            if (has(key))
                return obj.value(QLatin1String(key)).toString().toStdString();
        return fallback;
    }
};

Result<Activation> activationFrom(const ConfigReader &r, std::initializer_list<const char *> keys, const std::string &fallback)
{
    const std::string name = r.text(keys, fallback);
    if (name == "gelu")
        return Activation::GeluErf;
    if (name == "gelu_new" || name == "gelu_pytorch_tanh")
        return Activation::GeluTanh;
    if (name == "silu" || name == "swish")
        return Activation::Silu;
    return makeError(Error::Code::Unsupported, r.path + ": activation '" + name +
                                                   "' is not supported (gelu, gelu_new, gelu_pytorch_tanh, silu)");
}

/// rope_scaling / rope_parameters: only the default rotation is computed; any other type is
/// refused by name. rope_parameters.rope_theta overrides rope_theta.
Status readRope(const ConfigReader &r, ModelConfig &c)
{
    c.ropeTheta = r.number({"rope_theta"}, 10000.0);
    for (const char *key : {"rope_scaling", "rope_parameters"}) {
        if (!r.has(key))
            continue;
        const QJsonObject rope = r.obj.value(QLatin1String(key)).toObject();
        QString type = rope.value(QLatin1String("rope_type")).toString();
        if (type.isEmpty())
            type = rope.value(QLatin1String("type")).toString();
        if (!type.isEmpty() && type != QLatin1String("default"))
            return makeError(Error::Code::Unsupported, r.path + ": " + key + " type '" + type.toStdString() +
                                                           "' is not supported (only the default rotary embedding)");
        if (rope.contains(QLatin1String("rope_theta")))
            c.ropeTheta = rope.value(QLatin1String("rope_theta")).toDouble(c.ropeTheta);
    }
    if (!(c.ropeTheta > 1.0) || !std::isfinite(c.ropeTheta))
        return r.bad("rope_theta", "must be a number above 1");
    return okStatus();
}

Status readBert(const ConfigReader &r, ModelConfig &c)
{
    auto &i = c.info;
    const std::string posType = r.text({"position_embedding_type"}, "absolute");
    if (posType != "absolute")
        return makeError(Error::Code::Unsupported, r.path + ": position_embedding_type '" + posType + "' is not supported (absolute)");
    auto act = activationFrom(r, {"hidden_act"}, "gelu");
    auto inter = r.size({"intermediate_size"}, 4 * std::int64_t(i.hidden));
    auto types = r.size({"type_vocab_size"}, 2);
    auto pos = r.size({"max_position_embeddings"}, 512);
    if (!act || !inter || !types || !pos)
        return !act ? act.error() : !inter ? inter.error() : !types ? types.error() : pos.error();
    c.activation = *act;
    c.intermediate = *inter;
    c.typeVocab = *types;
    i.maxPositions = int(*pos);
    c.normEps = r.number({"layer_norm_eps"}, 1e-12);
    return okStatus();
}

Status readGpt2(const ConfigReader &r, ModelConfig &c)
{
    auto act = activationFrom(r, {"activation_function"}, "gelu_new");
    auto inter = r.size({"n_inner"}, 4 * std::int64_t(c.info.hidden));
    auto pos = r.size({"n_positions", "max_position_embeddings"}, 1024);
    if (!act || !inter || !pos)
        return !act ? act.error() : !inter ? inter.error() : pos.error();
    c.activation = *act;
    c.intermediate = *inter;
    c.info.maxPositions = int(*pos);
    c.info.causal = true;
    c.normEps = r.number({"layer_norm_epsilon"}, 1e-5);
    c.scaleAttnWeights = r.flag("scale_attn_weights", true);
    c.scaleByInverseLayer = r.flag("scale_attn_by_inverse_layer_idx", false);
    c.tieWordEmbeddings = r.flag("tie_word_embeddings", true);
    return okStatus();
}

Status readLlama(const ConfigReader &r, ModelConfig &c)
{
    auto &i = c.info;
    auto act = activationFrom(r, {"hidden_act"}, "silu");
    auto inter = r.size({"intermediate_size"});
    auto pos = r.size({"max_position_embeddings"}, 2048);
    auto kv = r.size({"num_key_value_heads"}, i.heads);
    auto headDim = r.size({"head_dim"}, i.hidden / i.heads);
    if (!act || !inter || !pos || !kv || !headDim)
        return !act ? act.error() : !inter ? inter.error() : !pos ? pos.error() : !kv ? kv.error() : headDim.error();
    if (auto rope = readRope(r, c); !rope)
        return rope.error();
    c.activation = *act;
    c.intermediate = *inter;
    i.maxPositions = int(*pos);
    i.kvHeads = int(*kv);
    i.headDim = int(*headDim);
    if (i.heads % i.kvHeads != 0)
        return makeError(Error::Code::BadFormat, r.path + ": num_attention_heads " + std::to_string(i.heads) +
                                                     " is not a multiple of num_key_value_heads " + std::to_string(i.kvHeads));
    if (i.headDim % 2 != 0)
        return r.bad("head_dim", "must be even for the rotary embedding");
    const double partial = r.number({"partial_rotary_factor"}, 1.0);
    if (partial != 1.0)
        return makeError(Error::Code::Unsupported, r.path + ": partial_rotary_factor other than 1 is not supported");
    i.causal = true;
    c.normEps = r.number({"rms_norm_eps"}, 1e-6);
    c.attentionBias = r.flag("attention_bias", false);
    c.mlpBias = r.flag("mlp_bias", false);
    c.qkvBias = c.attentionBias || i.type == "qwen2";
    c.qkNorm = i.type == "qwen3";
    c.tieWordEmbeddings = r.flag("tie_word_embeddings", false);
    if (i.type == "mistral" && r.has("sliding_window"))
        if (auto w = r.size({"sliding_window"}); w)
            i.slidingWindow = int(*w);
    if ((i.type == "qwen2" || i.type == "qwen3") && r.flag("use_sliding_window", false))
        return makeError(Error::Code::Unsupported, r.path + ": use_sliding_window is not supported for " + i.type);
    return okStatus();
}

Status readVit(const ConfigReader &r, ModelConfig &c)
{
    auto &i = c.info;
    auto act = activationFrom(r, {"hidden_act"}, "gelu");
    auto inter = r.size({"intermediate_size"}, 4 * std::int64_t(i.hidden));
    auto image = r.size({"image_size"}, 224);
    auto patch = r.size({"patch_size"}, 16);
    auto channels = r.size({"num_channels"}, 3);
    if (!act || !inter || !image || !patch || !channels)
        return !act ? act.error() : !inter ? inter.error() : !image ? image.error() : !patch ? patch.error() : channels.error();
    if (*image % *patch != 0)
        return r.bad("image_size", "is not a multiple of patch_size");
    if (*channels != 3)
        return r.bad("num_channels", "must be 3 (RGB)");
    c.activation = *act;
    c.intermediate = *inter;
    i.imageSize = int(*image);
    i.patchSize = int(*patch);
    i.image = true;
    c.normEps = r.number({"layer_norm_eps"}, 1e-12);
    c.qkvBias = r.flag("qkv_bias", true);
    return okStatus();
}

/// "gpt2" for …/models--gpt2/snapshots/<hash>, "org/name" for models--org--name, else the folder.
std::string modelName(const QString &dir)
{
    const QDir d(dir);
    const QString folder = QFileInfo(QDir::cleanPath(d.absolutePath())).fileName();
    QDir up(d.absolutePath());
    if (up.cdUp() && up.dirName() == QLatin1String("snapshots") && up.cdUp() && up.dirName().startsWith(QLatin1String("models--")))
        return up.dirName().mid(8).replace(QLatin1String("--"), QLatin1String("/")).toStdString();
    return folder.toStdString();
}

Result<QJsonObject> readJsonObject(const std::string &path)
{
    QFile f(QString::fromStdString(path));
    if (!f.exists())
        return makeError(Error::Code::FileNotFound, path + ": no such file (a model folder needs its config.json)");
    if (!f.open(QIODevice::ReadOnly))
        return makeError(Error::Code::ReadFailed, path + ": cannot be read");
    if (f.size() > (std::int64_t(16) << 20))
        return makeError(Error::Code::BadFormat, path + ": larger than 16 MiB, not a model config");
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return makeError(Error::Code::BadFormat, path + ": not a JSON object (" + err.errorString().toStdString() + ")");
    return doc.object();
}

} // namespace

Result<ModelConfig> readModelConfig(const std::string &dir)
{
    ModelConfig c;
    c.configPath = QDir(QString::fromStdString(dir)).filePath(QStringLiteral("config.json")).toStdString();
    auto obj = readJsonObject(c.configPath);
    if (!obj)
        return obj.error();
    const ConfigReader r{*obj, c.configPath};
    auto &i = c.info;
    i.dir = dir;
    i.name = modelName(QString::fromStdString(dir));
    i.type = r.text({"model_type"}, "");
    if (i.type.empty())
        return makeError(Error::Code::BadFormat, c.configPath + ": 'model_type' is missing");
    const bool llamaLike = i.type == "llama" || i.type == "mistral" || i.type == "qwen2" || i.type == "qwen3";
    if (i.type != "bert" && i.type != "gpt2" && i.type != "vit" && !llamaLike)
        return makeError(Error::Code::Unsupported, c.configPath + ": model_type '" + i.type +
                                                       "' is not supported (supported: " + supportedModelTypes() + ")");
    const bool gpt2 = i.type == "gpt2";
    auto layers = gpt2 ? r.size({"n_layer", "num_hidden_layers"}) : r.size({"num_hidden_layers"});
    auto heads = gpt2 ? r.size({"n_head", "num_attention_heads"}) : r.size({"num_attention_heads"});
    auto hidden = gpt2 ? r.size({"n_embd", "hidden_size"}) : r.size({"hidden_size"});
    if (!layers || !heads || !hidden)
        return !layers ? layers.error() : !heads ? heads.error() : hidden.error();
    if (*layers > 4096 || *heads > 4096)
        return makeError(Error::Code::BadFormat, c.configPath + ": more than 4096 layers or heads");
    i.layers = int(*layers);
    i.heads = int(*heads);
    i.kvHeads = i.heads;
    i.hidden = int(*hidden);
    i.headDim = i.hidden / i.heads;
    if (!llamaLike && i.hidden % i.heads != 0)
        return makeError(Error::Code::BadFormat, c.configPath + ": hidden size " + std::to_string(i.hidden) +
                                                     " is not a multiple of the " + std::to_string(i.heads) + " heads");
    if (i.type != "vit") {
        auto vocab = r.size({"vocab_size"});
        if (!vocab)
            return vocab.error();
        c.vocab = *vocab;
    }
    const Status s = i.type == "bert" ? readBert(r, c) : gpt2 ? readGpt2(r, c) : i.type == "vit" ? readVit(r, c) : readLlama(r, c);
    if (!s)
        return s.error();
    return c;
}

} // namespace attnscope
