// The pure half of the two-phase write (the daemon's actuator, and the policy comparison that
// replays it on the simulated host): after every shrink is written, grows may spend only memory
// that is free now, beyond the slush and beyond growth earlier targets already promised. Guests
// under pressure are served first; a grow that does not fit is cut and finishes next round.
#pragma once

#include <span>
#include <vector>

#include "domid.h"
#include "units.h"

namespace balloon::policy {

struct GrowRequest {
    DomId domid = 0;
    KiB current;  // the target written now
    KiB target;   // the plan's target (above current)
    bool pressure = false;
    // What the domain holds now (Xen's allocation minus videoram). Growth up to it takes no free
    // memory: it calls off a shrink the guest has not made (0: no such credit).
    KiB holds{};
};

struct GrowGrant {
    DomId domid = 0;
    KiB target;             // what to write now; equal to the request's current: write nothing
    bool deferred = false;  // cut (or skipped) for lack of free memory
};

// Grows smaller than this are not worth a write: less than one balloon batch.
inline constexpr KiB kMinGrowWrite = mib(2);

// Free memory the grows may spend: hostFree - slush - promised, never below zero. `promised` is
// what earlier targets promise but domains have not taken yet (it is free, but not for them).
KiB growBudget(KiB hostFree, KiB slush, KiB promised);

// One grant per request, in the order served: under pressure first, then the plan's order.
std::vector<GrowGrant> grantGrows(std::span<const GrowRequest> grows, KiB budget);

}  // namespace balloon::policy
