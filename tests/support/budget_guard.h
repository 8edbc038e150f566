#pragma once
// The process-wide memory budget set for one test's scope, and the default restored after it.

#include <cstdint>

#include "memory_budget.h"

namespace attnscope::testsupport {

struct BudgetGuard {
    explicit BudgetGuard(std::uint64_t bytes) { setMemoryBudget(bytes); }
    ~BudgetGuard() { setMemoryBudget(0); }
    BudgetGuard(const BudgetGuard &) = delete;
    BudgetGuard &operator=(const BudgetGuard &) = delete;
};

} // namespace attnscope::testsupport
