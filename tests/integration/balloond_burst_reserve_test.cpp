// The burst reserve fed by the daemon: a guest whose demand fell keeps room for its recent peak
// for [policy] burst-window, then gives it back; "0" turns the reserve off, and a reload that
// changes the window applies from the next round. Time is the simulation's virtual clock, so a
// window of minutes runs in seconds.
#include <gtest/gtest.h>

#include "balloond_fixture.h"

namespace balloon::testing {
namespace {

using namespace std::chrono_literals;

// "spiky" has needed 1200M; "hungry" takes whatever spiky gives back (its ceiling is 3G).
constexpr const char* kScenario = R"(
[host]
memory = "4G"
dom0 = "1G"
seed = 11
[[domain]]
name = "spiky"
memory = "1600M"
maxmem = "2G"
workload = { kind = "steady", base = "1200M", noise = 0 }
[[domain]]
name = "hungry"
memory = "1G"
maxmem = "3G"
workload = { kind = "steady", base = "1300M", noise = 0 }
)";

constexpr KiB kPeak = mib(1200);
// Below the peak by more than the deadband: the target has come down.
constexpr KiB kGivenBack = mib(1100);

class BalloondBurstReserve : public BalloondOnSimulatedHost {
protected:
    void startWith(std::chrono::minutes window) {
        Config c;
        c.policy.holdTime = 5s;  // so the hold, not the reserve, is never what keeps a target
        c.policy.burstWindow = window;
        start(kScenario, c);
        run(1s, 60);  // a simulated minute to settle at the peak
        ASSERT_GE(target("spiky"), kPeak);
    }
    // spiky's demand falls to 300M; returns when.
    TimePoint fall() {
        sim::WorkloadSpec idle;
        idle.kind = sim::WorkloadKind::Steady;
        idle.base = mib(300);
        idle.noise = 0;
        sim().changeWorkload("spiky", idle);
        return now();
    }
    // Simulated seconds since `t`.
    std::chrono::seconds since(TimePoint t) const {
        return std::chrono::duration_cast<std::chrono::seconds>(now() - t);
    }
    // Steps until spiky's target is below kGivenBack; the simulated time since `fell` that took,
    // or nullopt when `limit` passed first.
    std::optional<std::chrono::seconds> timeToGiveBack(TimePoint fell, std::chrono::seconds limit) {
        while (since(fell) < limit) {
            step(1s);
            if (target("spiky") < kGivenBack) {
                return since(fell);
            }
        }
        return std::nullopt;
    }
    void reload(std::chrono::minutes window) {
        Config c = config();
        c.policy.holdTime = 5s;
        c.policy.burstWindow = window;
        balancer().reconfigure(c);
    }
};

TEST_F(BalloondBurstReserve, AGuestKeepsItsPeakForTheWindowThenGivesItBack) {
    startWith(2min);
    const TimePoint fell = fall();
    // The peak was observed in the minute of the fall; a 2m window remembers it through the next.
    while (since(fell) < 60s) {
        step(1s);
        ASSERT_GE(target("spiky"), kPeak) << "at +" << since(fell).count() << " s";
    }
    ASSERT_TRUE(record("spiky").peak.peak(now()));
    EXPECT_GE(*record("spiky").peak.peak(now()), kPeak);
    const auto took = timeToGiveBack(fell, 4min);
    ASSERT_TRUE(took) << "spiky still holds " << target("spiky").count() << " KiB 4 min later";
    EXPECT_GE(*took, 60s);
    EXPECT_LE(*took, 2min + 30s) << "the peak is forgotten at most 2m after it was observed";
    EXPECT_GT(target("hungry"), mib(1500)) << "what spiky gave back went to hungry";
}

TEST_F(BalloondBurstReserve, AZeroWindowFollowsAFallingDemandAtOnce) {
    startWith(0min);
    const TimePoint fell = fall();
    const auto took = timeToGiveBack(fell, 30s);
    ASSERT_TRUE(took) << "spiky still holds " << target("spiky").count() << " KiB";
    EXPECT_FALSE(record("spiky").peak.peak(now()));
}

TEST_F(BalloondBurstReserve, AReloadToZeroDropsTheReserveAtTheNextRound) {
    startWith(5min);
    const TimePoint fell = fall();
    run(1s, 20);
    ASSERT_GE(target("spiky"), kPeak);
    reload(0min);
    EXPECT_TRUE(timeToGiveBack(fell, 50s)) << "spiky still holds " << target("spiky").count();
}

TEST_F(BalloondBurstReserve, AReloadToALongerWindowKeepsTheCurrentPeakLonger) {
    startWith(2min);
    const TimePoint fell = fall();
    run(1s, 20);
    reload(4min);
    EXPECT_EQ(record("spiky").peak.window(), 2min) << "applied at the next round, not before";
    step(1s);
    EXPECT_EQ(record("spiky").peak.window(), 4min);
    // Under 2m the peak would be gone by +2 min; under 4m it lasts past +3 min.
    while (since(fell) < 3min) {
        step(2s);
        ASSERT_GE(target("spiky"), kPeak) << "at +" << since(fell).count() << " s";
    }
}

}  // namespace
}  // namespace balloon::testing
