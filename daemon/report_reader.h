// Reads what guests say about their memory: balloond's own report, or the statistics XenServer's
// and Qubes' agents write. Everything here came from an untrusted guest: each read is bounded by
// the codec, each domain by a read rate, and a bad report keeps the last good one.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config.h"
#include "domain_record.h"
#include "stats_codec.h"
#include "xenstore_port.h"

namespace balloon::daemon {

// Built from the configuration ([limits] reports-per-second, [intervals] report-stale-after), whose
// defaults these are.
struct ReportLimits {
    double readsPerSecond = Config{}.limits.reportsPerSecond;  // per domain; faster changes wait
    std::chrono::milliseconds staleAfter = Config{}.intervals.reportStaleAfter;
};

// Due domains whose reports are being read: one path per domain, in the same order.
struct ReportBatch {
    struct Domain {
        DomId domid = 0;
        std::uint64_t generation = 0;  // a new domain under the same domid is not this one
    };
    std::vector<Domain> domains;
    std::vector<std::string> paths;
    TimePoint takenAt{};  // a report accepted after this is newer than what the batch reads
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

    // A watch said something under the domain's data/ or memory/meminfo changed. The domain is
    // due for a read if it is within its rate, else marked pending.
    void onChange(DomainRecord& record, TimePoint now);
    // Every sample: a pending domain within its rate again is due. Returns true when it was
    // made due.
    bool onSample(DomainRecord& record, TimePoint now);
    // Reads the reports of up to `limit` due domains, the longest due first, several requests in
    // flight (XenStore::readMany); `lookup` finds each domain's record (nullptr: gone). Returns
    // true when a new report was accepted. An accepted report is held to the domain's
    // allocation before it is kept or feeds the burst reserve.
    bool readDue(TimePoint now, const std::function<DomainRecord*(DomId)>& lookup,
                 std::size_t limit = std::numeric_limits<std::size_t>::max());
    // readDue in two halves, for reads made elsewhere (the daemon's BackgroundReads): takeDue
    // takes up to `limit` due domains and says which paths to read; finish applies the values
    // read, in path order, to those domains still there (the same domid and generation).
    ReportBatch takeDue(const std::function<DomainRecord*(DomId)>& lookup, std::size_t limit,
                        TimePoint now);
    // Reads these due domains' reports at once, ahead of the others due.
    bool readNow(std::span<DomainRecord* const> records, TimePoint now,
                 const std::function<DomainRecord*(DomId)>& lookup);
    bool finish(const ReportBatch& batch, std::span<const std::optional<std::string>> values,
                TimePoint now, const std::function<DomainRecord*(DomId)>& lookup);
    // Domains due for a read that readDue has not reached yet.
    [[nodiscard]] bool hasDue() const { return !due_.empty(); }
    [[nodiscard]] std::size_t dueCount() const { return due_.size(); }

    [[nodiscard]] bool isStale(const DomainRecord& record, TimePoint now) const;
    // Never reported, and listed for no longer than a report may be stale: an agent may still
    // be starting (DomainSnapshot::awaitingReport).
    [[nodiscard]] bool awaitsFirstReport(const DomainRecord& record, TimePoint now) const;

    [[nodiscard]] std::uint64_t reads() const { return reads_; }
    [[nodiscard]] std::uint64_t rejected() const { return rejected_; }
    [[nodiscard]] std::uint64_t clamped() const { return clamped_; }

private:
    void makeDue(DomainRecord& record);
    // Adds a due domain to `batch`: no longer due, one read more.
    void take(DomainRecord& record, ReportBatch& batch);
    bool takeToken(DomainRecord& record, TimePoint now);
    // XenServer's agent, then Qubes' meminfo-writer, one read after another.
    bool readForeign(DomainRecord& record, TimePoint now);
    bool accept(DomainRecord& record, const DecodeResult& result, TimePoint now);

    xen::XenStore& xs_;
    ReportLimits limits_;
    RejectHandler onReject_;
    ClampHandler onClamp_;
    std::deque<DomId> due_;  // by domid: the registry may change between two slices
    std::uint64_t reads_ = 0;
    std::uint64_t rejected_ = 0;
    std::uint64_t clamped_ = 0;
};

}  // namespace balloon::daemon
