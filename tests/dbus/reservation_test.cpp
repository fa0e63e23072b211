// Reservations with the policy at work: balloond shrinks the other domains until free memory
// covers the reservation, answers Reserve only then, and refuses at once what cannot be freed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "balloond_on_bus.h"

namespace balloon::dbustest {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;

class Reservations : public BalloondOnBus {
protected:
    std::uint64_t hostFreeKiB() {
        const RunResult r =
            busctl({"get-property", "org.balloond.Balloon1", "/org/balloond/Balloon1",
                    "org.balloond.Balloon1.Manager", "HostFreeKiB"});
        EXPECT_EQ(r.exitCode, 0) << r.both();
        return r.out.size() > 2 ? std::stoull(r.out.substr(2)) : 0;
    }
};

TEST_F(Reservations, ReserveShrinksOthersAndAnswersOnceTheMemoryIsFree) {
    // 8 GiB host: dom0 1G, web 1G, db 1G, frozen 1G, secret 512M leave about 3.5G free.
    ASSERT_EQ(ctl({"policy", "demand"}).exitCode, 0);
    const std::uint64_t before = hostFreeKiB();
    ASSERT_LT(before, 4ULL * 1024 * 1024);
    auto holder = spawnCtl({"reserve", "4G", "--timeout=60s"});
    const auto id = holder->readLine(std::chrono::seconds(70));
    ASSERT_TRUE(id) << "Reserve was not answered";
    ASSERT_THAT(*id, ContainsRegex("^r[0-9]+$"));
    EXPECT_GE(hostFreeKiB(), 4ULL * 1024 * 1024);
    // The memory came from the guests that had it to spare.
    EXPECT_LT(std::stoull(xsRead(domid("web"), "memory/target").value_or("0")), 1048576U);
    const RunResult list = ctl({"reservations"});
    EXPECT_THAT(list.out, ContainsRegex(*id + " +4G +- "));
}

TEST_F(Reservations, WhatTheOthersCannotFreeIsRefusedAtOnce) {
    ASSERT_EQ(ctl({"policy", "demand"}).exitCode, 0);
    const RunResult r = ctl({"reserve", "7G", "--timeout=60s"}, {}, std::chrono::seconds(20));
    EXPECT_EQ(r.exitCode, 3) << r.both();
    EXPECT_THAT(r.err, HasSubstr("cannot free 7G"));
    EXPECT_THAT(r.err, HasSubstr("frozen"));  // the guest that does not give memory back
    EXPECT_THAT(ctl({"reservations"}).out, ::testing::Not(ContainsRegex("\\br[0-9]+ ")));
}

TEST_F(Reservations, AnExpiryEndsAReservationAndItsHolder) {
    // The holder returns by itself once balloond has dropped the expired reservation.
    const RunResult r = ctl({"reserve", "64M", "--expiry=1s"}, {}, std::chrono::seconds(20));
    ASSERT_EQ(r.exitCode, 0) << r.both();
    ASSERT_THAT(r.out, ContainsRegex("^r[0-9]+\n$"));
    EXPECT_THAT(r.err, HasSubstr("released or expired"));
    EXPECT_THAT(ctl({"reservations"}).out, ::testing::Not(HasSubstr(r.out.substr(0, 2))));
}

}  // namespace
}  // namespace balloon::dbustest
