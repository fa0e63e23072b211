#include "grow_budget.h"

#include <algorithm>

namespace balloon::policy {

KiB growBudget(KiB hostFree, KiB slush, KiB promised) {
    return hostFree - slush - promised;  // saturates at zero
}

std::vector<GrowGrant> grantGrows(std::span<const GrowRequest> grows, KiB budget) {
    std::vector<const GrowRequest*> order;
    order.reserve(grows.size());
    for (const auto& g : grows) {
        order.push_back(&g);
    }
    std::stable_partition(order.begin(), order.end(),
                          [](const GrowRequest* g) { return g->pressure; });
    std::vector<GrowGrant> grants;
    grants.reserve(order.size());
    for (const GrowRequest* g : order) {
        // Up to what it holds, a grow is free; beyond, it spends the budget.
        const KiB free = min(g->target, g->holds) - g->current;
        const KiB wanted = g->target - g->current - free;
        const KiB granted = min(wanted, budget);
        GrowGrant& out = grants.emplace_back(GrowGrant{g->domid, g->current, granted < wanted});
        // The rest comes in a later round, once the shrinks have freed it.
        if (free + granted < kMinGrowWrite) {
            continue;
        }
        out.target = g->current + free + granted;
        budget -= granted;
    }
    return grants;
}

}  // namespace balloon::policy
