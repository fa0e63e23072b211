// A guest's report held against what dom0 knows from the hypervisor and the toolstack: no guest
// uses more memory than Xen gave it, needs more than its max, or sets a floor or asks for a
// target above its max. A figure beyond its bound by more than the tolerance is clamped to the
// bound, never refused: a refused report leaves the last one in force, and the clamped one says
// the most that can be believed. The rule is documented in docs/xenstore-paths.md
// ("Plausibility"). Pure: the caller supplies the bounds.
#pragma once

#include <string>

#include "guest_report.h"
#include "units.h"
#include "xl_rules.h"

namespace balloon {

// What a report is held against, from the hypervisor and the toolstack's keys.
struct DomainBounds {
    // The most Xen let the domain hold lately (videoram included, as Xen counts it): the largest
    // tot_pages of the last few seconds, or target + videoram when higher (between two samples a
    // domain may grow to its target, no further: Xen's maxmem is target + videoram + 1 MiB).
    KiB allocation;
    KiB staticMax;  // memory/static-max: the most the domain can ever be given
    KiB videoram;   // counted by Xen, never seen by the guest's kernel
    // HVM or PVH: built with less than its max, the guest boots under populate-on-demand with its
    // max as MemTotal until its balloon driver has caught up with the target, so its total may be
    // anything up to the max; what it uses is still backed by the allocation.
    bool translated = false;
};

// How far a figure may exceed its bound before it is clamped: Xen's maxmem slack, the most a
// domain can hold above target + videoram.
inline constexpr KiB kPlausibilityTolerance = kMaxmemSlack;

struct PlausibleReport {
    GuestReport report;   // every figure within its bound (and still valid for the codec)
    std::string clamped;  // what was clamped and why, for the log; empty when nothing was
};

// The bounds, in the guest's terms (videoram excluded):
// - used: at most the allocation (Qubes' figure counts swap: at most the max); total too, but at
//   most the max for a translated guest (populate-on-demand);
// - swap: used + swap at most the max (more could never be given back to the guest);
// - the guest's min and requested target: at most the max;
// - avail, free and cache: at most total (only to keep the report consistent once total is
//   clamped). PSI and the paging counters cannot be checked against anything.
// An allocation not above the videoram (nothing known yet) holds nothing back.
PlausibleReport holdToAllocation(GuestReport report, const DomainBounds& bounds);

}  // namespace balloon
