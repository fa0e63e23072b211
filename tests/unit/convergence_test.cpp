#include "convergence.h"

#include <gtest/gtest.h>

namespace balloon {
namespace {

using std::chrono::seconds;
using TimePoint = ConvergenceTracker::TimePoint;

class AConvergenceTracker : public ::testing::Test {
protected:
    TimePoint at(int s) const { return start_ + seconds(s); }
    ConvergenceTracker tracker_;
    TimePoint start_{};
};

TEST_F(AConvergenceTracker, IsBalancedWithinTolerance) {
    EXPECT_EQ(tracker_.observe(at(0), mib(512), mib(512) + mib(3)), Convergence::Balanced);
}

TEST_F(AConvergenceTracker, ConvergesWhileTheGuestMovesFast) {
    EXPECT_EQ(tracker_.observe(at(0), mib(256), mib(512)), Convergence::Converging);
    EXPECT_EQ(tracker_.observe(at(1), mib(256), mib(400)), Convergence::Converging);
    EXPECT_EQ(tracker_.observe(at(2), mib(256), mib(257)), Convergence::Balanced);
}

TEST_F(AConvergenceTracker, CallsASlowGuestSlow) {
    tracker_.observe(at(0), mib(256), mib(512));
    EXPECT_EQ(tracker_.observe(at(2), mib(256), mib(506)), Convergence::Slow);
}

TEST_F(AConvergenceTracker, MarksStuckAfterFiveSecondsThenUncooperativeAfterTwenty) {
    tracker_.observe(at(0), mib(256), mib(512));
    EXPECT_EQ(tracker_.observe(at(4), mib(256), mib(512)), Convergence::Slow);
    EXPECT_EQ(tracker_.observe(at(5), mib(256), mib(512)), Convergence::Stuck);
    EXPECT_EQ(tracker_.observe(at(19), mib(256), mib(512)), Convergence::Stuck);
    EXPECT_EQ(tracker_.observe(at(20), mib(256), mib(512)), Convergence::Uncooperative);
    EXPECT_TRUE(tracker_.withholding());
}

TEST_F(AConvergenceTracker, DoesNotCountPageJitterAsProgress) {
    tracker_.observe(at(0), mib(256), mib(512));
    tracker_.observe(at(3), mib(256), mib(512) - KiB{4});
    EXPECT_EQ(tracker_.observe(at(6), mib(256), mib(512) - KiB{8}), Convergence::Stuck);
}

TEST_F(AConvergenceTracker, RestartsTheGracePeriodOnANewTarget) {
    tracker_.observe(at(0), mib(256), mib(512));
    EXPECT_EQ(tracker_.observe(at(10), mib(256), mib(512)), Convergence::Stuck);
    EXPECT_EQ(tracker_.observe(at(11), mib(300), mib(512)), Convergence::Converging);
    EXPECT_EQ(tracker_.observe(at(12), mib(300), mib(500)), Convergence::Converging);
}

TEST_F(AConvergenceTracker, IsConvergingAsSoonAsATargetFarFromTheAllocationIsWritten) {
    tracker_.observe(at(0), mib(512), mib(512));
    tracker_.retarget(mib(256), mib(512));
    EXPECT_EQ(tracker_.state(), Convergence::Converging);
    // The next sample starts the new target's clock: one slow second is not yet "slow".
    EXPECT_EQ(tracker_.observe(at(10), mib(256), mib(510)), Convergence::Converging);
    EXPECT_EQ(tracker_.observe(at(12), mib(256), mib(506)), Convergence::Slow);
}

TEST_F(AConvergenceTracker, IsBalancedAtOnceWhenTheNewTargetIsWithinTolerance) {
    tracker_.observe(at(0), mib(256), mib(512));
    tracker_.retarget(mib(510), mib(512));
    EXPECT_EQ(tracker_.state(), Convergence::Balanced);
}

TEST_F(AConvergenceTracker, RecoversFromStuckWhenTheGuestMovesAgain) {
    tracker_.observe(at(0), mib(256), mib(512));
    tracker_.observe(at(6), mib(256), mib(512));
    EXPECT_EQ(tracker_.observe(at(7), mib(256), mib(256)), Convergence::Balanced);
}

TEST_F(AConvergenceTracker, ReportsAGrowthStallWithoutWithholding) {
    tracker_.observe(at(0), mib(512), mib(256));
    EXPECT_EQ(tracker_.observe(at(21), mib(512), mib(256)), Convergence::Uncooperative);
    EXPECT_FALSE(tracker_.withholding());
}

TEST_F(AConvergenceTracker, RemembersWhereAGuestStoppedGrowingUntilItGrowsPastIt) {
    tracker_.observe(at(0), mib(2048), mib(1024));
    tracker_.observe(at(2), mib(2048), mib(1536));
    EXPECT_FALSE(tracker_.growLimit());  // still moving
    EXPECT_EQ(tracker_.observe(at(7), mib(2048), mib(1536)), Convergence::Stuck);
    EXPECT_EQ(tracker_.growLimit(), mib(1536));
    // Planned at what it holds, it is balanced, and the limit stays: asked for more again at
    // once, it would only stall again.
    tracker_.retarget(mib(1536), mib(1536));
    EXPECT_EQ(tracker_.observe(at(8), mib(1536), mib(1536)), Convergence::Balanced);
    EXPECT_EQ(tracker_.growLimit(), mib(1536));
    // It grew past it after all (its kernel gained memory): no limit.
    tracker_.observe(at(9), mib(2048), mib(1600));
    EXPECT_FALSE(tracker_.growLimit());
}

TEST_F(AConvergenceTracker, AsksAGuestThatStoppedGrowingAgainAfterTheRetryTime) {
    tracker_.observe(at(0), mib(2048), mib(1536));
    tracker_.observe(at(5), mib(2048), mib(1536));
    ASSERT_EQ(tracker_.growLimit(), mib(1536));
    tracker_.observe(at(5 + 299), mib(1536), mib(1536));
    EXPECT_TRUE(tracker_.growLimit());
    tracker_.observe(at(5 + 300), mib(1536), mib(1536));
    EXPECT_FALSE(tracker_.growLimit());
}

TEST_F(AConvergenceTracker, SetsNoGrowLimitForAGuestStuckOnAShrink) {
    tracker_.observe(at(0), mib(256), mib(512));
    EXPECT_EQ(tracker_.observe(at(5), mib(256), mib(512)), Convergence::Stuck);
    EXPECT_FALSE(tracker_.growLimit());
}

TEST(ConvergenceNames, AreTheOnesTheApiShows) {
    EXPECT_EQ(convergenceName(Convergence::Uncooperative), "uncooperative");
    EXPECT_EQ(convergenceName(Convergence::Balanced), "balanced");
}

}  // namespace
}  // namespace balloon
