// The one TOML reader (core/toml_reader.h) and the one duration grammar (core/duration.h) that
// balloond.toml and the simulator's scenarios share.
#include "toml_reader.h"

#include <stdexcept>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "duration.h"
#include "enum_names.h"
#include "model.h"
#include "policy_config.h"

namespace balloon {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string durationError(std::string_view text, ZeroDuration zero) {
    try {
        (void)parseDuration(text, zero);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

TEST(DurationGrammar, ReadsAWholeNumberAndOneUnit) {
    EXPECT_EQ(parseDuration("500ms"), 500ms);
    EXPECT_EQ(parseDuration("2s"), 2s);
    EXPECT_EQ(parseDuration("5m"), 5min);
    EXPECT_EQ(parseDuration("24h"), 24h);
    EXPECT_THAT(durationError("25h", ZeroDuration::Refused), HasSubstr("longer than 24h"));
    EXPECT_THAT(durationError("99999999999999999999s", ZeroDuration::Refused),
                HasSubstr("longer than 24h"));
}

TEST(DurationGrammar, WritesZeroAsABareZeroOnlyWhereTheCallerAllowsIt) {
    EXPECT_EQ(parseDuration("0", ZeroDuration::Allowed), 0ms);
    EXPECT_THAT(durationError("0", ZeroDuration::Refused), HasSubstr("needs a unit"));
    EXPECT_THAT(durationError("0s", ZeroDuration::Refused),
                HasSubstr("bad duration \"0s\": must be above zero"));
    EXPECT_THAT(durationError("0ms", ZeroDuration::Allowed),
                HasSubstr("bad duration \"0ms\": write zero as \"0\""));
}

TEST(DurationGrammar, QuotesHostileTextPrintablyAndBounded) {
    const std::string error =
        durationError("5\n\x1b[31m" + std::string(100, 'x'), ZeroDuration::Refused);
    EXPECT_EQ(error.find('\n'), std::string::npos);
    EXPECT_THAT(error, HasSubstr("\\x0a\\x1b"));
    EXPECT_LT(error.size(), 200U);
}

// Every value has one name and every name reads back as its value.
template <class Enum, std::size_t N>
void expectBothWays(const EnumNames<Enum, N>& names) {
    for (const auto& [name, value] : names) {
        EXPECT_EQ(nameOf(names, value), name);
        EXPECT_EQ(valueOf(names, name), value);
    }
}

TEST(EnumNames, ReadEachTableBothWays) {
    expectBothWays(kPolicyKindNames);
    expectBothWays(kDomainTypeNames);
    expectBothWays(kConvergenceNames);
    expectBothWays(kChangeNames);
    expectBothWays(kReportSourceNames);
    EXPECT_EQ(valueOf(kDomainTypeNames, "PV"), std::nullopt);
    EXPECT_EQ(listNames(kPolicyKindNames), "off, proportional or demand");
}

class ATomlReader : public ::testing::Test {
protected:
    ATomlReader() : root_(parseToml("[t]\nsize = \"1G\"\ntypo = 1\n", "f.toml")) {}

    // Reads [t] size and finishes, as a reader made with `unknown`.
    void readT(UnknownKeys unknown) {
        TomlReader top(root_, "f.toml", unknown, &warnings_);
        TomlReader t = top.nested(*top.table("t"), "[t]");
        KiB size;
        EXPECT_TRUE(t.readSize("size", size));
        EXPECT_EQ(size, gib(1));
        t.finish();
        top.finish();
    }

    toml::table root_;
    std::vector<std::string> warnings_;
};

TEST_F(ATomlReader, WarnsAboutAKeyNobodyReadWhenLenient) {
    readT(UnknownKeys::Warn);
    EXPECT_THAT(warnings_, ElementsAre("f.toml:3:1: unknown key \"typo\" in [t] (ignored)"));
}

TEST_F(ATomlReader, RefusesAKeyNobodyReadWhenStrict) {
    try {
        readT(UnknownKeys::Refuse);
        FAIL() << "accepted an unknown key";
    } catch (const TomlError& e) {
        EXPECT_STREQ(e.what(), "f.toml:3:1: unknown key \"typo\" in [t]");
        EXPECT_EQ(e.position(), (SourcePosition{"f.toml", 3, 1}));
    }
    EXPECT_TRUE(warnings_.empty());
}

TEST_F(ATomlReader, PlacesASyntaxErrorAtItsLine) {
    try {
        (void)parseToml("a = 1\nb = \"open\n", "f.toml");
        FAIL() << "parsed";
    } catch (const TomlError& e) {
        EXPECT_EQ(e.position().line, 2U);
        EXPECT_THAT(e.what(), HasSubstr("not valid TOML"));
    }
}

}  // namespace
}  // namespace balloon
