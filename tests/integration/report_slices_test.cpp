// ReportReader against the real xenstored: due reports are read a slice at a time, the longest
// due first, so that balloond's loop can serve D-Bus between two slices of a large batch (issue
// 20); a domain that went away while it waited is not read, nor a new one under its domid.
#include <array>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include <gtest/gtest.h>

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

    std::map<DomId, DomainRecord> records_;
    std::optional<ReportReader> reader_;  // on the fixture's xenstored, once it runs
    TimePoint now_{};
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

}  // namespace
}  // namespace balloon::daemon
