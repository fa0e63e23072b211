// Hostile guests for real: three domUs, each over its own ring as an unprivileged, introduced
// domain, write garbage (oversized, non-numeric, negative, overflowing, binary), lies (claims of
// huge use, pressure, a guest floor and a request far above the host) and valid reports that
// change 1,000 times a second, while an honest guest keeps needing rebalancing. balloond (the
// real Daemon on its event loop, in real time) must stay up, keep every domain within its max and
// the honest guest within its fair share, react to the honest guest within twice its calm
// latency, and log each offender at a bounded rate.
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "balloon_driver.h"
#include "balloond_thread.h"
#include "guest_ring_client.h"
#include "host_invariants.h"
#include "log.h"
#include "private_bus.h"
#include "reaction_probe.h"
#include "real_xenstore_fixture.h"
#include "stats_codec.h"
#include "watch_wait.h"

namespace balloon::reliability {
namespace {

using namespace std::chrono_literals;
using ::testing::IsEmpty;

constexpr int kSamples = 10;                          // reactions measured per phase
constexpr std::chrono::milliseconds kMinFlood{3000};  // the flood lasts at least this long
constexpr int kWritesPerSecond = 1000;                // per hostile guest
// The honest guest's demand swings between these (its max is 2G).
constexpr KiB kHigh = mib(1200);
constexpr KiB kLow = mib(300);

// 6 GiB: not enough for every claim at once, so the liars' claims compete with honest demand.
const char* const kScenario = R"(
[host]
memory = "6G"
dom0 = "1G"
step = "50ms"
report_interval = "100ms"

[[domain]]
name = "honest"
memory = "1G"
maxmem = "2G"
workload = { kind = "steady", base = "300M", noise = 0 }

[[domain]]
name = "quiet"
memory = "1G"
maxmem = "2G"
workload = { kind = "steady", base = "400M", noise = 0 }

[[domain]]
name = "garbage"
memory = "512M"
maxmem = "1G"
agent = "none"

[[domain]]
name = "liar"
memory = "1G"
maxmem = "2G"
agent = "none"

[[domain]]
name = "flapper"
memory = "1G"
maxmem = "2G"
agent = "none"
)";

Config hostileConfig() {
    Config config;
    config.intervals.sample = 200ms;
    config.policy.holdTime = std::chrono::seconds(0);
    // No burst reserve: the reaction probe times targets following a demand down, too.
    config.policy.burstWindow = std::chrono::minutes(0);
    config.limits.reportsPerSecond = 5;
    return config;
}

GuestReport report(std::uint64_t sequence, KiB total, KiB used) {
    GuestReport r;
    r.sequence = sequence;
    r.total = total;
    r.used = used;
    r.available = total - used;
    return r;
}

// What the garbage writer cycles through: every way a report can be malformed.
std::vector<std::string> garbageReports() {
    const std::string valid = encodeReport(report(1, mib(512), mib(200)));
    std::string binary = valid;
    binary[3] = '\0';
    binary[10] = '\n';
    return {
        std::string(4000, '9'),                              // oversized
        "v1 seq=1 total=lots used=some",                     // non-numeric
        "v1 seq=2 total=524288 used=-5",                     // negative
        "v1 seq=3 total=99999999999999999999999999 used=1",  // overflowing
        valid + valid,                                       // a key twice
        binary,                                              // NUL and newline inside
        "",                                                  // empty
        std::string(600, ' '),                               // blanks past the limit
    };
}

class HostileGuests : public harness::RealXenstore {
protected:
    void SetUp() override {
        RealXenstore::SetUp();
        log::initLogging(log::Severity::Info, log::LogStyle::Plain, log_);
        introducerXs_ = connectAnother();
        bus_ = std::make_unique<sandbox::PrivateBus>();
        dbustest::BalloondSetup setup{kScenario, hostileConfig(), bus_->address(), "", {}};
        setup.introducer = [this](DomId domid) {
            auto ring =
                std::make_unique<harness::GuestRingClient>(xenstored(), *introducerXs_, domid);
            rings_[domid] = std::move(ring);
        };
        balloond_ = std::make_unique<dbustest::BalloondThread>(std::move(setup));
        balloond_->post([&](dbustest::World& world) {
            for (const char* name : {"honest", "quiet", "garbage", "liar", "flapper"}) {
                domids_[name] = *world.sim.domid(name);
            }
        });
    }
    void TearDown() override {
        if (HasFailure() && balloond_) {
            std::cerr << "balloond's view at the failure:\n" << balloond_->describeDomains();
        }
        balloond_.reset();
        bus_.reset();
        log::initLogging(log::Severity::Info);
        if (HasFailure()) {
            const std::string text = log_->str();
            std::cerr << "balloond's log (last 6000 bytes):\n"
                      << text.substr(text.size() > 6000 ? text.size() - 6000 : 0);
        }
        rings_.clear();
        introducerXs_.reset();
        RealXenstore::TearDown();
    }

    KiB target(const std::string& name) {
        return memoryKey(xs(), domids_.at(name), "target").value_or(KiB{});
    }
    harness::GuestRingClient& ring(const std::string& name) { return *rings_.at(domids_.at(name)); }
    std::optional<std::chrono::milliseconds> reaction(KiB demand) {
        return measureReaction(*balloond_, xs(), "honest", domids_.at("honest"), demand);
    }
    std::vector<std::chrono::milliseconds> reactions() {
        return measureReactions(*balloond_, xs(), "honest", domids_.at("honest"), kSamples, kHigh,
                                kLow);
    }

    // Lines of balloond's log about that guest at that severity ("warning", "info", ...) and
    // containing `text`. Read once balloond has stopped (its thread writes the log).
    std::size_t logLines(const std::string& name, const std::string& severity,
                         const std::string& text = "") {
        const std::string tag = severity + " [dom" + std::to_string(domids_.at(name)) + "]";
        std::istringstream in(log_->str());
        std::size_t count = 0;
        for (std::string line; std::getline(in, line);) {
            count += line.find(tag) != std::string::npos && line.find(text) != std::string::npos;
        }
        return count;
    }
    // What balloond complains about a guest: its warnings and notices.
    std::size_t complaints(const std::string& name) {
        return logLines(name, "warning") + logLines(name, "notice");
    }

    std::shared_ptr<std::ostringstream> log_ = std::make_shared<std::ostringstream>();
    std::unique_ptr<xen::XenStoreClient> introducerXs_;
    std::map<DomId, std::unique_ptr<harness::GuestRingClient>> rings_;
    std::unique_ptr<sandbox::PrivateBus> bus_;
    std::unique_ptr<dbustest::BalloondThread> balloond_;
    std::map<std::string, DomId> domids_;
};

// xenstored's own write rate limit, from its trace between two offsets: it charges a guest's
// write only while some transaction is open (balloond writes targets in transactions), lets a
// guest run a credit of 10 writes and refills 200 writes a second shared by every domain; a guest
// past its credit is not read until the credit refills. This, not balloond, caps the flood.
struct RateLimitTrace {
    std::size_t transactions = 0;  // TRANSACTION_START requests, from anyone
    std::size_t charged = 0;       // guest writes made while a transaction was open
    std::size_t overdrawn = 0;     // of those, writes that left the guest blocked
};

RateLimitTrace readRateLimitTrace(const std::filesystem::path& trace, std::uintmax_t from,
                                  std::uintmax_t to) {
    std::ifstream in(trace);
    in.seekg(static_cast<std::streamoff>(from));
    RateLimitTrace counts;
    for (std::string line;
         static_cast<std::uintmax_t>(in.tellg()) < to && std::getline(in, line);) {
        if (line.starts_with("IN ") && line.find(" TRANSACTION_START ") != std::string::npos) {
            ++counts.transactions;
        } else if (line.starts_with("wrl: domain ") && line.find("SLEEPING") == std::string::npos) {
            ++counts.charged;
            counts.overdrawn += line.find("credit=-") != std::string::npos;
        }
    }
    return counts;
}

// One hostile guest writing `next(i)` at kWritesPerSecond until told to stop.
class Flood {
public:
    Flood(harness::GuestRingClient& ring, std::function<std::string(std::uint64_t)> next)
        : thread_([this, &ring, next = std::move(next)] {
              const auto start = std::chrono::steady_clock::now();
              for (std::uint64_t i = 0; !stop_; ++i) {
                  try {
                      ring.write(kReportKey, next(i));
                  } catch (const xen::XenStoreError&) {
                      ++refused_;  // xenstored's own limits (e.g. the value size): still a write
                  }
                  ++writes_;
                  // Paced, not waiting for a condition: the load generator's rate.
                  std::this_thread::sleep_until(start +
                                                std::chrono::microseconds(static_cast<std::int64_t>(
                                                    (i + 1) * 1'000'000 / kWritesPerSecond)));
              }
          }) {}
    ~Flood() { finish(); }
    Flood(const Flood&) = delete;
    Flood& operator=(const Flood&) = delete;
    Flood(Flood&&) = delete;
    Flood& operator=(Flood&&) = delete;

    void finish() {
        stop_ = true;
        if (thread_.joinable()) {
            thread_.join();
        }
    }
    [[nodiscard]] std::uint64_t writes() const { return writes_; }
    [[nodiscard]] std::uint64_t refused() const { return refused_; }

private:
    std::atomic<bool> stop_{false};
    std::atomic<std::uint64_t> writes_{0};
    std::atomic<std::uint64_t> refused_{0};
    std::thread thread_;
};

TEST_F(HostileGuests, AFloodOfGarbageLiesAndFlappingChangesNothingForTheHonest) {
    std::optional<::testing::ScopedTrace> phase;
    phase.emplace(__FILE__, __LINE__, "calm");
    const auto calm = reactions();

    const auto garbage = garbageReports();
    GuestReport lie = report(1, gib(1024), gib(1024));
    lie.available = KiB{0};
    lie.psiSomeAvg10 = kMaxPsi;
    lie.swapInPages = 1'000'000;
    lie.swapOutPages = 1'000'000;
    lie.majorFaults = 1'000'000;
    lie.refaults = 1'000'000;
    lie.guestMin = gib(512);
    lie.requestedTarget = gib(1024);
    const auto trace = xenstored().runDir() / "trace";
    const auto traceAtStart = std::filesystem::file_size(trace);
    const auto floodStart = std::chrono::steady_clock::now();
    Flood garbageFlood(ring("garbage"),
                       [&](std::uint64_t i) { return garbage[i % garbage.size()]; });
    Flood liarFlood(ring("liar"), [&](std::uint64_t i) {
        GuestReport r = lie;
        r.sequence = i + 1;
        return encodeReport(r);
    });
    Flood flapperFlood(ring("flapper"), [](std::uint64_t i) {
        return encodeReport(report(i + 1, gib(2), i % 2 == 0 ? mib(200) : mib(1800)));
    });
    phase.emplace(__FILE__, __LINE__, "flood");
    const auto flooded = reactions();
    // Under the flood too, the honest guest gets at least an equal split of what the guests may
    // have (host - dom0 - slush, over five guests) when it needs that much.
    const KiB fairShare = KiB{(gib(6) - gib(1) - mib(64)).count() / 5};
    ASSERT_TRUE(reaction(kHigh));
    std::vector<std::string> violations;
    bool fair = false;
    while (std::chrono::steady_clock::now() < floodStart + kMinFlood || !fair) {
        balloond_->post([&](dbustest::World& world) {
            for (auto& v : invariantViolations(xs(), world.sim, {})) {
                violations.push_back(std::move(v));
            }
        });
        fair = target("honest") >= fairShare;
        if (std::chrono::steady_clock::now() > floodStart + 60s) {
            break;
        }
        harness::collectWatchEvents(xs(), 100ms);  // the flood goes on meanwhile
    }
    const double floodSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - floodStart).count();
    for (Flood* flood : {&garbageFlood, &liarFlood, &flapperFlood}) {
        flood->finish();
    }
    const RateLimitTrace limited =
        readRateLimitTrace(trace, traceAtStart, std::filesystem::file_size(trace));
    EXPECT_TRUE(fair) << "the honest guest stayed below its fair share " << fairShare.count()
                      << " KiB: " << target("honest").count() << " KiB";
    EXPECT_THAT(violations, IsEmpty());
    // Still alive and still balancing once it is over: from a low demand, a rise is served at
    // once. (Not a fall: the memory the flooders give back when it ends is shared, so a falling
    // demand may be met by a target that stays where it was, rightly.) The flapper's last word is
    // its low value: the one read last stays in force, and at 1800M its target is held for its
    // need (core/policy/demand.cpp), which with the liar at its 2G max leaves the honest guest
    // 700M, short of a 256M rise from 450M (one CI run and 1 local run in about 170 ended on the
    // high value and failed here).
    phase.emplace(__FILE__, __LINE__, "after the flood");
    ring("flapper").write(kReportKey,
                          encodeReport(report(flapperFlood.writes() + 1, gib(2), mib(200))));
    setDemand(*balloond_, "honest", kLow);
    EXPECT_TRUE(reaction(kHigh)) << "balloond stopped reacting after the flood";

    const double perGuest =
        static_cast<double>(garbageFlood.writes() + liarFlood.writes() + flapperFlood.writes()) /
        floodSeconds / 3;
    balloond_.reset();  // stopped: its log is complete and no longer written
    std::cout << "[figures] flood: " << floodSeconds << " s; writes garbage "
              << garbageFlood.writes() << " (" << garbageFlood.refused()
              << " refused by xenstored), liar " << liarFlood.writes() << ", flapper "
              << flapperFlood.writes() << "; " << perGuest << " writes/s per hostile guest\n"
              << "[figures] xenstored's write rate limit in the flood: " << limited.transactions
              << " transactions; " << limited.charged << " guest writes charged, "
              << limited.overdrawn << " of them overdrawn (the guest waited)\n"
              << "[figures] honest reaction calm (ms): " << describe(calm) << "\n"
              << "[figures] honest reaction flood (ms): " << describe(flooded) << "\n"
              << "[figures] warnings+notices: garbage " << complaints("garbage") << ", liar "
              << complaints("liar") << ", flapper " << complaints("flapper")
              << "; info lines (its target moved): liar " << logLines("liar", "info")
              << ", flapper " << logLines("flapper", "info") << "; targets liar "
              << target("liar").count() << " KiB, flapper " << target("flapper").count()
              << " KiB, honest " << target("honest").count() << " KiB\n";

    ASSERT_EQ(calm.size(), static_cast<std::size_t>(kSamples));
    ASSERT_EQ(flooded.size(), static_cast<std::size_t>(kSamples));
    // Twice the calm median, plus one report interval and one round gap: a reaction starts when
    // the guest's agent next writes (every 100 ms), and a round starts at most every 100 ms
    // (Daemon::kMinRoundGap), so every latency is quantized by that much twice over. Plus the
    // time another guest's balloon driver takes to give back the move: in the flood the host is
    // short (the liar holds its max), and a grow spends only memory that is free
    // (core/policy/grow_budget.h), where the calm host had it free already. (Without it, the
    // flood's rises of 400-500 ms against a calm median of 100 ms failed 1 local run in about
    // 170 under ASan, and one CI run.)
    const auto release = std::chrono::milliseconds(
        kMove.count() * 1000 /
        mib(static_cast<std::uint64_t>(sim::defaultRateMiBps(sim::DriverKind::Linux))).count());
    EXPECT_LE(median(flooded), 2 * median(calm) + 200ms + release);
    // A flood, as fast as xenstored lets guests write while balloond balances: its write rate
    // limit (see readRateLimitTrace) holds them at 650-850/s each on this machine even unpaced,
    // in the normal and the ASan build alike (ring_ceiling_test, docs/reliability.md).
    EXPECT_GE(perGuest, kWritesPerSecond / 4.0);
    // The garbage was noticed, and each offender's complaints are bounded by the rate limit
    // (3 lines a minute per kind of complaint, plus one summary line): a handful, not thousands.
    EXPECT_GE(logLines("garbage", "warning", "ignoring its memory report"), 1U);
    const std::size_t bound = 4 * (static_cast<std::size_t>(floodSeconds / 60) + 2);
    EXPECT_LE(complaints("garbage"), bound);
    EXPECT_LE(complaints("liar"), bound);
    EXPECT_LE(complaints("flapper"), bound);
}

}  // namespace
}  // namespace balloon::reliability
