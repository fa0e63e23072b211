// Transactions against the real xenstored: a conflict makes xenstored answer EAGAIN at commit,
// and transact() runs the body again.
#include <cerrno>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "real_xenstore_fixture.h"

namespace balloon::xen {
namespace {

using harness::errnoOf;

class XenStoreTransaction : public harness::RealXenstore {};

TEST_F(XenStoreTransaction, CommitsEveryWriteOfTheBody) {
    xs().transact([](XenStoreOps& txn) {
        txn.write("/test/t/a", "1");
        txn.write("/test/t/b", "2");
        txn.mkdir("/test/t/c");
    });
    EXPECT_EQ(xs().read("/test/t/a"), "1");
    EXPECT_EQ(xs().read("/test/t/b"), "2");
    EXPECT_EQ(xs().read("/test/t/c"), "");
}

TEST_F(XenStoreTransaction, RetriesAfterAConflictingWriteUntilItCommits) {
    xs().write("/test/counter", "10");
    auto other = connectAnother();
    int runs = 0;
    xs().transact([&](XenStoreOps& txn) {
        ++runs;
        const int value = std::stoi(txn.read("/test/counter").value());
        if (runs == 1) {
            // Another writer changes the node this transaction read: the commit must fail.
            other->write("/test/counter", "20");
        }
        txn.write("/test/counter", std::to_string(value + 1));
    });
    EXPECT_EQ(runs, 2);
    EXPECT_EQ(xs().read("/test/counter"), "21");
}

TEST_F(XenStoreTransaction, GivesUpWithEagainWhenEveryAttemptConflicts) {
    xs().write("/test/busy", "0");
    auto other = connectAnother();
    int runs = 0;
    const int err = errnoOf([&] {
        xs().transact([&](XenStoreOps& txn) {
            ++runs;
            (void)txn.read("/test/busy");
            other->write("/test/busy", std::to_string(runs));
            txn.write("/test/busy", "mine");
        });
    });
    EXPECT_EQ(err, EAGAIN);
    EXPECT_GT(runs, 1);
    EXPECT_NE(xs().read("/test/busy"), "mine");
}

TEST_F(XenStoreTransaction, AbortsWhenTheBodyThrowsAndLeavesNothingBehind) {
    EXPECT_THROW(xs().transact([](XenStoreOps& txn) {
        txn.write("/test/aborted", "x");
        throw std::runtime_error("body failed");
    }),
                 std::runtime_error);
    EXPECT_EQ(xs().read("/test/aborted"), std::nullopt);
}

TEST_F(XenStoreTransaction, ReadsItsOwnUncommittedWritesButOthersDoNot) {
    auto other = connectAnother();
    xs().transact([&](XenStoreOps& txn) {
        txn.write("/test/isolated", "inside");
        EXPECT_EQ(txn.read("/test/isolated"), "inside");
        EXPECT_EQ(other->read("/test/isolated"), std::nullopt);
    });
    EXPECT_EQ(other->read("/test/isolated"), "inside");
}

}  // namespace
}  // namespace balloon::xen
