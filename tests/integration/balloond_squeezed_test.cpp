// squeezed's Xenstore interface on the real xenstored: a toolstack's memory/dynamic-min and
// memory/dynamic-max narrow a domain's range (min = max fixes its target), honoured at the next
// round; with [compat] require-feature-balloon only domains that wrote control/feature-balloon
// are ballooned.
#include <string>

#include <gtest/gtest.h>

#include "balloond_fixture.h"

namespace balloon::testing {
namespace {

using std::chrono::seconds;

// Memory to spare: the policy grows both to their 3 GiB maxmem. "x" runs XenServer's agent,
// which writes control/feature-balloon = 1.
// Memory is short: the policy takes from the idle "a" for the hungry "b".
constexpr const char* kScarce = R"(
[host]
memory = "4G"
dom0 = "1G"
seed = 3
[[domain]]
name = "a"
memory = "1G"
maxmem = "2G"
workload = { kind = "steady", base = "300M", noise = 0 }
[[domain]]
name = "b"
memory = "1792M"
maxmem = "3G"
workload = { kind = "steady", base = "2500M", noise = 0 }
)";

constexpr const char* kScenario = R"(
[host]
memory = "8G"
dom0 = "1G"
seed = 3
[[domain]]
name = "a"
memory = "2G"
maxmem = "3G"
workload = { kind = "steady", base = "300M", noise = 0 }
[[domain]]
name = "x"
memory = "2G"
maxmem = "3G"
agent = "xenserver"
workload = { kind = "steady", base = "300M", noise = 0 }
)";

class BalloondSqueezed : public BalloondOnSimulatedHost {
protected:
    // What a XenServer toolstack does: KiB values under the domain's memory/.
    void setRange(const std::string& name, const std::string& min, const std::string& max) {
        const std::string home = record(name).path;
        daemonXs().write(home + "/memory/dynamic-min", min);
        daemonXs().write(home + "/memory/dynamic-max", max);
    }
    static std::string kib(KiB size) { return std::to_string(size.count()); }
    // [compat] require-feature-balloon = true; "a" then writes `feature` (its toolstack grants it
    // the key, as XenServer's does) and a round reads it.
    void startRequiringFeature() {
        Config config;
        config.compat.requireFeatureBalloon = true;
        start(kScenario, config);
    }
    void writeFeature(const std::string& value) {
        daemonXs().write(record("a").path + "/control/feature-balloon", value);
        step(seconds(1));
    }
};

TEST_F(BalloondSqueezed, WithoutARangeThePolicyGrowsBothToTheirMaxmem) {
    start(kScenario);
    run(seconds(1), 120);
    EXPECT_EQ(target("a"), mib(3072));
    EXPECT_EQ(target("x"), mib(3072));
}

TEST_F(BalloondSqueezed, WithoutARangeTheIdleDomainGivesItsMemoryWhenMemoryIsShort) {
    start(kScarce);
    run(seconds(1), 120);
    EXPECT_LT(target("a"), mib(512));
}

TEST_F(BalloondSqueezed, TheToolstacksMinIsAFloorWhenMemoryIsShort) {
    start(kScarce);
    setRange("a", kib(mib(896)), kib(mib(2048)));
    run(seconds(1), 120);
    EXPECT_GE(target("a"), mib(896));
    EXPECT_LT(target("a"), mib(1024));  // and it still gives what is above the floor
}

TEST_F(BalloondSqueezed, TheToolstacksRangeBoundsTheTargetFromTheNextRound) {
    start(kScenario);
    run(seconds(1), 120);
    ASSERT_EQ(target("a"), mib(3072));
    setRange("a", kib(mib(1536)), kib(mib(2048)));
    step(seconds(1));  // the watch fires; this round reads the range
    EXPECT_EQ(record("a").dynamicMin, mib(1536));
    EXPECT_EQ(record("a").dynamicMax, mib(2048));
    run(seconds(1), 120);
    EXPECT_EQ(target("a"), mib(2048));
    // "x" has no range: the policy still gives it its maxmem.
    EXPECT_EQ(target("x"), mib(3072));
}

TEST_F(BalloondSqueezed, TheNarrowerOfConfigAndToolstackWins) {
    Config config;
    DomainOverride a;
    a.name = "a";
    a.max = mib(1792);
    DomainOverride x;
    x.name = "x";
    x.max = mib(2560);
    config.domains = {a, x};
    start(kScenario, config);
    setRange("a", kib(mib(1024)), kib(mib(2048)));
    setRange("x", kib(mib(1024)), kib(mib(2048)));
    run(seconds(1), 120);
    EXPECT_EQ(target("a"), mib(1792));  // balloond.toml's max is the narrower ceiling
    EXPECT_EQ(target("x"), mib(2048));  // the toolstack's max is the narrower ceiling
}

TEST_F(BalloondSqueezed, MinEqualToMaxFixesTheTarget) {
    start(kScenario);
    setRange("a", kib(mib(1280)), kib(mib(1280)));
    run(seconds(1), 120);
    EXPECT_EQ(target("a"), mib(1280));
}

TEST_F(BalloondSqueezed, MalformedValuesAreIgnored) {
    start(kScenario);
    setRange("a", "1.5G", "-1");
    step(seconds(1));
    EXPECT_FALSE(record("a").dynamicMin.has_value());
    EXPECT_FALSE(record("a").dynamicMax.has_value());
    run(seconds(1), 120);
    EXPECT_EQ(target("a"), mib(3072));
}

TEST_F(BalloondSqueezed, RequireFeatureBalloonBalloonsOnlyDomainsThatWroteIt) {
    startRequiringFeature();
    const KiB before = target("a");
    run(seconds(1), 120);
    EXPECT_EQ(target("a"), before);  // no control/feature-balloon: left alone
    EXPECT_TRUE(record("x").featureBalloon);
    EXPECT_EQ(target("x"), mib(3072));

    writeFeature("1");  // the agent starts in "a"
    EXPECT_TRUE(record("a").featureBalloon);
    run(seconds(1), 120);
    EXPECT_EQ(target("a"), mib(3072));
}

TEST_F(BalloondSqueezed, OnlyTheExactOneCountsAsTheFeature) {
    startRequiringFeature();
    writeFeature("yes");
    EXPECT_FALSE(record("a").featureBalloon);
    writeFeature("1");
    EXPECT_TRUE(record("a").featureBalloon);
    writeFeature("0");
    EXPECT_FALSE(record("a").featureBalloon);
}

}  // namespace
}  // namespace balloon::testing
