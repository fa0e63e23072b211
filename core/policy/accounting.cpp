// Who the plan may move, within which bounds, and how much memory that leaves for them.
#include "planning.h"

namespace balloon::policy {
namespace {

// A domain that cannot be expected to follow a new target: planning on it would either count on
// memory it will not release or make the others swing around it.
bool isStuck(const DomainSnapshot& dom) {
    return dom.convergence == Convergence::Stuck || dom.convergence == Convergence::Uncooperative;
}

// A stuck guest whose fresh, believable report says it uses more than its target did not refuse:
// it cannot release pages in use. Frozen at that target it keeps the memory for good, and its
// neighbours wait for it (an hour-long overcommit trace settled after four minutes). The demand
// policy plans it again, keeping what it holds (demand.cpp): nothing counts on memory it has not
// released, and once it follows again it is shrunk as usual when its use falls.
bool replanned(const DomainSnapshot& dom, const PolicyConfig& config) {
    return config.kind == PolicyKind::Demand && dom.report && !dom.reportStale &&
           dom.report->used > dom.target && !estimateDemand(*dom.report, config).contradicted;
}

// The ceiling a target may reach: xl refuses target + videoram above static-max.
KiB ceilingOf(const DomainSnapshot& dom) {
    const KiB hard = dom.staticMax - dom.videoram;
    return dom.max ? min(*dom.max, hard) : hard;
}

// A guest that stopped growing short of its target cannot take more than it holds: the rest is
// planned for the others (until the tracker asks it again).
KiB growCeilingOf(const DomainSnapshot& dom, KiB ceiling) {
    return dom.growLimit ? min(ceiling, *dom.growLimit - dom.videoram) : ceiling;
}

// The floor: the configured min (or the default) raised to the guest's own min, never above the
// ceiling (a floor the domain cannot have is no floor). The guest's min is balloon(4)'s: it
// refuses a shrink below it, it does not ask for a grow. So it holds the target where it is and
// claims no memory the guest was not given, and the target is never below the floor it shows.
KiB floorOf(const DomainSnapshot& dom, const PolicyConfig& config, KiB ceiling) {
    KiB floor = dom.min.value_or(config.defaultMin);
    if (dom.guestMin) {
        floor = max(floor, min(*dom.guestMin, dom.target));
    }
    return min(floor, ceiling);
}

// The reservations transferred to this domain, if any (the toolstack is building it).
std::optional<KiB> transferredTo(const HostSnapshot& host, DomId domid) {
    std::optional<KiB> sum;
    for (const auto& r : host.reservations) {
        if (r.domid == domid) {
            sum = sum.value_or(KiB{}) + r.amount;
        }
    }
    return sum;
}

// A guest with populate-on-demand entries its cache cannot back is never lowered: Xen keeps the
// cache on a lower target until the balloon driver has handed the entries back, so a shrink
// frees nothing, and a guest without a driver never would. Its floor is its current target
// (raised past a grow limit below it); a raise stays possible.
void holdPodDeficit(const DomainSnapshot& dom, Slot& s) {
    if (!dom.podDeficit) {
        return;
    }
    s.podHeld = true;
    s.reason.notBacked = *dom.podDeficit;
    s.floor = max(s.floor, min(dom.target, s.shareCeiling));
    s.ceiling = max(s.ceiling, s.floor);
}

}  // namespace

std::vector<Slot> classify(const HostSnapshot& host, const PolicyConfig& config) {
    std::vector<Slot> slots;
    slots.reserve(host.domains.size());
    for (const auto& dom : host.domains) {
        Slot& s = slots.emplace_back();
        s.dom = &dom;
        s.domid = dom.domid;
        s.actual = dom.actual;
        s.videoram = dom.videoram;
        s.lastChange = dom.lastTargetChange;
        s.current = dom.target;
        s.ideal = dom.target;
        s.target = dom.target;
        s.shareCeiling = ceilingOf(dom);
        s.ceiling = growCeilingOf(dom, s.shareCeiling);
        s.floor = floorOf(dom, config, s.ceiling);
        s.shareFloor = min(dom.min.value_or(config.defaultMin), s.floor);
        holdPodDeficit(dom, s);
        s.reason.weight = effectiveWeight(dom);
        const auto transferred = transferredTo(host, dom.domid);
        s.buildReservation = transferred.value_or(KiB{});
        if (dom.excluded) {
            s.reason.kind = ReasonKind::Excluded;
        } else if (dom.pinned) {
            s.reason.kind = ReasonKind::Pinned;
        } else if (transferred) {
            s.reason.kind = ReasonKind::Building;
        } else if (isStuck(dom) && !replanned(dom, config) && !dom.growLimit) {
            s.reason.kind = ReasonKind::Stuck;
            s.reason.unreleased = dom.actual - (dom.target + dom.videoram);
        } else if (config.kind == PolicyKind::Off) {
            s.reason.kind = ReasonKind::PolicyOff;
        } else {
            s.movable = true;
            s.holding = isStuck(dom);
        }
        s.reason.ideal = s.ideal;
    }
    return slots;
}

KiB footprint(const Slot& slot) {
    const KiB planned = slot.target + slot.videoram;
    if (slot.movable) {
        return planned;
    }
    // A domain being built is counted for its whole reservation until it holds more.
    return max(max(planned, slot.actual), slot.buildReservation);
}

KiB sumOfTargets(std::span<const Slot> slots) {
    KiB sum;
    for (const auto& s : slots) {
        if (s.movable) {
            sum += s.target;
        }
    }
    return sum;
}

Budget budgetFor(const HostSnapshot& host, const PolicyConfig& config,
                 std::span<const Slot> slots) {
    Budget b;
    b.slush = config.slush;
    b.reserved = outstandingReservations(host, slots);
    KiB actual;
    for (const auto& s : slots) {
        actual += s.actual;
        if (s.movable) {
            b.movableVideoram += s.videoram;
            // A guest that settled above its target (within the convergence tolerance: pages
            // in use it cannot give) holds that for good. A reservation needs memory really
            // free, so while one is outstanding that is counted as held.
            if (b.reserved.count() > 0 && s.dom->convergence == Convergence::Balanced) {
                b.fixed += s.actual - (s.current + s.videoram);
            }
        } else {
            b.fixed += footprint(s);
        }
    }
    // Xen keeps total - (actual + free) for itself; a snapshot read in a race may claim more
    // than the host has, so the physical total bounds it.
    b.usable = min(host.total, actual + host.free);
    return b;
}

}  // namespace balloon::policy
