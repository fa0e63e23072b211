// balloond's figures as Prometheus text exposition (format 0.0.4), for node_exporter's textfile
// collector. Pure: a snapshot in, the text out. Memory is exposed in bytes (the Prometheus
// convention, *_bytes), converted from Xenstore's KiB here and nowhere else.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "domid.h"
#include "model.h"
#include "units.h"

namespace balloon::daemon {

struct DomainFigures {
    DomId domid = 0;
    std::string name;  // guest-influenced: escaped, and made valid UTF-8, in labels
    KiB target;        // memory/target
    KiB actual;        // Xen's allocation
    KiB min;           // the floor the policy enforces
    KiB max;           // the ceiling the policy enforces
    Convergence state = Convergence::Balanced;
    bool pinned = false;
    std::uint64_t reportRejects = 0;  // guest reports refused since the domain appeared
};

struct MetricsSnapshot {
    KiB hostTotal;
    KiB hostFree;
    KiB slush;
    KiB reserved;
    std::vector<DomainFigures> domains;  // in the order they are written (by domid)
    std::uint64_t rounds = 0;
    std::uint64_t rebalances = 0;
    std::uint64_t targetWrites = 0;
    KiB reclaimed;  // sum of the target decreases balloond wrote
    // Errors by kind ("actuation", "hypervisor", "metrics_write"); every kind balloond knows is
    // present from the start, so that rate() sees the first error.
    std::map<std::string, std::uint64_t> errors;
};

// The whole exposition: HELP and TYPE for every family, one sample per line, '\n' line ends.
std::string formatMetrics(const MetricsSnapshot& snapshot);

// A label value as the format wants it between double quotes: backslash, double quote and line
// feed escaped; bytes that are not UTF-8, and other control characters, replaced by U+FFFD.
std::string escapeLabelValue(std::string_view value);

}  // namespace balloon::daemon
