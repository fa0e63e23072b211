#include "size.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace balloon {
namespace {

using ::testing::HasSubstr;

// What `xl mem-set` computes (tools/xl parse_mem_size_kb): strtoll, then one suffix shifting by
// 10 bits per step; "b" shifts right. An oracle for valid, non-overflowing input.
std::uint64_t xlKiB(std::uint64_t n, char suffix) {
    switch (suffix) {
        case 't':
        case 'T':
            return n << 30;
        case 'g':
        case 'G':
            return n << 20;
        case 'k':
        case 'K':
            return n;
        case 'b':
        case 'B':
            return n >> 10;
        default:  // 'm', 'M' and no suffix
            return n << 10;
    }
}

struct XlCase {
    const char* text;
    std::uint64_t kib;
};

TEST(SizeParser, AcceptsEveryFormXlAcceptsWithXlsResult) {
    const std::vector<XlCase> cases = {
        {"0", 0},           {"1", 1024},        {"512", 524288},
        {"00512", 524288},  // strtoll base 10: leading zeros are decimal, not octal
        {" 512", 524288},   // strtoll skips leading blanks
        {"512m", 524288},   {"512M", 524288},   {"2g", 2097152},
        {"2G", 2097152},    {"1t", 1073741824}, {"1T", 1073741824},
        {"4096k", 4096},    {"4096K", 4096},    {"0k", 0},
        {"1048576b", 1024}, {"1048576B", 1024}, {"1023b", 0},  // xl shifts bytes right: rounds down
        {"1025b", 1},       {"2047b", 1},       {"1024T", 1099511627776},  // the upper bound itself
    };
    for (const XlCase& c : cases) {
        EXPECT_EQ(parseSize(c.text), KiB{c.kib}) << c.text;
    }
}

TEST(SizeParser, AcceptsBinaryUnitSpellingsInAnyCase) {
    EXPECT_EQ(parseSize("512MiB"), mib(512));
    EXPECT_EQ(parseSize("512mib"), mib(512));
    EXPECT_EQ(parseSize("512MB"), mib(512));  // MB is binary, as everywhere in Xen
    EXPECT_EQ(parseSize("2GiB"), gib(2));
    EXPECT_EQ(parseSize("2gb"), gib(2));
    EXPECT_EQ(parseSize("1TiB"), gib(1024));
    EXPECT_EQ(parseSize("1TB"), gib(1024));
    EXPECT_EQ(parseSize("64KiB"), KiB{64});
    EXPECT_EQ(parseSize("64kB"), KiB{64});
}

TEST(SizeParser, AcceptsDecimalsRoundedDownToWholeKiB) {
    EXPECT_EQ(parseSize("1.5G"), mib(1536));
    EXPECT_EQ(parseSize("0.5"), KiB{512});    // no unit: MiB
    EXPECT_EQ(parseSize("1.1M"), KiB{1126});  // 1126.4 KiB
    EXPECT_EQ(parseSize("1.9K"), KiB{1});
    EXPECT_EQ(parseSize("0.999999999T"), KiB{1073741822});  // 1073741822.93 KiB
    EXPECT_EQ(parseSize("2.000G"), gib(2));
}

TEST(SizeParser, AcceptsBlanksAroundAndBetweenNumberAndUnit) {
    EXPECT_EQ(parseSize("512 M"), mib(512));
    EXPECT_EQ(parseSize("\t1.5 GiB  "), mib(1536));
    EXPECT_EQ(parseSize("512 "), mib(512));
}

void expectError(std::string_view text, const std::string& part) {
    try {
        (void)parseSize(text);
        ADD_FAILURE() << "accepted \"" << text << "\"";
    } catch (const SizeError& e) {
        EXPECT_THAT(e.what(), HasSubstr(part)) << text;
    }
}

TEST(SizeParser, ErrorNamesAnUnknownUnitAndListsTheKnownOnes) {
    try {
        (void)parseSize("12Q");
        FAIL() << "accepted 12Q";
    } catch (const SizeError& e) {
        EXPECT_STREQ(e.what(),
                     "bad size \"12Q\": unknown unit \"Q\" (use K, M, G, T or KiB, MiB, GiB, TiB; "
                     "a bare number is MiB)");
    }
}

TEST(SizeParser, RefusesWhatXlWouldMisreadOrWrap) {
    expectError("", "no number");  // xl: 0
    expectError("   ", "no number");
    expectError("M", "no number before the unit \"M\"");  // xl: 0
    expectError("GiB", "no number before the unit \"GiB\"");
    expectError("-256M", "negative sizes are not allowed");        // xl: a negative target
    expectError("+256M", "relative size (\"+\") is not allowed");  // xl: 256M
    expectError("99999999999999999999", "larger than the limit");  // beyond uint64
    expectError("1025T", "larger than the limit of 1024T");        // xl: wraps silently
    expectError("1073741825M", "larger than the limit");
    expectError("18446744073709551615b", "larger than the limit");
}

TEST(SizeParser, RefusesMalformedNumbersNamingTheBadPart) {
    expectError("5MK", "two units \"M\" and \"K\"");
    expectError("5 G M", "unknown unit \"G M\"");
    expectError("1.5.5G", "more than one decimal point");
    expectError("0x10", "hexadecimal");
    expectError("1.G", "no digits after the decimal point");
    expectError(".5G", "leading digit");
    expectError("abc", "expected a number, found \"abc\"");
    expectError("1.0000000001G", "more than 9 decimal places");
    expectError("1.5b", "byte count cannot have a fraction");
    expectError("12 34", "unknown unit \"34\"");
    expectError("1e3", "unknown unit \"e3\"");
    expectError("5MiBs", "unknown unit \"MiBs\"");
}

TEST(SizeParser, QuotesHostileInputPrintablyAndBounded) {
    try {
        (void)parseSize(std::string("5\n\x1b[31m") + std::string(100, 'x'));
        FAIL() << "accepted";
    } catch (const SizeError& e) {
        const std::string what = e.what();
        EXPECT_EQ(what.find('\n'), std::string::npos);
        EXPECT_EQ(what.find('\x1b'), std::string::npos);
        EXPECT_THAT(what, HasSubstr("\\x0a\\x1b"));
        EXPECT_LT(what.size(), 250U);
    }
}

TEST(SizeArgParser, ReadsRelativeSizesOnlyWhereAllowed) {
    EXPECT_EQ(parseSizeArg("+256M", RelativeSizes::Allowed),
              (SizeArg{SizeArg::Kind::Increase, mib(256)}));
    EXPECT_EQ(parseSizeArg("-1.5G", RelativeSizes::Allowed),
              (SizeArg{SizeArg::Kind::Decrease, mib(1536)}));
    EXPECT_EQ(parseSizeArg("2G", RelativeSizes::Allowed),
              (SizeArg{SizeArg::Kind::Absolute, gib(2)}));
    EXPECT_EQ(parseSizeArg("2G", RelativeSizes::Refused),
              (SizeArg{SizeArg::Kind::Absolute, gib(2)}));
    EXPECT_THROW((void)parseSizeArg("-256M", RelativeSizes::Refused), SizeError);
    EXPECT_THROW((void)parseSizeArg("+256M", RelativeSizes::Refused), SizeError);
    EXPECT_THROW((void)parseSizeArg("+-256M", RelativeSizes::Allowed), SizeError);
    EXPECT_THROW((void)parseSizeArg("+", RelativeSizes::Allowed), SizeError);
}

TEST(SizeArgParser, AppliesDeltasWithoutWrapping) {
    const SizeArg up{SizeArg::Kind::Increase, mib(256)};
    const SizeArg down{SizeArg::Kind::Decrease, mib(256)};
    EXPECT_EQ(up.applyTo(gib(1)), mib(1280));
    EXPECT_EQ(down.applyTo(gib(1)), mib(768));
    EXPECT_EQ(down.applyTo(mib(100)), KiB{0});
    EXPECT_EQ(up.applyTo(kMaxSize), kMaxSize);
    EXPECT_EQ((SizeArg{SizeArg::Kind::Absolute, mib(5)}).applyTo(gib(1)), mib(5));
}

TEST(SizeFormatter, PicksTheLargestExactUnit) {
    EXPECT_EQ(formatSize(KiB{0}), "0");
    EXPECT_EQ(formatSize(mib(512)), "512M");
    EXPECT_EQ(formatSize(mib(1536)), "1536M");
    EXPECT_EQ(formatSize(gib(2)), "2G");
    EXPECT_EQ(formatSize(gib(3072)), "3T");
    EXPECT_EQ(formatSize(KiB{4097}), "4097K");
    EXPECT_EQ(formatSize(KiB{4096}), "4M");
}

TEST(SizeFormatter, HumanFormRoundsToTwoDecimals) {
    EXPECT_EQ(formatSizeHuman(KiB{0}), "0K");
    EXPECT_EQ(formatSizeHuman(KiB{12}), "12K");
    EXPECT_EQ(formatSizeHuman(mib(512)), "512M");
    EXPECT_EQ(formatSizeHuman(mib(1536)), "1.5G");
    EXPECT_EQ(formatSizeHuman(mib(1280)), "1.25G");
    EXPECT_EQ(formatSizeHuman(KiB{524278}), "511.99M");
    EXPECT_EQ(formatSizeHuman(gib(1) - KiB{1}), "1G");  // 1023.999M rounds into the next unit
    EXPECT_EQ(formatSizeHuman(KiB{1536}), "1.5M");
    EXPECT_EQ(formatSizeHuman(KiB{1126}), "1.1M");  // 1.0996M: trailing zero dropped
}

RC_GTEST_PROP(SizeFormatter, ExactFormParsesBackToTheSameValue, ()) {
    const auto n = *rc::gen::inRange<std::uint64_t>(0, kMaxSize.count() + 1);
    RC_ASSERT(parseSize(formatSize(KiB{n})) == KiB{n});
}

RC_GTEST_PROP(SizeFormatter, ExactFormOfWholeUnitsParsesBack, ()) {
    // Random uint64s rarely hit whole units; build them on purpose.
    const auto shift = *rc::gen::element(0, 10, 20, 30);
    const auto n = *rc::gen::inRange<std::uint64_t>(0, (kMaxSize.count() >> shift) + 1);
    const KiB size{n << shift};
    RC_ASSERT(parseSize(formatSize(size)) == size);
}

RC_GTEST_PROP(SizeFormatter, HumanFormIsWithinHalfAHundredthOfItsUnit, ()) {
    const auto n = *rc::gen::inRange<std::uint64_t>(0, kMaxSize.count() + 1);
    const KiB parsed = parseSize(formatSizeHuman(KiB{n}));
    const std::uint64_t diff =
        parsed > KiB{n} ? (parsed - KiB{n}).count() : (KiB{n} - parsed).count();
    // The unit is at most n itself (or 1 KiB); half a hundredth of it, plus rounding down.
    RC_ASSERT(diff <= n / 200 + 1);
}

RC_GTEST_PROP(SizeParser, AgreesWithXlOnEveryIntegerAndSuffix, ()) {
    const auto suffix = *rc::gen::element('t', 'T', 'g', 'G', 'm', 'M', 'k', 'K', 'b', 'B', '\0');
    const auto limitShift = suffix == 't' || suffix == 'T'   ? 10
                            : suffix == 'g' || suffix == 'G' ? 20
                            : suffix == 'k' || suffix == 'K' ? 40
                            : suffix == 'b' || suffix == 'B' ? 50
                                                             : 30;
    const auto n = *rc::gen::inRange<std::uint64_t>(0, (std::uint64_t{1} << limitShift) + 1);
    std::string text = std::to_string(n);
    if (suffix != '\0') {
        text += suffix;
    }
    RC_ASSERT(parseSize(text) == KiB{xlKiB(n, suffix)});
}

}  // namespace
}  // namespace balloon
