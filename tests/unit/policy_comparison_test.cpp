// The policy comparison (compare/): the comparison set under balloond's demand policy, squeezed's
// proportional policy, a qmemman-style policy and a static split. In every scenario demand keeps
// host free memory above the slush, builds every domain, and has no more pressure-seconds than any
// baseline (strictly fewer wherever a baseline has any). Headless, in virtual time.
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

bool beats(const RunResult& demand, const RunResult& baseline) {
    // Where a baseline keeps every guest out of pressure, demand must too.
    return baseline.pressureSeconds == 0 ? demand.pressureSeconds == 0
                                         : demand.pressureSeconds < baseline.pressureSeconds;
}

class EveryScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryScenario, DemandKeepsTheSlushAndBuildsEveryDomain) {
    const auto runs = byPolicy(GetParam());
    ASSERT_EQ(runs.size(), 4U) << "the scenario should run under all four policies";
    EXPECT_EQ(runs.at("demand").slushBreaches, 0U);
    EXPECT_EQ(runs.at("demand").createsFailed, 0U);
}

TEST_P(EveryScenario, DemandBeatsEveryBaselineOnPressureSeconds) {
    const auto runs = byPolicy(GetParam());
    ASSERT_EQ(runs.size(), 4U);
    const RunResult& demand = runs.at("demand");
    for (const auto& [name, baseline] : runs) {
        if (name != "demand") {
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
    ASSERT_EQ(runs.size(), 4U);
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
void expectWinsByAMargin(const std::vector<RunResult>& all, const std::string& scenario) {
    std::map<std::string, RunResult> runs;
    for (const RunResult& r : all) {
        if (r.scenario == scenario) {
            runs.emplace(r.policy, r);
        }
    }
    ASSERT_EQ(runs.size(), 4U) << scenario;
    for (const auto& [name, baseline] : runs) {
        if (name != "demand") {
            EXPECT_LT(runs.at("demand").pressureSeconds, 0.97 * baseline.pressureSeconds)
                << scenario << ": " << name;
        }
    }
}

TEST(PolicyComparison, OnBurstsDemandWinsByAMargin) {
    expectWinsByAMargin(results(), "burst");
}

// The overcommitted host becomes short after about four minutes: its 10 minutes show little
// (demand beats static, asserted above); an hour shows whether the policy keeps moving memory
// (it used to freeze around two guests judged stuck, and lost to static: 5,666 to 5,099).
TEST(PolicyComparison, OnAnOvercommittedHostOverAnHourDemandWinsByAMargin) {
    RunConfig hour;
    hour.duration = std::chrono::hours(1);
    const std::filesystem::path file =
        std::filesystem::path(BALLOON_SCENARIO_DIR) / "overcommit.toml";
    const std::filesystem::path files[] = {file};
    expectWinsByAMargin(compareAll(files, {}, hour), "overcommit");
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
