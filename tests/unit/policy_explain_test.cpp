// Every domain in a plan has a one-line reason a person can read.
#include <gtest/gtest.h>

#include "policy_fixtures.h"

namespace balloon::testing {
namespace {

PolicyConfig unsmoothed() {
    PolicyConfig c = config();
    c.maxStep = gib(64);
    return c;
}

TEST(Explain, SaysDemandHeadroomAndTheWeightedShare) {
    auto a = withReport(domain(1, gib(1), gib(8)), usingMemory(mib(512)));
    a.weight = 200;
    const Plan plan = policy::decide(host(gib(2), {a}), unsmoothed());
    EXPECT_EQ(policy::explain(planFor(plan, 1)),
              "demand 512M + headroom 76.8M, share by weight 200: +2.36G");
}

TEST(Explain, SaysWhatAShortHostTookAway) {
    auto a = withReport(domain(1, gib(1), gib(8)), usingMemory(gib(2)));
    const Plan plan = policy::decide(host(mib(64), {a}), unsmoothed());
    EXPECT_EQ(policy::explain(planFor(plan, 1)),
              "demand 2G + headroom 307.2M, host short: -1.3G at weight 100");
}

TEST(Explain, NamesPinnedExcludedStuckAndBuildingDomains) {
    auto pinned = domain(1, gib(1));
    pinned.pinned = true;
    auto excluded = domain(2, gib(1));
    excluded.excluded = true;
    auto stuck = domain(3, gib(1));
    stuck.actual = mib(2253);
    stuck.convergence = Convergence::Stuck;
    auto building = domain(4, gib(1));
    HostSnapshot h = host(gib(4), {pinned, excluded, stuck, building});
    h.reservations.push_back({"r", gib(1), DomId{4}});
    const Plan plan = policy::decide(h, config());

    EXPECT_EQ(policy::explain(planFor(plan, 1)), "pinned by admin");
    EXPECT_EQ(policy::explain(planFor(plan, 2)), "excluded from ballooning");
    EXPECT_EQ(policy::explain(planFor(plan, 3)), "stuck: keeping 1.2G it has not released");
    EXPECT_EQ(policy::explain(planFor(plan, 4)),
              "being built on a reservation: left to the toolstack");
}

TEST(Explain, SaysWhichStabilityLimitHeldTheTargetBack) {
    auto a = withReport(domain(1, gib(1), gib(8)), usingMemory(gib(2)));
    const Plan plan = policy::decide(host(gib(8), {a}), config());
    EXPECT_EQ(policy::explain(planFor(plan, 1)),
              "demand 2G + headroom 307.2M, share by weight 100: +5.7G; step capped (ideal 8G)");
}

TEST(Explain, GivesTheCommonFractionForProportional) {
    PolicyConfig c = config(PolicyKind::Proportional);
    c.maxStep = gib(64);
    // (2G - 64M slush - 128M floor) of a 4G range.
    const Plan plan = policy::decide(host(gib(1), {domain(1, gib(1), gib(4) + mib(128))}), c);
    EXPECT_EQ(policy::explain(planFor(plan, 1)), "proportional: 45% of [128M, 4.13G]");
}

TEST(Explain, EveryDomainOfAPlanHasAReason) {
    auto a = withReport(domain(1, gib(1), gib(8)), usingMemory(gib(2)));
    auto b = domain(2, gib(1));
    const Plan plan = policy::decide(host(gib(1), {a, b}), config());
    for (const auto& p : plan.domains) {
        EXPECT_FALSE(policy::explain(p).empty());
    }
}

}  // namespace
}  // namespace balloon::testing
