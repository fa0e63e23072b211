// What must hold on the host whatever balloond went through (a kill, a flood, a fault): read
// from Xenstore and from Xen's accounting, never from balloond's own state.
#pragma once

#include <string>
#include <vector>

#include "simulation.h"
#include "units.h"
#include "xenstore_port.h"

namespace balloon::reliability {

struct InvariantLimits {
    KiB floor = mib(128);  // no target below this (dom0's floor and the default minimum)
    KiB reserved;          // memory held by reservations: targets leave it free
};

// Empty when everything holds; otherwise one sentence per violation, naming the domain:
// - every target within [floor, static-max], and Xen's maxmem never above static-max +
//   videoram + 1 MiB (xl's slack);
// - the targets (plus videoram) and the reservations fit in the host.
std::vector<std::string> invariantViolations(xen::XenStore& xs, sim::Simulation& sim,
                                             const InvariantLimits& limits);

// memory/<key> of the domain in KiB; nullopt when missing or not a number.
std::optional<KiB> memoryKey(xen::XenStore& xs, DomId domid, const std::string& key);

}  // namespace balloon::reliability
