// The planning side of reservations (squeezed's reserve / transfer / delete): memory set aside
// for a domain about to be built is kept free by shrinking the others, and when that cannot be
// done the plan says how much could be freed and who is in the way. Persistence and lifetime
// (expiry, release) belong to the daemon.
#include <algorithm>

#include "planning.h"

namespace balloon::policy {

KiB outstandingReservations(const HostSnapshot& host, std::span<const Slot> slots) {
    KiB reserved;
    for (const auto& r : host.reservations) {
        // Once transferred to a domain that exists, the reservation is counted in that
        // domain's footprint (accounting.cpp), never twice.
        const bool folded = r.domid && std::any_of(slots.begin(), slots.end(), [&](const Slot& s) {
                                return s.domid == *r.domid;
                            });
        if (!folded) {
            reserved += r.amount;
        }
    }
    return reserved;
}

namespace {

// The least a movable domain's footprint can become: its floor, or what it holds when it does
// not give memory back.
KiB lowestFootprint(const Slot& s) {
    const KiB floor = s.floor + s.videoram;
    return s.holding ? max(floor, s.actual) : floor;
}

bool refuses(const Slot& s) {
    if (s.reason.kind == ReasonKind::Stuck) {
        return s.actual > s.current + s.videoram;
    }
    return s.movable && s.holding && s.actual > s.floor + s.videoram;
}

}  // namespace

std::optional<Shortfall> shortfallOf(std::span<const Slot> slots, const Budget& budget) {
    KiB committed;
    KiB floors;
    for (const auto& s : slots) {
        committed += footprint(s);
        if (s.movable) {
            floors += lowestFootprint(s);
        }
    }
    const KiB needed = committed + budget.slush + budget.reserved;
    if (needed <= budget.usable) {
        return std::nullopt;
    }
    Shortfall sf;
    sf.missing = needed - budget.usable;
    sf.reservable = budget.usable - budget.slush - budget.fixed - floors;
    for (const auto& s : slots) {
        if (refuses(s)) {
            sf.refused.push_back(s.domid);
        } else if (s.movable && s.target == s.floor) {
            sf.atFloor.push_back(s.domid);
        }
    }
    std::sort(sf.refused.begin(), sf.refused.end());
    std::sort(sf.atFloor.begin(), sf.atFloor.end());
    return sf;
}

}  // namespace balloon::policy
