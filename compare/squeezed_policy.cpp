#include "squeezed_policy.h"

#include <algorithm>

namespace balloon::compare {
namespace squeezed {
namespace {

__extension__ using Wide = unsigned __int128;

}  // namespace

std::vector<Target> balance(KiB usable, KiB keepFree, std::span<const Domain> domains) {
    KiB fixed;
    KiB mins;
    KiB ranges;
    for (const Domain& d : domains) {
        if (d.active) {
            mins += d.dynamicMin;
            ranges += d.dynamicMax - d.dynamicMin;
        } else {
            fixed += d.actual;
        }
    }
    // room / ranges is the common fraction, kept as a ratio so every target is exact.
    const KiB room = min(usable - keepFree - fixed - mins, ranges);
    std::vector<Target> out;
    out.reserve(domains.size());
    for (const Domain& d : domains) {
        if (!d.active) {
            out.push_back({d.domid, d.actual});
            continue;
        }
        const KiB range = d.dynamicMax - d.dynamicMin;
        const KiB extra = ranges.count() == 0
                              ? KiB{}
                              : KiB{static_cast<std::uint64_t>(Wide{range.count()} * room.count() /
                                                               ranges.count())};
        out.push_back({d.domid, d.dynamicMin + extra});
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
