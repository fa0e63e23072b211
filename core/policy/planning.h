// Internal to the policy: the working state of one plan and the stages that fill it in. decide()
// (decide.cpp) runs them in order: classify, budget, policy, stability, assemble.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "demand.h"
#include "model.h"
#include "policy_config.h"

namespace balloon::policy {

// One domain while its plan is being built.
struct Slot {
    const DomainSnapshot* dom = nullptr;
    // Copied from *dom: the stages walk slots many times and the snapshot (440 bytes a domain)
    // only twice, which keeps a 1,000-domain plan in cache.
    DomId domid = 0;
    KiB actual;
    KiB videoram;
    std::optional<TimePoint> lastChange;
    bool movable = false;  // false: pinned, excluded, stuck, being built, or policy off
    // Stuck or uncooperative, yet planned again (demand: it uses more than its target). It
    // keeps what it holds until it follows again: nothing may count on that memory.
    bool holding = false;
    KiB floor;  // target bounds (enforced on movable domains only)
    KiB ceiling;
    // The admin's floor alone, which proportional shares are measured from. The guest-set floor
    // is only enforced: it follows the target when above it, so a share measured from it would
    // ratchet the target up a little every round.
    KiB shareFloor;
    // Likewise the ceiling without a grow limit (DomainSnapshot::growLimit): a guest that cannot
    // grow is held at what it holds, and its share is not cut for it.
    KiB shareCeiling;
    // Limit::GrowLimit when the ceiling is the grow limit, else Limit::Ceiling.
    [[nodiscard]] Limit ceilingLimit() const {
        return ceiling < shareCeiling ? Limit::GrowLimit : Limit::Ceiling;
    }
    // Populate-on-demand with a deficit (DomainSnapshot::podDeficit): its floor is its current
    // target. Limit::PodDeficit when the floor held it, else Limit::Floor.
    bool podHeld = false;
    [[nodiscard]] Limit floorLimit() const { return podHeld ? Limit::PodDeficit : Limit::Floor; }
    KiB current;  // its target now
    KiB ideal;    // what the policy wants
    KiB target;   // after stability limits and the budget
    bool pressure = false;
    // Hysteresis (demand): the current target is kept while the ideal stays within `band` of it
    // and the target still covers `bandFloor` (demand + headroom). Zero: only the deadband.
    KiB band;
    KiB bandFloor;
    KiB buildReservation;  // the reservation transferred to it, when it is being built
    Reason reason;
};

// Host memory as the plan divides it. Every figure is a footprint (targets plus videoram).
struct Budget {
    KiB usable;    // min(total, sum of actual + free): what guests can have at all
    KiB slush;     // kept free
    KiB reserved;  // outstanding reservations not yet folded into a domain
    KiB fixed;     // footprint of the domains the plan does not move
    KiB movableVideoram;
    // What the targets of movable domains may add up to.
    [[nodiscard]] KiB forTargets() const {
        return usable - slush - reserved - fixed - movableVideoram;
    }
};

// accounting.cpp
std::vector<Slot> classify(const HostSnapshot& host, const PolicyConfig& config);
Budget budgetFor(const HostSnapshot& host, const PolicyConfig& config, std::span<const Slot> slots);
// Memory a domain is counted for: target + videoram if it follows targets; what it holds, if more,
// when it does not (stuck, uncooperative) or is not moved by the plan.
KiB footprint(const Slot& slot);
KiB sumOfTargets(std::span<const Slot> slots);

// share.cpp: divide a budget among claims in proportion to weight, no one above its claim
// (weighted max-min fairness). Returns each claim's grant; grants add up to at most the budget.
struct Claim {
    KiB amount;
    std::uint32_t weight = 1;
};
std::vector<KiB> shareByWeight(std::span<const Claim> claims, KiB budget);
// Whole claims or nothing, smallest per share first, as many as the budget holds; what is left
// is shared by weight among the claims that did not fit. Used where a partial grant is worth
// little (a guest given part of its need is still under pressure).
std::vector<KiB> triage(std::span<const Claim> claims, KiB budget);
// Every claim cut by the same amount (a claim smaller than the cut gets nothing), the least cut
// that fits the budget: the largest shortfall as small as it can be. Weights do not apply. Used
// where what matters is how far each claimant is short (a guest short of more than its swap is
// OOM-killed).
std::vector<KiB> equalShortfall(std::span<const Claim> claims, KiB budget);
std::uint32_t effectiveWeight(const DomainSnapshot& dom);

// proportional.cpp, demand.cpp: set ideal (and the reason) of every movable slot so that the
// ideals fit forTargets whenever the floors do.
void planProportional(std::span<Slot> slots, KiB forTargets);
void planDemand(std::span<Slot> slots, KiB forTargets, const PolicyConfig& config);

// stability.cpp: from ideal to target with deadband, hold time and step cap, then back within
// the budget if the limits left it over.
void stabilize(std::span<Slot> slots, KiB forTargets, const PolicyConfig& config, TimePoint now);

// reservations.cpp: reservations not yet folded into a domain being built, and the shortfall
// (nullopt when the plan fits).
KiB outstandingReservations(const HostSnapshot& host, std::span<const Slot> slots);
std::optional<Shortfall> shortfallOf(std::span<const Slot> slots, const Budget& budget);

}  // namespace balloon::policy
