// ReportReader against the real xenstored: due reports are read a slice at a time, the longest
// due first, on a thread of their own (BackgroundReads), so that balloond's loop serves D-Bus
// while a slice is in flight (issue 20); a domain that went away while it waited is not read, nor
// a new one under its domid, and a report read in flight never replaces a newer one.
#include <array>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include <gtest/gtest.h>
#include <poll.h>

#include "background_reads.h"
#include "real_xenstore_fixture.h"
#include "report_reader.h"
#include "stats_codec.h"

namespace balloon::daemon {
namespace {

class ReportSlices : public harness::RealXenstore {
protected:
    void SetUp() override {
        RealXenstore::SetUp();
        reader_.emplace(xs(), ReportLimits{}, [](const DomainRecord&, std::string_view) {});
    }

    // A domain whose guest has written its report.
    DomainRecord& add(DomId domid) {
        records_.erase(domid);  // a new domain under the same domid starts afresh
        DomainRecord& record = records_[domid];
        record.domid = domid;
        record.path = "/local/domain/" + std::to_string(domid);
        GuestReport report;
        report.sequence = 1;
        report.total = mib(1024);
        report.used = mib(256 + domid);
        xs().write(record.path + "/" + std::string(kReportKey), encodeReport(report));
        return record;
    }

    std::function<DomainRecord*(DomId)> lookup() {
        return [this](DomId domid) -> DomainRecord* {
            const auto it = records_.find(domid);
            return it == records_.end() ? nullptr : &it->second;
        };
    }

    bool hasReport(DomId domid) { return records_.at(domid).report.has_value(); }

    // The guest of `domid` reports `used` under a new sequence number.
    void reportAgain(DomId domid, KiB used) {
        GuestReport report;
        report.sequence = ++sequence_;
        report.total = mib(1024);
        report.used = used;
        xs().write(records_.at(domid).path + "/" + std::string(kReportKey), encodeReport(report));
    }

    std::map<DomId, DomainRecord> records_;
    std::optional<ReportReader> reader_;  // on the fixture's xenstored, once it runs
    TimePoint now_{};
    std::uint64_t sequence_ = 1;
};

TEST_F(ReportSlices, ReadsTheLongestDueFirstOneSliceAtATime) {
    for (const DomId domid : std::array<DomId, 5>{4, 1, 5, 2, 3}) {
        reader_->onChange(add(domid), now_);
    }
    EXPECT_TRUE(reader_->readDue(now_, lookup(), 2));
    EXPECT_TRUE(hasReport(4) && hasReport(1));
    EXPECT_FALSE(hasReport(5) || hasReport(2) || hasReport(3));
    EXPECT_EQ(reader_->reads(), 2U);
    ASSERT_TRUE(reader_->hasDue());

    EXPECT_TRUE(reader_->readDue(now_, lookup(), 2));
    EXPECT_TRUE(hasReport(5) && hasReport(2));
    EXPECT_FALSE(hasReport(3));
    EXPECT_TRUE(reader_->readDue(now_, lookup(), 2));
    EXPECT_TRUE(hasReport(3));
    EXPECT_EQ(reader_->reads(), 5U);
    EXPECT_FALSE(reader_->hasDue());
    EXPECT_EQ(records_.at(3).report->used, mib(259));
}

TEST_F(ReportSlices, ReadsNoDomainThatWentAwayWhileItWaited) {
    for (const DomId domid : std::array<DomId, 3>{1, 2, 3}) {
        reader_->onChange(add(domid), now_);
    }
    records_.erase(2);  // destroyed while due
    add(3);             // destroyed and a new domain built under its domid, not due itself
    EXPECT_TRUE(reader_->readDue(now_, lookup(), 10));
    EXPECT_TRUE(hasReport(1));
    EXPECT_FALSE(hasReport(3));
    EXPECT_EQ(reader_->reads(), 1U);
    EXPECT_FALSE(reader_->hasDue());
}

TEST_F(ReportSlices, ADomainDueAgainAfterItsSliceIsReadAgain) {
    reader_->onChange(add(1), now_);
    reader_->onChange(add(2), now_);
    EXPECT_TRUE(reader_->readDue(now_, lookup(), 1));  // dom1
    // dom1's guest writes again before dom2 was read: dom1 queues behind dom2.
    now_ += std::chrono::seconds(1);
    reader_->onChange(records_.at(1), now_);
    EXPECT_TRUE(reader_->readDue(now_, lookup(), 1));
    EXPECT_TRUE(hasReport(2));
    EXPECT_EQ(reader_->reads(), 2U);
    ASSERT_TRUE(reader_->hasDue());
    reader_->readDue(now_, lookup(), 1);
    EXPECT_EQ(reader_->reads(), 3U);
    EXPECT_FALSE(reader_->hasDue());
}

TEST_F(ReportSlices, ASliceReadOnAThreadOfItsOwnIsAppliedWhenItsFdSaysSo) {
    for (const DomId domid : std::array<DomId, 6>{1, 2, 3, 4, 5, 6}) {
        reader_->onChange(add(domid), now_);
    }
    BackgroundReads reads(xs());
    const ReportBatch batch = reader_->takeDue(lookup(), 8, now_);
    ASSERT_EQ(batch.paths.size(), 6U);
    reads.start(batch.paths);
    EXPECT_TRUE(reads.busy());
    pollfd ready{.fd = reads.fd(), .events = POLLIN, .revents = 0};
    ASSERT_EQ(::poll(&ready, 1, 5000), 1) << "the reads never said they were done";
    EXPECT_TRUE(reader_->finish(batch, reads.take(), now_, lookup()));
    EXPECT_FALSE(reads.busy());
    EXPECT_EQ(::poll(&ready, 1, 0), 0) << "still readable after take()";
    for (const DomId domid : std::array<DomId, 6>{1, 2, 3, 4, 5, 6}) {
        EXPECT_EQ(records_.at(domid).report->used, mib(256 + domid)) << "dom" << domid;
    }
}

TEST_F(ReportSlices, NothingReadInFlightReachesADomainRebuiltOrReadAgainMeanwhile) {
    reader_->onChange(add(1), now_);
    reader_->onChange(add(2), now_);
    records_.at(1).generation = 7;
    const ReportBatch inFlight = reader_->takeDue(lookup(), 8, now_);
    const auto oldValues = xs().readMany(inFlight.paths);

    // Meanwhile dom1 is destroyed and rebuilt under its domid, and dom2's guest reports again,
    // read at once by a round.
    records_.at(1).generation = 8;
    now_ += std::chrono::seconds(1);
    reportAgain(2, mib(700));
    reader_->onChange(records_.at(2), now_);
    std::array<DomainRecord*, 1> round{&records_.at(2)};
    EXPECT_TRUE(reader_->readNow(round, now_, lookup()));
    EXPECT_TRUE(reader_->takeDue(lookup(), 8, now_).paths.empty())
        << "read by the round, dom2 is no longer due";

    EXPECT_FALSE(reader_->finish(inFlight, oldValues, now_, lookup()));
    EXPECT_FALSE(hasReport(1)) << "the old domain's report went to the new one";
    EXPECT_EQ(records_.at(2).report->used, mib(700)) << "an older report replaced a newer one";
}

}  // namespace
}  // namespace balloon::daemon
