#pragma once
// The Hugging Face hub cache: where it is, and the model snapshots in it, as huggingface_hub
// lays them out: ROOT/models--ORG--NAME/snapshots/<revision>/ holding config.json, the weights
// and the tokenizer (symbolic links into ../../blobs), and ROOT/models--ORG--NAME/refs/main
// naming the revision downloaded last for the main branch. Nothing here loads a model; it only
// lists what could be opened, for the Open Model dialog.

#include <cstdint>
#include <string>
#include <vector>

namespace attnscope {

/// The hub cache directories to look in, absolute; today exactly the one huggingface_hub itself
/// uses: $HF_HUB_CACHE (or the older $HUGGINGFACE_HUB_CACHE) when set; else $HF_HOME/hub when
/// HF_HOME is set; else $XDG_CACHE_HOME/huggingface/hub when XDG_CACHE_HOME is set; else
/// ~/.cache/huggingface/hub. It need not exist.
std::vector<std::string> hfCacheRoots();

/// What a snapshot holds for weights.
enum class HfWeights {
    Safetensors, ///< model.safetensors, or the shards model.safetensors.index.json lists
    PytorchOnly, ///< only pytorch_model.bin (pickle), which AttnScope does not read
    None,        ///< neither
};

/// One snapshot of one model in the cache. `problem` is empty when the folder looks openable
/// (config.json readable with a model_type, safetensors weights present); otherwise it says, in
/// a sentence, why it cannot be opened. weightBytes counts the files the links point to.
struct HfCachedModel {
    std::string name;        ///< "ORG/NAME", or "NAME" for a model without an organisation ("gpt2")
    std::string snapshotDir; ///< absolute path of ROOT/models--…/snapshots/<revision>
    std::string revision;    ///< the snapshot folder's name (a commit hash)
    bool isMain = false;     ///< refs/main names this revision
    std::string modelType;   ///< config.json's model_type, "" when unknown
    std::int64_t weightBytes = 0;
    HfWeights weights = HfWeights::None;
    std::int64_t modifiedMs = 0; ///< the snapshot folder's modification time, ms since the epoch
    std::string problem;
};

/// The models under one cache root, sorted by name; within a model, the revision refs/main names
/// first, then newer snapshots before older ones. Entries that are not models (datasets--…,
/// spaces--…, .locks) are skipped; broken model entries (no snapshots, no config.json, broken
/// JSON, no weights, only pickled weights, a shard missing) are listed with their problem.
/// A root that does not exist gives an empty list. Reads at most 1 MiB of each config.json.
std::vector<HfCachedModel> scanHfCache(const std::string &root);

/// scanHfCache() over every root of hfCacheRoots(), in that order.
std::vector<HfCachedModel> scanHfCaches();

} // namespace attnscope
