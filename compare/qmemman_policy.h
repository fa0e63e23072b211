// The qmemman contender of the policy comparison: balloond's snapshot handed to the faithful
// re-implementation of qmemman (qmemman_algo.h), its answer turned into a Plan. Not part of the
// product.
//
// Per round, as qmemmand does: when a VM start is under way (a reservation in the snapshot),
// balancing pauses and balloon() frees what the start still lacks (the request plus the reserve,
// minus what is free), until free memory beyond the request reaches Xen's 25 MiB line; otherwise
// balance() on free memory beyond the 50 MiB reserve, written only when significant().
#pragma once

#include <string>
#include <vector>

#include "model.h"
#include "qmemman_algo.h"

namespace balloon::compare {

// What qmemman sees of each domain: `used` from the report (a Qubes agent's figure as is, the
// others' used + swap, as meminfo-writer counts it), current = Xen's allocation, last target =
// memory/target + videoram, max = static-max. A pinned or excluded domain, or one without a
// report, is not balanced. A stuck or uncooperative domain is "no progress" unless qmemman's own
// rule would clear the marker (within half the reserve of its target, or below its preference).
std::vector<qmemman::Domain> qmemmanDomains(const HostSnapshot& host,
                                            const qmemman::Config& config);

// Targets for every domain (unchanged ones keep theirs), shrinks first. Each reason carries the
// domain's `used` (demand) and preference (ideal). When balloon() cannot serve a VM start the
// plan's shortfall says what it lacks: qmemman answers FAIL and the start fails.
Plan planQmemman(const HostSnapshot& host, const qmemman::Config& config = {});

// e.g. "qmemman: used 1000M, preference 1.3G; set to 1.5G".
std::string explainQmemman(const DomainPlan& plan);

}  // namespace balloon::compare
