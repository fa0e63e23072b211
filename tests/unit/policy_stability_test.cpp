// Stability: deadband, step cap, hold time (and what it does not hold), the budget over all
// three, no oscillation around a stuck guest, and the two-phase write order.
#include <gtest/gtest.h>

#include "policy_fixtures.h"

namespace balloon::testing {
namespace {

// One domain, proportional policy: its ideal target is simply what the host has for it.
HostSnapshot oneDomainWithRoomFor(KiB ideal, KiB target = gib(1)) {
    return host(ideal - target + mib(64), {domain(1, target, gib(8))});
}

TEST(Stability, SkipsChangesSmallerThanTheDeadband) {
    const Plan plan =
        policy::decide(oneDomainWithRoomFor(gib(1) + mib(10)), config(PolicyKind::Proportional));
    EXPECT_FALSE(planFor(plan, 1).changed());
    EXPECT_EQ(planFor(plan, 1).reason.limit, Limit::Deadband);
}

TEST(Stability, MovesATargetAtMostMaxStepAtATime) {
    const Plan plan =
        policy::decide(oneDomainWithRoomFor(gib(2)), config(PolicyKind::Proportional));
    EXPECT_EQ(targetOf(plan, 1), gib(1) + mib(512));
    EXPECT_EQ(planFor(plan, 1).reason.limit, Limit::StepCap);
    EXPECT_EQ(planFor(plan, 1).change, Change::Grow);
}

TEST(Stability, WritesNewTargetsInWholePages) {
    // Room for 1G + 100M + 3 KiB: the target is the whole page below, never between two pages (a
    // driver moves pages, and a guest left a part-page above its target uses more than it).
    PolicyConfig c = config(PolicyKind::Proportional);
    c.maxStep = gib(8);
    HostSnapshot h = oneDomainWithRoomFor(gib(1) + mib(100) + KiB{3});
    EXPECT_EQ(targetOf(policy::decide(h, c), 1), gib(1) + mib(100));
    // An unchanged target stays as it is, whole pages or not.
    h = oneDomainWithRoomFor(gib(1) + KiB{3}, gib(1) + KiB{3});
    EXPECT_FALSE(planFor(policy::decide(h, c), 1).changed());
}

TEST(Stability, HoldsATargetChangedWithinTheHoldTime) {
    HostSnapshot h = oneDomainWithRoomFor(gib(2));
    h.domains[0].lastTargetChange = kNow - 30s;
    const Plan held = policy::decide(h, config(PolicyKind::Proportional));
    EXPECT_FALSE(planFor(held, 1).changed());
    EXPECT_EQ(planFor(held, 1).reason.limit, Limit::Held);

    h.domains[0].lastTargetChange = kNow - 61s;
    EXPECT_TRUE(planFor(policy::decide(h, config(PolicyKind::Proportional)), 1).changed());
}

TEST(Stability, CallingOffAMoveTheGuestHasNotMadeIsNotHeld) {
    // Told 10 s ago to shrink from 1.5G to 512M, the guest still holds 1.5G: putting the target
    // back where it is costs the guest nothing, so the hold time does not apply.
    auto d = domain(1, mib(512), gib(8));
    d.actual = mib(1536);
    d.lastTargetChange = kNow - 10s;
    const Plan plan = policy::decide(host(mib(64), {d}), config(PolicyKind::Proportional));
    EXPECT_EQ(targetOf(plan, 1), mib(1536));
}

TEST(Stability, PressureOverridesTheHoldTime) {
    GuestReport pressed = usingMemory(gib(1));
    pressed.psiSomeAvg10 = 2500;
    auto d = withReport(domain(1, gib(1), gib(8)), pressed);
    d.lastTargetChange = kNow - 5s;
    const Plan plan = policy::decide(host(gib(8), {d}), config());
    EXPECT_EQ(planFor(plan, 1).change, Change::Grow);
}

TEST(Stability, TheBudgetWinsOverStepCapAndHoldTime) {
    // A reservation of 3G arrives while the guest was just changed: it must give 3G at once.
    auto d = withReport(domain(1, gib(6), gib(8)), usingMemory(gib(1)));
    d.lastTargetChange = kNow - 5s;
    HostSnapshot h = host(mib(64), {d});
    h.reservations.push_back({"new-vm", gib(3), std::nullopt});
    const Plan plan = policy::decide(h, config());

    EXPECT_EQ(targetOf(plan, 1), gib(3));
    EXPECT_EQ(planFor(plan, 1).reason.limit, Limit::Budget);
    EXPECT_FALSE(plan.shortfall);
}

TEST(Stability, TrimsGrowsWhenTheShrinksPayingForThemAreCapped) {
    // A must shrink by 2G to pay for B's grow; A is held, so B may not grow yet.
    auto a = withReport(domain(1, gib(4), gib(8)), usingMemory(gib(1)));
    a.lastTargetChange = kNow - 5s;
    a.weight = 1;
    auto b = withReport(domain(2, gib(1), gib(8)), usingMemory(gib(3)));
    const auto h = host(mib(64), {a, b});
    const Plan plan = policy::decide(h, config());

    EXPECT_FALSE(planFor(plan, 1).changed());
    EXPECT_FALSE(planFor(plan, 2).changed());
    EXPECT_EQ(planFor(plan, 2).reason.limit, Limit::Budget);
    EXPECT_LE(footprintOf(h, plan) + plan.slush, plan.usable);
}

TEST(Stability, AStuckGuestDoesNotMakeTheOthersOscillate) {
    auto stuck = domain(1, gib(1), gib(8));
    stuck.actual = gib(2);
    stuck.convergence = Convergence::Uncooperative;
    auto a = withReport(domain(2, gib(3), gib(8)), usingMemory(gib(1)));
    auto b = withReport(domain(3, gib(1), gib(8)), usingMemory(gib(2)));
    HostSnapshot h = host(mib(512), {stuck, a, b});

    std::vector<int> changesPerRound;
    for (int round = 0; round < 12; ++round) {
        const Plan plan = policy::decide(h, config());
        int changes = 0;
        for (auto& d : h.domains) {
            const DomainPlan& p = planFor(plan, d.domid);
            if (p.changed()) {
                ++changes;
                h.free = h.free + d.actual - p.target;  // the guest follows...
                d.actual = p.target;
                d.target = p.target;
                d.lastTargetChange = h.now;
            }
        }
        changesPerRound.push_back(changes);
        h.now += 61s;
    }
    EXPECT_EQ(h.domains[0].target, gib(1));
    // Settled within a few rounds and then quiet.
    EXPECT_EQ(std::vector<int>(changesPerRound.begin() + 6, changesPerRound.end()),
              std::vector<int>(6, 0));
}

TEST(TwoPhase, ListsShrinksBeforeGrows) {
    auto a = withReport(domain(1, mib(512), gib(8)), usingMemory(gib(2)));
    auto b = withReport(domain(2, gib(3), gib(8)), usingMemory(mib(200)));
    auto c = withReport(domain(3, gib(3), gib(8)), usingMemory(mib(300)));
    const Plan plan = policy::decide(host(KiB{0}, {a, b, c}), config());
    ASSERT_EQ(plan.domains.size(), 3U);
    EXPECT_EQ(plan.domains[0].change, Change::Shrink);
    EXPECT_EQ(plan.domains[1].change, Change::Shrink);
    EXPECT_EQ(plan.domains[2].change, Change::Grow);
    EXPECT_GE(plan.domains[0].oldTarget - plan.domains[0].target,
              plan.domains[1].oldTarget - plan.domains[1].target);
}

TEST(Stability, TheHoldTimeDoesNotKeepMemoryFromAGuestUnderPressure) {
    // B idles on memory it was given 10 s ago; A is under pressure and the host has nothing free.
    GuestReport pressed = usingMemory(gib(2), gib(2));
    pressed.majorFaults = 5000;
    pressed.swapUsed = mib(512);
    auto a = withReport(domain(1, gib(2), gib(8)), pressed);
    auto b = withReport(domain(2, gib(4), gib(8)), usingMemory(mib(512)));
    b.lastTargetChange = kNow - 10s;
    const auto h = host(mib(64), {a, b});
    const Plan plan = policy::decide(h, config());

    EXPECT_EQ(planFor(plan, 2).change, Change::Shrink);
    EXPECT_EQ(planFor(plan, 2).reason.limit, Limit::Budget);
    EXPECT_EQ(planFor(plan, 1).change, Change::Grow);
    // Past the step cap: a guest under pressure grows at once.
    EXPECT_GT(targetOf(plan, 1), gib(2) + config().maxStep);
    EXPECT_LE(footprintOf(h, plan) + plan.slush, plan.usable);
}

}  // namespace
}  // namespace balloon::testing
