// What a simulated guest's applications want: memory demand over virtual time. Every shape is a
// pure function of its parameters, the time and a seeded PRNG, so a scenario replays exactly.
#pragma once

#include <cstdint>
#include <random>

#include "sim_clock.h"
#include "units.h"

namespace balloon::sim {

enum class WorkloadKind {
    Idle,    // a small, almost constant demand
    Steady,  // a constant demand with some jitter
    Burst,   // base demand with a spike of `amplitude` for `length` once every `period`
    Growth,  // ramps up from base at `rate` until base + amplitude, then holds
    Leak,    // grows at `rate` without bound, until the guest runs out and OOM-kills it
};

struct WorkloadSpec {
    WorkloadKind kind = WorkloadKind::Steady;
    KiB base = mib(256);
    KiB amplitude = mib(512);
    Duration period{60000};
    Duration length{10000};
    double rateMiBps = 1.0;  // growth and leak
    double noise = 0.02;     // relative jitter of every sample, drawn from the seeded PRNG
    bool operator==(const WorkloadSpec&) const = default;
};

class Workload {
public:
    // `seed` is the guest's own stream: guests never share a generator.
    Workload(const WorkloadSpec& spec, std::uint64_t seed);

    // The demand at `now`. Draws from the PRNG: call once per step, with increasing times.
    KiB sample(SimTime now);
    // The guest's OOM killer took the biggest process: a growth or a leak starts over.
    void oomKilled(SimTime now);
    // A new shape from `now` on (scenario event); the PRNG stream continues.
    void change(const WorkloadSpec& spec, SimTime now);

    [[nodiscard]] const WorkloadSpec& spec() const { return spec_; }

private:
    [[nodiscard]] double shapeKiB(SimTime now) const;

    WorkloadSpec spec_;
    std::mt19937_64 rng_;
    SimTime origin_{0};       // when the current shape (or the leak since the last OOM) began
    Duration burstPhase_{0};  // each guest's bursts start at its own offset within the period
};

}  // namespace balloon::sim
