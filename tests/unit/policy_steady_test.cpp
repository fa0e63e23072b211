// A balanced host writes nothing. Calm guests report once a minute, each at a
// moment of its own, and balloond counts a report stale after 30 s: between two reports a guest
// keeps its target and takes no part in the surplus. Before the surplus was capped at the share
// every reporting guest would get, the guests that had reported last divided the surplus of
// those resting between two reports, and gave it back a minute later: the steady benchmark wrote
// 46 targets in four minutes, guests swapping 30-70 MiB once a minute. The guests here follow
// their targets at once, so every change the plan makes would be a Xenstore write.
#include <gtest/gtest.h>

#include "policy_fixtures.h"

namespace balloon::testing {
namespace {

using Millis = std::chrono::milliseconds;

constexpr Millis kTick = 100ms;      // the daemon's shortest gap between two rounds
constexpr Millis kSampleEvery = 2s;  // a round at least this often
constexpr Millis kReportEvery = 60s;
constexpr Millis kStaleAfter = 30s;  // under the heartbeat (the old default): the hard case
constexpr Millis kHour = 1h;
constexpr Millis kConverged = 5min;

// Guests with a constant use that report once a minute, guest i `phase x i` after the minute,
// and a daemon that runs a round as each report arrives and every 2 s.
class MinuteReportsHost {
public:
    MinuteReportsHost(std::vector<KiB> targets, KiB used, KiB spare, Millis phase)
        : used_(used), phase_(phase) {
        for (std::size_t i = 0; i < targets.size(); ++i) {
            domains_.push_back(domain(static_cast<DomId>(i + 1), targets[i], gib(2)));
            capacity_ += targets[i];
        }
        capacity_ += spare;
    }

    // Hold times that run out at different moments: guest i was changed `step x i` ago.
    void changedAgo(Millis step) {
        for (std::size_t i = 0; i < domains_.size(); ++i) {
            domains_[i].lastTargetChange = kNow - step * static_cast<int>(i);
        }
    }

    // Runs the host from `from` for `length`; returns the changes made at or after `quietAfter`.
    std::size_t changesAfter(Millis from, Millis length, Millis quietAfter) {
        std::size_t late = 0;
        Millis lastRound = from - kSampleEvery;
        for (Millis t = from; t < from + length; t += kTick) {
            if (reportArrives(t) || t - lastRound >= kSampleEvery) {
                lastRound = t;
                const std::size_t changes = round(t);
                late += t >= quietAfter ? changes : 0;
            }
        }
        return late;
    }

    // balloond starts at 0 s: guest i's first report comes at `phase x i`, and `silent` (if any)
    // never reports. Until a guest's first report, it awaits one for the grace period.
    void startsUnreported(std::optional<std::size_t> silent = std::nullopt) {
        unreportedAtStart_ = true;
        silent_ = silent;
    }

    [[nodiscard]] KiB target(std::size_t guest) const { return domains_[guest].target; }
    [[nodiscard]] std::size_t size() const { return domains_.size(); }

private:
    [[nodiscard]] Millis sinceReport(std::size_t guest, Millis now) const {
        const Millis at = phase_ * static_cast<int>(guest);
        return (now + kReportEvery - at % kReportEvery) % kReportEvery;
    }

    [[nodiscard]] bool reportArrives(Millis now) const {
        for (std::size_t i = 0; i < domains_.size(); ++i) {
            if (sinceReport(i, now) < kTick) {
                return true;
            }
        }
        return false;
    }

    // One round: reports as the daemon has them, a plan, the targets applied at once. Returns
    // how many targets changed.
    std::size_t round(Millis now) {
        KiB held;
        for (std::size_t i = 0; i < domains_.size(); ++i) {
            DomainSnapshot& d = domains_[i];
            const bool reported =
                !unreportedAtStart_ || (i != silent_ && now >= phase_ * static_cast<int>(i));
            d.report = reported ? std::optional(usingMemory(used_, d.target)) : std::nullopt;
            d.reportStale = sinceReport(i, now) > kStaleAfter;
            d.awaitingReport = !reported && now <= kStaleAfter;
            held += d.actual;
        }
        HostSnapshot h = host(capacity_ - held, domains_);
        h.total = capacity_ + mib(256);
        h.now = kNow + now;
        return followPlan(domains_, policy::decide(h, config()), h.now);
    }

    std::vector<DomainSnapshot> domains_;
    KiB used_;
    Millis phase_;
    KiB capacity_;
    bool unreportedAtStart_ = false;
    std::optional<std::size_t> silent_;
};

TEST(SteadyState, ReportsReadOneAfterAnotherBringNoTargetChangeAfterConvergence) {
    // The steady benchmark in small: 1G each, 400M used, 20M spare each (an even share is
    // within the band of where the guests start), every report of a minute read 50 ms after the
    // one before. The first guests read see the others resting between two reports. Before the
    // cap, dom1 and dom11 swapped 33 MiB every minute for the whole hour (127 changes).
    MinuteReportsHost bed(std::vector<KiB>(50, gib(1)), mib(400), mib(std::uint64_t{20} * 50),
                          50ms);
    EXPECT_EQ(bed.changesAfter(0s, kHour, kConverged), 0U);
}

TEST(SteadyState, HoldTimesRunningOutAtDifferentMomentsMoveNoSurplusBackAndForth) {
    // Unequal targets (1G to 1G + 48M), each changed at a different moment (1.5 s apart): as
    // each hold runs out, a guest goes to its share once, and stays there. Before the cap, the
    // first three guests went 1.07G -> 1.1G -> 1.07G -> 1.17G for the whole hour.
    std::vector<KiB> targets;
    for (std::uint64_t i = 0; i < 40; ++i) {
        targets.push_back(gib(1) + mib(i % 4 * 16));
    }
    MinuteReportsHost bed(targets, mib(400), mib(std::uint64_t{40} * 20), 50ms);
    bed.changedAgo(1500ms);
    EXPECT_EQ(bed.changesAfter(0s, kHour, kConverged), 0U);
}

TEST(SteadyState, AGuestReadFirstGetsNoMoreThanItsShareOfTheSpareMemory) {
    // Its report is read first; the others' are 59.9 s old. The spare 1G is the surplus of all
    // eight: without the cap, the first guest took it all (up to the step cap).
    MinuteReportsHost bed(std::vector<KiB>(8, gib(1)), mib(400), gib(1), 100ms);
    bed.changesAfter(0s, kTick, 0s);
    EXPECT_LE(bed.target(0), gib(1) + mib(1024 / 8))
        << "the first guest read took the surplus of those between two reports";
    EXPECT_GT(bed.target(0), gib(1)) << "its own share of the spare memory is still its";
}

TEST(SteadyState, EveryGuestEndsWithinItsBandOfAnEvenShare) {
    // The cap leaves surplus free while others rest; it still reaches everyone once they report.
    MinuteReportsHost bed(std::vector<KiB>(8, gib(1)), mib(400), gib(2), 100ms);
    bed.changesAfter(0s, kConverged, kConverged);
    const KiB even = gib(1) + mib(2048 / 8);
    for (std::size_t i = 0; i < bed.size(); ++i) {
        // The band is half the headroom: 32 MiB at the 64 MiB minimum.
        EXPECT_GE(bed.target(i) + mib(32), even) << "guest " << i;
        EXPECT_LE(bed.target(i), even + mib(32)) << "guest " << i;
    }
}

TEST(SteadyState, AStartUpWhoseReportsArriveOneByOneWritesNoTarget) {
    // The steady benchmark's start in small: every guest within its band of an even share from
    // the start, so nothing needs a change. The first reports read saw the others without a
    // report, keeping their targets and claiming no surplus, and took it all; they gave it back
    // as the others' reports came in (1,000 guests: 105 writes to 40 domains in the first 6 s).
    MinuteReportsHost bed(std::vector<KiB>(50, gib(1)), mib(400), mib(std::uint64_t{20} * 50),
                          50ms);
    bed.startsUnreported();
    EXPECT_EQ(bed.changesAfter(0s, kConverged, 0s), 0U);
}

TEST(SteadyState, AGuestThatNeverReportsHoldsNoSurplusBackAfterTheGracePeriod) {
    // Guest 0 has no agent. Within the grace period the others leave it a share of the spare
    // memory; after it, all of the spare memory is theirs, guest 0 keeping its own target.
    MinuteReportsHost bed(std::vector<KiB>(8, gib(1)), mib(400), gib(2), 100ms);
    bed.startsUnreported(0);
    bed.changesAfter(0s, kStaleAfter, kStaleAfter);
    for (std::size_t i = 1; i < bed.size(); ++i) {
        // Without the grace period the first ones read took it all (up to the step cap).
        EXPECT_LE(bed.target(i), gib(1) + mib(2048 / 8))
            << "guest " << i << " took the share of a guest that might still report";
    }
    bed.changesAfter(kStaleAfter + kTick, kConverged, kConverged);
    EXPECT_EQ(bed.target(0), gib(1));
    const KiB even = gib(1) + mib(2048 / 7);
    for (std::size_t i = 1; i < bed.size(); ++i) {
        EXPECT_GE(bed.target(i) + mib(32), even) << "guest " << i;
    }
}

}  // namespace
}  // namespace balloon::testing
