// Reservations, planning side: others shrink to cover them; when they cannot, the plan says how
// much could be freed and who is in the way.
#include <gtest/gtest.h>

#include "policy_fixtures.h"

namespace balloon::testing {
namespace {

TEST(Reservations, ShrinkOthersUntilFreeMemoryCoversThem) {
    auto a = withReport(domain(1, gib(4), gib(8)), usingMemory(gib(1)));
    HostSnapshot h = host(mib(64), {a});
    h.reservations.push_back({"new-vm", gib(2), std::nullopt});
    const Plan plan = policy::decide(h, config());

    EXPECT_EQ(plan.reserved, gib(2));
    EXPECT_EQ(targetOf(plan, 1), gib(2));
    EXPECT_FALSE(plan.shortfall);
    EXPECT_LE(footprintOf(h, plan) + plan.slush + plan.reserved, plan.usable);
}

TEST(Reservations, CountWhatASettledGuestHoldsAboveItsTarget) {
    // `usb` settled 592 KiB above its target (its pages in use, within the convergence
    // tolerance): that memory is not coming back, so `a` shrinks for it too. Without this a 4 GiB
    // start on the Qubes desktop waited for ever, 604 KiB short.
    auto usb = withReport(domain(1, mib(300), gib(1)), usingMemory(mib(250)));
    usb.actual = mib(300) + KiB{592};
    auto a = withReport(domain(2, gib(4), gib(8)), usingMemory(gib(1)));
    HostSnapshot h = host(mib(64), {usb, a});
    h.reservations.push_back({"new-vm", gib(2), std::nullopt});
    const Plan plan = policy::decide(h, config());

    EXPECT_FALSE(plan.shortfall);
    // What the domains hold once they follow the plan, usb still 592 KiB above its target.
    EXPECT_LE(targetOf(plan, 1) + KiB{592} + targetOf(plan, 2) + plan.slush + plan.reserved,
              plan.usable);
}

TEST(Reservations, SayHowMuchCouldBeFreedAndWhoRefusedWhenTheyCannotBeCovered) {
    auto a = withReport(domain(1, gib(4), gib(8)), usingMemory(gib(1)));
    a.min = gib(3);
    auto stuck = domain(2, mib(512), gib(8));
    stuck.actual = gib(1);
    stuck.convergence = Convergence::Stuck;
    HostSnapshot h = host(mib(64), {a, stuck});
    h.reservations.push_back({"big-vm", gib(2), std::nullopt});
    const Plan plan = policy::decide(h, config());

    ASSERT_TRUE(plan.shortfall);
    EXPECT_EQ(plan.shortfall->missing, gib(1));
    EXPECT_EQ(plan.shortfall->reservable, gib(1));
    EXPECT_EQ(plan.shortfall->refused, std::vector<DomId>{2});
    EXPECT_EQ(plan.shortfall->atFloor, std::vector<DomId>{1});
    EXPECT_EQ(targetOf(plan, 1), gib(3));
    EXPECT_EQ(targetOf(plan, 2), mib(512));
}

// The demand policy plans a stuck guest that uses more than its target again (it cannot release
// pages in use), but it still holds what it holds: a reservation cannot count on that memory,
// and the refusal names it at once instead of waiting for it to move.
TEST(Reservations, AStuckGuestPlannedAgainIsStillCountedAtWhatItHolds) {
    auto a = withReport(domain(1, gib(4), gib(8)), usingMemory(gib(1)));
    a.min = gib(3);
    auto stuck = withReport(domain(2, mib(512), gib(8)), usingMemory(mib(900)));
    stuck.actual = gib(1);
    stuck.convergence = Convergence::Stuck;
    HostSnapshot h = host(mib(64), {a, stuck});
    h.reservations.push_back({"big-vm", gib(2), std::nullopt});
    const Plan plan = policy::decide(h, config());

    ASSERT_TRUE(plan.shortfall);
    EXPECT_EQ(plan.shortfall->reservable, gib(1));
    EXPECT_EQ(plan.shortfall->refused, std::vector<DomId>{2});
}

TEST(Reservations, TransferredToADomainAreCountedOnceInItsFootprint) {
    auto building = domain(5, mib(512), gib(2));
    building.actual = mib(256);
    auto a = withReport(domain(1, gib(4), gib(8)), usingMemory(gib(1)));
    HostSnapshot h = host(gib(1), {a, building});
    h.reservations.push_back({"r1", gib(1), DomId{5}});
    const Plan plan = policy::decide(h, config());

    EXPECT_EQ(plan.reserved, KiB{0});
    EXPECT_EQ(planFor(plan, 5).reason.kind, ReasonKind::Building);
    EXPECT_FALSE(planFor(plan, 5).changed());
    // Usable 5G+256M; the building domain counts for its 1G reservation, the slush for 64M.
    EXPECT_EQ(plan.committed, gib(5) + mib(256) - mib(64));
    EXPECT_FALSE(plan.shortfall);
}

TEST(Reservations, ForADomainNotYetVisibleAreCountedInFull) {
    auto a = withReport(domain(1, gib(4), gib(8)), usingMemory(gib(1)));
    HostSnapshot h = host(gib(1), {a});
    h.reservations.push_back({"r1", gib(1), DomId{42}});
    h.reservations.push_back({"r2", mib(512), std::nullopt});
    const Plan plan = policy::decide(h, config());
    EXPECT_EQ(plan.reserved, gib(1) + mib(512));
}

}  // namespace
}  // namespace balloon::testing
