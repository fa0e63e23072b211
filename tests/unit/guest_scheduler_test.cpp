// When the guest side publishes: thresholds, heartbeat, pressure and rate limits, with
// injected times.
#include <gtest/gtest.h>

#include "report_scheduler.h"

namespace balloon::guest {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

Sample calm(KiB used = mib(500)) {
    Sample s;
    s.total = mib(2000);
    s.used = used;
    s.available = s.total - used;
    s.psiSomeAvg10 = 0;
    return s;
}

class AScheduler : public ::testing::Test {
protected:
    // Publishes whatever decide() asks for at t0 + offset; returns the reason.
    std::optional<PublishReason> wake(milliseconds offset, const Sample& sample) {
        const auto now = t0_ + offset;
        const auto reason = scheduler_.decide(now, sample);
        if (reason) {
            scheduler_.published(now, sample);
        }
        return reason;
    }

    ReportScheduler scheduler_;
    Clock::time_point t0_{};
};

TEST_F(AScheduler, PublishesAtOnceTheFirstTime) {
    EXPECT_EQ(wake(milliseconds(0), calm()), PublishReason::First);
}

TEST_F(AScheduler, StaysQuietWhileChangesAreBelowTheThreshold) {
    wake(milliseconds(0), calm());
    EXPECT_EQ(wake(milliseconds(1000), calm(mib(500) + mib(15))), std::nullopt);
    EXPECT_EQ(wake(milliseconds(2000), calm(mib(500) - mib(15))), std::nullopt);
}

TEST_F(AScheduler, PublishesAChangeAtTheThresholdInEitherDirection) {
    wake(milliseconds(0), calm());
    EXPECT_EQ(wake(milliseconds(1000), calm(mib(516))), PublishReason::Change);
    EXPECT_EQ(wake(milliseconds(2000), calm(mib(500))), PublishReason::Change);
}

TEST_F(AScheduler, ComparesAgainstTheLastPublishedValueNotTheLastSample) {
    wake(milliseconds(0), calm());
    // Creeping up 10 MiB per wake: each step is small, the sum is not.
    EXPECT_EQ(wake(milliseconds(1000), calm(mib(510))), std::nullopt);
    EXPECT_EQ(wake(milliseconds(2000), calm(mib(520))), PublishReason::Change);
}

TEST_F(AScheduler, CalmChangesAreRateLimitedToOncePerSecond) {
    wake(milliseconds(0), calm());
    EXPECT_EQ(wake(milliseconds(300), calm(mib(600))), std::nullopt);
    EXPECT_EQ(wake(milliseconds(1000), calm(mib(600))), PublishReason::Change);
}

TEST_F(AScheduler, SendsAHeartbeatWhenNothingChanges) {
    wake(milliseconds(0), calm());
    EXPECT_EQ(wake(milliseconds(59000), calm()), std::nullopt);
    EXPECT_EQ(wake(milliseconds(60000), calm()), PublishReason::Heartbeat);
    EXPECT_EQ(wake(milliseconds(61000), calm()), std::nullopt);
}

TEST_F(AScheduler, PublishesEveryPressureWakeButNoFasterThanThePressureInterval) {
    wake(milliseconds(0), calm());
    Sample pressed = calm();
    pressed.psiSomeAvg10 = 1500;
    EXPECT_EQ(wake(milliseconds(100), pressed), std::nullopt);
    EXPECT_EQ(wake(milliseconds(250), pressed), PublishReason::Pressure);
    EXPECT_EQ(wake(milliseconds(400), pressed), std::nullopt);
    EXPECT_EQ(wake(milliseconds(500), pressed), PublishReason::Pressure);
}

TEST_F(AScheduler, WakesOnceASecondWhenCalmAndFasterUnderPressure) {
    EXPECT_EQ(scheduler_.nextWake(calm()), milliseconds(1000));
    Sample pressed = calm();
    pressed.psiSomeAvg10 = 1000;
    EXPECT_EQ(scheduler_.nextWake(pressed), milliseconds(250));
}

TEST_F(AScheduler, SeesPressureInLowAvailableMemoryAndSwapIns) {
    Sample low = calm(mib(1950));  // 50 MiB of 2000 available: 2.5 %
    EXPECT_TRUE(scheduler_.underPressure(low));
    Sample swapping = calm();
    swapping.swapInSinceLastWake = 256;
    EXPECT_TRUE(scheduler_.underPressure(swapping));
    swapping.swapInSinceLastWake = 255;
    EXPECT_FALSE(scheduler_.underPressure(swapping));
    Sample noPsi = calm();
    noPsi.psiSomeAvg10.reset();
    EXPECT_FALSE(scheduler_.underPressure(noPsi));
}

TEST_F(AScheduler, PublishesSettingsChangesAtOnce) {
    wake(milliseconds(0), calm());
    Sample changed = calm();
    changed.settingsChanged = true;
    EXPECT_EQ(wake(milliseconds(10), changed), PublishReason::Settings);
}

TEST_F(AScheduler, RetriesAfterAFailedWrite) {
    wake(milliseconds(0), calm());
    // decide() alone records nothing: without published() the change is still pending.
    EXPECT_EQ(scheduler_.decide(t0_ + milliseconds(1000), calm(mib(600))), PublishReason::Change);
    EXPECT_EQ(scheduler_.decide(t0_ + milliseconds(2000), calm(mib(600))), PublishReason::Change);
}

}  // namespace
}  // namespace balloon::guest
