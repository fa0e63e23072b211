// Memory a guest cannot take goes to guests that can (issue 18, item 3; squeezed's test "h"): a
// guest whose kernel holds no more than 1.5 GiB is asked for more beside a neighbour that needs
// more than the host has. Once it stops growing, balloond plans it at what it holds, and the
// rest goes to the neighbour instead of staying free.
#include <gtest/gtest.h>

#include "balloond_fixture.h"

namespace balloon::testing {
namespace {

using std::chrono::seconds;

constexpr const char* kScenario = R"(
[host]
memory = "6G"
dom0 = "1G"
seed = 3
[[domain]]
name = "capped"
memory = "1G"
maxmem = "4G"
grow_limit = "1536M"
workload = { kind = "steady", base = "1900M", noise = 0 }
[[domain]]
name = "hungry"
memory = "1G"
maxmem = "4G"
workload = { kind = "steady", base = "3500M", noise = 0 }
)";

class GrowLimit : public BalloondOnSimulatedHost {};

TEST_F(GrowLimit, WhatAGuestCannotTakeGoesToTheOthers) {
    start(kScenario);
    // Growing, then stuck at its limit (5 s without progress), then planned where it is.
    for (int i = 0; i < 60 && !record("capped").convergence.growLimit(); ++i) {
        step(seconds(1));
    }
    ASSERT_TRUE(record("capped").convergence.growLimit()) << "never judged stuck on its grow";
    EXPECT_EQ(*record("capped").convergence.growLimit(), allocation("capped"));
    run(seconds(1), 10);
    EXPECT_LE(target("capped"), allocation("capped"));
    // The neighbour, under pressure, holds what the host has besides the capped guest: no more
    // than the slush and a step's rounding stays free (before: 512 MiB, for the whole run).
    EXPECT_LE(balancer().lastHostFree(), mib(64) + mib(16));
    EXPECT_GE(target("hungry") + target("capped"), mib(5 * 1024 - 64 - 16));
}

}  // namespace
}  // namespace balloon::testing
