// Hysteresis (no writes while balanced): guests whose reported use jitters by a few
// percent around a constant get no new target once converged, over an hour of 2 s rounds. The
// guests follow their targets at once, so every change the plan makes would be a Xenstore write.
#include <random>

#include <gtest/gtest.h>

#include "policy_fixtures.h"

namespace balloon::testing {
namespace {

constexpr auto kRound = 2s;
constexpr auto kHour = 1h;
constexpr auto kConverged = 5min;

// Guests that follow every target at once and report `used` with +-jitter, on a host of fixed
// size (what guests do not hold is free).
class JitteringHost {
public:
    JitteringHost(std::size_t guests, KiB used, double jitter, KiB spare)
        : used_(guests, used), jitter_(jitter) {
        for (std::size_t i = 0; i < guests; ++i) {
            domains_.push_back(domain(static_cast<DomId>(i + 1), gib(1), gib(2)));
            capacity_ += gib(1);
        }
        capacity_ += spare;
    }

    void setUsed(std::size_t guest, KiB used) { used_[guest] = used; }

    // One round: fresh reports, a plan, the targets applied. Returns how many targets changed.
    std::size_t round(TimePoint now) {
        KiB held;
        for (std::size_t i = 0; i < domains_.size(); ++i) {
            const double factor = 1.0 + std::uniform_real_distribution(-jitter_, jitter_)(rng_);
            const auto noisy =
                static_cast<std::uint64_t>(static_cast<double>(used_[i].count()) * factor);
            domains_[i].report = usingMemory(KiB{noisy}, domains_[i].target);
            held += domains_[i].actual;
        }
        HostSnapshot h = host(capacity_ - held, domains_);
        h.total = capacity_ + mib(256);
        h.now = now;
        return followPlan(domains_, policy::decide(h, config()), now);
    }

    [[nodiscard]] KiB target(std::size_t guest) const { return domains_[guest].target; }

private:
    std::vector<DomainSnapshot> domains_;
    std::vector<KiB> used_;
    double jitter_;
    KiB capacity_;
    std::mt19937 rng_{42};
};

// Runs rounds from `from` for `length`; returns the changes made after `quietAfter`.
std::size_t changesAfter(JitteringHost& bed, TimePoint from, std::chrono::seconds length,
                         std::chrono::seconds quietAfter) {
    std::size_t late = 0;
    for (auto t = 0s; t < length; t += kRound) {
        const std::size_t changes = bed.round(from + t);
        if (t >= quietAfter) {
            late += changes;
        }
    }
    return late;
}

TEST(Hysteresis, JitterOfTwoPercentBringsNoTargetChangeInAnHourOnARoomyHost) {
    // The steady benchmark's host in small: +-2 % each, room for all plus spare. At 600 MiB the
    // ideal's jitter (+-14 MiB with the headroom) spans more than the 16 MiB deadband.
    JitteringHost bed(10, mib(600), 0.02, gib(2));
    EXPECT_EQ(changesAfter(bed, kNow, kHour, kConverged), 0U);
}

TEST(Hysteresis, JitterOfTwoPercentBringsNoTargetChangeInAnHourOnATightHost) {
    // Room for demand + headroom and a little more: the ideal is near want, not at the ceiling.
    JitteringHost bed(10, mib(870), 0.02, KiB{});
    EXPECT_EQ(changesAfter(bed, kNow, kHour, kConverged), 0U);
}

TEST(Hysteresis, AGuestWhoseUseReallyMovesIsStillFollowed) {
    JitteringHost bed(4, mib(400), 0.02, KiB{});
    ASSERT_EQ(changesAfter(bed, kNow, kConverged + 1min, kConverged), 0U);
    const KiB before = bed.target(0);
    bed.setUsed(0, mib(700));
    changesAfter(bed, kNow + kConverged + 1min, 3min, 0s);
    EXPECT_GE(bed.target(0), mib(700) + mib(64)) << "a guest using 300 MiB more keeps headroom";
    EXPECT_GT(bed.target(0), before);
}

}  // namespace
}  // namespace balloon::testing
