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
            d.report = usingMemory(used_, d.target);
            d.reportStale = sinceReport(i, now) > kStaleAfter;
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

}  // namespace
}  // namespace balloon::testing
