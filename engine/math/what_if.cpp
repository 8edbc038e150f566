#include "what_if.h"

#include <algorithm>
#include <cmath>

namespace attnscope {

Result<ExplorerSetup> applyOverrides(const ExplorerSetup &setup, const std::vector<VectorOverride> &overrides)
{
    ExplorerSetup out = setup;
    auto &in = out.inputs;
    for (const VectorOverride &o : overrides) {
        const bool query = o.target == VectorOverride::Target::Query;
        const std::string what = query ? "query" : "key";
        if (o.head < 0 || o.head >= int(in.q.size()))
            return makeError(Error::Code::BadArgument, "what if: head " + std::to_string(o.head) + " does not exist");
        const std::size_t g = query ? std::size_t(o.head) : in.kvHeadOf(std::size_t(o.head));
        Mat<double> &m = query ? in.q[std::size_t(o.head)] : in.k[g];
        if (o.token < 0 || o.token >= m.rows())
            return makeError(Error::Code::BadArgument, "what if: " + what + " token " + std::to_string(o.token) +
                                                           " does not exist (there are " + std::to_string(m.rows()) + ")");
        if (Eigen::Index(o.values.size()) != m.cols())
            return makeError(Error::Code::BadArgument, "what if: the " + what + " vector has " +
                                                           std::to_string(o.values.size()) + " numbers, d_k is " +
                                                           std::to_string(m.cols()));
        if (!std::all_of(o.values.begin(), o.values.end(), [](double v) { return std::isfinite(v); }))
            return makeError(Error::Code::BadArgument, "what if: every number of the " + what + " vector must be finite");
        for (Eigen::Index j = 0; j < m.cols(); ++j)
            m(o.token, j) = o.values[std::size_t(j)];
    }
    return out;
}

std::vector<VectorOverride> withOverride(std::vector<VectorOverride> list, const VectorOverride &o)
{
    const auto same = [&o](const VectorOverride &x) { return x.target == o.target && x.head == o.head && x.token == o.token; };
    const auto it = std::find_if(list.begin(), list.end(), same);
    if (it == list.end())
        list.push_back(o);
    else
        *it = o;
    return list;
}

} // namespace attnscope
