// SimulatedHost: Xen's page accounting for the simulated host.
#include <cerrno>
#include <random>

#include <gtest/gtest.h>

#include "simulated_host.h"

namespace balloon::sim {
namespace {

constexpr Pages kHost{262144};      // 1 GiB
constexpr Pages kDom0Pages{65536};  // 256 MiB

Pages conserved(SimulatedHost& host) {
    const auto info = host.hostInfo();
    return info.free + info.scrub + host.allocatedPages();
}

TEST(SimulatedHost, BuildsDom0FromTheHostsPages) {
    SimulatedHost host(kHost, kDom0Pages, kDom0Pages);
    const auto info = host.hostInfo();
    EXPECT_EQ(info.total, kHost);
    EXPECT_EQ(info.free, kHost - kDom0Pages);
    ASSERT_TRUE(host.domain(kDom0));
    EXPECT_EQ(host.domain(kDom0)->totPages, kDom0Pages);
}

TEST(SimulatedHost, CreatingADomainTakesItsPagesAndGivesIncreasingDomids) {
    SimulatedHost host(kHost, kDom0Pages, kDom0Pages);
    const DomId a = host.createDomain(Pages{1000}, Pages{2000}, false);
    const DomId b = host.createDomain(Pages{1000}, Pages{2000}, true);
    EXPECT_EQ(a, 1);
    EXPECT_EQ(b, 2);
    EXPECT_EQ(host.hostInfo().free, kHost - kDom0Pages - Pages{2000});
    EXPECT_TRUE(host.domain(b)->hvm);
    EXPECT_FALSE(host.domain(a)->hvm);
}

TEST(SimulatedHost, RefusesToBuildADomainTheHostCannotHoldAndUsesUpTheDomid) {
    SimulatedHost host(kHost, kDom0Pages, kDom0Pages);
    try {
        host.createDomain(kHost, kHost, false);
        FAIL() << "expected ENOMEM";
    } catch (const xen::HypervisorError& e) {
        EXPECT_EQ(e.error(), ENOMEM);
        EXPECT_NE(std::string(e.what()).find("free memory first"), std::string::npos);
    }
    EXPECT_EQ(host.hostInfo().free, kHost - kDom0Pages);
    EXPECT_EQ(host.createDomain(Pages{10}, Pages{10}, false), 2);
}

TEST(SimulatedHost, PopulateNeverGoesAboveMaxmem) {
    SimulatedHost host(kHost, kDom0Pages, kDom0Pages);
    const DomId d = host.createDomain(Pages{1000}, Pages{1500}, false);
    EXPECT_EQ(host.populate(d, Pages{2000}), Pages{500});
    EXPECT_EQ(host.populate(d, Pages{1}), Pages{0});
    host.setMaxMem(d, toKiB(Pages{1200}));
    EXPECT_EQ(host.domain(d)->totPages, Pages{1500});  // lowering maxmem takes nothing away
    EXPECT_EQ(host.populate(d, Pages{1}), Pages{0});
}

TEST(SimulatedHost, AGrowStallsWhenTheHostHasNoFreePages) {
    SimulatedHost host(kHost, kDom0Pages, kDom0Pages);
    const Pages rest = kHost - kDom0Pages - Pages{100};
    const DomId a = host.createDomain(rest, kHost, false);
    const DomId b = host.createDomain(Pages{50}, kHost, false);
    EXPECT_EQ(host.populate(b, Pages{80}), Pages{50});
    EXPECT_EQ(host.populate(b, Pages{1}), Pages{0});
    // Pages a guest gives back become usable again (scrubbed on demand).
    EXPECT_EQ(host.release(a, Pages{30}), Pages{30});
    EXPECT_EQ(host.populate(b, Pages{80}), Pages{30});
}

TEST(SimulatedHost, ClaimedPagesAreHeldBackFromEveryOtherDomain) {
    SimulatedHost host(kHost, kDom0Pages, kDom0Pages);
    const DomId builder = host.createDomain(Pages{10}, kHost, false);
    const DomId other = host.createDomain(Pages{10}, kHost, false);
    const Pages free = host.hostInfo().free;
    host.setClaim(builder, free - Pages{100});
    EXPECT_EQ(host.hostInfo().freeKiB(), toKiB(Pages{100}));
    EXPECT_EQ(host.populate(other, Pages{1000}), Pages{100});
    // The claimant's own allocations consume its claim.
    EXPECT_EQ(host.populate(builder, Pages{1000}), Pages{1000});
    EXPECT_EQ(host.domain(builder)->outstanding, free - Pages{1100});
    EXPECT_THROW(host.setClaim(other, Pages{1}), xen::HypervisorError);
}

TEST(SimulatedHost, ADestroyedDomainIsDyingForAMomentThenItsPagesReturn) {
    SimulatedHost host(kHost, kDom0Pages, kDom0Pages);
    host.setDyingTime(Duration{300});
    const DomId d = host.createDomain(Pages{4000}, Pages{4000}, false);
    const Pages freeBefore = host.hostInfo().free;
    host.destroyDomain(d);
    ASSERT_TRUE(host.domain(d));
    EXPECT_TRUE(host.domain(d)->dying);
    host.advance(Duration{200});
    EXPECT_TRUE(host.domain(d));
    host.advance(Duration{200});
    EXPECT_FALSE(host.domain(d));
    // Back as scrub first, free once scrubbed; xl counts both as free.
    EXPECT_EQ(host.hostInfo().freeKiB(), toKiB(freeBefore + Pages{4000}));
    host.advance(Duration{1000});
    EXPECT_EQ(host.hostInfo().scrub, Pages{0});
    EXPECT_EQ(host.hostInfo().free, freeBefore + Pages{4000});
}

TEST(SimulatedHost, CallsOnAMissingDomainFailWithEsrch) {
    SimulatedHost host(kHost, kDom0Pages, kDom0Pages);
    try {
        host.setMaxMem(42, mib(1));
        FAIL() << "expected ESRCH";
    } catch (const xen::HypervisorError& e) {
        EXPECT_EQ(e.error(), ESRCH);
        EXPECT_NE(std::string(e.what()).find("domain 42"), std::string::npos);
    }
    EXPECT_FALSE(host.domain(42));
}

TEST(SimulatedHost, PodTargetAppliesToTranslatedDomainsOnly) {
    SimulatedHost host(kHost, kDom0Pages, kDom0Pages);
    const DomId pv = host.createDomain(Pages{10}, Pages{10}, false);
    const DomId hvm = host.createDomain(Pages{10}, Pages{10}, true);
    host.setPodTarget(hvm, mib(1));
    EXPECT_EQ(host.podTarget(hvm), Pages{256});
    try {
        host.setPodTarget(pv, mib(1));
        FAIL() << "expected EINVAL";
    } catch (const xen::HypervisorError& e) {
        EXPECT_EQ(e.error(), EINVAL);
    }
}

TEST(SimulatedHost, NeverLosesOrInventsAPageUnderRandomOperations) {
    SimulatedHost host(kHost, kDom0Pages, kDom0Pages);
    std::mt19937_64 rng(7);
    std::vector<DomId> live;
    for (int i = 0; i < 5000; ++i) {
        const auto pick = rng() % 6;
        const Pages n{rng() % 20000};
        try {
            if (pick == 0 || live.empty()) {
                live.push_back(host.createDomain(n, Pages{n.count() + rng() % 20000}, false));
            } else {
                const DomId d = live[rng() % live.size()];
                if (pick == 1) {
                    const Pages before = host.domain(d)->totPages;
                    host.populate(d, n);
                    const auto after = host.domain(d);
                    if (after->totPages > before) {
                        ASSERT_LE(after->totPages, after->maxPages);
                    }
                } else if (pick == 2) {
                    host.release(d, n);
                } else if (pick == 3) {
                    host.setMaxMem(d, toKiB(n));
                } else if (pick == 4) {
                    host.destroyDomain(d);
                    std::erase(live, d);
                } else {
                    host.advance(Duration{static_cast<Duration::rep>(rng() % 400)});
                }
            }
        } catch (const xen::HypervisorError&) {
            // ENOMEM and friends: refused operations must change nothing either.
        }
        // Every page is free, being scrubbed, or some domain's: allocation never exceeds what
        // the host has.
        ASSERT_EQ(conserved(host), kHost) << "after operation " << i;
    }
}

// Populate-on-demand (issue 21): a translated domain built with less than its physmap.
TEST(SimulatedHostPod, BootsWithEveryFrameAnEntryAndItsAllocationAsTheCache) {
    SimulatedHost host(kHost, kDom0Pages, kDom0Pages);
    const DomId d = host.createDomain(Pages{1000}, Pages{3000}, true, Pages{3000});
    const auto info = host.domain(d);
    EXPECT_EQ(info->totPages, Pages{1000});
    EXPECT_EQ(info->podEntries, Pages{3000});
    EXPECT_EQ(info->podCache, Pages{1000});
    EXPECT_EQ(host.guestPages(d), Pages{3000});
    const DomId pv = host.createDomain(Pages{1000}, Pages{3000}, false, Pages{3000});
    EXPECT_EQ(host.domain(pv)->podEntries, Pages{0});
    EXPECT_EQ(host.guestPages(pv), Pages{1000});
}

TEST(SimulatedHostPod, ReleasedEntriesGoFirstAndFreeTheCacheAboveThem) {
    SimulatedHost host(kHost, kDom0Pages, kDom0Pages);
    const DomId d = host.createDomain(Pages{1000}, Pages{3000}, true, Pages{3000});
    EXPECT_EQ(host.release(d, Pages{1500}), Pages{1500});
    EXPECT_EQ(host.domain(d)->podEntries, Pages{1500});
    EXPECT_EQ(host.domain(d)->totPages, Pages{1000});  // entries are not pages
    EXPECT_EQ(host.release(d, Pages{700}), Pages{700});
    EXPECT_EQ(host.domain(d)->podEntries, Pages{800});
    EXPECT_EQ(host.domain(d)->podCache, Pages{800});  // the cache never exceeds the entries
    EXPECT_EQ(host.domain(d)->totPages, Pages{800});
    EXPECT_EQ(host.guestPages(d), Pages{800});
    EXPECT_EQ(conserved(host), kHost);
}

TEST(SimulatedHostPod, TouchingAnEntryTakesACachePageAndAnEmptyCacheCrashesTheGuest) {
    SimulatedHost host(kHost, kDom0Pages, kDom0Pages);
    const DomId d = host.createDomain(Pages{1000}, Pages{3000}, true, Pages{3000});
    EXPECT_TRUE(host.touch(d, Pages{600}));
    EXPECT_EQ(host.domain(d)->podEntries, Pages{2400});
    EXPECT_EQ(host.domain(d)->podCache, Pages{400});
    EXPECT_EQ(host.domain(d)->totPages, Pages{1000});
    EXPECT_FALSE(host.podCrashed(d));
    EXPECT_FALSE(host.touch(d, Pages{1200}));  // 600 more than the cache holds
    EXPECT_TRUE(host.podCrashed(d));
    EXPECT_TRUE(host.domain(d)->shutdown);
}

TEST(SimulatedHostPod, ALowerPodTargetKeepsTheCacheAHigherOneFillsItUpToTheEntries) {
    SimulatedHost host(kHost, kDom0Pages, kDom0Pages);
    const DomId d = host.createDomain(Pages{1000}, Pages{3000}, true, Pages{3000});
    host.touch(d, Pages{200});
    host.setPodTarget(d, toKiB(Pages{500}));  // Xen: "T' < B: don't reduce the cache size"
    EXPECT_EQ(host.domain(d)->podCache, Pages{800});
    EXPECT_EQ(host.domain(d)->totPages, Pages{1000});
    host.setPodTarget(d, toKiB(Pages{1500}));
    EXPECT_EQ(host.domain(d)->podCache, Pages{1300});
    EXPECT_EQ(host.domain(d)->totPages, Pages{1500});
    host.setPodTarget(d, toKiB(Pages{9000}));  // capped at the entries
    EXPECT_EQ(host.domain(d)->podCache, host.domain(d)->podEntries);
    EXPECT_EQ(conserved(host), kHost);
}

}  // namespace
}  // namespace balloon::sim
