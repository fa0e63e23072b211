#include "qmemman_protocol.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace balloon::qmemman {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

KiB freeAmount(std::string_view line) {
    const Request r = parseRequest(line);
    const auto* free = std::get_if<FreeMemory>(&r);
    EXPECT_NE(free, nullptr) << "not a FreeMemory: " << line;
    return free != nullptr ? free->amount : KiB{0};
}

std::vector<DomainSize> sizes(std::string_view line) {
    const Request r = parseRequest(line);
    const auto* set = std::get_if<SetSizes>(&r);
    EXPECT_NE(set, nullptr) << "not a SetSizes: " << line;
    return set != nullptr ? set->domains : std::vector<DomainSize>{};
}

std::string invalid(std::string_view line) {
    const Request r = parseRequest(line);
    const auto* bad = std::get_if<Invalid>(&r);
    EXPECT_NE(bad, nullptr) << "accepted: " << line;
    return bad != nullptr ? bad->reason : std::string();
}

TEST(QmemmanRequest, ReadsAByteCountRoundedUpToKiB) {
    EXPECT_EQ(freeAmount("1073741824"), mib(1024));
    EXPECT_EQ(freeAmount("1025"), KiB{2});
    EXPECT_EQ(freeAmount("0"), KiB{0});
    EXPECT_EQ(freeAmount(" 4096\r\t"), KiB{4});  // qmemman strips whitespace
    EXPECT_EQ(freeAmount("1125899906842624"), KiB{std::uint64_t{1} << 40});
}

TEST(QmemmanRequest, ReadsDomainSizePairs) {
    EXPECT_THAT(sizes("3:1073741824"), ElementsAre(DomainSize{3, mib(1024)}));
    EXPECT_THAT(sizes("3:0 12:2048"), ElementsAre(DomainSize{3, KiB{0}}, DomainSize{12, KiB{2}}));
    EXPECT_THAT(sizes("0:1 32751:0"),
                ElementsAre(DomainSize{0, KiB{1}}, DomainSize{32751, KiB{0}}));
}

TEST(QmemmanRequest, RefusesEverythingElse) {
    for (const char* line : {"",
                             "  ",
                             "-1",
                             "+5",
                             "1e9",
                             "0x10",
                             "007",
                             "1 2",
                             "abc",
                             "OK",
                             "1125899906842625",
                             "99999999999999999999999",
                             "3:",
                             ":5",
                             "3:5  4:6",
                             "3:5,4:6",
                             "3:5:6",
                             "32752:0",
                             "65536:0",
                             "-1:0",
                             "3:-5",
                             "3:05",
                             "03:5",
                             "3:5 3:6",
                             "3:1125899906842625",

                             "\xff"}) {
        EXPECT_FALSE(invalid(std::string_view(line)).empty()) << line;
    }
    EXPECT_FALSE(invalid(std::string_view("3:5\0", 4)).empty());
    EXPECT_FALSE(invalid(std::string_view("12\0"
                                          "3",
                                          4))
                     .empty());
    EXPECT_THAT(invalid("3:5 3:6"), HasSubstr("dom3 is named twice"));
}

TEST(QmemmanRequest, RefusesMoreThan1024Bytes) {
    EXPECT_THAT(invalid(std::string(1025, '1')), HasSubstr("longer than 1024 bytes"));
    EXPECT_THAT(invalid(std::string(1024, ' ')), HasSubstr("empty"));
}

TEST(QmemmanRequestBuffer, CompletesAtTheNewlineAcrossReads) {
    RequestBuffer buffer;
    EXPECT_EQ(buffer.append("10"), RequestBuffer::State::NeedMore);
    EXPECT_EQ(buffer.append("24"), RequestBuffer::State::NeedMore);
    EXPECT_EQ(buffer.append("\n"), RequestBuffer::State::Complete);
    EXPECT_EQ(buffer.line(), "1024");
    EXPECT_FALSE(buffer.trailing());
    EXPECT_EQ(buffer.append("x"), RequestBuffer::State::Complete);
    EXPECT_TRUE(buffer.trailing());  // a second request on one connection
}

TEST(QmemmanRequestBuffer, NotesBytesAfterTheNewline) {
    RequestBuffer buffer;
    EXPECT_EQ(buffer.append("1\n2\n"), RequestBuffer::State::Complete);
    EXPECT_EQ(buffer.line(), "1");
    EXPECT_TRUE(buffer.trailing());
}

TEST(QmemmanRequestBuffer, EndOfInputCompletesWhatCame) {
    RequestBuffer some;
    some.append("4096");
    EXPECT_EQ(some.endOfInput(), RequestBuffer::State::Complete);
    EXPECT_EQ(some.line(), "4096");
    RequestBuffer none;
    EXPECT_EQ(none.endOfInput(), RequestBuffer::State::Empty);
}

TEST(QmemmanRequestBuffer, StopsPast1024Bytes) {
    RequestBuffer buffer;
    EXPECT_EQ(buffer.append(std::string(1024, '1')), RequestBuffer::State::NeedMore);
    EXPECT_EQ(buffer.append("1"), RequestBuffer::State::TooLong);
    EXPECT_EQ(buffer.append("\n"), RequestBuffer::State::TooLong);
    RequestBuffer exact;
    EXPECT_EQ(exact.append(std::string(1024, '1') + "\n"), RequestBuffer::State::Complete);
    EXPECT_EQ(exact.line().size(), 1024U);
}

}  // namespace
}  // namespace balloon::qmemman
