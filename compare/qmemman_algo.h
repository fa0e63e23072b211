// Qubes' qmemman, re-implemented from its published behaviour (../shared/reference/peers.md
// section 1; QubesOS/qubes-core-admin qubes/qmemman/{algo,systemstate}.py): balance(), balloon()
// for a VM start, the significance rule and the free-memory figure it plans on. Pure: plain values
// in, targets out, no clock and no I/O. The comparison's contender (qmemman_policy.h) adapts
// balloond's snapshots to it.
//
// qmemman computes in bytes with Python floats and truncates with int(); this computes in KiB
// with doubles and truncates to whole KiB at the same places. Free memory may be negative (short
// of the reserve), so the free figures are signed KiB counts.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "domid.h"
#include "units.h"

namespace balloon::compare::qmemman {

// A signed amount of KiB: free memory beyond a reserve, a need, a surplus.
using SignedKiB = std::int64_t;

// qmemman's constants; the first three are /etc/qubes/qmemman.conf's [global] keys.
struct Config {
    KiB vmMinMem = mib(200);         // vm-min-mem (MIN_PREFMEM): the least a VM prefers
    KiB dom0MemBoost = mib(350);     // dom0-mem-boost: added to dom0's preference
    double cacheMarginFactor = 1.3;  // cache-margin-factor (CACHE_FACTOR): pref = used x this
    KiB reserve = mib(50);           // XEN_FREE_MEM_LEFT: free memory balance() never hands out
    KiB xenFreeMin = mib(25);        // XEN_FREE_MEM_MIN: a VM start is served once free memory
                                     // beyond the request reaches it
    double overheadFactor = 1.0 / 1.00781;  // Xen's per-page structures (MEM_OVERHEAD_FACTOR)
    double rounding = 0.999;                // every share is cut by this ("rounding errors")
    double safetyNetFactor = 1.05;          // REQ_SAFETY_NET_FACTOR: balloon() asks 5 % more
    KiB minDonation = mib(10);        // on a short host a donor giving less than this is left alone
    KiB minTotalTransfer = mib(150);  // significance: total movement worth a rebalance
    KiB minChangeUnderPref = mib(15);  // significance: free short of the reserve, or a grow
                                       // of a domain under its preference, worth one alone
};

struct Domain {
    DomId domid = 0;          // 0 is dom0 (its boost, no vm-min-mem floor)
    std::optional<KiB> used;  // memory/meminfo; absent: no report yet, left out of balancing
    KiB current;              // Xen's allocation (memory_current)
    KiB lastTarget;           // the last target qmemman set (0: none yet)
    KiB max;                  // static-max (or hotplug-max); dom0 without one: the host's
    bool noProgress = false;  // did not move toward its last target: left out
    [[nodiscard]] KiB actual() const { return balloon::max(current, lastTarget); }
    [[nodiscard]] bool balanced() const { return used.has_value() && !noProgress; }
};

struct Request {
    DomId domid = 0;
    KiB target;
    bool operator==(const Request&) const = default;
};

// pref(d): used x cache-margin-factor capped at max, then at least vm-min-mem; dom0: used x
// factor + dom0-mem-boost, capped at max, no floor. Needs `used`.
KiB prefMem(const Domain& dom, const Config& config);

// Xen's free memory as qmemman counts it: physical free x overheadFactor, minus what domains were
// given and have not taken yet (sum of max(0, lastTarget - current)).
SignedKiB xenFree(KiB physicalFree, std::span<const Domain> domains, const Config& config);

enum class Branch { EnoughMemory, LowOnMemory };

struct Balance {
    Branch branch = Branch::EnoughMemory;
    SignedKiB totalAvailable = 0;   // free - sum of needs
    std::vector<Request> requests;  // shrinks (donors) first, then grows
};

// balance(free): `free` is xenFree() minus the reserve. Enough memory (free - sum(pref - actual)
// > 0): every domain gets pref + its share of the surplus by preference, x 0.999, capped at max;
// what the caps cut off goes round again in equal parts (each x 0.999) to domains under max.
// Low on memory: donors that can give at least minDonation go to exactly pref, and what they give
// is subtracted from `free` (qmemman's rule); if that leaves it negative only those shrinks are
// returned, else acceptors get actual + their share of it
// by preference, x 0.999, capped at max.
Balance balance(SignedKiB free, std::span<const Domain> domains, const Config& config);

// do_balance's test before writing: free memory (xenFree()) more than minChangeUnderPref short of
// the reserve; or a domain with a target under its preference growing by more than
// minChangeUnderPref; or the total of |new - last target| plus |xenFree - reserve| above
// minTotalTransfer.
bool significant(std::span<const Request> requests, SignedKiB xenFreeNow,
                 std::span<const Domain> domains, const Config& config);

// balloon(size): make `size` KiB free for a VM about to start. Donors (need < 0) offer -need; if
// the offers total less than `size` the request fails (nullopt); else each donor gives its offer
// x size / total x safetyNetFactor.
std::optional<std::vector<Request>> balloon(KiB size, std::span<const Domain> domains,
                                            const Config& config);

}  // namespace balloon::compare::qmemman
