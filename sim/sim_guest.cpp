#include "sim_guest.h"

#include <algorithm>
#include <cmath>

namespace balloon::sim {

namespace {

// Reports carry a guest wall-clock timestamp; the simulator's guests all booted at this fixed
// instant so that traces and reports replay byte for byte.
constexpr std::uint64_t kBootEpochSeconds = 1'700'000'000;
// The kernel's avg10 pressure figure averages over 10 s.
constexpr double kPsiWindowSeconds = 10.0;
// Share of the missing memory swapped in (and out again) per second while under pressure.
constexpr double kSwapChurnPerSecond = 0.1;
// MemAvailable under MemTotal / this: the kernel reclaims the working set.
constexpr std::uint64_t kReclaimDivisor = 100;

bool linuxFamily(DriverKind kind) {
    return kind != DriverKind::NetBsd;
}

KiB driverOffset(const GuestSpec& spec) {
    // Linux HVM/PVH guests subtract static-max minus what they counted at boot; PV and
    // balloon(4) use the target as it is.
    return spec.type != DomainType::Pv && linuxFamily(spec.driver.kind) ? spec.firmware : KiB{0};
}

}  // namespace

SimGuest::SimGuest(const GuestSpec& spec, DomId domid, std::uint64_t seed)
    : spec_(spec),
      domid_(domid),
      workload_(spec.workload, seed),
      driver_(spec.driver, driverOffset(spec)),
      kernel_((bootsPod() ? spec.maxmem : spec.memory) - hidden()) {}

bool SimGuest::bootsPod() const {
    return spec_.pod && spec_.type != DomainType::Pv && spec_.memory < spec_.maxmem;
}

KiB SimGuest::hidden() const {
    switch (spec_.type) {
        case DomainType::Pv:
            return KiB{0};
        case DomainType::Pvh:
            return spec_.firmware;
        case DomainType::Hvm:
            return spec_.firmware + spec_.videoram;
    }
    return KiB{0};
}

void SimGuest::readTarget(std::optional<KiB> xenstoreTarget) {
    if (xenstoreTarget) {
        driver_.onTarget(*xenstoreTarget);
    }
}

void SimGuest::changeWorkload(const WorkloadSpec& spec, SimTime now) {
    spec_.workload = spec;
    workload_.change(spec, now);
}

void SimGuest::step(SimTime now, Duration dt, SimulatedHost& host) {
    now_ = now;
    demand_ = workload_.sample(now);
    const KiB used = min(demand_, kernel_);
    // The pages the workload uses are populated: a PoD entry touched takes a cache page.
    host.touch(domid_, pagesCeil(used));
    driver_.step(dt, host, domid_, hidden(), used + spec_.kernelReserve);
    if (const auto pages = host.guestPages(domid_)) {
        kernel_ = toKiB(*pages) - hidden();
    }
    observe(dt);
}

void SimGuest::observe(Duration dt) {
    const double seconds = toSeconds(dt);
    const KiB used = min(demand_, kernel_);
    const KiB available = kernel_ - used;
    const KiB caches{static_cast<KiB::Rep>(static_cast<double>(available.count()) *
                                           std::clamp(spec_.cacheShare, 0.0, 1.0))};
    const KiB deficit = demand_ - kernel_;
    if (deficit.count() > 0) {
        pressureSeconds_ += seconds;
    }
    // Demand the allocation and swap together cannot hold: the OOM killer takes the biggest
    // process (counted once per episode).
    const bool oomNow = deficit > spec_.swap;
    if (oomNow && !oom_) {
        ++oomKills_;
        workload_.oomKilled(now_);
    }
    oom_ = oomNow;

    const double stalled = demand_.count() == 0
                               ? 0.0
                               : std::min(1.0, 4.0 * static_cast<double>(deficit.count()) /
                                                   static_cast<double>(demand_.count()));
    const double decay = std::exp(-seconds / kPsiWindowSeconds);
    psi_ = psi_ * decay + stalled * (1.0 - decay);
    const auto churnOf = [&](KiB missing) {
        return KiB{static_cast<KiB::Rep>(static_cast<double>(missing.count()) *
                                         std::min(1.0, seconds * kSwapChurnPerSecond))};
    };
    const Pages churn = pagesFloor(churnOf(min(deficit, spec_.swap)));
    // With MemAvailable under a hundredth of MemTotal, Linux reclaims pages the workload touches
    // again: refaults, whether or not anything is missing. (Without them a guest that has just
    // caught up, its PSI still decaying, would report what only a lying guest can.)
    const KiB watermark{kernel_.count() / kReclaimDivisor};
    const KiB thrashing = deficit + (watermark > available ? watermark - available : KiB{0});
    const std::uint64_t refaults =
        thrashing.count() > 0 ? std::max<std::uint64_t>(1, pagesCeil(churnOf(thrashing)).count())
                              : 0;

    truth_ = GuestReport{};
    truth_.source = ReportSource::Balloond;
    truth_.sequence = ++sequence_;
    truth_.timestamp = kBootEpochSeconds + static_cast<std::uint64_t>(toSeconds(now_));
    truth_.total = kernel_;
    truth_.used = used;
    truth_.available = available;
    truth_.caches = caches;
    truth_.free = available - caches;
    truth_.swapUsed = min(deficit, spec_.swap);
    truth_.swapInPages = churn.count();
    truth_.swapOutPages = churn.count();
    truth_.majorFaults = churn.count();
    truth_.refaults = refaults;
    truth_.psiSomeAvg10 = static_cast<std::uint32_t>(std::lround(psi_ * 10000.0));
}

std::optional<GuestReport> SimGuest::report() const {
    if (spec_.agent == Agent::None || spec_.driver.kind == DriverKind::None ||
        truth_.sequence == 0) {
        return std::nullopt;
    }
    GuestReport out = truth_;
    if (spec_.driver.kind == DriverKind::Liar) {
        // Claims every page is in use and under full pressure, whatever really happens.
        out.used = out.total;
        out.available = KiB{0};
        out.caches = KiB{0};
        out.free = KiB{0};
        out.psiSomeAvg10 = 10000;
    }
    GuestReport foreign;
    switch (spec_.agent) {
        case Agent::Qubes:
            // meminfo-writer's figure: MemTotal - MemFree - Buffers - Cached + swap used.
            foreign.source = ReportSource::Qubes;
            foreign.used = out.used + out.swapUsed.value_or(KiB{0});
            return foreign;
        case Agent::XenServer:
            foreign.source = ReportSource::XenServer;
            foreign.total = out.total;
            foreign.free = out.available;
            foreign.used = out.total - out.available.value_or(KiB{0});
            return foreign;
        case Agent::Balloond:
        case Agent::None:
            break;
    }
    return out;
}

}  // namespace balloon::sim
