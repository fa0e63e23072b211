// A report held against the domain's allocation (core/plausibility.h): the lies the hostile-guest
// review told through each format, honest reports left alone, and a property over every valid
// report: what comes out is within its bounds and still valid for the codec.
#include "plausibility.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "stats_codec.h"

namespace balloon {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr KiB kPetabyte{kMaxReportValue};

// A PV domain holding 1G, static-max 2G.
constexpr DomainBounds kPv{gib(1), gib(2), KiB{0}};

GuestReport ours(KiB total, KiB used) {
    GuestReport r;
    r.sequence = 1;
    r.total = total;
    r.used = used;
    return r;
}

TEST(Plausibility, AnHonestReportIsLeftAlone) {
    GuestReport r = ours(mib(1000), mib(600));
    r.available = mib(400);
    r.swapUsed = mib(300);
    r.guestMin = mib(256);
    r.requestedTarget = mib(1500);
    const PlausibleReport held = holdToAllocation(r, kPv);
    EXPECT_THAT(held.clamped, IsEmpty());
    EXPECT_EQ(encodeReport(held.report), encodeReport(r));
}

TEST(Plausibility, APetabyteInUseIsHeldToWhatXenGaveTheGuest) {
    const PlausibleReport held = holdToAllocation(ours(kPetabyte, kPetabyte), kPv);
    EXPECT_EQ(held.report.total, gib(1));
    EXPECT_EQ(held.report.used, gib(1));
    EXPECT_THAT(held.clamped, HasSubstr("used 1024T is above what Xen gave it 1G"));
    EXPECT_THAT(validateReport(held.report), IsEmpty());
}

TEST(Plausibility, WithinTheToleranceNothingIsClamped) {
    const KiB edge = gib(1) + kPlausibilityTolerance;
    const PlausibleReport held = holdToAllocation(ours(edge, edge), kPv);
    EXPECT_THAT(held.clamped, IsEmpty());
    EXPECT_EQ(held.report.used, edge);
    EXPECT_EQ(holdToAllocation(ours(edge + KiB{4}, edge), kPv).report.total, gib(1));
}

TEST(Plausibility, VideoramIsXensNotTheGuests) {
    const DomainBounds hvm{gib(1) + mib(8), gib(2), mib(8)};
    EXPECT_THAT(holdToAllocation(ours(gib(1), gib(1)), hvm).clamped, IsEmpty());
    const PlausibleReport held = holdToAllocation(ours(gib(1) + mib(8), gib(1) + mib(8)), hvm);
    EXPECT_EQ(held.report.total, gib(1));
    const PlausibleReport swap = holdToAllocation(
        [] {
            GuestReport r = ours(gib(1), gib(1));
            r.swapUsed = gib(2);
            return r;
        }(),
        hvm);
    EXPECT_EQ(*swap.report.swapUsed, gib(1) - mib(8));  // used + swap = static-max - videoram
}

TEST(Plausibility, AnHvmGuestUnderPopulateOnDemandMaySeeItsMaxAsTotal) {
    const DomainBounds hvm{gib(1) + mib(8), gib(2), mib(8), true};
    GuestReport booting = ours(gib(2) - mib(8), mib(300));  // MemTotal before the balloon caught up
    EXPECT_THAT(holdToAllocation(booting, hvm).clamped, IsEmpty());
    const PlausibleReport lie = holdToAllocation(ours(kPetabyte, kPetabyte), hvm);
    EXPECT_EQ(lie.report.total, gib(2) - mib(8));
    EXPECT_EQ(lie.report.used, gib(1)) << "what it uses is backed by the allocation";
}

TEST(Plausibility, SwapCountsForDemandUpToTheMax) {
    GuestReport r = ours(gib(1), gib(1));
    r.available = KiB{0};
    r.swapUsed = mib(700);
    EXPECT_THAT(holdToAllocation(r, kPv).clamped, IsEmpty());
    r.swapUsed = kPetabyte;
    const PlausibleReport held = holdToAllocation(r, kPv);
    EXPECT_EQ(*held.report.swapUsed, gib(1));
    EXPECT_THAT(held.clamped, HasSubstr("swap 1024T is above its max less used 1G"));
}

TEST(Plausibility, AFloorOrARequestAboveTheMaxIsClampedToIt) {
    GuestReport r = ours(mib(1000), mib(200));
    r.guestMin = gib(4);
    r.requestedTarget = gib(4);
    const PlausibleReport held = holdToAllocation(r, kPv);
    EXPECT_EQ(held.report.guestMin, gib(2));
    EXPECT_EQ(held.report.requestedTarget, gib(2));
    EXPECT_THAT(held.clamped, HasSubstr("min 4G is above its max 2G"));
    EXPECT_THAT(held.clamped, HasSubstr("req 4G is above its max 2G"));
}

TEST(Plausibility, TheFiguresUnderTotalFollowIt) {
    GuestReport r = ours(kPetabyte, mib(100));
    r.available = kPetabyte - mib(100);
    r.free = kPetabyte - mib(100);
    r.caches = kPetabyte - mib(100);
    const PlausibleReport held = holdToAllocation(r, kPv);
    EXPECT_EQ(held.report.used, mib(100));
    EXPECT_EQ(held.report.available, gib(1));
    EXPECT_EQ(held.report.free, gib(1));
    EXPECT_EQ(held.report.caches, gib(1));
    EXPECT_THAT(validateReport(held.report), IsEmpty());
}

TEST(Plausibility, QubesMeminfoCountsSwapSoItIsHeldToTheMax) {
    const DecodeResult swapping = parseQubesMeminfo("1572864");  // 1.5G: 1G in RAM, 512M swapped
    ASSERT_TRUE(swapping);
    EXPECT_THAT(holdToAllocation(*swapping.report, kPv).clamped, IsEmpty());
    const DecodeResult lie = parseQubesMeminfo(std::to_string(kMaxReportValue));
    ASSERT_TRUE(lie);
    EXPECT_EQ(holdToAllocation(*lie.report, kPv).report.used, gib(2));
}

TEST(Plausibility, XenServerTotalIsHeldToTheAllocation) {
    const DecodeResult lie = parseXenServerMeminfo(std::to_string(kMaxReportValue), "0");
    ASSERT_TRUE(lie);
    const PlausibleReport held = holdToAllocation(*lie.report, kPv);
    EXPECT_EQ(held.report.total, gib(1));
    EXPECT_EQ(held.report.used, gib(1));
    EXPECT_EQ(held.report.free, KiB{0});
}

TEST(Plausibility, NothingKnownHoldsNothingBack) {
    const GuestReport r = ours(kPetabyte, kPetabyte);
    EXPECT_EQ(holdToAllocation(r, DomainBounds{}).report.used, kPetabyte);
}

KiB genKiB(std::uint64_t most) {
    return KiB{*rc::gen::inRange<std::uint64_t>(0, most + 1)};
}
std::optional<KiB> genOptional(std::uint64_t most) {
    return *rc::gen::element(true, false) ? std::optional<KiB>{genKiB(most)} : std::nullopt;
}

// Any report the codec accepts, from any source.
GuestReport genValidReport() {
    // Mostly small values, sometimes anything up to the codec's bound.
    const std::uint64_t top = *rc::gen::element(gib(8).count(), kMaxReportValue);
    GuestReport r;
    r.source =
        *rc::gen::element(ReportSource::Balloond, ReportSource::Qubes, ReportSource::XenServer);
    r.used = genKiB(top);
    if (r.source == ReportSource::Qubes) {
        return r;
    }
    r.total = max(r.used, KiB{1} + genKiB(top - 1));
    r.available = genOptional(r.total.count());
    r.free = genOptional(r.total.count());
    r.caches = genOptional(r.total.count());
    r.swapUsed = genOptional(top);
    r.guestMin = genOptional(top);
    r.requestedTarget = genOptional(top);
    if (r.guestMin && r.requestedTarget) {
        r.requestedTarget = max(*r.guestMin, *r.requestedTarget);
    }
    return r;
}

RC_GTEST_PROP(PlausibilityProperties, WhatComesOutIsWithinItsBoundsAndValid, ()) {
    const GuestReport in = genValidReport();
    const bool qubes =
        in.source == ReportSource::Qubes;  // no total: the codec's rules do not apply
    RC_PRE(qubes || validateReport(in).empty());
    const KiB videoram = *rc::gen::element(KiB{0}, mib(8), mib(16));
    const KiB staticMax = videoram + mib(64) + genKiB(gib(16).count());
    const DomainBounds bounds{videoram + KiB{4} + genKiB(staticMax.count()), staticMax, videoram,
                              *rc::gen::arbitrary<bool>()};
    const PlausibleReport held = holdToAllocation(in, bounds);
    const GuestReport& out = held.report;
    RC_ASSERT(qubes || validateReport(out).empty());
    const KiB tolerance = kPlausibilityTolerance;
    const KiB memory = bounds.allocation - videoram;
    const KiB most = staticMax - videoram;
    if (qubes) {
        RC_ASSERT(out.used <= most + tolerance);
    } else {
        RC_ASSERT(out.total <= (bounds.translated ? max(memory, most) : memory) + tolerance);
        RC_ASSERT(out.used <= memory + tolerance);
    }
    RC_ASSERT(out.used + out.swapUsed.value_or(KiB{0}) <= most + tolerance + tolerance);
    RC_ASSERT(out.guestMin.value_or(KiB{0}) <= most + tolerance);
    RC_ASSERT(out.requestedTarget.value_or(KiB{0}) <= most + tolerance);
    // Nothing within its bound changes, and a clamp is always said.
    if (qubes) {
        RC_ASSERT(held.clamped.empty() == (out.used == in.used));
    } else {
        RC_ASSERT(held.clamped.empty() == (encodeReport(out) == encodeReport(in)));
    }
}

}  // namespace
}  // namespace balloon
