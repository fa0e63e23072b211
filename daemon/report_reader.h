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
    // Called for each report accepted with figures clamped to what Xen gave the domain
    // (core/plausibility.h); the daemon logs it, once a minute per domain.
    using ClampHandler = std::function<void(const DomainRecord&, std::string_view what)>;

    ReportReader(xen::XenStore& xs, ReportLimits limits, RejectHandler onReject);
    void onClamp(ClampHandler handler) { onClamp_ = std::move(handler); }

    void setLimits(ReportLimits limits) { limits_ = limits; }

    // A watch said something under the domain's data/ or memory/meminfo changed. Reads at once
    // if the domain is within its rate, else marks it pending. Returns true when a new report
    // was accepted. An accepted report is held to the domain's allocation before it is kept or
    // feeds the burst reserve.
    bool onChange(DomainRecord& record, TimePoint now);
    // Every sample: reads what was left pending. Returns true when a report was accepted.
    bool onSample(DomainRecord& record, TimePoint now);

    [[nodiscard]] bool isStale(const DomainRecord& record, TimePoint now) const;

    [[nodiscard]] std::uint64_t reads() const { return reads_; }
    [[nodiscard]] std::uint64_t rejected() const { return rejected_; }
    [[nodiscard]] std::uint64_t clamped() const { return clamped_; }

private:
    bool read(DomainRecord& record, TimePoint now);
    bool takeToken(DomainRecord& record, TimePoint now);

    xen::XenStore& xs_;
    ReportLimits limits_;
    RejectHandler onReject_;
    ClampHandler onClamp_;
    std::uint64_t reads_ = 0;
    std::uint64_t rejected_ = 0;
    std::uint64_t clamped_ = 0;
};

}  // namespace balloon::daemon
