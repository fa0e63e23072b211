#include "reaction_probe.h"

#include <algorithm>
#include <sstream>

#include <gtest/gtest.h>

#include "host_invariants.h"
#include "watch_wait.h"

namespace balloon::reliability {

namespace {
// Settled: no target write for three rounds (Daemon::kMinRoundGap is 100 ms). A guest whose
// share keeps moving under a flood may never settle: the sample then starts anyway.
constexpr std::chrono::milliseconds kSettled{300};
constexpr std::chrono::seconds kSettleLimit{3};
}  // namespace

void setDemand(dbustest::BalloondThread& balloond, const std::string& guest, KiB demand) {
    balloond.post([&](dbustest::World& world) {
        sim::WorkloadSpec spec;
        spec.base = demand;
        spec.noise = 0;
        world.sim.changeWorkload(guest, spec);
    });
}

std::optional<std::chrono::milliseconds> measureReaction(dbustest::BalloondThread& balloond,
                                                         xen::XenStore& xs,
                                                         const std::string& guest, DomId domid,
                                                         KiB demand, KiB move) {
    const auto target = [&] { return memoryKey(xs, domid, "target").value_or(KiB{}); };
    const std::string path = "/local/domain/" + std::to_string(domid) + "/memory/target";
    const auto isProbe = [](const xen::WatchEvent& e) { return e.token == "reaction-probe"; };
    xs.watch(path, "reaction-probe");
    // From a settled target: the previous reaction may still be stepping it (step caps, others'
    // shares), and a baseline taken mid-move can sit so close to the new goal that no move of
    // `move` is left to make (a 20 s "no reaction" that was the probe's, not balloond's).
    const auto settleDeadline = std::chrono::steady_clock::now() + kSettleLimit;
    while (std::chrono::steady_clock::now() < settleDeadline &&
           std::ranges::any_of(harness::waitForWatchEvent(xs, isProbe, kSettled), isProbe)) {
    }
    const KiB before = target();
    const bool up = demand > before;
    const auto moved = [&] {
        const KiB now = target();
        return up ? now >= before + move : now + move <= before;
    };
    const auto start = std::chrono::steady_clock::now();
    setDemand(balloond, guest, demand);
    const auto deadline = start + std::chrono::seconds(20);
    while (!moved() && std::chrono::steady_clock::now() < deadline) {
        harness::waitForWatchEvent(xs, isProbe, std::chrono::seconds(1));
    }
    const auto end = std::chrono::steady_clock::now();
    xs.unwatch(path, "reaction-probe");
    if (!moved()) {
        ADD_FAILURE() << guest << ": target " << before.count() << " -> " << target().count()
                      << " KiB in 20 s, after its demand became " << demand.count()
                      << " KiB (a move of " << move.count() << " KiB was awaited)";
        return std::nullopt;
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(end - start);
}

std::vector<std::chrono::milliseconds> measureReactions(dbustest::BalloondThread& balloond,
                                                        xen::XenStore& xs, const std::string& guest,
                                                        DomId domid, int samples, KiB high, KiB low,
                                                        KiB move) {
    std::vector<std::chrono::milliseconds> result;
    for (int i = 0; i < samples; ++i) {
        const auto took =
            measureReaction(balloond, xs, guest, domid, i % 2 == 0 ? high : low, move);
        EXPECT_TRUE(took) << "balloond did not react to " << guest << " (sample " << i << ")";
        if (took) {
            result.push_back(*took);
        }
    }
    return result;
}

std::chrono::milliseconds median(std::vector<std::chrono::milliseconds> values) {
    if (values.empty()) {
        return std::chrono::milliseconds(0);
    }
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

std::string describe(const std::vector<std::chrono::milliseconds>& values) {
    std::ostringstream out;
    for (const auto& v : values) {
        out << v.count() << ' ';
    }
    out << "median " << median(values).count();
    return out.str();
}

}  // namespace balloon::reliability
