// Planning time of policy::decide() for 10 to 10,000 domains. For scale: qmemman's Python
// balance() takes 3-5 ms for 1,000 domains; the aim here is under 100 us, growing as N log N.
//   build/bench/planner_bench [--benchmark_filter=Demand]
#include <cstdint>

#include <benchmark/benchmark.h>

#include "model.h"
#include "policy/explain.h"
#include "policy/policy.h"

namespace balloon {
namespace {

using namespace std::chrono_literals;

// A small deterministic generator: the same host every run, no library randomness.
class Lcg {
public:
    std::uint64_t next(std::uint64_t bound) {
        state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
        return (state_ >> 33) % bound;
    }

private:
    std::uint64_t state_ = 42;
};

// A mixed host: most guests report (some under pressure), some do not, a few are pinned,
// excluded or stuck. `slack` scales free memory: below 1 the host is short, so the planner has
// to share by weight (the sorting path).
HostSnapshot mixedHost(std::size_t count, double slack) {
    Lcg rng;
    HostSnapshot h;
    h.now = Clock::time_point{} + 24h;
    KiB held;
    KiB wanted;
    for (std::size_t i = 0; i < count; ++i) {
        DomainSnapshot d;
        d.domid = static_cast<DomId>(i + 1);
        d.staticMax = mib(1024 + 256 * rng.next(60));
        d.target = mib(256 + 64 * rng.next(d.staticMax.count() / 1024 / 64 - 4));
        d.actual = d.target;
        d.weight = static_cast<std::uint32_t>(50 + rng.next(300));
        d.pinned = rng.next(50) == 0;
        d.excluded = rng.next(100) == 0;
        if (rng.next(100) == 0) {
            d.convergence = Convergence::Stuck;
            d.actual = d.target + mib(128);
        }
        if (rng.next(4) != 0) {
            GuestReport r;
            r.total = d.target;
            r.used = mib(128 + rng.next(d.staticMax.count() / 1024));
            r.available = r.total - r.used;
            if (rng.next(10) == 0) {
                r.psiSomeAvg10 = static_cast<std::uint32_t>(rng.next(3000));
            }
            d.report = r;
            wanted += r.used + KiB{r.used.count() / 2};
        } else {
            wanted += d.target;
        }
        if (rng.next(3) == 0) {
            d.lastTargetChange = h.now - std::chrono::seconds(rng.next(120));
        }
        held += d.actual;
        h.domains.push_back(d);
    }
    const KiB target{static_cast<std::uint64_t>(static_cast<double>(wanted.count()) * slack)};
    h.free = target - held;
    h.total = held + h.free + gib(1);
    return h;
}

void plan(benchmark::State& state, PolicyKind kind, double slack) {
    const auto count = static_cast<std::size_t>(state.range(0));
    const HostSnapshot host = mixedHost(count, slack);
    PolicyConfig config;
    config.kind = kind;
    for (auto _ : state) {
        Plan p = policy::decide(host, config);
        benchmark::DoNotOptimize(p);
    }
    state.SetComplexityN(state.range(0));
}

void DemandShortHost(benchmark::State& state) {
    plan(state, PolicyKind::Demand, 0.8);
}
void DemandRoomyHost(benchmark::State& state) {
    plan(state, PolicyKind::Demand, 1.5);
}
void Proportional(benchmark::State& state) {
    plan(state, PolicyKind::Proportional, 0.8);
}

// Rendering every reason (dry-run, `balloonctl plan`): paid only when someone asks.
void ExplainAll(benchmark::State& state) {
    const Plan p = policy::decide(mixedHost(static_cast<std::size_t>(state.range(0)), 0.8), {});
    for (auto _ : state) {
        std::size_t length = 0;
        for (const auto& d : p.domains) {
            length += policy::explain(d).size();
        }
        benchmark::DoNotOptimize(length);
    }
    state.SetComplexityN(state.range(0));
}

BENCHMARK(DemandShortHost)->RangeMultiplier(10)->Range(10, 10'000)->Complexity();
BENCHMARK(DemandRoomyHost)->RangeMultiplier(10)->Range(10, 10'000)->Complexity();
BENCHMARK(Proportional)->RangeMultiplier(10)->Range(10, 10'000)->Complexity();
BENCHMARK(ExplainAll)->RangeMultiplier(10)->Range(10, 10'000)->Complexity();

}  // namespace
}  // namespace balloon

BENCHMARK_MAIN();
