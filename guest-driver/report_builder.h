// Turns what the kernel says into the GuestReport the codec encodes: KiB figures clamped so the
// report is always encodable, and counters as deltas since the previous report.
#pragma once

#include <cstdint>
#include <optional>

#include "guest_report.h"
#include "kernel_stats.h"

namespace balloon::guest {

struct ReportContext {
    std::uint64_t sequence = 0;
    std::uint64_t timestamp = 0;  // CLOCK_REALTIME seconds
    std::optional<KiB> min;       // the effective min (admin's, else the safeguard)
    std::optional<KiB> requestedTarget;
    std::optional<bool> scrubsPages;
};

// Counter deltas since baseline; a counter that went backwards (wrapped or reset) counts from 0.
GuestReport buildReport(const KernelStats& stats, const VmCounters& baseline,
                        const ReportContext& context);

}  // namespace balloon::guest
