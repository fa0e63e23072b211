// What the org.balloond.Balloon1.Manager interface shows, as plain values: the daemon fills it
// from the balancer, balloonctl can read one back from the properties (as DomainView does for a
// domain), so a property added to the contract is added once.
#pragma once

#include <cstdint>
#include <string>

namespace balloon {

struct ManagerView {
    std::uint64_t hostTotalKiB = 0;
    std::uint64_t hostFreeKiB = 0;
    std::uint64_t slushKiB = 0;
    std::uint64_t reservedKiB = 0;
    std::string policy;
    std::uint64_t rebalances = 0;
};

}  // namespace balloon
