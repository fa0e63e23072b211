// A reservation that ends without a domain taking its memory (released, refused, timed out, its
// client gone) gives back at once: the guests shrunk for it return to what the policy wants from
// the next round, not after the hold time (issue 18, item 3).
#include <gtest/gtest.h>

#include "balloond_fixture.h"

namespace balloon::testing {
namespace {

using std::chrono::seconds;

// Memory to spare: the policy grows both guests to their 3 GiB maxmem and keeps them there.
constexpr const char* kScenario = R"(
[host]
memory = "8G"
dom0 = "1G"
seed = 8
[[domain]]
name = "a"
memory = "3G"
maxmem = "3G"
workload = { kind = "steady", base = "500M", noise = 0 }
[[domain]]
name = "b"
memory = "3G"
maxmem = "3G"
workload = { kind = "steady", base = "500M", noise = 0 }
)";

class ReservationEnd : public BalloondOnSimulatedHost {
protected:
    void SetUp() override {
        BalloondOnSimulatedHost::SetUp();
        start(kScenario);
        run(seconds(1), 5);
        ASSERT_EQ(target("a"), mib(3072));
        ASSERT_EQ(target("b"), mib(3072));
    }
    // Reserves `amount` and runs rounds until the guests have made room for it.
    std::string reserveAndShrink(KiB amount) {
        std::string id = balancer().reserve(amount, "test", 0);
        for (int i = 0; i < 60 && balancer().lastHostFree() < amount; ++i) {
            step(seconds(1));
        }
        EXPECT_GE(balancer().lastHostFree(), amount);
        EXPECT_LT(target("a") + target("b"), mib(6144) - amount + mib(1024));
        return id;
    }
    // Rounds until both are back near their 3 GiB maxmem (within 64 MiB: one step of 512 MiB
    // brings back what each gave; the last few MiB may wait for the hold); 0 after `limit`.
    int roundsUntilBack(int limit) {
        for (int i = 1; i <= limit; ++i) {
            step(seconds(1));
            if (target("a") + mib(64) >= mib(3072) && target("b") + mib(64) >= mib(3072)) {
                return i;
            }
        }
        return 0;
    }
};

TEST_F(ReservationEnd, AReleasedReservationGoesBackWithinAStep) {
    const std::string id = reserveAndShrink(mib(2048));
    balancer().reservations().release(id);
    // Before the fix they stayed shrunk for the 60 s hold time.
    const int rounds = roundsUntilBack(10);
    EXPECT_GT(rounds, 0) << "still shrunk 10 s after the release (held)";
    EXPECT_LE(rounds, 2);
}

TEST_F(ReservationEnd, AReservationItsClientLeftGoesBackToo) {
    reserveAndShrink(mib(2048));
    EXPECT_EQ(balancer().reservations().releaseOwnedBy("test"), 1U);
    EXPECT_GT(roundsUntilBack(10), 0);
}

}  // namespace
}  // namespace balloon::testing
