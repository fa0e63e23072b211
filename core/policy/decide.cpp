// The pipeline: classify the domains, size the budget, let the configured policy choose ideal
// targets, smooth them, and assemble the plan in write order.
#include <algorithm>

#include "planning.h"
#include "policy.h"

namespace balloon::policy {
namespace {

Change changeOf(const Slot& s) {
    if (s.target < s.current) {
        return Change::Shrink;
    }
    return s.target > s.current ? Change::Grow : Change::None;
}

// Shrinks first so the memory they free is there before any grow is written; the biggest shrink
// first frees the most soonest; grows of guests under pressure before the others; ties by domid.
// Sorted as packed keys, not whole DomainPlans: rank (2 bits), shrink size inverted (46 bits:
// 64 TiB, far above any host), domid (16 bits); the slot index breaks ties of duplicate ids.
using OrderKey = std::pair<std::uint64_t, std::size_t>;

OrderKey orderKey(const Slot& s, std::size_t index) {
    constexpr std::uint64_t kShrinkBits = 46;
    constexpr std::uint64_t kShrinkMax = (std::uint64_t{1} << kShrinkBits) - 1;
    const Change change = changeOf(s);
    const std::uint64_t rank = change == Change::Shrink ? 0
                               : change == Change::Grow ? (s.pressure ? 1 : 2)
                                                        : 3;
    const std::uint64_t shrink = std::min((s.current - s.target).count(), kShrinkMax);
    const std::uint64_t key = rank << (kShrinkBits + 16) | (kShrinkMax - shrink) << 16 | s.domid;
    return {key, index};
}

}  // namespace

Plan decide(const HostSnapshot& host, const PolicyConfig& config) {
    std::vector<Slot> slots = classify(host, config);
    const Budget budget = budgetFor(host, config, slots);
    switch (config.kind) {
        case PolicyKind::Proportional:
            planProportional(slots, budget.forTargets());
            break;
        case PolicyKind::Demand:
            planDemand(slots, budget.forTargets(), config);
            break;
        case PolicyKind::Off:
            break;
    }
    stabilize(slots, budget.forTargets(), config, host.now);

    Plan plan;
    plan.usable = budget.usable;
    plan.slush = budget.slush;
    plan.reserved = budget.reserved;
    plan.shortfall = shortfallOf(slots, budget);
    std::vector<OrderKey> order;
    order.reserve(slots.size());
    for (std::size_t i = 0; i < slots.size(); ++i) {
        plan.committed += footprint(slots[i]);
        order.push_back(orderKey(slots[i], i));
    }
    std::sort(order.begin(), order.end());

    plan.domains.reserve(slots.size());
    for (const auto& key : order) {
        const Slot& s = slots[key.second];
        DomainPlan d;
        d.domid = s.domid;
        d.oldTarget = s.current;
        d.target = s.target;
        d.change = changeOf(s);
        d.floor = s.floor;
        d.ceiling = s.ceiling;
        d.reason = s.reason;
        plan.domains.push_back(d);
    }
    return plan;
}

}  // namespace balloon::policy
