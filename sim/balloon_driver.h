// A guest kernel's balloon driver, as the simulator plays it. The behaviours are the ones real
// drivers show (docs/simulator.md): Linux moves in 2 MiB batches, cannot give memory its workload
// uses, backs off 1, 2, 4, 8 s and gives up after 4 retries until the target changes; NetBSD's
// balloon(4) moves 512 pages at a time and gives up at the first failure until the next target.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim_clock.h"
#include "simulated_host.h"

namespace balloon::sim {

enum class DriverKind {
    Linux,   // mainline xen-balloon
    NetBsd,  // balloon(4)
    Slow,    // Linux behaviour at a low rate
    Stuck,   // reads targets, never moves (e.g. MemAvailable pinned at 0)
    Liar,    // moves like Linux; its agent's statistics do not match reality
    None,    // no balloon driver at all: never moves, reports nothing
};

struct DriverSpec {
    DriverKind kind = DriverKind::Linux;
    double rateMiBps = 0;      // 0: the kind's default (defaultRateMiBps)
    int maxRetries = 4;        // Linux max_retry_count
    Duration maxDelay{32000};  // Linux max_schedule_delay
    // The most the kernel can hold (0: no limit): every populate beyond it fails, as in a guest
    // whose hotplugged memory ends there (squeezed's test "h": a domain that cannot grow while
    // others can). Shrinking is unaffected.
    KiB growLimit;
    bool operator==(const DriverSpec&) const = default;
};

double defaultRateMiBps(DriverKind kind);

enum class DriverState {
    Idle,        // no target yet, or at the target
    Working,     // moving toward the target
    BackingOff,  // a batch failed; waiting before the retry
    GaveUp,      // out of retries: does nothing until memory/target changes
};

// Linux and balloon(4) move a batch of 2 MiB (512 pages) at a time.
inline constexpr KiB kBatch = mib(2);

class BalloonDriver {
public:
    // `offset` is what an HVM/PVH Linux guest subtracts from every Xenstore target: static-max
    // minus what the kernel counted at boot (firmware pages it never sees). 0 for PV.
    BalloonDriver(const DriverSpec& spec, KiB offset);

    // The value of memory/target, read each step as the kernel's watch would deliver it. Only a
    // changed value starts a new attempt: the same target again does nothing.
    void onTarget(KiB xenstoreTarget);

    // Moves the domain's allocation toward the target for `dt`. The kernel holds the domain's
    // allocation minus `hidden` pages it does not see; it cannot give memory below `floor`.
    void step(Duration dt, SimulatedHost& host, DomId domid, KiB hidden, KiB floor);

    [[nodiscard]] DriverState state() const { return state_; }
    [[nodiscard]] std::optional<KiB> kernelTarget() const { return kernelTarget_; }
    [[nodiscard]] int retries() const { return retries_; }
    [[nodiscard]] Duration nextDelay() const { return delay_; }
    [[nodiscard]] const DriverSpec& spec() const { return spec_; }
    // Kernel log lines since the last call (balloon(4) logs when it gives up; Linux stays quiet).
    std::vector<std::string> takeLog();

private:
    void failed(KiB current);
    void resetBackoff();

    DriverSpec spec_;
    double rateKiBps_;
    KiB offset_;
    std::optional<KiB> lastRead_;
    std::optional<KiB> kernelTarget_;
    DriverState state_ = DriverState::Idle;
    int retries_ = 0;
    Duration delay_{1000};
    Duration waitLeft_{0};
    double budgetKiB_ = 0;
    std::vector<std::string> log_;
};

}  // namespace balloon::sim
