#include "toolstack_range.h"

#include <gtest/gtest.h>

namespace balloon {
namespace {

constexpr std::nullopt_t kNone = std::nullopt;

TEST(ToolstackRange, TheNarrowerBoundWinsOnEachSide) {
    EXPECT_EQ(narrowRange({mib(512), mib(4096)}, {mib(1024), mib(2048)}),
              (MemoryRange{mib(1024), mib(2048)}));
    EXPECT_EQ(narrowRange({mib(1024), mib(2048)}, {mib(512), mib(4096)}),
              (MemoryRange{mib(1024), mib(2048)}));
    EXPECT_EQ(narrowRange({mib(1024), kNone}, {kNone, mib(2048)}),
              (MemoryRange{mib(1024), mib(2048)}));
}

TEST(ToolstackRange, EitherAloneIsTheRange) {
    EXPECT_EQ(narrowRange({}, {mib(768), mib(1024)}), (MemoryRange{mib(768), mib(1024)}));
    EXPECT_EQ(narrowRange({mib(768), mib(1024)}, {}), (MemoryRange{mib(768), mib(1024)}));
    EXPECT_EQ(narrowRange({}, {}), MemoryRange{});
}

TEST(ToolstackRange, MinEqualToMaxLeavesOneTarget) {
    EXPECT_EQ(narrowRange({mib(256), mib(4096)}, {mib(1024), mib(1024)}),
              (MemoryRange{mib(1024), mib(1024)}));
}

TEST(ToolstackRange, TheToolstackWinsWhenTheRangesDoNotOverlap) {
    EXPECT_EQ(narrowRange({mib(4096), mib(8192)}, {mib(1024), mib(2048)}),
              (MemoryRange{mib(1024), mib(2048)}));
    // Only a toolstack min above the configured max: the configured max gives way.
    EXPECT_EQ(narrowRange({mib(256), mib(1024)}, {mib(2048), kNone}),
              (MemoryRange{mib(2048), kNone}));
}

TEST(ToolstackRange, IgnoresAToolstackMinAboveItsMax) {
    EXPECT_EQ(narrowRange({mib(256), mib(1024)}, {mib(2048), mib(1024)}),
              (MemoryRange{mib(256), mib(1024)}));
}

}  // namespace
}  // namespace balloon
