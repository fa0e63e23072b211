#include "report_reader.h"

#include <algorithm>

#include "plausibility.h"
#include "stats_codec.h"

namespace balloon::daemon {

ReportReader::ReportReader(xen::XenStore& xs, ReportLimits limits, RejectHandler onReject)
    : xs_(xs), limits_(limits), onReject_(std::move(onReject)) {}

bool ReportReader::takeToken(DomainRecord& record, TimePoint now) {
    // A token bucket of one second's worth of reads.
    const double capacity = std::max(1.0, limits_.readsPerSecond);
    if (record.readTokensAt) {
        const double elapsed = std::chrono::duration<double>(now - *record.readTokensAt).count();
        record.readTokens =
            std::min(capacity, record.readTokens + elapsed * limits_.readsPerSecond);
    } else {
        record.readTokens = capacity;
    }
    record.readTokensAt = now;
    if (record.readTokens < 1.0) {
        return false;
    }
    record.readTokens -= 1.0;
    return true;
}

bool ReportReader::onChange(DomainRecord& record, TimePoint now) {
    if (!takeToken(record, now)) {
        record.reportPending = true;
        return false;
    }
    return read(record, now);
}

bool ReportReader::onSample(DomainRecord& record, TimePoint now) {
    if (!record.reportPending || !takeToken(record, now)) {
        return false;
    }
    return read(record, now);
}

bool ReportReader::read(DomainRecord& record, TimePoint now) {
    record.reportPending = false;
    const std::string path = record.path + "/";
    ++reads_;
    ++record.reportReads;
    DecodeResult result;
    // Our own report first; then XenServer's agent; then Qubes' meminfo-writer.
    if (const auto ours = xs_.read(path + std::string(kReportKey))) {
        result = decodeReport(*ours);
    } else if (const auto total = xs_.read(path + std::string(kXenServerTotalKey))) {
        const auto free = xs_.read(path + std::string(kXenServerFreeKey));
        result = parseXenServerMeminfo(*total, free.value_or(""));
    } else if (const auto used = xs_.read(path + std::string(kQubesMeminfoKey))) {
        result = parseQubesMeminfo(*used);
    } else {
        return false;  // nothing reported (yet): the domain is treated as having no statistics
    }
    if (!result) {
        ++rejected_;
        ++record.reportRejects;
        onReject_(record, result.error);
        return false;
    }
    // The same report again (a rewrite of an unchanged value) is not news. A lower sequence is
    // accepted: a restarted guest agent counts from 1 again, and a guest only lies about itself.
    if (record.report && result.report->source == ReportSource::Balloond &&
        record.report->source == ReportSource::Balloond &&
        result.report->sequence == record.report->sequence && result.report->sequence != 0) {
        return false;
    }
    const PlausibleReport plausible = holdToAllocation(*result.report, record.reportBounds());
    if (!plausible.clamped.empty()) {
        ++clamped_;
        if (onClamp_) {
            onClamp_(record, plausible.clamped);
        }
    }
    record.report = plausible.report;
    record.reportReceivedAt = now;
    record.peak.observe(now, *record.report);
    return true;
}

bool ReportReader::isStale(const DomainRecord& record, TimePoint now) const {
    return !record.reportReceivedAt || now - *record.reportReceivedAt > limits_.staleAfter;
}

}  // namespace balloon::daemon
