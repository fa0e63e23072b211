// A baseline for the policy comparison, not part of the product: a planner in the style of Qubes'
// qmemman, re-expressed from its published behaviour. Each guest prefers 1.3 x what it uses (at
// least 200 MiB); memory beyond the preferences is shared in proportion to them, and a short host
// cuts everyone by the same fraction of their preference. 50 MiB of Xen memory is kept free, and a
// rebalance that would move less than 150 MiB in all is not made. No hold time, no step cap, no
// notion of pressure, of a stuck guest or of a guest that lies.
#pragma once

#include "model.h"

namespace balloon::compare {

struct QmemmanConfig {
    double preferenceFactor = 1.3;
    KiB minPreference = mib(200);
    KiB xenFree = mib(50);
    KiB minRebalance = mib(150);
};

// Targets for every domain with a fresh report (the others keep theirs), in write order.
// Reservations not yet transferred are kept free, as qmemman does for a VM about to start.
Plan planQmemman(const HostSnapshot& host, const QmemmanConfig& config = {});

}  // namespace balloon::compare
