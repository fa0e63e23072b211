// A guest that balloons slowly while its working set grows (the e2e pressure scenario: memhog in
// a Linux domU under QEMU, whose balloon deflates a few MiB a second). Its grow must not be
// called off while it is still taking it: a slow grower once lost its surplus share each time
// the tracker judged it slow, got it back once it caught up, and its target swung by 100 MiB
// every half minute (616 -> 578 -> 698 -> 608 -> 720 MiB) while its workload stalled.
#include <gtest/gtest.h>

#include "contender.h"
#include "host_view.h"
#include "simulation.h"

namespace balloon::compare {
namespace {

// 2 GiB host, 512 MiB dom0, a big idle guest and a small one that grows: as on the e2e bed.
constexpr const char* kScenario = R"(name = "slow-grower"
[host]
memory = "2G"
dom0 = "512M"
seed = 5
duration = "5m"

[[domain]]
name = "idle1"
memory = "1024M"
maxmem = "1024M"
rate = 16
workload = { kind = "idle", base = "80M" }

[[domain]]
name = "hog1"
memory = "256M"
maxmem = "768M"
driver = "slow"
workload = { kind = "growth", base = "80M", amplitude = "320M", rate = 2 }
)";

struct Round {
    double seconds;
    KiB target;
};

// hog1's target after every balancing round of the demand policy.
std::vector<Round> hogTargets() {
    sim::Simulation sim(sim::parseScenario(kScenario, "slow-grower"));
    HostView view(sim);
    const Contender demand = demandContender();
    std::vector<Round> rounds;
    sim::SimTime lastRound{0};
    while (sim.now() < sim.scenario().duration) {
        sim.step(sim.scenario().step);
        if (sim.now() - lastRound >= std::chrono::seconds(2)) {
            lastRound = sim.now();
            const KiB free = sim.host().hostInfo().freeKiB();
            view.apply(demand.plan(view.snapshot({})), free, demand.slush);
            rounds.push_back({sim::toSeconds(sim.now()), sim.target("hog1").value_or(KiB{})});
        }
    }
    return rounds;
}

TEST(SlowGrower, ItsTargetNeverStepsBackWhileItsWorkloadGrows) {
    const std::vector<Round> rounds = hogTargets();
    ASSERT_FALSE(rounds.empty());
    KiB highest;
    for (const Round& r : rounds) {
        // The workload grows for 160 s and then holds: every step back in that time is a grow
        // called off and then granted again.
        if (r.seconds <= 160) {
            EXPECT_GE(r.target.count(), highest.count())
                << "hog1's target stepped back at " << r.seconds << " s";
        }
        highest = max(highest, r.target);
    }
    EXPECT_GT(rounds.back().target.count(), mib(400).count())
        << "hog1 should have grown toward its demand";
}

}  // namespace
}  // namespace balloon::compare
