// Workload shapes: demand over virtual time, deterministic under a seed.
#include <vector>

#include <gtest/gtest.h>

#include "workload.h"

namespace balloon::sim {
namespace {

constexpr Duration kStep{100};

std::vector<KiB> samples(const WorkloadSpec& spec, std::uint64_t seed, Duration total) {
    Workload w(spec, seed);
    std::vector<KiB> out;
    for (SimTime t = kStep; t <= total; t += kStep) {
        out.push_back(w.sample(t));
    }
    return out;
}

WorkloadSpec shape(WorkloadKind kind, double noise = 0) {
    WorkloadSpec w;
    w.kind = kind;
    w.base = mib(200);
    w.amplitude = mib(300);
    w.period = Duration{10000};
    w.length = Duration{2000};
    w.rateMiBps = 10;
    w.noise = noise;
    return w;
}

TEST(Workload, IdleAndSteadyStayWithinTheirNoiseAroundBase) {
    for (const auto kind : {WorkloadKind::Idle, WorkloadKind::Steady}) {
        const auto s = samples(shape(kind, 0.05), 3, Duration{60000});
        bool varies = false;
        for (const KiB v : s) {
            EXPECT_GE(v, mib(190));
            EXPECT_LE(v, mib(210));
            varies = varies || v != s.front();
        }
        EXPECT_TRUE(varies) << "noise must be drawn";
    }
}

TEST(Workload, BurstSpikesForItsLengthOnceEveryPeriod) {
    const auto s = samples(shape(WorkloadKind::Burst), 5, Duration{60000});
    std::size_t high = 0;
    std::vector<std::size_t> starts;
    for (std::size_t i = 0; i < s.size(); ++i) {
        ASSERT_TRUE(s[i] == mib(200) || s[i] == mib(500)) << s[i].count();
        high += s[i] == mib(500) ? 1 : 0;
        if (i > 0 && s[i] == mib(500) && s[i - 1] == mib(200)) {
            starts.push_back(i);
        }
    }
    EXPECT_EQ(high, 120U);  // 2 s of every 10 s, over 60 s
    ASSERT_GE(starts.size(), 5U);
    for (std::size_t i = 1; i < starts.size(); ++i) {
        EXPECT_EQ(starts[i] - starts[i - 1], 100U);  // one period apart
    }
}

TEST(Workload, BurstPhaseDiffersBetweenGuests) {
    EXPECT_NE(samples(shape(WorkloadKind::Burst), 1, Duration{10000}),
              samples(shape(WorkloadKind::Burst), 2, Duration{10000}));
}

TEST(Workload, GrowthRampsAtItsRateThenHolds) {
    Workload w(shape(WorkloadKind::Growth), 1);
    EXPECT_EQ(w.sample(SimTime{10000}), mib(300));  // 10 s at 10 MiB/s
    EXPECT_EQ(w.sample(SimTime{30000}), mib(500));  // capped at base + amplitude
    EXPECT_EQ(w.sample(SimTime{300000}), mib(500));
}

TEST(Workload, LeakGrowsWithoutBoundUntilKilled) {
    Workload w(shape(WorkloadKind::Leak), 1);
    EXPECT_EQ(w.sample(SimTime{10000}), mib(300));
    EXPECT_EQ(w.sample(SimTime{1000000}), mib(200 + 10000));
    w.oomKilled(SimTime{1000000});
    EXPECT_EQ(w.sample(SimTime{1001000}), mib(210));
}

TEST(Workload, ChangingShapeTakesEffectFromThatMoment) {
    Workload w(shape(WorkloadKind::Steady), 1);
    EXPECT_EQ(w.sample(SimTime{5000}), mib(200));
    w.change(shape(WorkloadKind::Growth), SimTime{5000});
    EXPECT_EQ(w.sample(SimTime{6000}), mib(210));
}

TEST(Workload, TheSameSeedGivesTheSameDemandAndAnotherSeedDoesNot) {
    const WorkloadSpec spec = shape(WorkloadKind::Burst, 0.1);
    EXPECT_EQ(samples(spec, 42, Duration{30000}), samples(spec, 42, Duration{30000}));
    EXPECT_NE(samples(spec, 42, Duration{30000}), samples(spec, 43, Duration{30000}));
}

}  // namespace
}  // namespace balloon::sim
