#include "report_builder.h"

#include "stats_codec.h"

namespace balloon::guest {
namespace {

std::uint64_t delta(std::uint64_t now, std::uint64_t before) {
    const std::uint64_t d = now >= before ? now - before : now;
    return d > kMaxReportValue ? kMaxReportValue : d;
}

}  // namespace

GuestReport buildReport(const KernelStats& stats, const VmCounters& baseline,
                        const ReportContext& context) {
    const Meminfo& m = stats.meminfo;
    const KiB bound{kMaxReportValue};
    GuestReport r;
    r.source = ReportSource::Balloond;
    r.sequence = context.sequence;
    r.timestamp = context.timestamp;
    r.total = min(m.total, bound);
    r.used = min(stats.used(), r.total);
    if (m.available) {
        r.available = min(*m.available, r.total);
    }
    r.free = min(m.free, r.total);
    r.caches = min(m.buffers + m.cached, r.total);
    r.swapUsed = min(m.swapTotal - m.swapFree, bound);
    r.swapInPages = delta(stats.counters.swapInPages, baseline.swapInPages);
    r.swapOutPages = delta(stats.counters.swapOutPages, baseline.swapOutPages);
    r.majorFaults = delta(stats.counters.majorFaults, baseline.majorFaults);
    if (stats.counters.refaults) {
        r.refaults = delta(*stats.counters.refaults, baseline.refaults.value_or(0));
    }
    r.psiSomeAvg10 = stats.psiSomeAvg10;
    if (context.min) {
        r.guestMin = min(*context.min, bound);
    }
    if (context.requestedTarget) {
        r.requestedTarget = min(*context.requestedTarget, bound);
        if (r.guestMin && *r.requestedTarget < *r.guestMin) {
            r.requestedTarget = r.guestMin;  // never ask for less than the floor
        }
    }
    r.scrubsPages = context.scrubsPages;
    return r;
}

}  // namespace balloon::guest
