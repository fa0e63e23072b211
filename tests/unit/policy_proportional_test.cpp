// The `proportional` (squeezed) and `off` policies on hand-made snapshots.
#include <gtest/gtest.h>

#include "policy_fixtures.h"

namespace balloon::testing {
namespace {

PolicyConfig proportional() {
    PolicyConfig c = config(PolicyKind::Proportional);
    c.maxStep = gib(64);
    return c;
}

TEST(ProportionalPolicy, GivesEveryDomainTheSameFractionOfItsRange) {
    // Ranges [128M, 1G] and [128M, 2G]; 1.5G for targets: (1536 - 256) / (896 + 1920) of each.
    auto a = domain(1, mib(512), gib(1));
    auto b = domain(2, gib(1), gib(2));
    const Plan plan = policy::decide(host(mib(64), {a, b}), proportional());

    const double fa =
        static_cast<double>((targetOf(plan, 1) - mib(128)).count()) / mib(896).count();
    const double fb =
        static_cast<double>((targetOf(plan, 2) - mib(128)).count()) / mib(1920).count();
    EXPECT_NEAR(fa, 1280.0 / 2816.0, 1e-5);
    EXPECT_NEAR(fb, 1280.0 / 2816.0, 1e-5);
    EXPECT_DOUBLE_EQ(planFor(plan, 1).reason.fraction, planFor(plan, 2).reason.fraction);
    EXPECT_LE(targetOf(plan, 1) + targetOf(plan, 2), mib(1536));
}

TEST(ProportionalPolicy, IgnoresGuestStatisticsAndWeights) {
    auto a = withReport(domain(1, gib(1), gib(2)), usingMemory(mib(1900), gib(2)));
    auto b = withReport(domain(2, gib(1), gib(2)), usingMemory(mib(100), gib(2)));
    b.weight = 1000;
    const Plan plan = policy::decide(host(mib(64), {a, b}), proportional());
    EXPECT_EQ(targetOf(plan, 1), targetOf(plan, 2));
    EXPECT_EQ(planFor(plan, 1).reason.kind, ReasonKind::Proportional);
}

TEST(ProportionalPolicy, GivesEveryoneTheirCeilingWhenMemoryIsPlentiful) {
    auto a = domain(1, mib(512), gib(1));
    auto b = domain(2, mib(512), gib(2));
    const Plan plan = policy::decide(host(gib(16), {a, b}), proportional());
    EXPECT_EQ(targetOf(plan, 1), gib(1));
    EXPECT_EQ(targetOf(plan, 2), gib(2));
}

TEST(ProportionalPolicy, PutsEveryoneAtTheirFloorAndSaysSoWhenFloorsDoNotFit) {
    auto a = domain(1, gib(1), gib(2));
    a.min = gib(1);
    auto b = domain(2, gib(1), gib(2));
    b.min = gib(1);
    HostSnapshot h = host(KiB{0}, {a, b});  // 2G, of which 64M must stay free
    const Plan plan = policy::decide(h, proportional());

    EXPECT_EQ(targetOf(plan, 1), gib(1));
    EXPECT_EQ(targetOf(plan, 2), gib(1));
    ASSERT_TRUE(plan.shortfall);
    EXPECT_EQ(plan.shortfall->missing, mib(64));
    EXPECT_EQ(plan.shortfall->atFloor, (std::vector<DomId>{1, 2}));
}

TEST(ProportionalPolicy, HoldsAGuestThatStoppedGrowingWhereItIsAndSharesTheRest) {
    // Both [128M, 2G], 3G for targets: an even split gives each 1.5G, but `a` stopped growing at
    // 1G (squeezed's test "h"). It is held there and `b` gets the rest, not a cut share.
    auto a = domain(1, mib(1536), gib(2));
    a.actual = gib(1);
    a.convergence = Convergence::Stuck;
    a.growLimit = gib(1);
    auto b = domain(2, mib(1536), gib(2));
    HostSnapshot h = host(mib(64), {a, b});
    h.total = gib(3) + mib(64) + mib(256);
    h.free = gib(3) + mib(64) - gib(1) - mib(1536);
    const Plan plan = policy::decide(h, proportional());
    EXPECT_EQ(targetOf(plan, 1), gib(1));
    EXPECT_EQ(targetOf(plan, 2), gib(2));
}

TEST(OffPolicy, LeavesEveryTargetAsItIs) {
    auto a = withReport(domain(1, gib(1), gib(8)), usingMemory(gib(3)));
    auto b = domain(2, mib(100), gib(8));  // below the default floor: still not touched
    const Plan plan = policy::decide(host(gib(16), {a, b}), config(PolicyKind::Off));
    for (const auto& p : plan.domains) {
        EXPECT_FALSE(p.changed());
        EXPECT_EQ(p.reason.kind, ReasonKind::PolicyOff);
    }
    EXPECT_EQ(targetOf(plan, 2), mib(100));
    EXPECT_FALSE(plan.shortfall);
}

TEST(OffPolicy, ReportsAShortfallWhenTheAdminsTargetsOvercommitTheHost) {
    auto a = domain(1, gib(4), gib(8));
    a.actual = gib(1);
    const Plan plan = policy::decide(host(gib(1), {a}), config(PolicyKind::Off));
    ASSERT_TRUE(plan.shortfall);
    EXPECT_EQ(plan.shortfall->missing, gib(2) + mib(64));
    EXPECT_EQ(targetOf(plan, 1), gib(4));
}

}  // namespace
}  // namespace balloon::testing
