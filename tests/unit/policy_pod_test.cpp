// Populate-on-demand (issue 21): a guest whose PoD entries its cache cannot back is never
// lowered by any policy, may still be raised on its report, and the reason says why.
#include <gtest/gtest.h>

#include "policy_fixtures.h"

namespace balloon::testing {
namespace {

// An idle PVH guest at a 2 GiB target that uses 256 MiB: every policy would take memory from it.
DomainSnapshot idlePvh(DomId domid, std::optional<KiB> podDeficit) {
    DomainSnapshot d = withReport(domain(domid, gib(2)), usingMemory(mib(256), gib(4)));
    d.type = DomainType::Pvh;
    d.podDeficit = podDeficit;
    return d;
}

// A host with no free memory and a hungry PV neighbour: the idle guest's memory is wanted.
HostSnapshot shortHost(std::optional<KiB> podDeficit) {
    DomainSnapshot hungry = withReport(domain(2, gib(1)), usingMemory(gib(3), gib(4)));
    return host(mib(64), {idlePvh(1, podDeficit), hungry});
}

PolicyConfig immediate(PolicyKind kind) {
    PolicyConfig c = config(kind);
    c.deadband = KiB{0};
    c.maxStep = gib(64);
    c.holdTime = {};
    return c;
}

class EveryPolicy : public ::testing::TestWithParam<PolicyKind> {};

TEST_P(EveryPolicy, LowersAnIdleGuestWithoutAPodDeficit) {
    const Plan plan = policy::decide(shortHost(std::nullopt), immediate(GetParam()));
    EXPECT_LT(targetOf(plan, 1), gib(2));
}

TEST_P(EveryPolicy, NeverLowersAGuestWithAPodDeficitAndSaysWhy) {
    const Plan plan = policy::decide(shortHost(mib(512)), immediate(GetParam()));
    const DomainPlan& p = planFor(plan, 1);
    EXPECT_EQ(p.target, gib(2));
    EXPECT_EQ(p.floor, gib(2));
    EXPECT_EQ(p.reason.limit, Limit::PodDeficit);
    EXPECT_NE(
        policy::explain(p).find("populate-on-demand: 512M of its memory is not backed yet; not "
                                "lowered until its balloon driver has caught up"),
        std::string::npos)
        << policy::explain(p);
}

INSTANTIATE_TEST_SUITE_P(Pod, EveryPolicy,
                         ::testing::Values(PolicyKind::Demand, PolicyKind::Proportional));

TEST(PodDeficit, StillLetsAGuestThatReportsNeedingMoreGrow) {
    DomainSnapshot busy = withReport(domain(1, gib(1)), usingMemory(mib(1500), gib(4)));
    busy.type = DomainType::Pvh;
    busy.podDeficit = mib(512);
    const Plan plan = policy::decide(host(gib(4), {busy}), immediate(PolicyKind::Demand));
    EXPECT_GT(targetOf(plan, 1), gib(1));
}

TEST(PodDeficit, KeepsAGuestWithoutStatisticsAtItsTarget) {
    DomainSnapshot silent = domain(1, gib(1));
    silent.type = DomainType::Pvh;
    silent.podDeficit = gib(1);
    DomainSnapshot hungry = withReport(domain(2, gib(1)), usingMemory(gib(3), gib(4)));
    const Plan plan =
        policy::decide(host(mib(64), {silent, hungry}), immediate(PolicyKind::Demand));
    EXPECT_EQ(targetOf(plan, 1), gib(1));
}

TEST(PodDeficit, HoldsTheFloorAboveAGrowLimitBelowTheTarget) {
    DomainSnapshot d = idlePvh(1, mib(256));
    d.growLimit = gib(1);
    const Plan plan = policy::decide(host(mib(64), {d}), immediate(PolicyKind::Demand));
    const DomainPlan& p = planFor(plan, 1);
    EXPECT_EQ(p.target, gib(2));
    EXPECT_GE(p.ceiling, p.floor);
}

}  // namespace
}  // namespace balloon::testing
