// The policy comparison (compare/): the comparison set under balloond's demand policy, squeezed's
// proportional policy, a qmemman-style policy and a static split. In every scenario demand keeps
// host free memory above the slush, builds every domain, and has no more pressure-seconds than any
// baseline (strictly fewer wherever a baseline has any). Headless, in virtual time.
#include <algorithm>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "comparison.h"
#include "policy/grow_budget.h"

namespace balloon::compare {
namespace {

const std::vector<RunResult>& results() {
    static const std::vector<RunResult> all = compareAll(comparisonScenarios(BALLOON_SCENARIO_DIR));
    return all;
}

std::map<std::string, RunResult> byPolicy(const std::string& scenario) {
    std::map<std::string, RunResult> out;
    for (const RunResult& r : results()) {
        if (r.scenario == scenario) {
            out.emplace(r.policy, r);
        }
    }
    return out;
}

// Where demand loses today, with the figures bench/results/policy-comparison.md shows (scenario,
// the policy that beats it, the measure, demand's figure, the other's). The assertions below skip
// exactly these; KnownGaps.StillHold checks each is still a loss, so a change that closes one
// fails until its entry is removed here.
struct KnownGap {
    const char* scenario;
    const char* policy;
    const char* measure;
    double demand;
    double other;
};
constexpr KnownGap kKnownGaps[] = {
    // The faithful qmemman (compare/qmemman_algo.h) on the overcommitted host.
    {"overcommit", "qmemman", "pressure-s", 829.3, 745.4},
    {"overcommit-1h", "qmemman", "pressure-s", 4872.7, 4101.5},
};

bool knownGap(const std::string& scenario, const std::string& policy, const std::string& measure) {
    return std::ranges::any_of(kKnownGaps, [&](const KnownGap& g) {
        return scenario == g.scenario && policy == g.policy && measure == g.measure;
    });
}

bool beats(const RunResult& demand, const RunResult& baseline) {
    // Where a baseline keeps every guest out of pressure, demand must too.
    return baseline.pressureSeconds == 0 ? demand.pressureSeconds == 0
                                         : demand.pressureSeconds < baseline.pressureSeconds;
}

class EveryScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryScenario, DemandKeepsTheSlushAndBuildsEveryDomain) {
    const auto runs = byPolicy(GetParam());
    ASSERT_EQ(runs.size(), 5U) << "the scenario should run under all five policies";
    EXPECT_EQ(runs.at("demand").slushBreaches, 0U);
    EXPECT_EQ(runs.at("demand").createsFailed, 0U);
}

TEST_P(EveryScenario, DemandBeatsEveryBaselineOnPressureSeconds) {
    const auto runs = byPolicy(GetParam());
    ASSERT_EQ(runs.size(), 5U);
    const RunResult& demand = runs.at("demand");
    for (const auto& [name, baseline] : runs) {
        if (name != "demand" && !knownGap(GetParam(), name, "pressure-s")) {
            EXPECT_TRUE(beats(demand, baseline))
                << "demand " << demand.pressureSeconds << " pressure-s, " << name << " "
                << baseline.pressureSeconds;
        }
    }
}

// OOM kills come at a burst's first second, when demand jumps past what the guest holds plus
// its swap. A policy that reclaims idle memory cannot know the next peak; the ones that never
// reclaim it (proportional, static) have fewer kills and two to three times the pressure
// (docs/policy.md, "Comparison"). Against the baseline that also reclaims, demand has no more.
TEST_P(EveryScenario, DemandHasNoMoreOomKillsThanTheQmemmanBaseline) {
    const auto runs = byPolicy(GetParam());
    ASSERT_EQ(runs.size(), 5U);
    EXPECT_LE(runs.at("demand").oomKills, runs.at("qmemman").oomKills);
}

INSTANTIATE_TEST_SUITE_P(PolicyComparison, EveryScenario,
                         ::testing::Values("steady-mix", "burst", "many-idle", "overcommit",
                                           "reservation", "stuck-guest"),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                             std::string name = param.param;
                             std::erase(name, '-');
                             return name;
                         });

// The two scenarios demand used to lose (burst to qmemman, overcommit to static) are the ones
// where every baseline has pressure: a sharper check that demand wins them by the margin the
// committed figures show (bench/results/policy-comparison.md), not by a rounding.
void expectWinsByAMargin(const std::vector<RunResult>& all, const std::string& scenario,
                         const std::string& label) {
    std::map<std::string, RunResult> runs;
    for (const RunResult& r : all) {
        if (r.scenario == scenario) {
            runs.emplace(r.policy, r);
        }
    }
    ASSERT_EQ(runs.size(), 5U) << scenario;
    for (const auto& [name, baseline] : runs) {
        if (name != "demand" && !knownGap(label, name, "pressure-s")) {
            EXPECT_LT(runs.at("demand").pressureSeconds, 0.97 * baseline.pressureSeconds)
                << scenario << ": " << name;
        }
    }
}

TEST(PolicyComparison, OnBurstsDemandWinsByAMargin) {
    expectWinsByAMargin(results(), "burst", "burst");
}

const std::vector<RunResult>& overcommitHour() {
    static const std::vector<RunResult> all = [] {
        RunConfig hour;
        hour.duration = std::chrono::hours(1);
        const std::filesystem::path files[] = {std::filesystem::path(BALLOON_SCENARIO_DIR) /
                                               "overcommit.toml"};
        return compareAll(files, {}, hour);
    }();
    return all;
}

// The overcommitted host becomes short after about four minutes: its 10 minutes show little
// (demand beats static, asserted above); an hour shows whether the policy keeps moving memory
// (it used to freeze around two guests judged stuck, and lost to static: 5,666 to 5,099).
TEST(PolicyComparison, OnAnOvercommittedHostOverAnHourDemandWinsByAMargin) {
    expectWinsByAMargin(overcommitHour(), "overcommit", "overcommit-1h");
}

double measureOf(const RunResult& r, const std::string& measure) {
    if (measure == "pressure-s") {
        return r.pressureSeconds;
    }
    ADD_FAILURE() << "unknown measure " << measure;
    return 0;
}

TEST(KnownGaps, StillHold) {
    for (const KnownGap& gap : kKnownGaps) {
        std::string scenario = gap.scenario;
        const bool hour = scenario.ends_with("-1h");
        if (hour) {
            scenario.resize(scenario.size() - 3);
        }
        const std::vector<RunResult>& all = hour ? overcommitHour() : results();
        std::map<std::string, RunResult> runs;
        for (const RunResult& r : all) {
            if (r.scenario == scenario) {
                runs.emplace(r.policy, r);
            }
        }
        ASSERT_TRUE(runs.contains("demand") && runs.contains(gap.policy)) << gap.scenario;
        const double demand = measureOf(runs.at("demand"), gap.measure);
        const double other = measureOf(runs.at(gap.policy), gap.measure);
        EXPECT_GT(demand, other) << gap.scenario << " " << gap.measure
                                 << ": demand no longer loses to " << gap.policy
                                 << "; remove the entry from kKnownGaps";
        EXPECT_NEAR(demand, gap.demand, 0.05 * gap.demand + 0.5)
            << gap.scenario << " " << gap.measure;
        EXPECT_NEAR(other, gap.other, 0.05 * gap.other + 0.5) << gap.scenario << " " << gap.measure;
    }
}

TEST(PolicyComparison, TheStaticSplitNeverChangesATarget) {
    for (const RunResult& r : results()) {
        if (r.policy == "static") {
            EXPECT_EQ(r.targetChanges, 0U) << r.scenario;
        }
    }
}

TEST(PolicyComparison, TheStaticSplitCannotMakeRoomForANewDomain) {
    EXPECT_EQ(byPolicy("reservation").at("static").createsFailed, 1U);
}

TEST(GrowBudget, ServesGuestsUnderPressureFirstAndDefersWhatDoesNotFit) {
    const policy::GrowRequest grows[] = {
        {1, gib(1), gib(2), false},
        {2, gib(1), gib(1) + mib(300), true},
    };
    const KiB budget = policy::growBudget(mib(600), mib(64), mib(36));
    EXPECT_EQ(budget, mib(500));
    const auto grants = policy::grantGrows(grows, budget);
    ASSERT_EQ(grants.size(), 2U);
    EXPECT_EQ(grants[0].domid, 2);
    EXPECT_EQ(grants[0].target, gib(1) + mib(300));
    EXPECT_FALSE(grants[0].deferred);
    EXPECT_EQ(grants[1].domid, 1);
    EXPECT_EQ(grants[1].target, gib(1) + mib(200));
    EXPECT_TRUE(grants[1].deferred);
}

TEST(GrowBudget, WritesNothingSmallerThanABalloonBatch) {
    const policy::GrowRequest grows[] = {{1, gib(1), gib(2), false}};
    const auto grants = policy::grantGrows(grows, policy::growBudget(mib(65), mib(64), KiB{}));
    ASSERT_EQ(grants.size(), 1U);
    EXPECT_EQ(grants[0].target, gib(1));
    EXPECT_TRUE(grants[0].deferred);
}

}  // namespace
}  // namespace balloon::compare
