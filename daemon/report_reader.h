// Reads what guests say about their memory: balloond's own report, or the statistics XenServer's
// and Qubes' agents write. Everything here came from an untrusted guest: each read is bounded by
// the codec, each domain by a read rate, and a bad report keeps the last good one.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "config.h"
#include "domain_record.h"
#include "xenstore_port.h"

namespace balloon::daemon {

// Built from the configuration ([limits] reports-per-second, [intervals] report-stale-after), whose
// defaults these are.
struct ReportLimits {
    double readsPerSecond = Config{}.limits.reportsPerSecond;  // per domain; faster changes wait
    std::chrono::milliseconds staleAfter = Config{}.intervals.reportStaleAfter;
};

class ReportReader {
public:
    // Called for each rejected report: the daemon logs it, rate-limited per domain.
    using RejectHandler = std::function<void(const DomainRecord&, std::string_view why)>;

    ReportReader(xen::XenStore& xs, ReportLimits limits, RejectHandler onReject);

    void setLimits(ReportLimits limits) { limits_ = limits; }

    // A watch said something under the domain's data/ or memory/meminfo changed. Reads at once
    // if the domain is within its rate, else marks it pending. Returns true when a new report
    // was accepted.
    bool onChange(DomainRecord& record, TimePoint now);
    // Every sample: reads what was left pending. Returns true when a report was accepted.
    bool onSample(DomainRecord& record, TimePoint now);

    [[nodiscard]] bool isStale(const DomainRecord& record, TimePoint now) const;

    [[nodiscard]] std::uint64_t reads() const { return reads_; }
    [[nodiscard]] std::uint64_t rejected() const { return rejected_; }

private:
    bool read(DomainRecord& record, TimePoint now);
    bool takeToken(DomainRecord& record, TimePoint now);

    xen::XenStore& xs_;
    ReportLimits limits_;
    RejectHandler onReject_;
    std::uint64_t reads_ = 0;
    std::uint64_t rejected_ = 0;
};

}  // namespace balloon::daemon
