// The policy's invariants over random snapshots (rapidcheck): bounds, untouched domains, the
// memory budget, determinism, and convergence under constant input.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "policy_fixtures.h"

namespace balloon {

// How rapidcheck prints the values of a failing case.
inline void showValue(KiB value, std::ostream& os) {
    os << value.count() << " KiB";
}
inline void showValue(PolicyKind kind, std::ostream& os) {
    os << static_cast<int>(kind);
}

namespace testing {
namespace {

KiB genMiB(std::uint64_t lo, std::uint64_t hi) {
    return mib(*rc::gen::inRange(lo, hi + 1));
}

GuestReport genReport() {
    GuestReport r;
    r.source =
        *rc::gen::element(ReportSource::Balloond, ReportSource::Qubes, ReportSource::XenServer);
    r.total = genMiB(256, 16384);
    r.used = KiB{*rc::gen::inRange<std::uint64_t>(0, r.total.count() + 1)};
    if (*rc::gen::arbitrary<bool>()) {
        r.available = r.total - r.used;
    }
    if (*rc::gen::arbitrary<bool>()) {
        r.caches = KiB{*rc::gen::inRange<std::uint64_t>(0, r.used.count() + 1)};
    }
    if (*rc::gen::weightedElement<bool>({{3, false}, {1, true}})) {
        r.psiSomeAvg10 = *rc::gen::inRange<std::uint32_t>(0, 10001);
        r.swapInPages = *rc::gen::inRange<std::uint64_t>(0, 100000);
        r.majorFaults = *rc::gen::inRange<std::uint64_t>(0, 100000);
    }
    return r;
}

DomainSnapshot genDomain(DomId domid) {
    DomainSnapshot d;
    d.domid = domid;
    d.type = *rc::gen::element(DomainType::Pv, DomainType::Pvh, DomainType::Hvm);
    d.staticMax = genMiB(128, 16384);
    if (d.type == DomainType::Hvm) {
        d.videoram = min(genMiB(0, 16), d.staticMax);
    }
    d.target = genMiB(0, d.staticMax.count() / 1024);
    // Mostly near its target; sometimes far off either way (converging, stuck, ballooned up).
    d.actual = *rc::gen::weightedElement<bool>({{3, true}, {1, false}})
                   ? d.target + d.videoram
                   : genMiB(0, d.staticMax.count() / 1024);
    if (*rc::gen::arbitrary<bool>()) {
        d.min = genMiB(0, 4096);
    }
    if (*rc::gen::weightedElement<bool>({{3, false}, {1, true}})) {
        d.max = genMiB(0, 16384);
    }
    if (*rc::gen::weightedElement<bool>({{3, false}, {1, true}})) {
        d.guestMin = genMiB(0, 4096);
    }
    if (*rc::gen::weightedElement<bool>({{3, false}, {1, true}})) {
        d.guestRequested = genMiB(0, 16384);
    }
    d.weight = *rc::gen::inRange<std::uint32_t>(0, 1001);
    d.pinned = *rc::gen::weightedElement<bool>({{9, false}, {1, true}});
    d.excluded = *rc::gen::weightedElement<bool>({{9, false}, {1, true}});
    d.convergence = *rc::gen::weightedElement<Convergence>({{6, Convergence::Balanced},
                                                            {2, Convergence::Converging},
                                                            {1, Convergence::Slow},
                                                            {1, Convergence::Stuck},
                                                            {1, Convergence::Uncooperative}});
    if (*rc::gen::weightedElement<bool>({{1, false}, {3, true}})) {
        d.report = genReport();
        d.reportStale = *rc::gen::weightedElement<bool>({{9, false}, {1, true}});
    }
    if (*rc::gen::arbitrary<bool>()) {
        d.lastTargetChange = kNow - std::chrono::seconds(*rc::gen::inRange(0, 300));
    }
    return d;
}

HostSnapshot genHost() {
    HostSnapshot h;
    h.now = kNow;
    const auto count = *rc::gen::inRange<std::size_t>(0, 13);
    KiB held;
    for (std::size_t i = 0; i < count; ++i) {
        h.domains.push_back(genDomain(static_cast<DomId>(i + 1)));
        held += h.domains.back().actual;
    }
    h.free = genMiB(0, 8192);
    // Usually consistent; sometimes a racy read that claims more than the host has.
    h.total = held + h.free + genMiB(0, 512);
    if (*rc::gen::weightedElement<bool>({{9, false}, {1, true}})) {
        h.total -= genMiB(0, 1024);
    }
    const auto reservations = *rc::gen::inRange(0, 3);
    for (int i = 0; i < reservations; ++i) {
        std::optional<DomId> to;
        if (count > 0 && *rc::gen::arbitrary<bool>()) {
            to = static_cast<DomId>(*rc::gen::inRange<std::size_t>(1, count + 2));
        }
        h.reservations.push_back({"r" + std::to_string(i), genMiB(0, 4096), to});
    }
    return h;
}

PolicyConfig genConfig() {
    PolicyConfig c;
    c.kind = *rc::gen::element(PolicyKind::Off, PolicyKind::Proportional, PolicyKind::Demand);
    c.idleTax = *rc::gen::element(0.0, 0.5, 0.75, 1.0);
    c.deadband = genMiB(0, 64);
    c.maxStep = genMiB(1, 2048);
    c.holdTime = std::chrono::seconds(*rc::gen::inRange(0, 120));
    c.slush = genMiB(0, 128);
    return c;
}

bool moves(const DomainSnapshot& d, const HostSnapshot& h, const PolicyConfig& c) {
    const bool building = std::any_of(h.reservations.begin(), h.reservations.end(),
                                      [&](const Reservation& r) { return r.domid == d.domid; });
    // A stuck guest with a fresh, believable report of using more than its target is planned
    // again under demand.
    const bool replanned = c.kind == PolicyKind::Demand && d.report && !d.reportStale &&
                           d.report->used > d.target &&
                           !policy::estimateDemand(*d.report, c).contradicted;
    const bool stuck =
        (d.convergence == Convergence::Stuck || d.convergence == Convergence::Uncooperative) &&
        !replanned;
    return c.kind != PolicyKind::Off && !d.pinned && !d.excluded && !building && !stuck;
}

RC_GTEST_PROP(PolicyProperties, KeepsEveryMovedTargetWithinFloorAndCeiling, ()) {
    const HostSnapshot h = genHost();
    const PolicyConfig c = genConfig();
    const Plan plan = policy::decide(h, c);
    RC_ASSERT(plan.domains.size() == h.domains.size());
    for (const auto& d : h.domains) {
        const DomainPlan& p = planFor(plan, d.domid);
        const KiB ceiling = min(d.max.value_or(d.staticMax), d.staticMax - d.videoram);
        RC_ASSERT(p.ceiling == ceiling);
        RC_ASSERT(p.floor <= p.ceiling);
        if (!moves(d, h, c)) {
            continue;
        }
        RC_ASSERT(p.floor <= p.target);
        RC_ASSERT(p.target <= p.ceiling);
        RC_ASSERT(p.target + d.videoram <= d.staticMax);
        // The guest's min holds the target where it is, never raises it.
        if (d.guestMin) {
            RC_ASSERT(p.target >= min(min(*d.guestMin, d.target), ceiling));
        }
    }
}

RC_GTEST_PROP(PolicyProperties, LeavesPinnedExcludedStuckAndBuildingDomainsUntouched, ()) {
    const HostSnapshot h = genHost();
    const PolicyConfig c = genConfig();
    const Plan plan = policy::decide(h, c);
    for (const auto& d : h.domains) {
        if (!moves(d, h, c)) {
            const DomainPlan& p = planFor(plan, d.domid);
            RC_ASSERT(p.target == d.target);
            RC_ASSERT(!p.changed());
        }
    }
}

RC_GTEST_PROP(PolicyProperties, FitsUsableMemoryUnlessItReportsAShortfall, ()) {
    const HostSnapshot h = genHost();
    const PolicyConfig c = genConfig();
    const Plan plan = policy::decide(h, c);
    KiB actual;
    for (const auto& d : h.domains) {
        actual += d.actual;
    }
    RC_ASSERT(plan.usable == min(h.total, actual + h.free));
    const KiB committed = footprintOf(h, plan);
    RC_ASSERT(plan.committed == committed);
    RC_CLASSIFY(plan.shortfall.has_value(), "shortfall");
    RC_CLASSIFY(c.kind == PolicyKind::Demand, "demand");
    if (!plan.shortfall) {
        RC_ASSERT(committed + plan.slush + plan.reserved <= plan.usable);
        return;
    }
    // Over budget only when no movable domain had anything left to give.
    RC_ASSERT(committed + plan.slush + plan.reserved > plan.usable);
    for (const auto& d : h.domains) {
        const DomainPlan& p = planFor(plan, d.domid);
        if (moves(d, h, c)) {
            RC_ASSERT(p.target == p.floor);
        }
    }
}

RC_GTEST_PROP(PolicyProperties, GivesTheSamePlanForTheSameSnapshot, ()) {
    const HostSnapshot h = genHost();
    const PolicyConfig c = genConfig();
    const Plan first = policy::decide(h, c);
    const Plan second = policy::decide(h, c);
    RC_ASSERT(first.domains.size() == second.domains.size());
    for (std::size_t i = 0; i < first.domains.size(); ++i) {
        RC_ASSERT(first.domains[i].domid == second.domains[i].domid);
        RC_ASSERT(first.domains[i].target == second.domains[i].target);
        RC_ASSERT(policy::explain(first.domains[i]) == policy::explain(second.domains[i]));
    }
}

RC_GTEST_PROP(PolicyProperties, StopsChangingTargetsUnderConstantInput, ()) {
    HostSnapshot h = genHost();
    h.total = h.free + [&] {
        KiB held;
        for (const auto& d : h.domains) {
            held += d.actual;
        }
        return held;
    }();
    const PolicyConfig c = genConfig();
    // Long enough for the largest move at the smallest step; then three quiet rounds.
    const int rounds = 40 + static_cast<int>(gib(16).count() / c.maxStep.count());
    int lastChange = -1;
    for (int round = 0; round < rounds; ++round) {
        const Plan plan = policy::decide(h, c);
        for (auto& d : h.domains) {
            const DomainPlan& p = planFor(plan, d.domid);
            if (!p.changed()) {
                continue;
            }
            lastChange = round;
            // A cooperative guest follows at once; the host's free memory moves with it.
            const KiB now = p.target + d.videoram;
            h.free = h.free + d.actual - now;
            d.actual = now;
            d.target = p.target;
            d.lastTargetChange = h.now;
        }
        h.now += c.holdTime + std::chrono::seconds(1);
    }
    RC_CLASSIFY(lastChange > 0, "moved for more than one round");
    RC_ASSERT(lastChange < rounds - 3);
}

RC_GTEST_PROP(PolicyProperties, ChangesATargetAtMostOncePerHoldTimeUnlessPressedOrShort, ()) {
    HostSnapshot h = genHost();
    PolicyConfig c = genConfig();
    c.holdTime = std::chrono::seconds(*rc::gen::inRange(30, 121));
    const auto tick = std::chrono::seconds(*rc::gen::inRange(1, 30));
    for (int round = 0; round < 40; ++round) {
        const Plan plan = policy::decide(h, c);
        for (auto& d : h.domains) {
            const DomainPlan& p = planFor(plan, d.domid);
            if (!p.changed()) {
                continue;
            }
            // Allowed early: pressure, the budget, a target outside its (hard) bounds, and
            // calling off a move the domain has not made (toward what it still holds).
            const KiB holds = d.actual - d.videoram;
            const bool callsOff = (p.target > d.target && p.target <= holds) ||
                                  (p.target < d.target && p.target >= holds);
            const bool exempt = p.reason.pressure || p.reason.limit == Limit::Budget ||
                                d.target < p.floor || d.target > p.ceiling || callsOff;
            if (!exempt && d.lastTargetChange && *d.lastTargetChange <= h.now) {
                RC_ASSERT(h.now - *d.lastTargetChange >= c.holdTime);
            }
            const KiB now = p.target + d.videoram;
            h.free = h.free + d.actual - now;
            d.actual = now;
            d.target = p.target;
            d.lastTargetChange = h.now;
        }
        h.now += tick;
    }
}

}  // namespace
}  // namespace testing
}  // namespace balloon
