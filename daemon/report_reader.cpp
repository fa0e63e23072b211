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

bool ReportReader::onSample(DomainRecord& record, TimePoint now) {
    if (record.reportPending && !record.reportDue && takeToken(record, now)) {
        makeDue(record);
        return true;
    }
    return false;
}

void ReportReader::makeDue(DomainRecord& record) {
    record.reportPending = false;
    record.reportDue = true;
    due_.push_back(record.domid);
}

bool ReportReader::readDue(TimePoint now, const std::function<DomainRecord*(DomId)>& lookup,
                           std::size_t limit) {
    const ReportBatch batch = takeDue(lookup, limit, now);
    return finish(batch, xs_.readMany(batch.paths), now, lookup);
}

bool ReportReader::readNow(std::span<DomainRecord* const> records, TimePoint now,
                           const std::function<DomainRecord*(DomId)>& lookup) {
    ReportBatch batch;
    batch.takenAt = now;
    for (DomainRecord* record : records) {
        if (record->reportDue) {
            take(*record, batch);  // its place in the queue is skipped: no longer due
        }
    }
    return finish(batch, xs_.readMany(batch.paths), now, lookup);
}

void ReportReader::take(DomainRecord& record, ReportBatch& batch) {
    record.reportDue = false;
    ++reads_;
    ++record.reportReads;
    // Our own report, for every due domain at once; where there is none, XenServer's or Qubes'
    // agent's keys, one read after another (finish).
    batch.domains.push_back({record.domid, record.generation});
    batch.paths.push_back(record.path + "/" + std::string(kReportKey));
}

ReportBatch ReportReader::takeDue(const std::function<DomainRecord*(DomId)>& lookup,
                                  std::size_t limit, TimePoint now) {
    ReportBatch batch;
    batch.takenAt = now;
    while (!due_.empty() && batch.domains.size() < limit) {
        DomainRecord* record = lookup(due_.front());
        due_.pop_front();
        // Gone, or a domain that reused the domid and was never marked due.
        if (record != nullptr && record->reportDue) {
            take(*record, batch);
        }
    }
    return batch;
}

bool ReportReader::finish(const ReportBatch& batch,
                          std::span<const std::optional<std::string>> values, TimePoint now,
                          const std::function<DomainRecord*(DomId)>& lookup) {
    bool accepted = false;
    for (std::size_t i = 0; i < batch.domains.size() && i < values.size(); ++i) {
        DomainRecord* record = lookup(batch.domains[i].domid);
        // Destroyed while its report was read, or read again since and newer than this.
        if (record == nullptr || record->generation != batch.domains[i].generation ||
            (record->reportReceivedAt && *record->reportReceivedAt > batch.takenAt)) {
            continue;
        }
        accepted = (values[i] ? accept(*record, decodeReport(*values[i]), now)
                              : readForeign(*record, now)) ||
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
