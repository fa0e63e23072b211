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
// first frees the most soonest; grows of guests under pressure before the others.
bool writeOrder(const DomainPlan& a, const DomainPlan& b) {
    auto rank = [](const DomainPlan& p) {
        switch (p.change) {
            case Change::Shrink:
                return 0;
            case Change::Grow:
                return p.reason.pressure ? 1 : 2;
            case Change::None:
                break;
        }
        return 3;
    };
    if (rank(a) != rank(b)) {
        return rank(a) < rank(b);
    }
    if (a.change == Change::Shrink) {
        const KiB sa = a.oldTarget - a.target;
        const KiB sb = b.oldTarget - b.target;
        if (sa != sb) {
            return sa > sb;
        }
    }
    return a.domid < b.domid;
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
    plan.domains.reserve(slots.size());
    for (const auto& s : slots) {
        plan.committed += footprint(s);
        DomainPlan d;
        d.domid = s.dom->domid;
        d.oldTarget = s.current;
        d.target = s.target;
        d.change = changeOf(s);
        d.floor = s.floor;
        d.ceiling = s.ceiling;
        d.reason = s.reason;
        plan.domains.push_back(d);
    }
    std::sort(plan.domains.begin(), plan.domains.end(), writeOrder);
    return plan;
}

}  // namespace balloon::policy
