// Golden tests of the squeezed contender (compare/squeezed_policy.h): targets worked out by hand
// from squeezed's rule, in KiB. The free-memory target is the 64 MiB slush plus the 8 MiB margin:
// 73,728. Two domains: dom1 [512 MiB, 2 GiB] = [524,288, 2,097,152], range 1,572,864; dom2
// [256 MiB, 1 GiB] = [262,144, 1,048,576], range 786,432. Mins 786,432, ranges 2,359,296, so
// dom1 takes 2/3 of what is above the mins and dom2 1/3.
#include "squeezed_policy.h"

#include <gtest/gtest.h>

namespace balloon::compare::squeezed {
namespace {

constexpr KiB kKeepFree = mib(64 + 8);

Domain ranged(DomId domid, KiB lo, KiB hi, KiB actual) {
    return {domid, lo, hi, actual, true};
}

TEST(SqueezedPolicy, EveryDomainGetsTheSameFractionOfItsRange) {
    const Domain all[] = {ranged(1, mib(512), gib(2), gib(1)), ranged(2, mib(256), gib(1), gib(1))};
    // 2 GiB usable: room = 2,097,152 - 73,728 - 786,432 = 1,236,992 (f = 0.524).
    // dom1: 524,288 + 2/3 x 1,236,992 = 524,288 + 824,661 (824,661.3 rounded down) = 1,348,949
    // dom2: 262,144 + 1/3 x 1,236,992 = 262,144 + 412,330 (412,330.7 rounded down) = 674,474
    const std::vector<Target> want = {{1, KiB{1348949}}, {2, KiB{674474}}};
    EXPECT_EQ(balance(gib(2), kKeepFree, all), want);
    // More than the ranges need: everyone at dynamic-max, the rest stays free.
    const std::vector<Target> top = {{1, gib(2)}, {2, gib(1)}};
    EXPECT_EQ(balance(gib(8), kKeepFree, all), top);
    // Less than the mins: everyone at dynamic-min.
    const std::vector<Target> bottom = {{1, mib(512)}, {2, mib(256)}};
    EXPECT_EQ(balance(mib(600), kKeepFree, all), bottom);
}

TEST(SqueezedPolicy, AnInactiveDomainIsPlannedWhereItIsAndTheOthersPickUpTheSlack) {
    Domain stuck = ranged(3, mib(256), gib(2), mib(700));  // holds 716,800
    stuck.active = false;
    const Domain all[] = {ranged(1, mib(512), gib(2), gib(1)), stuck,
                          ranged(2, mib(256), gib(1), gib(1))};
    // 2 GiB + its 716,800 usable: the same room for dom1 and dom2 as above.
    const std::vector<Target> want = {{1, KiB{1348949}}, {3, mib(700)}, {2, KiB{674474}}};
    EXPECT_EQ(balance(gib(2) + mib(700), kKeepFree, all), want);
}

TEST(SqueezedPolicy, AReservationIsKeptFreeOnTopOfTheSlush) {
    const Domain all[] = {ranged(1, mib(512), gib(2), gib(1)), ranged(2, mib(256), gib(1), gib(1))};
    // 300 MiB reserved: room = 2,097,152 - (73,728 + 307,200) - 786,432 = 929,792.
    // dom1: 524,288 + 619,861 (619,861.3) = 1,144,149; dom2: 262,144 + 309,930 (309,930.7) =
    // 572,074.
    const std::vector<Target> want = {{1, KiB{1144149}}, {2, KiB{572074}}};
    EXPECT_EQ(balance(gib(2), kKeepFree + mib(300), all), want);
}

}  // namespace
}  // namespace balloon::compare::squeezed
