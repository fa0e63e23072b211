// The policy comparison (compare/): the comparison set under balloond's demand policy, core's
// proportional policy, the faithful qmemman and squeezed (compare/qmemman_algo.h,
// compare/squeezed_policy.h) and a static split, headless, in virtual time. Issue 19's bar for
// demand, on every scenario: pressure-seconds no worse than the best other policy, no OOM kill
// it caused, no more OOM kills in all than the fewest any other policy has, no more VM-start
// failures, and no breach of its own reserve (nor of Xen's 25 MiB line). Where demand does not
// meet it today the pair is listed in kKnownGaps with its figures, and KnownGaps.StillHold checks
// each entry is still a loss, so a fix that closes one fails until its entry is removed.
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

std::map<std::string, RunResult> byPolicy(const std::vector<RunResult>& all,
                                          const std::string& scenario) {
    std::map<std::string, RunResult> out;
    for (const RunResult& r : all) {
        if (r.scenario == scenario) {
            out.emplace(r.policy, r);
        }
    }
    return out;
}

std::map<std::string, RunResult> byPolicy(const std::string& scenario) {
    return byPolicy(results(), scenario);
}

// demand wins a scenario "by a margin" with at most this share of another's pressure-seconds.
constexpr double kMargin = 0.97;
// A known gap's measure when demand wins, but by less than the margin.
constexpr const char* kMarginMeasure = "pressure-s-margin";

// Where demand loses today (bench/results/policy-comparison.md): the scenario ("-1h": over an
// hour), the policy that does better ("bar": issue 19's bar itself, a figure of 0), the measure,
// demand's figure and the other's.
struct KnownGap {
    const char* scenario;
    const char* policy;
    const char* measure;
    double demand;
    double other;
};
constexpr KnownGap kKnownGaps[] = {
    // The faithful qmemman has less pressure on the overcommitted host: it hands out everything
    // beyond its 50 MiB reserve at once, where demand keeps headroom. Over an hour demand wins,
    // by 3 % less than the margin asserted.
    {"overcommit", "qmemman", "pressure-s", 816.9, 745.4},
    {"overcommit-1h", "qmemman", "pressure-s-margin", 4108.6, 4228.3},
    // OOM kills: none caused by demand (every kill came above what the guest last reported
    // using: bursts faster than any round), but more than the policies that never reclaim idle
    // memory (proportional and squeezed keep every guest at the same share; static never moves).
    // Between bursts demand gives idle memory to the guests under pressure, and a burst that
    // starts more than its swap above the allocation is killed before any round can answer.
    {"burst", "proportional", "oom-kills", 22, 1},
    {"burst", "squeezed", "oom-kills", 22, 1},
    {"burst", "static", "oom-kills", 22, 16},
    {"overcommit", "proportional", "oom-kills", 6, 2},
    {"overcommit", "squeezed", "oom-kills", 6, 2},
    {"overcommit", "static", "oom-kills", 6, 4},
    {"stuck-guest", "proportional", "oom-kills", 1, 0},
    // The XenServer host (an hour): the batch window asks more than the host has. XenServer's
    // agent reports MemTotal and MemFree but no MemAvailable and no paging. A database that fills
    // its allocation grows at once (not held, not step capped), but the policy cannot tell how
    // far short it is: while allocation plus swap sits within its load's noise, every crossing
    // counts as a kill (batch VMs 66 of demand's 79, databases 13 before they catch up, against
    // 60 and 152 when their grows waited out the hold time). Demand has the least pressure.
    {"xenserver-consolidation", "proportional", "oom-kills", 79, 32},
    {"xenserver-consolidation", "squeezed", "oom-kills", 79, 32},
    {"xenserver-consolidation", "static", "oom-kills", 79, 56},
    // The capped guest (squeezed's test "h", an hour): once it stops growing its unreachable
    // target goes to the others (ConvergenceTracker::growLimit), and demand has the least pressure
    // but more kills than proportional and squeezed, 18 of its 19 the bursty neighbour's bursts
    // (before the urgent cut was shared equally, 72: it was the one guest left out whole).
    {"grow-limit", "proportional", "oom-kills", 19, 4},
    {"grow-limit", "squeezed", "oom-kills", 19, 4},
};

bool knownGap(const std::string& scenario, const std::string& policy, const std::string& measure) {
    return std::ranges::any_of(kKnownGaps, [&](const KnownGap& g) {
        return scenario == g.scenario && policy == g.policy && measure == g.measure;
    });
}

double measureOf(const RunResult& r, const std::string& measure) {
    if (measure == "pressure-s" || measure == kMarginMeasure) {
        return r.pressureSeconds;
    }
    if (measure == "oom-kills") {
        return static_cast<double>(r.oomKills);
    }
    if (measure == "caused-kills") {
        return static_cast<double>(r.oomKillsCaused);
    }
    if (measure == "starts-failed") {
        return static_cast<double>(r.createsFailed);
    }
    ADD_FAILURE() << "unknown measure " << measure;
    return 0;
}

class EveryScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryScenario, DemandKeepsItsReserveCausesNoKillAndBuildsAsManyDomains) {
    const auto runs = byPolicy(GetParam());
    ASSERT_EQ(runs.size(), 5U) << "the scenario should run under all five policies";
    const RunResult& demand = runs.at("demand");
    EXPECT_EQ(demand.reserveBreaches, 0U);
    EXPECT_EQ(demand.lowLineBreaches, 0U);
    if (!knownGap(GetParam(), "bar", "caused-kills")) {
        EXPECT_EQ(demand.oomKillsCaused, 0U);
    }
    for (const auto& [name, other] : runs) {
        if (!knownGap(GetParam(), name, "starts-failed")) {
            EXPECT_LE(demand.createsFailed, other.createsFailed) << name;
        }
    }
}

// Against each other policy: no more pressure-seconds and no more OOM kills, except the known
// gaps.
TEST_P(EveryScenario, DemandIsNoWorseThanAnyOtherPolicyOnPressureAndKills) {
    const auto runs = byPolicy(GetParam());
    ASSERT_EQ(runs.size(), 5U);
    const RunResult& demand = runs.at("demand");
    for (const auto& [name, other] : runs) {
        for (const char* measure : {"pressure-s", "oom-kills"}) {
            if (name != "demand" && !knownGap(GetParam(), name, measure)) {
                EXPECT_LE(measureOf(demand, measure), measureOf(other, measure))
                    << measure << " against " << name;
            }
        }
    }
}

INSTANTIATE_TEST_SUITE_P(PolicyComparison, EveryScenario,
                         ::testing::Values("steady-mix", "burst", "many-idle", "overcommit",
                                           "reservation", "stuck-guest", "qubes-desktop",
                                           "xenserver-consolidation", "grow-limit"),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                             std::string name = param.param;
                             std::erase(name, '-');
                             return name;
                         });

// The two scenarios where every other policy has pressure: a sharper check that demand wins them
// by a margin (3 %), not by a rounding, except the known gaps.
void expectWinsByAMargin(const std::vector<RunResult>& all, const std::string& scenario,
                         const std::string& label) {
    const auto runs = byPolicy(all, scenario);
    ASSERT_EQ(runs.size(), 5U) << scenario;
    for (const auto& [name, baseline] : runs) {
        if (name != "demand" && !knownGap(label, name, "pressure-s") &&
            !knownGap(label, name, kMarginMeasure)) {
            EXPECT_LT(runs.at("demand").pressureSeconds, kMargin * baseline.pressureSeconds)
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

TEST(KnownGaps, StillHold) {
    for (const KnownGap& gap : kKnownGaps) {
        std::string scenario = gap.scenario;
        const bool hour = scenario.ends_with("-1h");
        if (hour) {
            scenario.resize(scenario.size() - 3);
        }
        const auto runs = byPolicy(hour ? overcommitHour() : results(), scenario);
        const bool bar = std::string(gap.policy) == "bar";
        ASSERT_TRUE(runs.contains("demand") && (bar || runs.contains(gap.policy))) << gap.scenario;
        const double demand = measureOf(runs.at("demand"), gap.measure);
        const double other = bar ? 0.0 : measureOf(runs.at(gap.policy), gap.measure);
        // A margin gap: demand wins, by less than the margin expectWinsByAMargin asks.
        const double lossLine =
            gap.measure == std::string(kMarginMeasure) ? kMargin * other : other;
        EXPECT_GT(demand, lossLine)
            << gap.scenario << " " << gap.measure << ": demand no longer loses to " << gap.policy
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
