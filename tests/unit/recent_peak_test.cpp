// The burst reserve's memory (policy::RecentPeak) at a configured window: [policy] burst-window
// sets it, a reload changes it (RecentPeak::setWindow), zero turns the reserve off.
#include "policy/recent_peak.h"

#include <stdexcept>

#include <gtest/gtest.h>

#include "policy_fixtures.h"

namespace balloon::testing {
namespace {

using namespace std::chrono_literals;

// kNow is on a minute boundary: kNow + 59s is the same minute, kNow + 60s the next one.
TEST(RecentPeakWindow, RemembersAPeakForTheCurrentMinuteAndTheWindowMinusOneBefore) {
    policy::RecentPeak peak(2min);
    peak.observe(kNow + 30s, usingMemory(gib(1)));
    peak.observe(kNow + 40s, usingMemory(mib(300)));
    EXPECT_EQ(peak.peak(kNow + 119s), gib(1));
    EXPECT_FALSE(peak.peak(kNow + 120s)) << "two minutes on, nothing newer was observed";
    peak.observe(kNow + 125s, usingMemory(mib(300)));
    EXPECT_EQ(peak.peak(kNow + 125s), mib(300));
}

TEST(RecentPeakWindow, AZeroWindowRemembersNothing) {
    policy::RecentPeak peak(0min);
    peak.observe(kNow, usingMemory(gib(1)));
    EXPECT_FALSE(peak.peak(kNow));
}

TEST(RecentPeakWindow, KeepsOneMaximumPerMinuteForAnHourAtMost) {
    policy::RecentPeak peak(kMaxBurstWindow);
    // Minute m needs 200 - m MiB: minute 0 is the highest, reported every 5 s.
    for (int second = 0; second < 3600; second += 5) {
        peak.observe(kNow + std::chrono::seconds(second), usingMemory(mib(200 - second / 60)));
    }
    EXPECT_EQ(peak.peak(kNow + 3599s), mib(200));
    EXPECT_EQ(peak.peak(kNow + 3600s), mib(199)) << "minute 0 is an hour old";
    peak.observe(kNow + 3600s, usingMemory(mib(50)));  // takes minute 0's slot
    EXPECT_EQ(peak.peak(kNow + 118min), mib(141));
    EXPECT_EQ(peak.peak(kNow + 119min), mib(50));
    EXPECT_FALSE(peak.peak(kNow + 120min));
}

TEST(RecentPeakWindow, RefusesAWindowAboveTheBound) {
    EXPECT_THROW(policy::RecentPeak(kMaxBurstWindow + 1min), std::invalid_argument);
    policy::RecentPeak peak;
    EXPECT_THROW(peak.setWindow(kMaxBurstWindow + 1min, kNow), std::invalid_argument);
    EXPECT_EQ(peak.window(), 12min) << "the default is the comparison harness's 12 minutes";
}

TEST(RecentPeakReload, AShorterWindowForgetsOlderPeaksAtOnce) {
    policy::RecentPeak peak(5min);
    peak.observe(kNow, usingMemory(gib(2)));
    peak.observe(kNow + 3min, usingMemory(gib(1)));
    peak.setWindow(2min, kNow + 3min);
    EXPECT_EQ(peak.peak(kNow + 3min), gib(1));
    EXPECT_EQ(peak.peak(kNow + 4min), gib(1));
    EXPECT_FALSE(peak.peak(kNow + 5min));
}

TEST(RecentPeakReload, ALongerWindowKeepsCurrentPeaksLongerButBringsNoneBack) {
    policy::RecentPeak peak(2min);
    peak.observe(kNow, usingMemory(gib(3)));  // forgotten under 2m by kNow + 2min
    peak.observe(kNow + 1min, usingMemory(gib(1)));
    peak.setWindow(10min, kNow + 2min);
    EXPECT_EQ(peak.peak(kNow + 2min), gib(1)) << "the 3G forgotten at 2m must not come back";
    EXPECT_EQ(peak.peak(kNow + 10min), gib(1)) << "kept for the new window";
    EXPECT_FALSE(peak.peak(kNow + 11min));
    peak.observe(kNow + 11min, usingMemory(mib(200)));
    EXPECT_EQ(peak.peak(kNow + 20min), mib(200)) << "new observations get the new window";
}

TEST(RecentPeakReload, AZeroWindowForgetsEverythingAndAWindowAgainStartsAfresh) {
    policy::RecentPeak peak;
    peak.observe(kNow, usingMemory(gib(1)));
    peak.setWindow(0min, kNow);
    EXPECT_FALSE(peak.peak(kNow));
    peak.setWindow(5min, kNow);
    EXPECT_FALSE(peak.peak(kNow));
    peak.observe(kNow + 1min, usingMemory(mib(700)));
    EXPECT_EQ(peak.peak(kNow + 1min), mib(700));
}

}  // namespace
}  // namespace balloon::testing
