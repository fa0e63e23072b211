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
// first frees the most soonest; grows of guests under pressure before the others; ties by domid;
// unchanged domains last, in snapshot order.
// Sorted as packed keys, not whole DomainPlans: rank (2 bits), shrink size inverted (46 bits:
// 64 TiB, far above any host), domid (16 bits); the slot index breaks ties of duplicate ids.
using OrderKey = std::pair<std::uint64_t, std::size_t>;

constexpr std::uint64_t kShrinkBits = 46;
constexpr std::uint64_t kDomIdBits = 16;
constexpr std::uint64_t kShrinkMax = (std::uint64_t{1} << kShrinkBits) - 1;
constexpr std::uint64_t kRankUnchanged = 3;

OrderKey orderKey(const Slot& s, std::size_t index) {
    const Change change = changeOf(s);
    const std::uint64_t rank = change == Change::Shrink ? 0
                               : change == Change::Grow ? (s.pressure ? 1 : 2)
                                                        : kRankUnchanged;
    const std::uint64_t shrink = std::min((s.current - s.target).count(), kShrinkMax);
    const std::uint64_t key =
        rank << (kShrinkBits + kDomIdBits) | (kShrinkMax - shrink) << kDomIdBits | s.domid;
    return {key, index};
}

bool isChange(const OrderKey& key) {
    return key.first >> (kShrinkBits + kDomIdBits) != kRankUnchanged;
}

// A balloon driver moves whole pages: a target between two pages leaves the guest up to a page
// above it, and a guest using that page then uses more than its target (the XenServer host's
// batch VMs, OOM-killed at their allocation, counted 30 kills as the balancer's for 1 to 3 KiB).
// A new target is written in whole pages: rounded down, but not below the floor, and a grow
// that would round to no change is left as it is.
void wholePages(std::span<Slot> slots) {
    for (auto& s : slots) {
        if (!s.movable || s.target == s.current) {
            continue;
        }
        const KiB whole = max(toKiB(pagesFloor(s.target)), min(s.floor, s.target));
        if (s.target < s.current || whole > s.current) {
            s.target = whole;
        }
    }
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
    wholePages(slots);

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
    // Unchanged domains (most of them, once balanced) stay in snapshot order: only changes
    // need sorting.
    const auto unchanged = std::stable_partition(order.begin(), order.end(), isChange);
    std::sort(order.begin(), unchanged);

    plan.domains.reserve(slots.size());
    for (const auto& key : order) {
        const Slot& s = slots[key.second];
        plan.domains.push_back(
            {s.domid, s.current, s.target, changeOf(s), s.floor, s.ceiling, s.reason});
    }
    return plan;
}

}  // namespace balloon::policy
