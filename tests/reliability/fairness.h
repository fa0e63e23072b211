// Fairness under lies: one guest lies through a report format while two honest guests run their
// workloads, on the simulated host with balloond (the real Balancer, virtual clock) and the real
// xenstored; the liar writes over its own ring as an unprivileged domain. The same run with an
// honest guest in the liar's place, one whose workload uses all it is given and needs its whole
// max (the strongest claim an honest guest can make), is the reference: a lie may cost the honest
// guests at most 5 % of their allocation against it, and may win the liar no more than that
// guest got. Used by fairness_test (the invariant, short runs) and bench/fairness_bench (the
// figures, docs/reliability.md).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sim_clock.h"
#include "units.h"

namespace balloon::reliability {

enum class Lie {
    Reference,  // no lie: an honest guest in its place that uses everything and needs its max
    Truth,      // no lie: the liar's place reports its truth (200M used)
    OverClaim,  // a petabyte in use (a petabyte of memory, too, where the format has a total)
    Pressure,   // everything it has in use, nothing free, a petabyte swapped, paging and PSI full
    Oscillate,  // the over-claim and the truth (200M used) by turns, one report each
    Floor,      // the truth, with a guest floor and a requested target of a petabyte
};

enum class Format {
    BalloonReport,  // data/balloon-report (balloond's guest side)
    Qubes,          // memory/meminfo (used + swap, KiB)
    XenServer,      // data/meminfo_total + data/meminfo_free
};

struct FairnessCase {
    Lie lie = Lie::Reference;
    Format format = Format::BalloonReport;
};

// Every lie each format can tell, balloon-report first (a Qubes report has no pressure figures
// and no floor; XenServer's has no floor).
std::vector<FairnessCase> everyLie();
std::string_view describe(Lie lie);
std::string_view describe(Format format);

// The guests: the two honest ones and the liar's place.
inline constexpr std::string_view kLiarSlot = "guest";
inline const std::vector<std::string> kHonestGuests{"web", "db"};

struct FairnessResult {
    // Xen's allocation of each guest (tot_pages), averaged over every step of the run.
    std::map<std::string, KiB> meanAllocation;
    std::uint64_t clampedReports = 0;  // reports balloond held to the allocation
};

// One run of `length` simulated time. Throws what the harness throws (xenstored not starting).
FairnessResult runFairness(const FairnessCase& fairnessCase, sim::Duration length);

// (observed - reference) / reference, in percent.
double percentFrom(KiB observed, KiB reference);

}  // namespace balloon::reliability
