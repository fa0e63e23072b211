// Issue 10 item 6: the comparison set under balloond's demand policy, squeezed's proportional
// policy, a qmemman-style policy and a static split. Demand never lets host free memory fall
// below the slush and keeps guests out of pressure better than every baseline, except where the
// tests below say otherwise (two scenarios still open). Headless, in virtual time.
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

INSTANTIATE_TEST_SUITE_P(PolicyComparison, EveryScenario,
                         ::testing::Values("steady-mix", "burst", "many-idle", "overcommit",
                                           "reservation", "stuck-guest"),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                             std::string name = param.param;
                             std::erase(name, '-');
                             return name;
                         });

class WonScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(WonScenario, DemandBeatsEveryBaselineOnPressureSeconds) {
    const auto runs = byPolicy(GetParam());
    for (const auto& [name, baseline] : runs) {
        EXPECT_TRUE(beats(runs.at("demand"), baseline) || name == "demand")
            << "demand " << runs.at("demand").pressureSeconds << " pressure-s, " << name << " "
            << baseline.pressureSeconds;
    }
}

INSTANTIATE_TEST_SUITE_P(PolicyComparison, WonScenario,
                         ::testing::Values("steady-mix", "many-idle", "reservation", "stuck-guest"),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                             std::string name = param.param;
                             std::erase(name, '-');
                             return name;
                         });

// Not yet won (docs/policy.md, "Comparison"): on bursts the qmemman-style baseline has less
// pressure by running the host below the slush; on the over-committed host the static split
// has less, by never moving memory between guests that all end up short.
TEST(PolicyComparison, OnBurstsDemandBeatsEveryBaselineThatKeepsTheSlush) {
    const auto runs = byPolicy("burst");
    EXPECT_TRUE(beats(runs.at("demand"), runs.at("proportional")));
    EXPECT_TRUE(beats(runs.at("demand"), runs.at("static")));
    EXPECT_GT(runs.at("qmemman").slushBreaches, 0U);
}

TEST(PolicyComparison, OnAnOvercommittedHostDemandBeatsProportionalAndQmemman) {
    const auto runs = byPolicy("overcommit");
    EXPECT_TRUE(beats(runs.at("demand"), runs.at("proportional")));
    EXPECT_TRUE(beats(runs.at("demand"), runs.at("qmemman")));
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
