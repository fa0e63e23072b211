// The squeezed contender of the policy comparison (XenServer, XCP-ng): squeezed's ballooning
// policy as its design describes it (../shared/reference/peers.md section 3 and
// xen-ballooning.md), re-implemented; not part of the product.
//
// Every domain that balloons gets the same fraction of its [dynamic-min, dynamic-max]: the largest
// that leaves the host's free-memory target free (the slush plus a margin, plus memory reserved
// for domains about to be built). Guest statistics play no part. A domain that makes no progress
// toward its target (stuck, uncooperative) is "inactive": squeezed stops counting on it and
// plans it where it is (dynamic-min = dynamic-max = its allocation), so the others pick up the
// slack. Shrinks are written before grows.
#pragma once

#include <span>
#include <vector>

#include "domid.h"
#include "model.h"
#include "units.h"

namespace balloon::compare {
namespace squeezed {

struct Config {
    KiB slush = mib(64);        // host free memory never handed out
    KiB margin = mib(8);        // kept free on top of the slush
    KiB defaultMin = mib(128);  // dynamic-min of a domain the toolstack gave none
};

struct Domain {
    DomId domid = 0;
    KiB dynamicMin;  // Xen-level (videoram included), like `actual`
    KiB dynamicMax;
    KiB actual;          // Xen's allocation
    bool active = true;  // false: inactive, planned at `actual`
};

struct Target {
    DomId domid = 0;
    KiB target;  // Xen-level
    bool operator==(const Target&) const = default;
};

// Targets for `domains` sharing `usable` (free memory plus every domain's allocation) so that
// `keepFree` stays free: min + range x f for every active domain, one f in [0, 1] (rounded down
// to whole KiB), inactive ones at their allocation.
std::vector<Target> balance(KiB usable, KiB keepFree, std::span<const Domain> domains);

}  // namespace squeezed

// The snapshot handed to squeezed::balance(): dynamic-min = the domain's min (or defaultMin),
// dynamic-max = its max capped at static-max; pinned and excluded domains stay where they are.
Plan planSqueezed(const HostSnapshot& host, const squeezed::Config& config = {});

}  // namespace balloon::compare
