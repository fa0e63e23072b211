#include "xl_rules.h"

#include <gtest/gtest.h>

#include "error.h"

namespace balloon {
namespace {

MemoryLayout pvGuest() {
    return MemoryLayout{3, "web1", mib(512), KiB{0}, mib(256), false};
}

MemoryLayout hvmGuest() {
    return MemoryLayout{4, "win", mib(2048), mib(8), mib(1024), true};
}

Errc codeOf(const std::function<void()>& call) {
    try {
        call();
    } catch (const Error& e) {
        return e.code();
    }
    ADD_FAILURE() << "no balloon::Error thrown";
    return Errc::Failed;
}

TEST(XlMemSet, SetsTargetAndMaxmemWithTheOneMiBSlack) {
    const Actuation a = memSet(pvGuest(), mib(400), mib(128));
    EXPECT_EQ(a.target, mib(400));
    EXPECT_EQ(a.maxmem, mib(400) + KiB{1024});
    EXPECT_FALSE(a.podTarget.has_value());
}

TEST(XlMemSet, SubtractsVideoramAndSetsThePodTargetForHvm) {
    const Actuation a = memSet(hvmGuest(), mib(1024), mib(128));
    EXPECT_EQ(a.target, mib(1016));
    EXPECT_EQ(a.maxmem, mib(1024) + KiB{1024});
    ASSERT_TRUE(a.podTarget.has_value());
    EXPECT_EQ(*a.podTarget, mib(1016) + KiB{1024});
}

TEST(XlMemSet, AcceptsExactlyStaticMaxAndRefusesOneKiBMore) {
    EXPECT_EQ(memSet(pvGuest(), mib(512), mib(128)).target, mib(512));
    EXPECT_EQ(codeOf([] { memSet(pvGuest(), mib(512) + KiB{1}, mib(128)); }), Errc::AboveStaticMax);
}

TEST(XlMemSet, SaysHowToRaiseTheLimit) {
    try {
        memSet(pvGuest(), mib(600), mib(128));
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("dom3 (web1)"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("balloonctl max web1"), std::string::npos);
    }
}

TEST(XlMemSet, RefusesDom0BelowItsFloorButNotOtherDomains) {
    MemoryLayout dom0{0, "Domain-0", gib(4), KiB{0}, gib(1), false};
    EXPECT_EQ(codeOf([&] { memSet(dom0, mib(127), mib(128)); }), Errc::BelowMinimum);
    EXPECT_EQ(codeOf([&] { memSet(dom0, mib(200), mib(256)); }), Errc::BelowMinimum);
    EXPECT_EQ(memSet(dom0, mib(256), mib(256)).target, mib(256));
    EXPECT_EQ(memSet(pvGuest(), mib(64), mib(128)).target, mib(64));
}

TEST(XlMemSet, NeverTakesDom0BelowXlsMinimumWhateverTheConfig) {
    MemoryLayout dom0{0, "Domain-0", gib(4), KiB{0}, gib(1), false};
    EXPECT_EQ(codeOf([&] { memSet(dom0, mib(100), mib(64)); }), Errc::BelowMinimum);
}

// `xl mem-set D +N` / `-N`, as SetTarget receives it.
Actuation memSetRelative(const MemoryLayout& domain, std::string_view size) {
    return memSet(domain, parseSizeArg(size, RelativeSizes::Allowed), mib(128));
}

TEST(XlMemSetRelative, MovesFromTheCurrentTargetAndStopsAtZero) {
    EXPECT_EQ(memSetRelative(pvGuest(), "+64M").target, mib(320));
    EXPECT_EQ(memSetRelative(pvGuest(), "-64M").target, mib(192));
    EXPECT_EQ(memSetRelative(pvGuest(), "-1G").target, KiB{0});
    EXPECT_EQ(codeOf([] { memSetRelative(pvGuest(), "+512M"); }), Errc::AboveStaticMax);
}

TEST(XlMemSetRelative, LeavesVideoramOutWhereAnAbsoluteSizeCountsIt) {
    EXPECT_EQ(memSetTarget(hvmGuest(), parseSizeArg("+8M", RelativeSizes::Allowed)), mib(1032));
    EXPECT_EQ(memSetTarget(hvmGuest(), parseSizeArg("1032M", RelativeSizes::Allowed)), mib(1024));
}

TEST(XlMemMax, RefusesBelowTheTargetAndAddsTheSlack) {
    EXPECT_EQ(codeOf([] { memMax(pvGuest(), mib(255)); }), Errc::BelowTarget);
    const MaxChange change = memMax(pvGuest(), mib(300));
    EXPECT_EQ(change.staticMax, mib(300));
    EXPECT_EQ(change.maxmem, mib(300) + KiB{1024});
}

}  // namespace
}  // namespace balloon
