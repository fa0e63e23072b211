// The demand policy on hand-made snapshots: demand + headroom, shares, idle tax, triage of needs,
// guests without statistics, floors and ceilings, stuck guests.
#include <gtest/gtest.h>

#include "policy_fixtures.h"

namespace balloon::testing {
namespace {

// Stability limits out of the way: these tests look at the policy's choice itself.
PolicyConfig unsmoothed() {
    PolicyConfig c = config(PolicyKind::Demand);
    c.maxStep = gib(64);
    c.deadband = KiB{0};
    return c;
}

// What the need tier keeps on top of demand: a fifth of it (MemAvailable a sixth of MemTotal),
// or the headroom when that is less.
KiB withReserve(KiB demand) {
    return demand + min(KiB{demand.count() / 5}, KiB{demand.count() * 15 / 100});
}

KiB wantOf(const DomainPlan& p) {
    return p.reason.demand + p.reason.headroom;
}

TEST(DemandPolicy, GivesDemandPlusHeadroomThenSharesTheSurplusByWeight) {
    auto a = withReport(domain(1, gib(1), gib(8)), usingMemory(mib(512)));
    auto b = withReport(domain(2, gib(1), gib(8)), usingMemory(mib(512)));
    b.weight = 300;
    const auto h = host(gib(1) + mib(64), {a, b});
    const Plan plan = policy::decide(h, unsmoothed());

    const DomainPlan& pa = planFor(plan, 1);
    const DomainPlan& pb = planFor(plan, 2);
    EXPECT_EQ(pa.reason.demand, mib(512));
    EXPECT_EQ(pa.reason.headroom, KiB{mib(512).count() * 15 / 100});
    EXPECT_EQ(pa.target, toKiB(pagesFloor(wantOf(pa) + pa.reason.share)));  // in whole pages
    // Three times the shares, three times the surplus (to the KiB of rounding).
    EXPECT_NEAR(static_cast<double>(pb.reason.share.count()),
                3.0 * static_cast<double>(pa.reason.share.count()), 3.0);
    // All of it handed out: only the slush stays free (and what whole pages round off).
    EXPECT_GE(pa.target + pb.target, h.total - mib(256) - mib(64) - KiB{2 + 2 * 3});
    EXPECT_FALSE(plan.shortfall);
}

TEST(DemandPolicy, ReclaimsIdleMemoryBeforeTheBusyGuestsDemand) {
    // Busy guest A uses 2G; B uses 256M but asks for 3G. The host has 3.5G for targets.
    auto a = withReport(domain(1, gib(2), gib(8)), usingMemory(gib(2)));
    auto b = withReport(domain(2, mib(1600), gib(8)), usingMemory(mib(256)));
    b.guestRequested = gib(3);
    const auto h = host(KiB{0}, {a, b});
    const Plan plan = policy::decide(h, unsmoothed());

    const DomainPlan& pa = planFor(plan, 1);
    EXPECT_EQ(pa.target, wantOf(pa));
    EXPECT_LT(targetOf(plan, 2), gib(3));
    EXPECT_GT(planFor(plan, 2).reason.cut, KiB{0});
}

TEST(DemandPolicy, WithoutTheIdleTaxARequestCompetesWithTheBusyGuestsNeed) {
    auto a = withReport(domain(1, gib(2), gib(8)), usingMemory(gib(2)));
    auto b = withReport(domain(2, mib(1600), gib(8)), usingMemory(mib(256)));
    b.guestRequested = gib(3);
    PolicyConfig c = unsmoothed();
    c.idleTax = 0;
    const Plan plan = policy::decide(host(gib(1), {a, b}), c);

    // Untaxed, all of B's request is need: the host cannot hold both needs, so the smaller
    // (A's demand and headroom) is served whole and B gets what is left.
    EXPECT_EQ(targetOf(plan, 1), wantOf(planFor(plan, 1)));
    EXPECT_GT(targetOf(plan, 2), mib(1600));
    EXPECT_LT(targetOf(plan, 2), gib(3));
}

TEST(DemandPolicy, AGuestUnderPressureGetsIdleMemoryButNotMemoryAnotherGuestUses) {
    GuestReport pressed = usingMemory(mib(1600));
    pressed.psiSomeAvg10 = 3000;  // 30 %: full pressure
    auto a = withReport(domain(1, gib(2), gib(8)), pressed);
    // B uses 1G of the 1.5G it holds.
    auto b = withReport(domain(2, mib(1536), gib(8)), usingMemory(gib(1)));
    const Plan plan = policy::decide(host(mib(64), {a, b}), unsmoothed());

    const DomainPlan& pa = planFor(plan, 1);
    EXPECT_TRUE(pa.reason.pressure);
    EXPECT_EQ(pa.reason.demand, mib(2000));  // raised by a quarter
    EXPECT_GE(pa.target, withReserve(mib(2000)));
    // B gives idle memory but keeps its need (what it uses and a seventh more): taking memory
    // a guest uses only moves the pressure from one guest to another.
    EXPECT_LT(targetOf(plan, 2), mib(1536));
    EXPECT_GE(targetOf(plan, 2), withReserve(gib(1)));
    EXPECT_FALSE(plan.shortfall);
}

TEST(DemandPolicy, WhenUrgentNeedsDoNotFitEveryGuestUnderPressureIsCutAlike) {
    // Three guests swapping, each needing its 2G and the reserve on top, 1G more than the 1G it
    // holds and more; the host has room for two of those growths. Serving two whole would leave
    // the third 1G and more short, past its swap: an OOM kill. Each is cut by the same amount,
    // a third of one growth, and none is short of more.
    std::vector<DomainSnapshot> doms;
    for (DomId id = 1; id <= 3; ++id) {
        GuestReport r = usingMemory(gib(1), gib(1));
        r.swapUsed = gib(1);
        r.swapInPages = 16384;
        doms.push_back(withReport(domain(id, gib(1), gib(8)), r));
    }
    const KiB need = withReserve(gib(2));
    const KiB growth = need - gib(1);
    const Plan plan = policy::decide(host(growth + growth + mib(64), doms), unsmoothed());
    for (const DomId id : {DomId{1}, DomId{2}, DomId{3}}) {
        EXPECT_TRUE(planFor(plan, id).reason.pressure);
        EXPECT_LT(targetOf(plan, id), need);
        EXPECT_GE(targetOf(plan, id) + KiB{growth.count() / 3} + mib(1), need) << id;
    }
}

TEST(DemandPolicy, WhenNeedsOfGuestsNotUnderPressureDoNotFitServesAsManyWholeAsTheHostHolds) {
    // Three idle guests that burst to 2G a minute ago, each holding 1G; the host has room for two
    // of those burst reserves. A reserve cut for everyone protects no one from the next burst.
    std::vector<DomainSnapshot> doms;
    for (DomId id = 1; id <= 3; ++id) {
        auto d = withReport(domain(id, gib(1), gib(8)), usingMemory(mib(500), gib(1)));
        d.recentPeak = gib(2);
        doms.push_back(d);
    }
    const Plan plan = policy::decide(host(gib(2) + mib(64), doms), unsmoothed());
    int served = 0;
    for (const DomId id : {DomId{1}, DomId{2}, DomId{3}}) {
        EXPECT_FALSE(planFor(plan, id).reason.pressure);
        served += targetOf(plan, id) >= gib(2) ? 1 : 0;
    }
    EXPECT_EQ(served, 2);
}

TEST(DemandPolicy, MemAvailableUnderATenthCountsAsPressure) {
    GuestReport thin = usingMemory(mib(950), gib(1));
    EXPECT_TRUE(policy::estimateDemand(thin, config()).underPressure);
    EXPECT_FALSE(policy::estimateDemand(usingMemory(mib(900), gib(1)), config()).underPressure);
}

TEST(DemandPolicy, AReportClaimingPressureWithNothingLeftButNoPagingProtectsNoMemory) {
    // The liar: "every page in use, stalled all the time", while its counters show no paging.
    GuestReport lie = usingMemory(gib(2), gib(2));
    lie.psiSomeAvg10 = 10000;
    lie.swapInPages = 0;
    lie.swapOutPages = 0;
    lie.majorFaults = 0;
    EXPECT_TRUE(policy::estimateDemand(lie, config()).contradicted);
    EXPECT_FALSE(policy::estimateDemand(lie, config()).underPressure);

    GuestReport swapping = usingMemory(gib(1), gib(1));
    swapping.swapUsed = mib(512);
    swapping.swapInPages = 16384;
    auto liar = withReport(domain(1, gib(2), gib(8)), lie);
    auto honest = withReport(domain(2, gib(1), gib(8)), swapping);
    const Plan plan = policy::decide(host(mib(64), {liar, honest}), unsmoothed());
    EXPECT_LT(targetOf(plan, 1), gib(1));
    EXPECT_GE(targetOf(plan, 2), gib(1) + mib(512));
}

TEST(DemandPolicy, ASlowGuestKeepsWhatItHolds) {
    // Told to shrink, it still holds 1.5G: given back at a few MiB/s, that memory would arrive
    // too late to help anyone, and the guest could not take it back for its next peak.
    auto slow = withReport(domain(1, mib(512), gib(8)), usingMemory(mib(256), mib(1536)));
    slow.actual = mib(1536);
    slow.convergence = Convergence::Slow;
    auto busy = withReport(domain(2, gib(2), gib(8)), usingMemory(mib(1900), gib(2)));
    const Plan plan = policy::decide(host(KiB{0}, {slow, busy}), unsmoothed());
    EXPECT_EQ(targetOf(plan, 1), mib(1536));
}

TEST(DemandPolicy, SwapTrafficAndMajorFaultsCountAsPressure) {
    GuestReport swapping = usingMemory(gib(1));
    swapping.swapInPages = 8192;
    swapping.swapOutPages = 8192;
    GuestReport faulting = usingMemory(gib(1));
    faulting.majorFaults = 5000;
    const PolicyConfig c = config();
    EXPECT_DOUBLE_EQ(policy::estimateDemand(swapping, c).pressure, 1.0);
    EXPECT_TRUE(policy::estimateDemand(faulting, c).underPressure);
    EXPECT_FALSE(policy::estimateDemand(usingMemory(gib(1)), c).underPressure);
}

TEST(DemandPolicy, CountsHalfThePageCacheAsReclaimableWhenMemAvailableIsMissing) {
    GuestReport r;
    r.source = ReportSource::XenServer;
    r.total = gib(4);
    r.used = gib(3);
    r.caches = gib(2);
    EXPECT_EQ(policy::estimateDemand(r, config()).demand, gib(2));
}

TEST(DemandPolicy, KeepsAGuestWithoutStatisticsAtItsTargetEvenWhenMemoryIsShort) {
    auto quiet = domain(1, gib(1), gib(8));
    auto busy = withReport(domain(2, gib(2), gib(8)), usingMemory(gib(3)));
    const Plan plan = policy::decide(host(mib(1024 + 64), {quiet, busy}), unsmoothed());

    EXPECT_EQ(targetOf(plan, 1), gib(1));
    EXPECT_EQ(planFor(plan, 1).reason.kind, ReasonKind::NoStatistics);
    EXPECT_EQ(targetOf(plan, 2), gib(3));  // everything else
}

TEST(DemandPolicy, DoesNotGrowAGuestWithoutStatisticsOnAGuess) {
    auto quiet = domain(1, gib(1), gib(8));
    const Plan plan = policy::decide(host(gib(16), {quiet}), unsmoothed());
    EXPECT_EQ(targetOf(plan, 1), gib(1));
    EXPECT_FALSE(planFor(plan, 1).changed());
}

TEST(DemandPolicy, TreatsAStaleReportLikeNone) {
    auto stale = withReport(domain(1, gib(1), gib(8)), usingMemory(mib(100)));
    stale.reportStale = true;
    const Plan plan = policy::decide(host(gib(16), {stale}), unsmoothed());
    EXPECT_EQ(targetOf(plan, 1), gib(1));
    EXPECT_EQ(planFor(plan, 1).reason.kind, ReasonKind::NoStatistics);
}

TEST(DemandPolicy, NeverTargetsBelowTheGuestSetMin) {
    auto small = withReport(domain(1, gib(2), gib(8)), usingMemory(mib(100)));
    small.actual = mib(512);  // told 2G, holding 512M: the host is as short as for the next test
    small.guestMin = gib(1);
    auto busy = withReport(domain(2, gib(3), gib(4)), usingMemory(gib(3)));
    const Plan plan = policy::decide(host(mib(640), {small, busy}), unsmoothed());

    EXPECT_EQ(planFor(plan, 1).floor, gib(1));
    EXPECT_EQ(targetOf(plan, 1), gib(1));
    EXPECT_EQ(planFor(plan, 1).reason.limit, Limit::Floor);
}

// balloon(4)'s min refuses a shrink; it claims no memory the guest was not given. A min above
// the target is worth what a min at the target is: the floor is the target, not the min.
TEST(DemandPolicy, AGuestSetMinAboveTheTargetDoesNotGrowIt) {
    auto small = withReport(domain(1, mib(512), gib(8)), usingMemory(mib(100)));
    small.guestMin = mib(512);
    auto busy = withReport(domain(2, gib(3), gib(4)), usingMemory(gib(3)));
    const Plan atTarget = policy::decide(host(mib(640), {small, busy}), unsmoothed());
    small.guestMin = gib(4);
    const Plan plan = policy::decide(host(mib(640), {small, busy}), unsmoothed());

    EXPECT_EQ(planFor(plan, 1).floor, mib(512));
    EXPECT_EQ(targetOf(plan, 1), targetOf(atTarget, 1));
    EXPECT_EQ(targetOf(plan, 2), targetOf(atTarget, 2));
}

TEST(DemandPolicy, CapsTargetsAtStaticMaxLessVideoramAndTheConfiguredMax) {
    auto hvm = withReport(domain(1, gib(1), gib(2)), usingMemory(gib(3), gib(3)));
    hvm.type = DomainType::Hvm;
    hvm.videoram = mib(16);
    auto capped = withReport(domain(2, mib(512), gib(8)), usingMemory(gib(3), gib(3)));
    capped.max = gib(1);
    const Plan plan = policy::decide(host(gib(32), {hvm, capped}), unsmoothed());

    EXPECT_EQ(targetOf(plan, 1), gib(2) - mib(16));
    EXPECT_EQ(planFor(plan, 1).reason.limit, Limit::Ceiling);
    EXPECT_EQ(targetOf(plan, 2), gib(1));
}

TEST(DemandPolicy, PlansAGuestThatStoppedGrowingWhereItIsAndGivesTheRestToOthers) {
    // `capped` was asked for 2.5G and stopped at 1.5G; `hungry` needs 3G. Planned at 2.5G, 1G
    // would stay free while `hungry` is short (squeezed's test "h").
    auto capped = withReport(domain(1, mib(2560), gib(4)), usingMemory(mib(1500), mib(1536)));
    capped.actual = mib(1536);
    capped.convergence = Convergence::Stuck;
    capped.growLimit = mib(1536);
    auto hungry = withReport(domain(2, mib(1536), gib(4)), usingMemory(mib(1500), mib(1536)));
    hungry.report->psiSomeAvg10 = 2000;
    hungry.report->majorFaults = 5000;
    hungry.report->used = gib(3);
    HostSnapshot h = host(gib(1) + mib(64), {capped, hungry});
    const Plan plan = policy::decide(h, unsmoothed());

    EXPECT_EQ(targetOf(plan, 1), mib(1536));
    EXPECT_EQ(planFor(plan, 1).reason.limit, Limit::GrowLimit);
    EXPECT_NE(policy::explain(planFor(plan, 1)).find("stopped growing at"), std::string::npos);
    EXPECT_EQ(targetOf(plan, 2), mib(1536) + gib(1));
}

TEST(DemandPolicy, DoesNotCountOnMemoryAStuckGuestHasNotReleased) {
    auto stuck = domain(1, gib(1), gib(8));
    stuck.actual = gib(3);
    stuck.convergence = Convergence::Stuck;
    auto busy = withReport(domain(2, gib(2), gib(8)), usingMemory(gib(2)));
    const auto h = host(KiB{0}, {stuck, busy});
    const Plan plan = policy::decide(h, unsmoothed());

    EXPECT_EQ(targetOf(plan, 1), gib(1));
    EXPECT_EQ(planFor(plan, 1).reason.kind, ReasonKind::Stuck);
    EXPECT_EQ(planFor(plan, 1).reason.unreleased, gib(2));
    // The busy guest may only have what is left besides the 3G the stuck one still holds.
    EXPECT_EQ(targetOf(plan, 2), gib(2) - mib(64));
    EXPECT_LE(footprintOf(h, plan) + plan.slush, plan.usable);
}

TEST(DemandPolicy, LeavesPinnedAndExcludedDomainsAlone) {
    auto pinned = domain(1, gib(3), gib(8));
    pinned.pinned = true;
    auto excluded = withReport(domain(2, gib(2), gib(8)), usingMemory(mib(100)));
    excluded.excluded = true;
    auto busy = withReport(domain(3, gib(1), gib(8)), usingMemory(gib(4)));
    const Plan plan = policy::decide(host(KiB{0}, {pinned, excluded, busy}), unsmoothed());

    EXPECT_EQ(targetOf(plan, 1), gib(3));
    EXPECT_EQ(planFor(plan, 1).reason.kind, ReasonKind::Pinned);
    // Its bounds are still reported (for the CLI), just not enforced.
    EXPECT_EQ(planFor(plan, 1).floor, mib(128));
    EXPECT_EQ(planFor(plan, 1).ceiling, gib(8));
    EXPECT_EQ(targetOf(plan, 2), gib(2));
    EXPECT_EQ(planFor(plan, 2).reason.kind, ReasonKind::Excluded);
    EXPECT_EQ(targetOf(plan, 3), gib(1) - mib(64));
}

TEST(DemandPolicy, BelievesPsiOnlyWhenThePagingCountersBackIt) {
    GuestReport claim = usingMemory(gib(1));
    claim.psiSomeAvg10 = 10000;  // "stalled all the time"...
    claim.swapInPages = 0;       // ...without paging at all: recovering, or a lie
    claim.swapOutPages = 0;
    claim.majorFaults = 0;
    EXPECT_FALSE(policy::estimateDemand(claim, config()).underPressure);
    claim.majorFaults = 200;
    EXPECT_TRUE(policy::estimateDemand(claim, config()).underPressure);
    claim.majorFaults.reset();
    claim.swapInPages.reset();
    claim.swapOutPages.reset();
    EXPECT_TRUE(policy::estimateDemand(claim, config()).underPressure);  // no counters to check
}

TEST(DemandPolicy, AGuestUnderPressureNeedsBackWhatItSwappedOut) {
    GuestReport swapping = usingMemory(gib(1), gib(1));
    swapping.swapUsed = mib(800);
    swapping.majorFaults = 1000;
    EXPECT_EQ(policy::estimateDemand(swapping, config()).demand, gib(1) + mib(800));
}

TEST(DemandPolicy, TheIdleTaxLeavesAThrashReserveOfAFifthOfDemand) {
    // A short host cuts both guests to their need: demand plus a fifth, not less. With a
    // headroom of 30 %, room for both needs (1228.8M each) but not for both wants (1331.2M).
    PolicyConfig c = unsmoothed();
    c.headroomFraction = 0.3;
    auto a = withReport(domain(1, mib(1300), gib(8)), usingMemory(gib(1)));
    auto b = withReport(domain(2, mib(1300), gib(8)), usingMemory(gib(1)));
    const Plan plan = policy::decide(host(KiB{0}, {a, b}), c);
    for (const DomId id : {DomId{1}, DomId{2}}) {
        EXPECT_GE(targetOf(plan, id), gib(1) + KiB{gib(1).count() / 5});
        EXPECT_LT(targetOf(plan, id), wantOf(planFor(plan, id)));
    }
}

// XenServer's agent: MemTotal and MemFree, no MemAvailable, no paging counters.
GuestReport xenServerReport(KiB used, KiB total) {
    GuestReport r;
    r.source = ReportSource::XenServer;
    r.total = total;
    r.used = used;
    r.free = total - used;
    return r;
}

TEST(DemandPolicy, AGuestWithoutMemAvailableNeedsAQuarterAboveItsDemandAndHoldsAFifth) {
    // The policy cannot see it reach the thrash line: its need is a quarter above its demand.
    auto blind = withReport(domain(1, gib(2), gib(8)), xenServerReport(gib(1), gib(2)));
    auto growing = withReport(domain(2, gib(1), gib(8)), usingMemory(gib(3), gib(4)));
    const Plan plan = policy::decide(host(KiB{0}, {blind, growing}), unsmoothed());
    EXPECT_EQ(targetOf(plan, 1), gib(1) + mib(256));
    // Past a fifth it is margin, not memory in use: a guest under pressure takes it.
    auto pressed = withReport(domain(2, gib(1), gib(8)), usingMemory(gib(4), gib(4)));
    const Plan contested = policy::decide(host(KiB{0}, {blind, pressed}), unsmoothed());
    EXPECT_EQ(targetOf(contested, 1), toKiB(pagesFloor(gib(1) + KiB{gib(1).count() / 5})));
}

TEST(DemandPolicy, AGuestThatFillsItsAllocationWithoutMemAvailableGrowsWithoutWaiting) {
    // Changed 10 s ago, and more than a step short: neither the hold nor the step cap applies.
    PolicyConfig c = config();
    c.maxStep = mib(256);
    auto full = withReport(domain(1, gib(2), gib(8)), xenServerReport(gib(2), gib(2)));
    full.lastTargetChange = kNow - 10s;
    EXPECT_TRUE(policy::estimateDemand(*full.report, c).full);
    EXPECT_FALSE(policy::estimateDemand(*full.report, c).underPressure);
    const Plan plan = policy::decide(host(gib(4), {full}), c);
    EXPECT_GE(targetOf(plan, 1), gib(2) + mib(512));
}

}  // namespace
}  // namespace balloon::testing
