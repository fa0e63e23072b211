// What the hour-long comparison traces asked for: a guest that burst recently keeps room for its
// peak (RecentPeak, DomainSnapshot::recentPeak), a stuck guest that uses the memory it was asked
// to release is planned again instead of frozen, and calling off a shrink the guest has not made
// costs the two-phase write no free memory.
#include <gtest/gtest.h>

#include "policy/grow_budget.h"
#include "policy/recent_peak.h"
#include "policy_fixtures.h"

namespace balloon::testing {
namespace {

TEST(RecentPeak, RemembersTheHighestNeedIncludingSwapForTwelveMinutes) {
    policy::RecentPeak peak;
    EXPECT_FALSE(peak.peak(kNow));
    GuestReport burst = usingMemory(gib(1));
    burst.swapUsed = mib(300);
    peak.observe(kNow, burst);
    peak.observe(kNow + 10s, usingMemory(mib(300)));
    EXPECT_EQ(peak.peak(kNow + 10s), gib(1) + mib(300));
    EXPECT_EQ(peak.peak(kNow + 11min), gib(1) + mib(300));
    peak.observe(kNow + 13min, usingMemory(mib(300)));
    EXPECT_EQ(peak.peak(kNow + 13min), mib(300)) << "a peak older than 12 minutes is forgotten";
}

TEST(BurstReserve, AGuestThatBurstRecentlyKeepsRoomForItsPeakAheadOfSurplus) {
    // Two idle guests at 300M on a host with room for one peak: the one that burst keeps it.
    auto burst = withReport(domain(1, mib(1800), gib(4)), usingMemory(mib(300)));
    burst.recentPeak = mib(1800);
    auto calm = withReport(domain(2, mib(1800), gib(4)), usingMemory(mib(300)));
    calm.recentPeak = mib(310);
    const Plan plan = policy::decide(host(KiB{0}, {burst, calm}), config());
    EXPECT_GE(targetOf(plan, 1), mib(1800));
    EXPECT_LT(targetOf(plan, 2), mib(1800));
}

TEST(BurstReserve, AReserveDoesNotStandBeforeAnotherGuestsUrgentNeed) {
    auto burst = withReport(domain(1, mib(1800), gib(4)), usingMemory(mib(300)));
    burst.recentPeak = mib(1800);
    GuestReport pressed = usingMemory(mib(1700), mib(1800));
    pressed.psiSomeAvg10 = 3000;
    auto busy = withReport(domain(2, mib(1800), gib(4)), pressed);
    const Plan plan = policy::decide(host(KiB{0}, {burst, busy}), config());
    EXPECT_EQ(planFor(plan, 2).change, Change::Grow);
    EXPECT_EQ(planFor(plan, 1).change, Change::Shrink);
}

TEST(StuckGuest, OneUsingWhatItWasAskedToReleaseIsPlannedAgainAndKeepsWhatItHolds) {
    auto stuck = withReport(domain(1, mib(500), gib(4)), usingMemory(gib(1)));
    stuck.actual = gib(1) + mib(16);
    stuck.convergence = Convergence::Stuck;
    stuck.lastTargetChange = kNow - 10s;
    auto other = withReport(domain(2, gib(1), gib(4)), usingMemory(mib(700)));
    const auto h = host(KiB{0}, {stuck, other});
    const Plan plan = policy::decide(h, config());
    EXPECT_EQ(planFor(plan, 1).reason.kind, ReasonKind::Demand);
    EXPECT_EQ(targetOf(plan, 1), gib(1) + mib(16)) << "the shrink it could not make is called off";
    EXPECT_LE(footprintOf(h, plan) + plan.slush, plan.usable);
}

TEST(StuckGuest, OneWhoseReportDoesNotClaimTheMemoryStaysFrozen) {
    auto stuck = withReport(domain(1, mib(500), gib(4)), usingMemory(mib(200)));
    stuck.actual = gib(1);
    stuck.convergence = Convergence::Uncooperative;
    const Plan plan = policy::decide(host(gib(1), {stuck}), config());
    EXPECT_EQ(planFor(plan, 1).reason.kind, ReasonKind::Stuck);
    EXPECT_FALSE(planFor(plan, 1).changed());
}

TEST(GrowBudget, CallingOffAShrinkTheGuestHasNotMadeNeedsNoFreeMemory) {
    // Target 500M, still holding 1G: back to 1G costs nothing; beyond it, the budget pays.
    const policy::GrowRequest grows[] = {{1, mib(500), gib(1) + mib(100), false, gib(1)}};
    const auto grants = policy::grantGrows(grows, mib(40));
    ASSERT_EQ(grants.size(), 1U);
    EXPECT_EQ(grants[0].target, gib(1) + mib(40));
    EXPECT_TRUE(grants[0].deferred);
}

}  // namespace
}  // namespace balloon::testing
