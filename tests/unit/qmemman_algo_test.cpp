// Golden tests of the qmemman re-implementation (compare/qmemman_algo.h): every target below was
// worked out by hand from qmemman's formulas (../shared/reference/peers.md section 1), in KiB,
// with int() truncating toward zero. Defaults: cache factor 1.3, vm-min-mem 200 MiB = 204,800,
// dom0 boost 350 MiB = 358,400, reserve 50 MiB = 51,200, rounding 0.999.
#include "qmemman_algo.h"

#include <gtest/gtest.h>

namespace balloon::compare::qmemman {
namespace {

constexpr Config kConfig{};

// A domain at its last target (current = last target = `at`), with a 4 GiB static max.
Domain dom(DomId domid, KiB used, KiB at, KiB max = gib(4)) {
    Domain d;
    d.domid = domid;
    d.used = used;
    d.current = at;
    d.lastTarget = at;
    d.max = max;
    return d;
}

TEST(QmemmanAlgo, PreferenceIsUsedTimesTheCacheFactorWithAFloorAndDom0sBoost) {
    // 1000 MiB used = 1,024,000 x 1.3 = 1,331,200.
    EXPECT_EQ(prefMem(dom(1, mib(1000), gib(2)), kConfig), KiB{1331200});
    // 100 MiB used = 102,400 x 1.3 = 133,120 < vm-min-mem: 204,800.
    EXPECT_EQ(prefMem(dom(1, mib(100), gib(2)), kConfig), KiB{204800});
    // The floor is applied last: above a 150 MiB max (153,600).
    EXPECT_EQ(prefMem(dom(1, mib(100), mib(150), mib(150)), kConfig), KiB{204800});
    // dom0: 1,331,200 + 358,400 = 1,689,600; 133,120 + 358,400 = 491,520 (no floor needed) ...
    EXPECT_EQ(prefMem(dom(0, mib(1000), gib(2)), kConfig), KiB{1689600});
    EXPECT_EQ(prefMem(dom(0, mib(100), gib(2)), kConfig), KiB{491520});
    // ... capped at its max (1 GiB = 1,048,576).
    EXPECT_EQ(prefMem(dom(0, mib(1000), gib(1), gib(1)), kConfig), KiB{1048576});
}

TEST(QmemmanAlgo, FreeMemoryTakesOffXensOverheadAndWhatDomainsWereGivenButHaveNotTaken) {
    Domain growing = dom(1, mib(100), KiB{1000000});
    growing.lastTarget = KiB{1100000};  // 100,000 promised, not taken
    Domain shrinking = dom(2, mib(100), KiB{1000000});
    shrinking.lastTarget = KiB{900000};  // counts nothing
    const Domain all[] = {growing, shrinking};
    // 1,007,810 / 1.00781 = 1,000,000, but x (1/1.00781) in binary floating point is a hair
    // under it, and int() makes it 999,999 (as in qmemman); minus 100,000.
    EXPECT_EQ(xenFree(KiB{1007810}, all, kConfig), 899999);
}

TEST(QmemmanAlgo, EnoughMemorySharesTheSurplusByPreference) {
    // pref 1,331,200 (needs 1,331,200 - 2,048,000 = -716,800) and 665,600 (needs -358,400).
    const Domain all[] = {dom(1, mib(1000), mib(2000)), dom(2, mib(500), mib(1000))};
    const Balance b = balance(KiB{524288}.count(), all, kConfig);
    // available = 524,288 + 716,800 + 358,400 = 1,599,488 > 0; prefs total 1,996,800.
    EXPECT_EQ(b.branch, Branch::EnoughMemory);
    EXPECT_EQ(b.totalAvailable, 1599488);
    // dom1: int(0.999 x (1,331,200 + 2/3 x 1,599,488)) = int(2,395,127.8) = 2,395,127
    // dom2: int(0.999 x (665,600 + 1/3 x 1,599,488)) = int(1,197,563.9) = 1,197,563
    const std::vector<Request> want = {{1, KiB{2395127}}, {2, KiB{1197563}}};
    EXPECT_EQ(b.requests, want);
}

TEST(QmemmanAlgo, WhatAMaxCutsOffGoesToTheOthersInEqualParts) {
    // Everyone at its preference (needs 0): prefs 1,331,200 + 1,331,200 + 665,600 = 3,328,000.
    const Domain all[] = {
        dom(1, mib(1000), KiB{1331200}, mib(1400)),  // max 1,433,600
        dom(2, mib(1000), KiB{1331200}),
        dom(3, mib(500), KiB{665600}),
    };
    const Balance b = balance(mib(1000).count(), all, kConfig);  // 1,024,000
    EXPECT_EQ(b.branch, Branch::EnoughMemory);
    // dom1, dom2: int(0.999 x (1,331,200 + 0.4 x 1,024,000)) = 1,739,059; dom1 is capped at
    // 1,433,600, leaving 305,459. dom3: int(0.999 x (665,600 + 0.2 x 1,024,000)) = 869,529.
    // Two acceptors: int(0.999 x 305,459 / 2) = int(152,576.77) = 152,576 each (equal parts,
    // not by preference): dom2 1,891,635, dom3 1,022,105.
    const std::vector<Request> want = {{1, KiB{1433600}}, {2, KiB{1891635}}, {3, KiB{1022105}}};
    EXPECT_EQ(b.requests, want);
}

TEST(QmemmanAlgo, EnoughMemoryListsShrinksBeforeGrows) {
    // dom1 needs 1,996,800 - 1,024,000 = +972,800; dom2 gives 3,072,000 - 665,600 = 2,406,400.
    const Domain all[] = {dom(1, mib(1500), mib(1000)), dom(2, mib(500), mib(3000))};
    const Balance b = balance(0, all, kConfig);
    // available = 0 - (972,800 - 2,406,400) = 1,433,600; prefs 2,662,400 (3/4 and 1/4).
    EXPECT_EQ(b.branch, Branch::EnoughMemory);
    // dom2: int(0.999 x (665,600 + 358,400)) = 1,022,976;
    // dom1: int(0.999 x (1,996,800 + 1,075,200)) = 3,068,928.
    const std::vector<Request> want = {{2, KiB{1022976}}, {1, KiB{3068928}}};
    EXPECT_EQ(b.requests, want);
}

TEST(QmemmanAlgo, Dom0sBoostCountsInItsShare) {
    // dom0 pref 1,689,600, dom1 1,331,200, both there already; total 3,020,800.
    const Domain all[] = {dom(0, mib(1000), KiB{1689600}, gib(8)), dom(1, mib(1000), KiB{1331200})};
    const Balance b = balance(302080, all, kConfig);  // a tenth of the preferences
    // dom0: int(0.999 x (1,689,600 + 168,960)) = 1,856,701;
    // dom1: int(0.999 x (1,331,200 + 133,120)) = 1,462,855.
    const std::vector<Request> want = {{0, KiB{1856701}}, {1, KiB{1462855}}};
    EXPECT_EQ(b.requests, want);
}

TEST(QmemmanAlgo, LowOnMemoryDonorsGoToTheirPreferenceAndAcceptorsShareWhatIsFree) {
    const Domain all[] = {
        dom(1, mib(1000), mib(1500)),  // pref 1,331,200, gives 1,536,000 - 1,331,200 = 204,800
        dom(2, mib(2000), mib(1000)),  // pref 2,662,400, needs 1,638,400
        dom(3, mib(500), mib(600)),    // pref 665,600, needs 51,200
    };
    const Balance b = balance(mib(400).count(), all, kConfig);  // 409,600
    // available = 409,600 - (-204,800 + 1,638,400 + 51,200) < 0.
    EXPECT_EQ(b.branch, Branch::LowOnMemory);
    // dom1 to exactly 1,331,200. What it gives is subtracted from free (qmemman's rule):
    // 409,600 - 204,800 = 204,800, shared by the acceptors' preferences (2,662,400 : 665,600 =
    // 0.8 : 0.2) on top of their actual:
    // dom2: int(0.999 x (1,024,000 + 163,840)) = int(1,186,652.2) = 1,186,652;
    // dom3: int(0.999 x (614,400 + 40,960)) = int(654,704.6) = 654,704.
    const std::vector<Request> want = {{1, KiB{1331200}}, {2, KiB{1186652}}, {3, KiB{654704}}};
    EXPECT_EQ(b.requests, want);
}

TEST(QmemmanAlgo, LowOnMemoryLeavesDonorsThatWouldGiveLessThanTenMiB) {
    const Domain all[] = {
        dom(1, mib(1000), KiB{1331200 + 5120}),   // would give 5 MiB
        dom(2, mib(1000), mib(1000), mib(1000)),  // at its max: a donor giving nothing
        dom(3, mib(2000), mib(1000)),             // needs 1,638,400
    };
    const Balance b = balance(mib(50).count(), all, kConfig);
    EXPECT_EQ(b.branch, Branch::LowOnMemory);
    // Only dom3 moves: int(0.999 x (1,024,000 + 51,200)) = int(1,074,124.8) = 1,074,124.
    const std::vector<Request> want = {{3, KiB{1074124}}};
    EXPECT_EQ(b.requests, want);
}

TEST(QmemmanAlgo, OnAShortHostOnlyTheDonorsShrinksAreReturned) {
    const Domain all[] = {dom(1, mib(1000), mib(1500)), dom(2, mib(2000), mib(1000))};
    // 150 MiB free beyond the reserve, minus the 204,800 dom1 gives, is negative: dom2 is not
    // grown, only dom1's shrink to its preference is returned.
    const Balance b = balance(mib(150).count(), all, kConfig);
    EXPECT_EQ(b.branch, Branch::LowOnMemory);
    const std::vector<Request> want = {{1, KiB{1331200}}};
    EXPECT_EQ(b.requests, want);
}

TEST(QmemmanAlgo, DomainsWithoutAReportOrWithoutProgressAreLeftOut) {
    Domain silent = dom(3, mib(100), gib(3));
    silent.used.reset();
    Domain stuck = dom(4, mib(100), gib(3));
    stuck.noProgress = true;
    // The case of EnoughMemorySharesTheSurplusByPreference, plus two domains that would give.
    const Domain all[] = {dom(1, mib(1000), mib(2000)), silent, dom(2, mib(500), mib(1000)), stuck};
    const Balance b = balance(KiB{524288}.count(), all, kConfig);
    EXPECT_EQ(b.totalAvailable, 1599488);
    const std::vector<Request> want = {{1, KiB{2395127}}, {2, KiB{1197563}}};
    EXPECT_EQ(b.requests, want);
}

TEST(QmemmanAlgo, ARebalanceIsWrittenOnlyWhenSignificant) {
    // dom1 at its preference 1,331,200, dom2 under it (last target 1,024,000 < 1,331,200).
    const Domain all[] = {dom(1, mib(1000), KiB{1331200}), dom(2, mib(1000), mib(1000))};
    const SignedKiB reserve = 51200;
    // 100 MiB moved + 40 MiB of free beyond the reserve = 143,360 <= 153,600: not worth it.
    const Request small[] = {{1, KiB{1331200 + 102400}}};
    EXPECT_FALSE(significant(small, reserve + 40960, all, kConfig));
    // 110 MiB + 40 MiB is exactly 150 MiB: still not (more than 150 MiB is needed) ...
    const Request edge[] = {{1, KiB{1331200 + 112640}}};
    EXPECT_FALSE(significant(edge, reserve + 40960, all, kConfig));
    // ... 111 MiB + 40 MiB is.
    const Request enough[] = {{1, KiB{1331200 + 113664}}};
    EXPECT_TRUE(significant(enough, reserve + 40960, all, kConfig));
    // Free memory more than 15 MiB short of the reserve: always, even with nothing to write.
    EXPECT_TRUE(significant({}, reserve - 16384, all, kConfig));
    EXPECT_FALSE(significant({}, reserve - 15360, all, kConfig));
    // A domain under its preference growing by more than 15 MiB: alone enough.
    const Request under16[] = {{2, mib(1000 + 16)}};
    EXPECT_TRUE(significant(under16, reserve, all, kConfig));
    const Request under15[] = {{2, mib(1000 + 15)}};
    EXPECT_FALSE(significant(under15, reserve, all, kConfig));
}

TEST(QmemmanAlgo, BalloonTakesFromDonorsInProportionToWhatTheyOfferPlusFivePercent) {
    const Domain all[] = {
        dom(1, mib(1000), mib(2300)),  // offers 2,355,200 - 1,331,200 = 1,024,000
        dom(2, mib(500), mib(1150)),   // offers 1,177,600 - 665,600 = 512,000
        dom(3, mib(2000), mib(1000)),  // needs memory: offers nothing
    };
    // 750 MiB = 768,000 of 1,536,000 offered: scale 0.5. dom1 gives 1,024,000 x 0.5 x 1.05 =
    // 537,600 (to 1,817,600), dom2 512,000 x 0.5 x 1.05 = 268,800 (to 908,800).
    const auto requests = balloon(mib(750), all, kConfig);
    ASSERT_TRUE(requests);
    const std::vector<Request> want = {{1, KiB{1817600}}, {2, KiB{908800}}};
    EXPECT_EQ(*requests, want);
    // All that is offered can be asked for; one KiB more fails the start.
    EXPECT_TRUE(balloon(KiB{1536000}, all, kConfig));
    EXPECT_FALSE(balloon(KiB{1536001}, all, kConfig));
}

}  // namespace
}  // namespace balloon::compare::qmemman
