#include "workload.h"

#include <algorithm>
#include <cmath>

namespace balloon::sim {

namespace {

constexpr double kKiBPerMiB = 1024.0;

}  // namespace

Workload::Workload(const WorkloadSpec& spec, std::uint64_t seed) : spec_(spec), rng_(seed) {
    change(spec, SimTime{0});
}

void Workload::change(const WorkloadSpec& spec, SimTime now) {
    spec_ = spec;
    origin_ = now;
    if (spec_.kind == WorkloadKind::Burst && spec_.period.count() > 0) {
        burstPhase_ = Duration{
            static_cast<Duration::rep>(rng_() % static_cast<std::uint64_t>(spec_.period.count()))};
    }
}

void Workload::oomKilled(SimTime now) {
    if (spec_.kind == WorkloadKind::Growth || spec_.kind == WorkloadKind::Leak) {
        origin_ = now;
    }
}

double Workload::shapeKiB(SimTime now) const {
    const auto base = static_cast<double>(spec_.base.count());
    const auto amplitude = static_cast<double>(spec_.amplitude.count());
    const double elapsed = toSeconds(now - origin_);
    switch (spec_.kind) {
        case WorkloadKind::Idle:
        case WorkloadKind::Steady:
            return base;
        case WorkloadKind::Burst: {
            if (spec_.period.count() <= 0) {
                return base;
            }
            const auto inPeriod = (now - origin_ + burstPhase_).count() % spec_.period.count();
            return inPeriod < spec_.length.count() ? base + amplitude : base;
        }
        case WorkloadKind::Growth:
            return base + std::min(amplitude, elapsed * spec_.rateMiBps * kKiBPerMiB);
        case WorkloadKind::Leak:
            return base + elapsed * spec_.rateMiBps * kKiBPerMiB;
    }
    return base;
}

KiB Workload::sample(SimTime now) {
    // Uniform jitter in [-noise, +noise] of the shape; always drawn, so that the stream's
    // position depends only on how many steps ran. Mapped by hand rather than through
    // std::uniform_real_distribution, whose output differs between standard libraries.
    const double unit = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
    const double factor = 1.0 + spec_.noise * (2.0 * unit - 1.0);
    const double value = std::max(0.0, shapeKiB(now) * factor);
    return KiB{static_cast<KiB::Rep>(std::llround(value))};
}

}  // namespace balloon::sim
