// Which PropertiesChanged a domain object sends: everything at once, except LastReport and Reason,
// which move with every guest report and are held for up to dbus::kChattySignalGap (issue 20: a
// host of 1,000 guests reporting every second must not send a signal per domain per round).
#include <chrono>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "property_changes.h"

namespace balloon::dbus {
namespace {

using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr SignalCoalescer::TimePoint kStart{seconds(1000)};

TEST(SignalCoalescer, AReportChangeIsSignalledThenHeldForTheGap) {
    SignalCoalescer c;
    EXPECT_THAT(c.take({"LastReport", "Reason"}, kStart), ElementsAre("LastReport", "Reason"));
    EXPECT_THAT(c.take({"LastReport"}, kStart + seconds(1)), IsEmpty());
    EXPECT_THAT(c.take({"Reason"}, kStart + seconds(4)), IsEmpty());
    // The gap has passed: both held names go out together, once.
    EXPECT_THAT(c.take({"LastReport"}, kStart + seconds(5)), ElementsAre("LastReport", "Reason"));
    EXPECT_THAT(c.take({}, kStart + seconds(11)), IsEmpty());
}

TEST(SignalCoalescer, AnythingElseGoesAtOnceAndTakesTheHeldAlong) {
    SignalCoalescer c;
    c.take({"LastReport"}, kStart);
    EXPECT_THAT(c.take({"Reason"}, kStart + seconds(1)), IsEmpty());
    EXPECT_THAT(c.take({"TargetKiB"}, kStart + seconds(2)), ElementsAre("Reason", "TargetKiB"));
    EXPECT_THAT(c.take({"State", "ActualKiB"}, kStart + seconds(2)),
                ElementsAre("State", "ActualKiB"));
}

TEST(SignalCoalescer, WhatIsHeldGoesOutOnALaterRoundWithNothingNew) {
    SignalCoalescer c;
    c.take({"Reason"}, kStart);
    EXPECT_THAT(c.take({"Reason"}, kStart + seconds(2)), IsEmpty());
    EXPECT_THAT(c.take({}, kStart + seconds(4)), IsEmpty());
    EXPECT_THAT(c.take({}, kStart + seconds(6)), ElementsAre("Reason"));
}

}  // namespace
}  // namespace balloon::dbus
