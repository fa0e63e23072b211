// What the policy sees and what it answers: plain values, no I/O. The daemon fills a HostSnapshot
// from Xenstore and the hypervisor, calls policy::decide(), and writes the Plan (shrinks first).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domid.h"
#include "enum_names.h"
#include "guest_report.h"
#include "units.h"

namespace balloon {

// The daemon's monotonic clock. The policy never reads it: "now" comes in with the snapshot.
using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

// Wall-clock seconds since 1970: what outlives a restart, where the steady Clock starts anew
// (balloond's private Xenstore area, reservation expiry, guest report timestamps).
inline std::int64_t unixSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

enum class DomainType { Pv, Pvh, Hvm };
// As libxl records them (/libxl/<domid>/type), in scenarios and in the Domain's Type property.
inline constexpr EnumNames<DomainType, 3> kDomainTypeNames{{
    {"pv", DomainType::Pv},
    {"pvh", DomainType::Pvh},
    {"hvm", DomainType::Hvm},
}};

// How well a domain follows its target, as the daemon's convergence tracker judges it.
enum class Convergence {
    Balanced,       // actual is at the target (within tolerance)
    Converging,     // moving toward the target at a useful rate
    Slow,           // moving, but slower than expected
    Stuck,          // no progress for a while: its unreleased memory is not counted on
    Uncooperative,  // stuck long enough to be flagged (squeezed's memory/uncooperative)
};
// As the API, the metrics and the log show them.
inline constexpr EnumNames<Convergence, 5> kConvergenceNames{{
    {"balanced", Convergence::Balanced},
    {"converging", Convergence::Converging},
    {"slow", Convergence::Slow},
    {"stuck", Convergence::Stuck},
    {"uncooperative", Convergence::Uncooperative},
}};

struct DomainSnapshot {
    DomId domid = 0;
    std::string name;
    std::string uuid;
    DomainType type = DomainType::Pv;

    KiB target;     // memory/target now (excludes videoram, as xl writes it)
    KiB actual;     // Xen's allocation (tot_pages), videoram included
    KiB staticMax;  // memory/static-max (videoram included)
    KiB videoram;   // memory/videoram (HVM), else 0

    std::optional<KiB> min;  // configured floor; PolicyConfig::defaultMin when absent
    std::optional<KiB> max;  // configured ceiling override; capped by static-max - videoram

    // balloon(4) controls the guest set, copied by the daemon from the (bounded) report.
    std::optional<KiB> guestMin;        // balloond never targets below it
    std::optional<KiB> guestRequested;  // honoured up to the ceiling, as demand of the idle tier

    std::uint32_t weight = 100;  // shares; 0 is treated as 1
    bool pinned = false;         // the admin set the target: balloond leaves it alone
    bool excluded = false;       // never ballooned (e.g. a domain of different sensitivity)

    Convergence convergence = Convergence::Balanced;
    // The allocation (videoram included) at which it stopped growing short of its target
    // (ConvergenceTracker::growLimit): what lies above it the guest cannot take.
    std::optional<KiB> growLimit;
    // Populate-on-demand entries its cache cannot back (entries - cache, when positive): memory
    // the guest believes it has and must hand back before it touches it. `actual` stays Xen's
    // allocation: the plan never counts on memory the guest would first have to release.
    std::optional<KiB> podDeficit;
    std::optional<GuestReport> report;  // the last good report, if any
    bool reportStale = false;           // the report is too old to plan on
    // No report yet, but the domain appeared (or balloond started) within report-stale-after:
    // its agent may be about to report, so the others' surplus leaves it a share.
    bool awaitingReport = false;
    // The most the guest needed in the last few minutes (policy/recent_peak.h): room the demand
    // policy keeps after a burst. Absent: no reserve.
    std::optional<KiB> recentPeak;
    std::optional<TimePoint> lastTargetChange;
};

// Memory set aside for a domain about to be built (squeezed's reservations).
struct Reservation {
    std::string id;
    KiB amount;
    std::optional<DomId> domid;  // set once transferred to the domain being built
};

struct HostSnapshot {
    KiB total;  // physical memory of the host
    KiB free;   // free + scrub pages, minus outstanding claims
    std::vector<Reservation> reservations;
    TimePoint now;
    std::vector<DomainSnapshot> domains;
};

// ---- The answer ------------------------------------------------------------------------------

enum class Change { None, Shrink, Grow };
// As GetPlan names them.
inline constexpr EnumNames<Change, 3> kChangeNames{{
    {"none", Change::None},
    {"shrink", Change::Shrink},
    {"grow", Change::Grow},
}};

// Why a domain got its target. Kept structured so planning does no string formatting; explain()
// (policy/explain.h) renders the one-line text for dry-run and the CLI.
enum class ReasonKind {
    PolicyOff,     // policy off: targets are the admin's
    Pinned,        // the admin pinned the target
    Excluded,      // never ballooned
    Building,      // a reservation was transferred to it: the toolstack is building it
    Stuck,         // stuck/uncooperative: kept, its unreleased memory not counted on
    Demand,        // demand + headroom from a fresh report
    NoStatistics,  // no (fresh) report: kept near its current allocation
    Proportional,  // the same fraction of [floor, ceiling] as every other domain
};

// What bounded the target after the policy chose it (at most the last one that applied).
// GrowLimit: the ceiling is where the guest stopped growing (DomainSnapshot::growLimit).
// PodDeficit: the floor is its current target, part of its memory not backed yet
// (DomainSnapshot::podDeficit).
enum class Limit { None, Floor, Ceiling, GrowLimit, PodDeficit, Deadband, Held, StepCap, Budget };

struct Reason {
    ReasonKind kind = ReasonKind::PolicyOff;
    Limit limit = Limit::None;
    KiB demand;      // Demand: the estimated need (used + pressure raise)
    KiB headroom;    // Demand: headroom on top
    KiB share;       // Demand: surplus given by weight (positive) ...
    KiB cut;         // ... or what a short host took away from demand + headroom
    KiB unreleased;  // Stuck: memory held above its target
    KiB notBacked;   // PodDeficit: its populate-on-demand entries beyond its cache
    std::uint32_t weight = 0;
    double fraction = 0;    // Proportional: the common fraction of [floor, ceiling]
    bool pressure = false;  // the guest reported memory pressure
    KiB ideal;              // the policy's target before stability limits
};

struct DomainPlan {
    DomId domid = 0;
    KiB oldTarget;
    KiB target;
    Change change = Change::None;
    KiB floor;  // the domain's bounds (enforced only when the plan moves it)
    KiB ceiling;
    Reason reason;

    [[nodiscard]] bool changed() const { return change != Change::None; }
};

// What the plan could not fit (squeezed's Domains_refused_to_cooperate and friends).
struct Shortfall {
    KiB missing;                 // how far the plan is over: committed + slush + reserved - usable
    KiB reservable;              // the most that could be freed for reservations (others at floors)
    std::vector<DomId> refused;  // stuck or uncooperative: holding memory they were asked for
    std::vector<DomId> atFloor;  // movable domains planned down to their floor
};

struct Plan {
    // Write order: shrinks (largest first), then grows (under pressure first; ties by domid),
    // then unchanged domains in snapshot order.
    std::vector<DomainPlan> domains;
    KiB usable;     // memory guests can have: min(total, sum of actual + free)
    KiB slush;      // free memory kept back (PolicyConfig::slush)
    KiB reserved;   // outstanding reservations (transferred ones: the part not yet allocated)
    KiB committed;  // footprint of the plan: targets + videoram, max(target, actual) if not movable
    std::optional<Shortfall> shortfall;  // set when committed + slush + reserved > usable

    [[nodiscard]] const DomainPlan* find(DomId domid) const {
        for (const auto& d : domains) {
            if (d.domid == domid) {
                return &d;
            }
        }
        return nullptr;
    }
};

}  // namespace balloon
