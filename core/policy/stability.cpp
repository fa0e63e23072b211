// From the policy's ideal to the target written: small changes are skipped (deadband), a target
// changes at most once per holdTime unless the guest is under pressure (hysteresis), and a
// single step moves at most maxStep (a guest under pressure grows at once). A change toward the
// allocation the guest still holds calls off a move it has not made: neither limit applies. Those
// limits may leave the plan over budget (a grow allowed while the shrink paying for it was held or
// capped); the repair at the end trims grows of guests not under pressure, then lets withheld
// shrinks go further, and only then trims grows of guests under pressure: the budget always wins
// over smoothness, and smoothness never keeps memory from a guest under pressure.
#include <algorithm>

#include "planning.h"

namespace balloon::policy {
namespace {

KiB distance(KiB a, KiB b) {
    return a < b ? b - a : a - b;
}

// Where a step starts: the current target, or the nearest bound if it is outside them (bounds
// are hard, so that move happens at once, whatever the limits).
KiB baseOf(const Slot& s) {
    return clamp(s.current, s.floor, s.ceiling);
}

bool grows(const Slot& s, bool pressured) {
    return s.movable && s.pressure == pressured && s.target > baseOf(s);
}

// Toward the allocation the guest still holds, a change only calls off part of a move it has
// not made yet: no churn for the guest, so the hold does not apply (a slow guest is stopped
// before it gives away memory it will need back).
bool callsOffAMove(const Slot& s) {
    const KiB holds = s.actual - s.videoram;
    return (s.ideal > s.current && s.ideal <= holds) || (s.ideal < s.current && s.ideal >= holds);
}

bool held(const Slot& s, const PolicyConfig& config, TimePoint now) {
    const auto& last = s.lastChange;
    return last && !s.pressure && !callsOffAMove(s) && now - *last < config.holdTime &&
           now >= *last;
}

// The target one step from base toward ideal.
KiB limited(Slot& s, KiB base, const PolicyConfig& config, TimePoint now) {
    if (base == s.ideal) {
        return base;
    }
    if (distance(base, s.ideal) < config.deadband) {
        s.reason.limit = Limit::Deadband;
        return base;
    }
    // Hysteresis: a target that still covers the guest's need stays while the ideal moves within
    // the band; once the ideal leaves it, the target goes to the ideal, the band's middle. A
    // deadband of zero (every change made) turns the band off too.
    if (config.deadband.count() != 0 && distance(base, s.ideal) <= s.band && base >= s.bandFloor) {
        s.reason.limit = Limit::Deadband;
        return base;
    }
    if (held(s, config, now)) {
        s.reason.limit = Limit::Held;
        // Even a held grow calls off the part of a shrink the guest has not made.
        return s.ideal > base ? clamp(s.actual - s.videoram, base, s.ideal) : base;
    }
    // A guest under pressure grows at once: the step cap smooths moves nobody is waiting for
    // (and calling off a move moves no memory).
    if (distance(base, s.ideal) > config.maxStep && !(s.pressure && s.ideal > base) &&
        !callsOffAMove(s)) {
        s.reason.limit = Limit::StepCap;
        return s.ideal < base ? base - config.maxStep : base + config.maxStep;
    }
    return s.ideal;
}

// Takes up to `excess` back from grows, in proportion to their size. Returns what it took.
KiB trimGrows(std::span<Slot> slots, KiB excess, bool pressured) {
    KiB grown;
    for (const auto& s : slots) {
        if (grows(s, pressured)) {
            grown += s.target - baseOf(s);
        }
    }
    if (grown.count() == 0 || excess.count() == 0) {
        return KiB{};
    }
    const bool all = grown <= excess;
    KiB taken;
    for (auto& s : slots) {
        if (!grows(s, pressured)) {
            continue;
        }
        const KiB grow = s.target - baseOf(s);
        // Proportional share of the excess, rounded up so the sum covers it.
        __extension__ using Wide = unsigned __int128;
        const KiB take =
            all ? grow
                : min(grow, KiB{static_cast<std::uint64_t>(
                                (Wide{grow.count()} * excess.count() + grown.count() - 1) /
                                grown.count())});
        s.target -= take;
        taken += take;
        s.reason.limit = Limit::Budget;
    }
    return taken;
}

// Lets shrinks that the limits held back go on toward the ideal, in slot order.
KiB deepenShrinks(std::span<Slot> slots, KiB excess) {
    KiB taken;
    for (auto& s : slots) {
        if (taken >= excess) {
            break;
        }
        if (!s.movable || s.target <= s.ideal) {
            continue;
        }
        const KiB take = min(s.target - s.ideal, excess - taken);
        s.target -= take;
        taken += take;
        s.reason.limit = Limit::Budget;
    }
    return taken;
}

}  // namespace

void stabilize(std::span<Slot> slots, KiB forTargets, const PolicyConfig& config, TimePoint now) {
    for (auto& s : slots) {
        if (!s.movable) {
            continue;
        }
        s.target = limited(s, baseOf(s), config, now);
    }

    KiB total = sumOfTargets(slots);
    if (total <= forTargets) {
        return;
    }
    KiB excess = total - forTargets;
    excess -= trimGrows(slots, excess, false);
    // The hold time and the step cap are for smoothness: they do not keep memory from a guest
    // under pressure. Withheld shrinks go on before its grow is cut.
    excess -= deepenShrinks(slots, excess);
    excess -= trimGrows(slots, excess, true);
    // A grow trimmed below the deadband is not worth a write.
    for (auto& s : slots) {
        if (s.movable && s.target > baseOf(s) && s.target - baseOf(s) < config.deadband) {
            s.target = baseOf(s);
        }
    }
}

}  // namespace balloon::policy
