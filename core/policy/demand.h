// What a guest needs, read from its report: the demand policy's input, public for tests and for
// `balloonctl` to show.
#pragma once

#include "guest_report.h"
#include "policy_config.h"

namespace balloon::policy {

struct DemandEstimate {
    KiB demand;           // used (minus reclaimable cache), raised under pressure
    KiB headroom;         // on top of demand: headroomFraction of it, at least minHeadroom
    double pressure = 0;  // 0 (none) .. 1 (full): the strongest of PSI, swap traffic, major faults
    bool underPressure = false;  // enough to skip hysteresis and be served first
    // The report claims pressure with nothing left (MemAvailable under 1 % of MemTotal) while
    // its paging counters show no paging: physically implausible (a guest there pages or
    // OOM-kills), so its figures protect none of its memory: it keeps what nobody else needs.
    bool contradicted = false;
    // MemTotal but no MemAvailable (XenServer's agent): the policy cannot see the guest reach
    // its thrash line.
    bool blind = false;
    // Blind, and MemFree under 1 % of MemTotal: the guest fills its allocation and its figures
    // cannot say by how much it would need more.
    bool full = false;
};

DemandEstimate estimateDemand(const GuestReport& report, const PolicyConfig& config);

}  // namespace balloon::policy
