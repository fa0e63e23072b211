// What the org.balloond.Balloon1.Domain interface shows, as plain values: the daemon fills one
// per domain object, balloonctl reads one back from the properties. One struct for both sides
// so that a property added to the contract is added once.
#pragma once

#include <cstdint>
#include <string>

#include "domid.h"

namespace balloon {

struct DomainView {
    DomId id = 0;
    std::string name;
    std::string uuid;
    std::string type;
    std::uint64_t targetKiB = 0;
    std::uint64_t actualKiB = 0;
    std::uint64_t minKiB = 0;
    std::uint64_t maxKiB = 0;
    std::uint64_t staticMaxKiB = 0;
    std::uint64_t podEntriesKiB = 0;  // populate-on-demand: 0 for PV
    std::uint64_t podCacheKiB = 0;
    std::uint32_t weight = 100;
    bool pinned = false;
    bool excluded = false;
    std::string state;
    std::string reportSource;
    // Seconds since the guest's last accepted report; -1 when it never sent one.
    std::int64_t reportAgeSeconds = -1;
    std::uint64_t reportUsedKiB = 0;
    std::uint64_t reportAvailableKiB = 0;
    std::string reason;
};

}  // namespace balloon
