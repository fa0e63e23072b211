// The demand policy on hand-made snapshots: demand + headroom, shares, idle tax, pressure first,
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
    EXPECT_EQ(pa.target, wantOf(pa) + pa.reason.share);
    // Three times the shares, three times the surplus (to the KiB of rounding).
    EXPECT_NEAR(static_cast<double>(pb.reason.share.count()),
                3.0 * static_cast<double>(pa.reason.share.count()), 3.0);
    // All of it handed out: only the slush stays free.
    EXPECT_GE(pa.target + pb.target, h.total - mib(256) - mib(64) - KiB{2});
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

TEST(DemandPolicy, WithoutTheIdleTaxSharesCutIntoTheBusyGuestsDemand) {
    auto a = withReport(domain(1, gib(2), gib(8)), usingMemory(gib(2)));
    auto b = withReport(domain(2, mib(1600), gib(8)), usingMemory(mib(256)));
    b.guestRequested = gib(3);
    PolicyConfig c = unsmoothed();
    c.idleTax = 0;
    const Plan plan = policy::decide(host(KiB{0}, {a, b}), c);

    // Pure shares: both get the same above their floor, so A ends below what it uses.
    EXPECT_LT(targetOf(plan, 1), gib(2));
    EXPECT_EQ(targetOf(plan, 1), targetOf(plan, 2));
}

TEST(DemandPolicy, GuestsUnderPressureGetTheirsBeforeIdleOnesKeepActiveMemory) {
    GuestReport pressed = usingMemory(mib(1600));
    pressed.psiSomeAvg10 = 3000;  // 30 %: full pressure
    auto a = withReport(domain(1, gib(2), gib(8)), pressed);
    auto b = withReport(domain(2, gib(1), gib(8)), usingMemory(gib(1)));
    const Plan plan = policy::decide(host(mib(64), {a, b}), unsmoothed());

    const DomainPlan& pa = planFor(plan, 1);
    EXPECT_TRUE(pa.reason.pressure);
    EXPECT_EQ(pa.reason.demand, mib(2000));  // raised by a quarter
    EXPECT_EQ(pa.target, wantOf(pa));
    EXPECT_LT(targetOf(plan, 2), gib(1));  // B gives up part of what it uses
    EXPECT_FALSE(plan.shortfall);
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
    auto small = withReport(domain(1, mib(512), gib(8)), usingMemory(mib(100)));
    small.guestMin = gib(1);
    auto busy = withReport(domain(2, gib(3), gib(4)), usingMemory(gib(3)));
    const Plan plan = policy::decide(host(mib(640), {small, busy}), unsmoothed());

    EXPECT_EQ(planFor(plan, 1).floor, gib(1));
    EXPECT_EQ(targetOf(plan, 1), gib(1));
    EXPECT_EQ(planFor(plan, 1).reason.limit, Limit::Floor);
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

TEST(DemandPolicy, TheIdleTaxLeavesAThrashReserveOfAnEighthOfDemand) {
    // A short host cuts both guests to their active tier: demand plus an eighth, not less.
    // Room for both active tiers (1152M each) but not for both wants (1177.6M each).
    auto a = withReport(domain(1, mib(1196), gib(8)), usingMemory(gib(1)));
    auto b = withReport(domain(2, mib(1196), gib(8)), usingMemory(gib(1)));
    const Plan plan = policy::decide(host(KiB{0}, {a, b}), unsmoothed());
    for (const DomId id : {DomId{1}, DomId{2}}) {
        EXPECT_GE(targetOf(plan, id), gib(1) + mib(128));
        EXPECT_LT(targetOf(plan, id), wantOf(planFor(plan, id)));
    }
}

}  // namespace
}  // namespace balloon::testing
