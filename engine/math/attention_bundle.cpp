#include "attention_bundle.h"

#include <cassert>

namespace attnscope {

void noteBareLayout(AttentionBundle &b, const std::string &path, int storedRank, bool fromBundle)
{
    if (fromBundle || storedRank != 4)
        return;
    const auto slash = path.find_last_of('/');
    b.layoutNote = (slash == std::string::npos ? path : path.substr(slash + 1)) + ": a bare " +
                   shapeToString(b.attentions.shape) + " tensor, read as [L, H, Tq, Tk]: " + std::to_string(b.layers()) +
                   (b.layers() == 1 ? " layer" : " layers") + " × " + std::to_string(b.heads()) +
                   (b.heads() == 1 ? " head" : " heads") + " (a batch [B, H, Tq, Tk] would be read as layers: save one item)";
}

Tensor layerOf(const Tensor &t, std::int64_t layer)
{
    assert(t.rank() == 4 && layer >= 0 && layer < t.shape[0]);
    Tensor out;
    out.dtype = t.dtype;
    out.shape = {t.shape[1], t.shape[2], t.shape[3]};
    const std::size_t bytes = std::size_t(out.numel()) * dtypeSize(t.dtype);
    const auto first = t.bytes.begin() + std::ptrdiff_t(std::size_t(layer) * bytes);
    out.bytes.assign(first, first + std::ptrdiff_t(bytes));
    return out;
}

std::optional<Tensor> stackLayers(const std::vector<Tensor> &layers)
{
    if (layers.empty())
        return std::nullopt;
    for (const Tensor &t : layers)
        if (t.dtype != layers.front().dtype || t.shape != layers.front().shape)
            return std::nullopt;
    Tensor out;
    out.dtype = layers.front().dtype;
    out.shape = layers.front().shape;
    out.shape.insert(out.shape.begin(), std::int64_t(layers.size()));
    out.bytes.reserve(layers.size() * layers.front().bytes.size());
    for (const Tensor &t : layers)
        out.bytes.insert(out.bytes.end(), t.bytes.begin(), t.bytes.end());
    return out;
}

} // namespace attnscope
