#include "report_reader.h"

#include <algorithm>
#include <utility>

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

void ReportReader::onChange(DomainRecord& record, TimePoint now) {
    if (record.reportDue) {
        return;  // already read in this batch: one read covers every change before it
    }
    if (!takeToken(record, now)) {
        record.reportPending = true;
        return;
    }
    makeDue(record);
}

void ReportReader::onSample(DomainRecord& record, TimePoint now) {
    if (record.reportPending && !record.reportDue && takeToken(record, now)) {
        makeDue(record);
    }
}

void ReportReader::makeDue(DomainRecord& record) {
    record.reportPending = false;
    record.reportDue = true;
    due_.push_back(record.domid);
}

bool ReportReader::readDue(TimePoint now, const std::function<DomainRecord*(DomId)>& lookup,
                           std::size_t limit) {
    std::vector<DomainRecord*> due;
    while (!due_.empty() && due.size() < limit) {
        DomainRecord* record = lookup(due_.front());
        due_.pop_front();
        // Gone, or a domain that reused the domid and was never marked due.
        if (record != nullptr && record->reportDue) {
            record->reportDue = false;
            due.push_back(record);
        }
    }
    // Our own report, for every due domain at once; where there is none, XenServer's or Qubes'
    // agent's keys, one read after another.
    std::vector<std::string> paths;
    paths.reserve(due.size());
    for (DomainRecord* record : due) {
        ++reads_;
        ++record->reportReads;
        paths.push_back(record->path + "/" + std::string(kReportKey));
    }
    const std::vector<std::optional<std::string>> values = xs_.readMany(paths);
    bool accepted = false;
    for (std::size_t i = 0; i < due.size(); ++i) {
        accepted = (values[i] ? accept(*due[i], decodeReport(*values[i]), now)
                              : readForeign(*due[i], now)) ||
                   accepted;
    }
    return accepted;
}

bool ReportReader::readForeign(DomainRecord& record, TimePoint now) {
    const std::string path = record.path + "/";
    if (const auto total = xs_.read(path + std::string(kXenServerTotalKey))) {
        const auto free = xs_.read(path + std::string(kXenServerFreeKey));
        return accept(record, parseXenServerMeminfo(*total, free.value_or("")), now);
    }
    if (const auto used = xs_.read(path + std::string(kQubesMeminfoKey))) {
        return accept(record, parseQubesMeminfo(*used), now);
    }
    return false;  // nothing reported (yet): the domain is treated as having no statistics
}

bool ReportReader::accept(DomainRecord& record, const DecodeResult& result, TimePoint now) {
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

bool ReportReader::awaitsFirstReport(const DomainRecord& record, TimePoint now) const {
    return !record.reportReceivedAt && now - record.seenAt <= limits_.staleAfter;
}

}  // namespace balloon::daemon
