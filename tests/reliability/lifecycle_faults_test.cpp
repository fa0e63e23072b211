// Domains that go away under balloond: xl destroy removes a domain's Xenstore tree before Xen has
// finished with the domain, so for a moment balloond still sees it alive while its nodes are
// gone. Whatever balloond does in that window (a round, an admin's SetTarget or SetMax, marking
// it uncooperative) must not bring any of its nodes back: a node balloond (re)creates is owned
// by dom0 and would outlive the domain.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "balloond_fixture.h"
#include "error.h"

namespace balloon::reliability {
namespace {

using namespace std::chrono_literals;

const char* const kScenario = R"(
[host]
memory = "4G"
dom0 = "1G"
report_interval = "100ms"

[[domain]]
name = "a"
memory = "1G"
maxmem = "2G"
workload = { kind = "steady", base = "300M", noise = 0 }

[[domain]]
name = "doomed"
memory = "1G"
maxmem = "2G"
driver = "stuck"
agent = "none"  # its agent would write its report into the removed tree itself
)";

Config shortIntervals() {
    Config config;
    config.policy.holdTime = std::chrono::seconds(0);
    config.intervals.stuckAfter = 1s;
    config.intervals.uncooperativeAfter = 3s;
    return config;
}

class DestroyedMidway : public testing::BalloondOnSimulatedHost {
protected:
    // What is left of the domain's home (empty when nothing is).
    std::vector<std::string> remains(const std::string& path) {
        std::vector<std::string> found;
        if (!xs().read(path)) {
            return found;
        }
        found.push_back(path);
        for (const std::string& child : xs().directory(path)) {
            for (std::string& below : remains(path + "/" + child)) {
                found.push_back(std::move(below));
            }
        }
        return found;
    }
};

TEST_F(DestroyedMidway, NothingBalloondDoesBringsTheTreeBack) {
    start(kScenario, shortIntervals());
    run(sim::Duration(100), 10);
    const DomId doomed = domid("doomed");
    const std::string home = xs().domainPath(doomed);
    ASSERT_TRUE(xs().read(home + "/memory/target"));
    // The admin asked doomed to shrink; its balloon never moves (it will be judged stuck).
    balancer().setTarget(doomed, mib(600), now());
    run(sim::Duration(100), 2);

    // xl destroy's first half: the Xenstore tree goes; Xen still runs the domain.
    xs().remove(home);
    // The admin's calls that were already on their way.
    EXPECT_THROW(balancer().setTarget(doomed, mib(600), now()), Error);
    EXPECT_THROW(balancer().setMax(doomed, mib(1500)), Error);
    EXPECT_THAT(remains(home), ::testing::IsEmpty()) << "after SetTarget and SetMax";

    // Rounds go on, and doomed, which never moved towards 600M, is judged stuck and then
    // uncooperative (a flag balloond writes under memory/).
    const std::uint64_t errorsBefore = balancer().stats().errors;
    run(sim::Duration(100), 50);
    EXPECT_EQ(record("doomed").convergence.state(), Convergence::Uncooperative);
    EXPECT_GE(target("a"), mib(300) + mib(64)) << "a still gets its demand and headroom";
    EXPECT_EQ(balancer().stats().errors, errorsBefore);
    EXPECT_THAT(remains(home), ::testing::IsEmpty()) << "after 5 s of rounds";
    EXPECT_GE(balancer().stats().rounds, 50U);
}

}  // namespace
}  // namespace balloon::reliability
