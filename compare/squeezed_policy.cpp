#include "squeezed_policy.h"

#include <algorithm>

#include "policy/planning.h"

namespace balloon::compare {
namespace squeezed {

std::vector<Target> balance(KiB usable, KiB keepFree, std::span<const Domain> domains) {
    // The common fraction is core's proportional rule (policy/planning.h) over the active domains.
    std::vector<policy::Slot> slots(domains.size());
    KiB fixed;
    for (std::size_t i = 0; i < domains.size(); ++i) {
        const Domain& d = domains[i];
        policy::Slot& s = slots[i];
        s.domid = d.domid;
        s.movable = d.active;
        s.floor = d.dynamicMin;
        s.shareFloor = d.dynamicMin;  // squeezed knows no guest-set floor
        s.ceiling = d.dynamicMax;
        s.shareCeiling = d.dynamicMax;
        s.ideal = d.actual;
        if (!d.active) {
            fixed += d.actual;
        }
    }
    policy::planProportional(slots, usable - keepFree - fixed);
    std::vector<Target> out;
    out.reserve(slots.size());
    for (const policy::Slot& s : slots) {
        out.push_back({s.domid, s.ideal});
    }
    return out;
}

}  // namespace squeezed

Plan planSqueezed(const HostSnapshot& host, const squeezed::Config& config) {
    std::vector<squeezed::Domain> domains;
    KiB held;
    for (const DomainSnapshot& d : host.domains) {
        held += d.actual;
        const KiB ceiling = min(d.max.value_or(d.staticMax), d.staticMax - d.videoram);
        const KiB floor = min(d.min.value_or(config.defaultMin), ceiling);
        squeezed::Domain q;
        q.domid = d.domid;
        q.dynamicMin = floor + d.videoram;
        q.dynamicMax = ceiling + d.videoram;
        q.actual = d.actual;
        q.active = !d.pinned && !d.excluded && d.convergence != Convergence::Stuck &&
                   d.convergence != Convergence::Uncooperative;
        domains.push_back(q);
    }
    KiB keepFree = config.slush + config.margin;
    Plan plan;
    for (const Reservation& r : host.reservations) {
        keepFree += r.amount;
        plan.reserved += r.amount;
    }
    plan.usable = min(host.total, held + host.free);
    plan.slush = config.slush;
    const std::vector<squeezed::Target> targets = squeezed::balance(plan.usable, keepFree, domains);
    for (std::size_t i = 0; i < host.domains.size(); ++i) {
        const DomainSnapshot& d = host.domains[i];
        DomainPlan p;
        p.domid = d.domid;
        p.oldTarget = d.target;
        p.floor = domains[i].dynamicMin - d.videoram;
        p.ceiling = domains[i].dynamicMax - d.videoram;
        const bool movable = !d.pinned && !d.excluded;
        p.target = movable ? targets[i].target - d.videoram : d.target;
        p.reason.kind = !movable            ? (d.pinned ? ReasonKind::Pinned : ReasonKind::Excluded)
                        : domains[i].active ? ReasonKind::Proportional
                                            : ReasonKind::Stuck;
        p.reason.ideal = p.target;
        const KiB range = p.ceiling - p.floor;
        p.reason.fraction = range.count() == 0 ? 1.0
                                               : static_cast<double>((p.target - p.floor).count()) /
                                                     static_cast<double>(range.count());
        p.change = p.target < p.oldTarget   ? Change::Shrink
                   : p.target > p.oldTarget ? Change::Grow
                                            : Change::None;
        plan.committed += p.target + d.videoram;
        plan.domains.push_back(p);
    }
    std::stable_partition(plan.domains.begin(), plan.domains.end(),
                          [](const DomainPlan& p) { return p.change == Change::Shrink; });
    return plan;
}

}  // namespace balloon::compare
