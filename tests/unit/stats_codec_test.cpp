#include "stats_codec.h"

#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "untrusted_text.h"

namespace balloon {
namespace {

using namespace std::string_literals;

GuestReport fullReport() {
    GuestReport r;
    r.sequence = 12;
    r.timestamp = 1764200000;
    r.total = KiB{2048000};
    r.used = KiB{900000};
    r.available = KiB{1148000};
    r.free = KiB{300000};
    r.caches = KiB{700000};
    r.swapUsed = KiB{4096};
    r.swapInPages = 3;
    r.swapOutPages = 7;
    r.majorFaults = 11;
    r.refaults = 13;
    r.psiSomeAvg10 = 250;
    r.guestMin = KiB{262144};
    r.requestedTarget = KiB{1048576};
    r.scrubsPages = true;
    return r;
}

std::string errorOf(std::string_view text) {
    const DecodeResult result = decodeReport(text);
    EXPECT_FALSE(result) << "accepted: " << text;
    return result.error;
}

TEST(StatsCodec, RoundTripsEveryField) {
    const GuestReport in = fullReport();
    const DecodeResult out = decodeReport(encodeReport(in));
    ASSERT_TRUE(out) << out.error;
    const GuestReport& r = *out.report;
    EXPECT_EQ(r.source, ReportSource::Balloond);
    EXPECT_EQ(r.sequence, 12u);
    EXPECT_EQ(r.timestamp, 1764200000u);
    EXPECT_EQ(r.total, in.total);
    EXPECT_EQ(r.used, in.used);
    EXPECT_EQ(r.available, in.available);
    EXPECT_EQ(r.free, in.free);
    EXPECT_EQ(r.caches, in.caches);
    EXPECT_EQ(r.swapUsed, in.swapUsed);
    EXPECT_EQ(r.swapInPages, 3u);
    EXPECT_EQ(r.swapOutPages, 7u);
    EXPECT_EQ(r.majorFaults, 11u);
    EXPECT_EQ(r.refaults, 13u);
    EXPECT_EQ(r.psiSomeAvg10, 250u);
    EXPECT_EQ(r.guestMin, in.guestMin);
    EXPECT_EQ(r.requestedTarget, in.requestedTarget);
    EXPECT_EQ(r.scrubsPages, true);
}

TEST(StatsCodec, EncodesTheDocumentedCanonicalText) {
    GuestReport r;
    r.sequence = 1;
    r.timestamp = 2;
    r.total = KiB{100};
    r.used = KiB{40};
    r.scrubsPages = false;
    EXPECT_EQ(encodeReport(r), "v1 seq=1 ts=2 total=100 used=40 scrub=0");
}

TEST(StatsCodec, RoundTripLeavesAbsentOptionalFieldsAbsent) {
    GuestReport r;
    r.sequence = 1;
    r.timestamp = 2;
    r.total = KiB{100};
    r.used = KiB{40};
    const DecodeResult out = decodeReport(encodeReport(r));
    ASSERT_TRUE(out) << out.error;
    EXPECT_FALSE(out.report->available);
    EXPECT_FALSE(out.report->psiSomeAvg10);
    EXPECT_FALSE(out.report->scrubsPages);
}

TEST(StatsCodec, ReportWithEveryValueAtItsBoundFitsTheSizeLimit) {
    GuestReport r = fullReport();
    r.sequence = kMaxSequence;
    r.timestamp = kMaxSequence;
    const KiB top{kMaxReportValue};
    r.total = r.used = top;
    r.available = r.free = r.caches = r.swapUsed = r.guestMin = r.requestedTarget = top;
    r.swapInPages = r.swapOutPages = r.majorFaults = r.refaults = kMaxReportValue;
    r.psiSomeAvg10 = kMaxPsi;
    const std::string text = encodeReport(r);
    EXPECT_LE(text.size(), kMaxReportBytes);
    EXPECT_TRUE(decodeReport(text)) << text;
}

TEST(StatsCodec, AcceptsKeysInAnyOrder) {
    const DecodeResult out = decodeReport("v1 used=40 total=100 ts=2 seq=1");
    ASSERT_TRUE(out) << out.error;
    EXPECT_EQ(out.report->used, KiB{40});
}

TEST(StatsCodec, EncoderRefusesWhatTheDecoderWouldRefuse) {
    GuestReport r = fullReport();
    r.used = r.total + KiB{1};
    EXPECT_THROW(encodeReport(r), std::invalid_argument);
    r = fullReport();
    r.requestedTarget = KiB{1};
    EXPECT_THROW(encodeReport(r), std::invalid_argument);
}

TEST(StatsCodec, RefusesUnknownVersion) {
    EXPECT_NE(errorOf("v2 seq=1 ts=2 total=100 used=40").find("unsupported version"),
              std::string::npos);
    EXPECT_FALSE(decodeReport("seq=1 ts=2 total=100 used=40"));
    EXPECT_FALSE(decodeReport(""));
}

TEST(StatsCodec, RefusesOversizedInput) {
    std::string text = "v1 seq=1 ts=2 total=100 used=40";
    text += std::string(kMaxReportBytes, ' ');
    EXPECT_NE(errorOf(text).find("more than the limit"), std::string::npos);
}

TEST(StatsCodec, RefusesNonDigitsAndSigns) {
    EXPECT_NE(errorOf("v1 seq=1 ts=2 total=1e5 used=40").find("'total'"), std::string::npos);
    EXPECT_FALSE(decodeReport("v1 seq=1 ts=2 total=100 used=-40"));
    EXPECT_FALSE(decodeReport("v1 seq=1 ts=2 total=+100 used=40"));
    EXPECT_FALSE(decodeReport("v1 seq=1 ts=2 total=0x64 used=40"));
    EXPECT_FALSE(decodeReport("v1 seq=1 ts=2 total= used=40"));
    EXPECT_FALSE(decodeReport("v1 seq=1 ts=2 total=0100 used=40"));
}

TEST(StatsCodec, RefusesOverflowAndValuesAboveTheBound) {
    EXPECT_NE(errorOf("v1 seq=1 ts=2 total=99999999999999999999999 used=40").find("too large"),
              std::string::npos);
    const std::string aboveBound = std::to_string(kMaxReportValue + 1);
    EXPECT_NE(errorOf("v1 seq=1 ts=2 total=" + aboveBound + " used=40").find("above the limit"),
              std::string::npos);
    EXPECT_FALSE(decodeReport("v1 seq=1 ts=2 total=100 used=40 psi=10001"));
    EXPECT_FALSE(decodeReport("v1 seq=1 ts=2 total=100 used=40 scrub=2"));
}

TEST(StatsCodec, RefusesMissingRequiredKeys) {
    EXPECT_NE(errorOf("v1 seq=1 ts=2 total=100").find("'used' missing"), std::string::npos);
    EXPECT_FALSE(decodeReport("v1 ts=2 total=100 used=40"));
    EXPECT_FALSE(decodeReport("v1"));
}

TEST(StatsCodec, RefusesDuplicatesAndUnknownKeys) {
    EXPECT_NE(errorOf("v1 seq=1 ts=2 total=100 used=40 used=41").find("twice"), std::string::npos);
    EXPECT_NE(errorOf("v1 seq=1 ts=2 total=100 used=40 evil=1").find("unknown key"),
              std::string::npos);
    EXPECT_FALSE(decodeReport("v1 seq=1 ts=2 total=100 used=40 =5"));
    EXPECT_FALSE(decodeReport("v1 seq=1 ts=2 total=100 used=40 min"));
}

TEST(StatsCodec, RefusesStraySpacesNewlinesAndNuls) {
    EXPECT_FALSE(decodeReport("v1  seq=1 ts=2 total=100 used=40"));
    EXPECT_FALSE(decodeReport("v1 seq=1 ts=2 total=100 used=40 "));
    EXPECT_FALSE(decodeReport(" v1 seq=1 ts=2 total=100 used=40"));
    EXPECT_FALSE(decodeReport("v1 seq=1 ts=2 total=100 used=40\n"));
    EXPECT_FALSE(decodeReport("v1 seq=1\nts=2 total=100 used=40"));
    EXPECT_FALSE(decodeReport("v1 seq=1 ts=2\tTotal=100 used=40"));
    const std::string withNul = "v1 seq=1 ts=2 total=100\0 used=40"s;
    const std::string error = errorOf(withNul);
    EXPECT_NE(error.find("\\x00"), std::string::npos) << "NUL must be escaped in: " << error;
}

TEST(StatsCodec, RefusesInconsistentValues) {
    EXPECT_NE(errorOf("v1 seq=1 ts=2 total=100 used=101").find("inconsistent"), std::string::npos);
    EXPECT_FALSE(decodeReport("v1 seq=1 ts=2 total=100 used=40 avail=101"));
    EXPECT_FALSE(decodeReport("v1 seq=1 ts=2 total=100 used=40 free=101"));
    EXPECT_FALSE(decodeReport("v1 seq=1 ts=2 total=100 used=40 cache=101"));
    EXPECT_FALSE(decodeReport("v1 seq=1 ts=2 total=0 used=0"));
    EXPECT_FALSE(decodeReport("v1 seq=1 ts=2 total=100 used=40 min=50 req=49"));
}

TEST(StatsCodec, ErrorsNeverEchoLongUntrustedText) {
    const std::string junk(400, 'A');
    const std::string error = errorOf("v1 seq=1 ts=2 total=100 used=40 " + junk + "=1");
    EXPECT_LT(error.size(), 120u) << error;
}

TEST(QubesMeminfo, ParsesUsedKiB) {
    const DecodeResult out = parseQubesMeminfo("734003");
    ASSERT_TRUE(out) << out.error;
    EXPECT_EQ(out.report->source, ReportSource::Qubes);
    EXPECT_EQ(out.report->used, KiB{734003});
    EXPECT_EQ(out.report->total, KiB{0});
    EXPECT_FALSE(out.report->available);
}

TEST(QubesMeminfo, RefusesAnythingButDigits) {
    EXPECT_FALSE(parseQubesMeminfo(""));
    EXPECT_FALSE(parseQubesMeminfo("-5"));
    EXPECT_FALSE(parseQubesMeminfo("734003\n"));
    EXPECT_FALSE(parseQubesMeminfo("MemTotal: 1024 kB"));
    EXPECT_FALSE(parseQubesMeminfo("12\0"s));
    EXPECT_FALSE(parseQubesMeminfo("18446744073709551616"));
    EXPECT_NE(parseQubesMeminfo("abc").error.find("memory/meminfo"), std::string::npos);
}

TEST(XenServerMeminfo, ParsesTotalAndFree) {
    const DecodeResult out = parseXenServerMeminfo("2048000", "512000");
    ASSERT_TRUE(out) << out.error;
    EXPECT_EQ(out.report->source, ReportSource::XenServer);
    EXPECT_EQ(out.report->total, KiB{2048000});
    EXPECT_EQ(out.report->free, KiB{512000});
    EXPECT_EQ(out.report->used, KiB{1536000});
}

TEST(XenServerMeminfo, RefusesBadOrInconsistentValues) {
    EXPECT_NE(parseXenServerMeminfo("x", "1").error.find("meminfo_total"), std::string::npos);
    EXPECT_NE(parseXenServerMeminfo("100", "x").error.find("meminfo_free"), std::string::npos);
    EXPECT_FALSE(parseXenServerMeminfo("100", "101"));
    EXPECT_FALSE(parseXenServerMeminfo("0", "0"));
    EXPECT_FALSE(parseXenServerMeminfo(" 100", "1"));
}

TEST(QuoteUntrusted, EscapesControlBytesAndTruncates) {
    EXPECT_EQ(quoteUntrusted("a\nb"), "\"a\\x0ab\"");
    EXPECT_EQ(quoteUntrusted("abcdef", 3), "\"abc\"...");
}

}  // namespace
}  // namespace balloon
