// The default policy. Each domain's span [floor, ceiling] is cut into tiers (keep, held, urgent,
// need, want, surplus: docs/policy.md), and host memory is handed out tier by tier, so a short
// host takes memory back in the reverse order. Within the tier that does not fit, memory is
// shared by weight (triage for the need tiers).
//
// A guest between two reports (its last one stale) keeps its target and takes no part in the
// surplus, so the surplus of the others depends on who reported last. Calm guests report once a
// minute; with reports stale after 30 s (the old report-stale-after) the guests read first in each
// minute took the surplus of those resting and gave it back a minute later (the steady benchmark
// wrote 46 targets in four minutes). So no guest's surplus exceeds what it would get were every
// resting guest planned on its last report; what is left stays free until they report.
#include <algorithm>
#include <array>

#include "planning.h"

namespace balloon::policy {
namespace {

// PSI "some avg10" at which pressure counts as full: 10 %, in hundredths of a percent.
constexpr double kPsiFull = 1000;
// Swap traffic (in + out) since the last report that counts as full pressure: 64 MiB.
constexpr double kSwapFullPages = 16384;
// Major faults since the last report that count as full pressure.
constexpr double kFaultsFull = 10000;
// Pressure above this overrides hysteresis and lifts the guest into the urgent tier.
constexpr double kPressureThreshold = 0.1;
// At full pressure demand is raised by a quarter: the guest needs more than it manages to use.
constexpr double kPressureRaise = 0.25;
// Without MemAvailable, half of the page cache is taken as reclaimable.
constexpr double kCacheReclaimable = 0.5;

// Share of demand kept as MemAvailable in the need tier, out of reach of the idle tax: a fifth
// of demand is a sixth of MemTotal, a margin above the tenth where Linux starts to thrash that
// the ordinary jitter of a workload (a few percent) does not cross. (A seventh, an eighth of
// MemTotal, left a steady guest with 2 % jitter on the line whenever the host was short: the
// Qubes desktop's sys-net and sys-firewall spent 600 s of its hour under pressure.)
constexpr double kThrashReserve = 1.0 / 5;
// The same for a guest whose report has MemTotal but no MemAvailable (XenServer's agent): the
// policy cannot see it reach the line, so it is not served at once when it does; a quarter, and
// its want raised to it. (At a fifth, capped at want like the others: the XenServer host's 30 web
// servers spent 8,000 s of its hour on the line, their growth waiting out the hold time.)
constexpr double kBlindThrashReserve = 1.0 / 4;

// The share of its recent peak a guest keeps between bursts.
constexpr double kBurstReserve = 1.0;

// The hysteresis band: a target is kept while the ideal is within this share of the headroom.
constexpr double kBandOfHeadroom = 0.5;

// MemAvailable under MemTotal / this is the thrash line: Linux reclaims its working set.
constexpr std::uint64_t kThrashDivisor = 10;
// MemAvailable under MemTotal / this is nothing left: a guest there pages or OOM-kills.
constexpr std::uint64_t kNothingLeftDivisor = 100;

// The tiers, in the order host memory serves them.
constexpr std::size_t kKeepTier = 1;     // guests without statistics keep their target
constexpr std::size_t kHeldTier = 2;     // the part of its need a guest already holds
constexpr std::size_t kUrgentTier = 3;   // growth to the need of guests under pressure: equal cuts
constexpr std::size_t kNeedTier = 4;     // growth to the need of the others: triage
constexpr std::size_t kWantTier = 5;     // headroom (the taxed part) and the guest's request
constexpr std::size_t kSurplusTier = 6;  // up to the ceiling
constexpr std::size_t kTiers = 6;

KiB scale(KiB amount, double factor) {
    return KiB{static_cast<std::uint64_t>(static_cast<double>(amount.count()) *
                                          std::clamp(factor, 0.0, 1.0))};
}

double ratio(std::optional<std::uint64_t> value, double full) {
    return value ? static_cast<double>(*value) * (1.0 / full) : 0.0;
}

// Levels in [floor, ceiling] where each tier ends: level[0] is the floor, level[k] the top of
// tier k. Non-decreasing.
using Levels = std::array<KiB, kTiers + 1>;

// `lastReport`: plan a guest whose report is stale on that report (for the surplus cap only).
Levels levelsOf(Slot& s, const PolicyConfig& config, bool lastReport = false) {
    const DomainSnapshot& dom = *s.dom;
    Levels l;
    l.fill(s.floor);
    if (!dom.report || (dom.reportStale && !lastReport)) {
        const KiB keep = clamp(s.current, s.floor, s.ceiling);
        l.fill(keep);
        l[0] = s.floor;
        s.reason.kind = ReasonKind::NoStatistics;
        return l;
    }
    DemandEstimate est = estimateDemand(*dom.report, config);
    // A report with neither MemTotal nor MemAvailable (Qubes' meminfo-writer: used + swap) shows
    // pressure only against the allocation: use past nine tenths of what the guest holds is the
    // thrash line, past all of it is swap. Without this such a guest was never under pressure,
    // so its growth waited out the hold time while it swapped (the Qubes desktop's dev qube was
    // OOM-killed 150 times in an hour).
    const KiB holds = s.actual - s.videoram;
    if (!dom.report->available && dom.report->total.count() == 0 && !est.contradicted &&
        dom.report->used.count() * kThrashDivisor > holds.count() * (kThrashDivisor - 1)) {
        est.underPressure = true;
    }
    // A full guest is not in the urgent tier (its need is a guess: urgent, the databases took
    // the web servers' growth), but its grow is not held nor step capped: at 512 MiB a minute, a
    // database that went from 3 to 5 GiB sat more than its swap short for minutes, with 5 GiB
    // free, and was OOM-killed 152 times in the hour.
    s.pressure = est.underPressure || est.full;
    s.reason.kind = ReasonKind::Demand;
    s.reason.demand = est.demand;
    s.reason.headroom = est.headroom;
    s.reason.pressure = est.underPressure;

    if (est.contradicted) {
        l.fill(s.floor);
        l[kSurplusTier] = s.ceiling;
        return l;
    }
    // A guest that is slow to give memory back keeps what it holds: what it releases arrives too
    // late to help anyone, and it could not take it back in time for its next peak. So does a
    // stuck one planned again (accounting.cpp): what it holds is counted until it follows again.
    // A guest slow to take a grow keeps its grant: calling it off would hand its share to others
    // until it caught up, then take it back (a flap of the size of its share).
    const bool stuck =
        dom.convergence == Convergence::Stuck || dom.convergence == Convergence::Uncooperative;
    const bool slowToRelease =
        dom.convergence == Convergence::Slow && s.actual - s.videoram > s.current;
    const bool keepsHolding = stuck || slowToRelease;
    if (keepsHolding) {
        l[kKeepTier] = clamp(s.actual - s.videoram, s.floor, s.ceiling);
    }
    const KiB active = clamp(est.demand, s.floor, s.ceiling);
    KiB want = clamp(est.demand + est.headroom, s.floor, s.ceiling);
    if (dom.guestRequested) {
        want = max(want, clamp(*dom.guestRequested, s.floor, s.ceiling));
    }
    // The tax never takes a guest below its thrash reserve: with MemAvailable under a tenth of
    // MemTotal, Linux reclaims its working set and the guest stalls.
    if (est.blind) {
        want =
            max(want, clamp(active + scale(est.demand, kBlindThrashReserve), s.floor, s.ceiling));
    }
    const KiB reserve =
        min(want, active + scale(est.demand, est.blind ? kBlindThrashReserve : kThrashReserve));
    const KiB untaxed = max(active + scale(want - active, 1.0 - config.idleTax), reserve);
    // Burst reserve: a guest that needed more in the last few minutes keeps room for that peak.
    // Its next burst comes faster than a grow (a guest idle at 350 MiB that jumps to 1.8 GiB is
    // OOM-killed in its first second), and the reserve costs only memory it needed recently.
    const KiB peak =
        dom.recentPeak ? clamp(scale(*dom.recentPeak, kBurstReserve), s.floor, s.ceiling) : KiB{};
    want = max(want, peak);
    // A blind guest's reserve beyond a fifth is margin for the growth it cannot show, not memory
    // in use: it is not held against another guest's growth (held whole, the databases' margins
    // left the batch VMs nothing in the XenServer host's batch window: 12,327.6 pressure-s).
    const KiB holdsAtMost =
        est.blind ? min(untaxed, active + scale(est.demand, kThrashReserve)) : untaxed;
    l[kHeldTier] = clamp(s.current, s.floor, max(s.floor, holdsAtMost));
    l[kUrgentTier] = est.underPressure ? untaxed : l[kHeldTier];
    l[kNeedTier] = max(untaxed, peak);
    l[kWantTier] = want;
    l[kSurplusTier] = keepsHolding ? want : s.ceiling;
    // Demand jitters by a few percent and the ideal with it (x 1.15 with the headroom); a
    // deadband of a fixed size re-targets a guest whenever its last write caught one end of the
    // noise. Half the headroom scales with demand and spans the jitter twice over.
    if (!est.underPressure) {
        s.band = scale(est.headroom, kBandOfHeadroom);
        s.bandFloor = want;
    }
    for (std::size_t k = kKeepTier + 1; k <= kTiers; ++k) {
        l[k] = max(l[k], l[k - 1]);
    }
    return l;
}

// Serves the tiers whole, in order, until one does not fit: that one is shared (by triage for
// a need tier, by weight otherwise), the ones above it get nothing. Floors that do not fit
// leave everyone at the floor. Returns each domain's ideal target.
std::vector<KiB> divide(std::span<Slot* const> movable, std::span<const Levels> levels,
                        KiB forTargets) {
    // tierSize[k]: what tier k asks of the host in all (tier 0: the floors).
    std::array<KiB, kTiers + 1> tierSize{};
    for (const Levels& l : levels) {
        tierSize[0] += l[0];
        for (std::size_t k = 1; k <= kTiers; ++k) {
            tierSize[k] += l[k] - l[k - 1];
        }
    }
    KiB left = forTargets - tierSize[0];
    std::size_t full = 0;  // levels[.][full] is granted to everyone
    while (full < kTiers && tierSize[full + 1] <= left) {
        ++full;
        left -= tierSize[full];
    }
    std::vector<KiB> partial;
    if (full < kTiers && forTargets > tierSize[0]) {
        std::vector<Claim> claims(movable.size());
        for (std::size_t i = 0; i < movable.size(); ++i) {
            claims[i] = {levels[i][full + 1] - levels[i][full], movable[i]->reason.weight};
        }
        // A need cut for everyone leaves everyone under pressure: serve needs whole, smallest
        // first, so that as many guests as the host can hold stay out of it. Guests already under
        // pressure are past that: what decides is how far each is short, as a guest short of more
        // than its swap is OOM-killed, so they share the cut equally (the largest grow is not
        // left out whole: grow-limit's bursty guest was killed 70 times in an hour).
        if (full + 1 == kUrgentTier) {
            partial = equalShortfall(claims, left);
        } else {
            partial = full + 1 == kNeedTier ? triage(claims, left) : shareByWeight(claims, left);
        }
    }
    std::vector<KiB> ideals(movable.size());
    for (std::size_t i = 0; i < movable.size(); ++i) {
        ideals[i] = levels[i][full] + (partial.empty() ? KiB{} : partial[i]);
    }
    return ideals;
}

// Whether the surplus cap applies to this guest's plan: resting (planned on its last report in
// the cap) or awaiting its first report.
bool heldInCap(const DomainSnapshot& dom) {
    return (dom.report && dom.reportStale) || dom.awaitingReport;
}

// The surplus cap (top of file): plans the host again with every resting guest on its last
// report, and no guest with a fresh report gets more surplus than it would there. Only surplus:
// what a guest wants (demand, headroom, its request) is never capped.
// A guest awaiting its first report is there keeping its target and sharing the surplus. What it
// will release once it reports is unknown, so that plan understates everyone's share: while such
// a guest is there, the cap keeps what a guest holds and only stops its growth. At start-up,
// reports arrive one by one; without this the first ones read took the whole spare of the host
// between them and gave it back as the rest came in (1,000 guests: 105 target writes to 40
// domains in the first 6 s); counted at the even share, they were lowered and raised back.
void capSurplus(std::span<Slot* const> movable, std::span<const Levels> levels,
                std::span<KiB> ideals, KiB forTargets, const PolicyConfig& config) {
    std::vector<Levels> everyone(levels.begin(), levels.end());
    bool awaiting = false;
    for (std::size_t i = 0; i < movable.size(); ++i) {
        const DomainSnapshot& dom = *movable[i]->dom;
        if (dom.report && dom.reportStale) {
            Slot scratch = *movable[i];  // levelsOf notes pressure and reasons: not for this plan
            everyone[i] = levelsOf(scratch, config, true);
        } else if (dom.awaitingReport && !dom.report) {
            everyone[i][kSurplusTier] = movable[i]->ceiling;
            awaiting = true;
        }
    }
    const std::vector<KiB> even = divide(movable, everyone, forTargets);
    for (std::size_t i = 0; i < movable.size(); ++i) {
        if (movable[i]->reason.kind == ReasonKind::Demand) {
            const KiB cap = max(even[i], levels[i][kWantTier]);
            ideals[i] = min(ideals[i], awaiting ? max(cap, movable[i]->current) : cap);
        }
    }
}

}  // namespace

DemandEstimate estimateDemand(const GuestReport& report, const PolicyConfig& config) {
    DemandEstimate est;
    KiB used = report.used;
    if (!report.available && report.caches) {
        used -= scale(*report.caches, kCacheReclaimable);
    }
    const double swap =
        ratio(report.swapInPages, kSwapFullPages) + ratio(report.swapOutPages, kSwapFullPages);
    const double faults = ratio(report.majorFaults, kFaultsFull);
    // PSI is the guest's word, its paging counters the evidence: a report that carries the
    // counters but shows no paging at all gets no pressure from PSI. Such a guest is either
    // recovering (avg10 decays over ten seconds after the pressure ended) or lying.
    const bool counted =
        report.swapInPages || report.swapOutPages || report.majorFaults || report.refaults;
    const bool paging = swap > 0 || faults > 0 || report.refaults.value_or(0) > 0;
    const double psi =
        report.psiSomeAvg10 && (paging || !counted) ? *report.psiSomeAvg10 * (1.0 / kPsiFull) : 0.0;
    est.pressure = std::clamp(std::max({psi, swap, faults}), 0.0, 1.0);
    est.blind = !report.available && report.total.count() > 0;
    est.full = est.blind && report.free &&
               report.free->count() * kNothingLeftDivisor < report.total.count();
    const auto availableBelow = [&](std::uint64_t divisor) {
        return report.available && report.available->count() * divisor < report.total.count();
    };
    const double claimed = report.psiSomeAvg10.value_or(0) * (1.0 / kPsiFull);
    est.contradicted =
        counted && !paging && claimed >= kPressureThreshold && availableBelow(kNothingLeftDivisor);
    // Pressure as the policy comparison (compare/) counts it: paging, or MemAvailable under a
    // tenth of MemTotal, where Linux starts reclaiming the working set.
    est.underPressure =
        (est.pressure >= kPressureThreshold || availableBelow(kThrashDivisor)) && !est.contradicted;
    // What a guest under pressure has pushed to swap, it needs back: used + swap used is its
    // demand. Without a swap figure, demand is raised with the pressure instead.
    est.demand = est.underPressure && report.swapUsed
                     ? used + *report.swapUsed
                     : used + scale(used, kPressureRaise * est.pressure);
    est.headroom = max(config.minHeadroom, scale(est.demand, config.headroomFraction));
    return est;
}

void planDemand(std::span<Slot> slots, KiB forTargets, const PolicyConfig& config) {
    std::vector<Slot*> movable;
    std::vector<Levels> levels;
    movable.reserve(slots.size());
    levels.reserve(slots.size());
    bool resting = false;  // a guest between two reports, or not heard from yet
    for (auto& s : slots) {
        if (!s.movable) {
            continue;
        }
        movable.push_back(&s);
        levels.push_back(levelsOf(s, config));
        resting = resting || heldInCap(*s.dom);
    }
    std::vector<KiB> ideals = divide(movable, levels, forTargets);
    if (resting) {
        capSurplus(movable, levels, ideals, forTargets, config);
    }

    for (std::size_t i = 0; i < movable.size(); ++i) {
        Slot& s = *movable[i];
        s.ideal = ideals[i];
        s.reason.ideal = s.ideal;
        const KiB want = levels[i][kWantTier];
        s.reason.share = s.ideal - want;
        s.reason.cut = want - s.ideal;
        if (s.reason.kind != ReasonKind::Demand) {
            continue;
        }
        if (s.ideal == s.floor && s.reason.demand + s.reason.headroom < s.floor) {
            s.reason.limit = s.floorLimit();
        } else if (s.ideal == s.ceiling && s.reason.demand + s.reason.headroom > s.ceiling) {
            s.reason.limit = s.ceilingLimit();
        }
    }
}

}  // namespace balloon::policy
