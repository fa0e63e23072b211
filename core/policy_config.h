// Tunables of the balancing policy. Parsed from balloond.toml's [policy] table (core/config.h);
// defaults are what balloond runs with when the file says nothing.
#pragma once

#include <chrono>

#include "enum_names.h"
#include "units.h"

namespace balloon {

// The longest burst-window: RecentPeak keeps one maximum per minute of it for every domain.
inline constexpr std::chrono::minutes kMaxBurstWindow{60};

enum class PolicyKind {
    Off,           // admin targets only; balloond never changes a target by itself
    Proportional,  // squeezed's: every domain the same fraction of its [min, max]
    Demand,        // the default: demand from guest reports + headroom, shares, idle tax
};
// As written in balloond.toml [policy] kind, SetPolicy and the Manager's Policy property.
inline constexpr EnumNames<PolicyKind, 3> kPolicyKindNames{{
    {"off", PolicyKind::Off},
    {"proportional", PolicyKind::Proportional},
    {"demand", PolicyKind::Demand},
}};

struct PolicyConfig {
    PolicyKind kind = PolicyKind::Demand;
    // Free host memory never planned away (Xen's low-memory threshold; squeezed keeps 64+8 MiB).
    KiB slush = mib(64);
    // Waldspurger's idle-memory tax: fraction of a domain's idle memory that may be reclaimed
    // ahead of active memory (0.75: an idle page costs 4x an active one).
    double idleTax = 0.75;
    // Headroom on top of demand: a fraction of demand, at least minHeadroom.
    double headroomFraction = 0.15;
    KiB minHeadroom = mib(64);
    // Changes smaller than this are not worth a write.
    KiB deadband = mib(16);
    // A single rebalance moves a domain's target by at most this much.
    KiB maxStep = mib(512);
    // Under constant load a domain's target changes at most once per holdTime (hysteresis),
    // except when the guest is under pressure.
    std::chrono::seconds holdTime{60};
    // How long a guest's peak need is remembered for the burst reserve (policy::RecentPeak):
    // whole minutes, at most kMaxBurstWindow; zero turns the reserve off. The daemon feeds it.
    std::chrono::minutes burstWindow{12};
    // Floor for domains without a configured or guest-set min (xl refuses dom0 below 128 MiB).
    KiB defaultMin = mib(128);
};

}  // namespace balloon
