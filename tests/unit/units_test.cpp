#include "units.h"

#include <gtest/gtest.h>

namespace balloon {
namespace {

static_assert(!std::is_convertible_v<KiB, Pages>, "KiB and Pages must not mix");
static_assert(!std::is_convertible_v<std::uint64_t, KiB>, "a bare number is not a KiB");

TEST(Units, ConvertOnlyThroughThePageSize) {
    EXPECT_EQ(toKiB(Pages{3}), KiB{12});
    EXPECT_EQ(pagesFloor(KiB{13}), Pages{3});
    EXPECT_EQ(pagesCeil(KiB{13}), Pages{4});
    EXPECT_EQ(pagesCeil(KiB{12}), Pages{3});
}

TEST(Units, SubtractionSaturatesInsteadOfWrapping) {
    EXPECT_EQ(KiB{5} - KiB{7}, KiB{0});
    EXPECT_EQ(signedDelta(KiB{5}, KiB{7}), -2);
}

TEST(Units, AdditionSaturatesAtTheTop) {
    const KiB huge{std::numeric_limits<std::uint64_t>::max() - 1};
    EXPECT_EQ((huge + KiB{10}).count(), std::numeric_limits<std::uint64_t>::max());
}

TEST(Units, HelpersSpellSizes) {
    EXPECT_EQ(mib(1), KiB{1024});
    EXPECT_EQ(gib(2), KiB{2 * 1024 * 1024});
    EXPECT_EQ(clamp(KiB{50}, KiB{10}, KiB{20}), KiB{20});
    EXPECT_EQ(clamp(KiB{5}, KiB{10}, KiB{20}), KiB{10});
}

}  // namespace
}  // namespace balloon
