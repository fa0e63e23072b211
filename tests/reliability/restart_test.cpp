// Faults around a balloond that runs as its own process: SIGKILLed at random points across 100
// rebalances and started again each time, xenstored restarted under it, and a domid reused while
// it was down. After each: the host's invariants hold and persisted state is intact.
#include <array>
#include <csignal>
#include <iostream>
#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "private_paths.h"
#include "reservation_store.h"
#include "separate_balloond.h"
#include "sim_toolstack.h"

namespace balloon::reliability {
namespace {

using ::testing::IsEmpty;

constexpr int kRebalances = 100;  // each followed by a SIGKILL at a random point

sim::WorkloadSpec steady(KiB base) {
    sim::WorkloadSpec spec;
    spec.base = base;
    spec.noise = 0;
    return spec;
}

class Faults : public SeparateBalloond {};

TEST_F(Faults, AHundredKillsAtRandomPointsLoseNoInvariantAndNoReservation) {
    // A reservation as a previous run left it: no owner, no expiry (it must outlive every kill).
    daemon::ReservationStore store(reader());
    store.load();
    const std::string id = store.add(mib(256), "", 0);
    const std::string entry = std::string(daemon::kReservationsPath) + "/" + id;
    const auto persisted = reader().read(entry);
    ASSERT_TRUE(persisted);

    std::mt19937 random(20261127);
    std::uniform_int_distribution<int> extra(0, 150);
    int rebalances = 0;
    int earlyKills = 0;
    int quiet = 0;  // balloonds killed after 5 s without a write: nothing had to change
    const auto started = std::chrono::steady_clock::now();
    int kill = 0;
    for (; rebalances < kRebalances; ++kill) {
        const auto before = targets();
        // One guest's demand swings (a, b and c in turn, so the hold time never delays it):
        // nearly every new balloond has a rebalance to make. Not every one: on a roomy host the
        // surplus each guest gets by weight can absorb a swing inside the hysteresis band, when
        // the last balloond was killed before it wrote that guest's previous swing.
        const int turn = kill / 3;
        const std::string guest = std::string(1, static_cast<char>('a' + kill % 3));
        // All three at their highest demand still fit the 3G left beside dom0 (at 800M the
        // host is short and a grow may have nowhere to come from). Four levels, not two: a
        // balloond killed before it wrote a guest's last swing leaves that guest's target at the
        // level before, and the next swing must still differ from it.
        static constexpr std::array<std::uint64_t, 4> kLevels{600, 200, 650, 250};
        sim().changeWorkload(guest, steady(mib(kLevels[static_cast<std::size_t>(turn) % 4])));
        ChildProcess& balloond = startBalloond();
        if (kill % 10 == 9) {
            // Some kills land during start-up, before or inside the first round.
            server().pumpFor(std::chrono::milliseconds(extra(random) / 5));
            ++earlyKills;
        } else {
            if (pumpUntilRebalanced(before, std::chrono::seconds(5))) {
                ++rebalances;
            } else {
                ++quiet;
            }
            // ... the others anywhere in the rounds that follow.
            server().pumpFor(std::chrono::milliseconds(extra(random)));
        }
        ASSERT_FALSE(balloond.exitStatus()) << "balloond exited by itself before kill " << kill;
        balloond.stop(SIGKILL, std::chrono::milliseconds(0));
        ASSERT_THAT(invariantViolations(reader(), sim(), {mib(128), mib(256)}), IsEmpty())
            << "after kill " << kill;
        ASSERT_EQ(reader().read(entry), persisted) << "the reservation changed at kill " << kill;
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cout << "[figures] " << kill << " SIGKILLs (" << earlyKills << " during start-up), "
              << rebalances << " rebalances written before a kill, " << quiet
              << " with nothing to write, " << seconds << " s\n";
    EXPECT_LE(quiet, kill / 10) << "most restarts must have had a rebalance to make";

    // The last restart balances the host again and keeps the reservation.
    const auto before = targets();
    // A demand no turn of the loop used, on a host with room for it whatever turn the loop
    // ended on.
    sim().changeWorkload("b", steady(mib(200)));
    sim().changeWorkload("c", steady(mib(200)));
    sim().changeWorkload("a", steady(mib(1500)));
    startBalloond();
    ASSERT_TRUE(pumpUntilRebalanced(before));
    EXPECT_THAT(invariantViolations(reader(), sim(), {mib(128), mib(256)}), IsEmpty());
    EXPECT_EQ(reader().read(entry), persisted);
}

TEST_F(Faults, AXenstoredRestartMakesBalloondExitForSystemdAndARestartRecovers) {
    ChildProcess& first = startBalloond();
    const auto before = targets();
    sim().changeWorkload("a", steady(mib(1200)));
    ASSERT_TRUE(pumpUntilRebalanced(before));

    xenstored().restart();  // a fresh database: every domain's tree and /balloond are gone
    // The toolstack rebuilds the host's Xenstore (the old simulation's connection is dead).
    rebuildHost();
    ASSERT_TRUE(server().pumpUntil([&] { return first.exitStatus().has_value(); },
                                   std::chrono::seconds(20)))
        << "balloond neither exited nor noticed that xenstored restarted";
    EXPECT_NE(*first.exitStatus(), 0) << "systemd restarts only a failed balloond";
    EXPECT_GE(countLines(logPath(), "balloond: xenstore"), 1U) << "the exit names its cause";

    // systemd starts balloond again.
    ChildProcess& second = startBalloond();
    const auto rebuilt = targets();
    sim().changeWorkload("b", steady(mib(1500)));
    ASSERT_TRUE(pumpUntilRebalanced(rebuilt)) << "the restarted balloond does not balance";
    EXPECT_FALSE(second.exitStatus());
    EXPECT_THAT(invariantViolations(reader(), sim(), {}), IsEmpty());
}

TEST_F(Faults, AReusedDomidGetsFreshStateNotTheOldPin) {
    const auto initial = targets();
    startBalloond();
    ASSERT_TRUE(pumpUntilRebalanced(initial)) << "balloond's first round";
    const DomId b = *sim().domid("b");
    // The admin sets b's target by hand: balloond pins it, and persists the pin.
    sim::xlMemSet(reader(), sim().host(), b, mib(700));
    const std::string pin = daemon::pinPath(b);
    ASSERT_TRUE(server().pumpUntil([&] { return reader().read(pin).has_value(); },
                                   std::chrono::seconds(10)));
    startBalloond();  // the first one is killed; the pin stays for the next run
    server().pumpFor(std::chrono::milliseconds(500));
    ASSERT_EQ(memoryKey(reader(), b, "target"), mib(700)) << "a restarted balloond kept the pin";

    // While balloond is down, b is destroyed and a new domain gets its domid: Xenstore shows a new
    // uuid and name under the same /local/domain/<id>.
    killBalloond();
    const std::string uuid = "00000000-0000-4000-8000-00000000b0b0";
    const std::string home = "/local/domain/" + std::to_string(b);
    reader().write("/vm/" + uuid + "/uuid", uuid);
    reader().write("/vm/" + uuid + "/name", "reborn");
    reader().write(home + "/vm", "/vm/" + uuid);
    reader().write(home + "/name", "reborn");
    sim().changeWorkload("b", steady(mib(1400)));

    startBalloond();
    ASSERT_TRUE(server().pumpUntil([&] { return memoryKey(reader(), b, "target") != mib(700); },
                                   std::chrono::seconds(20)))
        << "the new domain inherited the old one's pin";
    EXPECT_THAT(invariantViolations(reader(), sim(), {}), IsEmpty());
}

}  // namespace
}  // namespace balloon::reliability
