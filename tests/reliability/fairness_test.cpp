// Fairness under lies (fairness.h), the invariant on short runs: against the same run with an
// honest guest in the liar's place that uses everything it is given, every lie through every
// format costs each honest guest at most 5 % of its mean allocation and wins the liar no more
// than that guest got. The figures over longer runs: bench/fairness_bench, docs/reliability.md.
#include "fairness.h"

#include <iostream>

#include <gtest/gtest.h>

#include "log.h"

namespace balloon::reliability {
namespace {

using namespace std::chrono_literals;

// At least one of the honest web guest's bursts (one a minute), in virtual time.
constexpr sim::Duration kLength = 90s;
constexpr double kHonestLoss = 5.0;  // percent

TEST(FairnessUnderLies, NoLieCostsTheHonestMoreThanFivePercentOrWinsTheLiarMore) {
    log::initLogging(log::Severity::Warning);  // a target line per write would bury the figures
    const FairnessResult reference = runFairness({}, kLength);
    const std::string slot(kLiarSlot);
    for (const FairnessCase& c : everyLie()) {
        SCOPED_TRACE(std::string(describe(c.lie)) + " through " + std::string(describe(c.format)));
        const FairnessResult lied = runFairness(c, kLength);
        std::cout << "[figures] " << describe(c.lie) << " / " << describe(c.format) << ":";
        for (const std::string& name : kHonestGuests) {
            const double change =
                percentFrom(lied.meanAllocation.at(name), reference.meanAllocation.at(name));
            std::cout << ' ' << name << ' ' << change << " %";
            EXPECT_GE(change, -kHonestLoss) << name;
        }
        const double liar =
            percentFrom(lied.meanAllocation.at(slot), reference.meanAllocation.at(slot));
        std::cout << ", liar " << liar << " % (" << lied.clampedReports << " reports clamped)\n";
        EXPECT_LE(lied.meanAllocation.at(slot), reference.meanAllocation.at(slot));
    }
}

}  // namespace
}  // namespace balloon::reliability
