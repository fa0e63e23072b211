// A simulated guest: a workload that wants memory, a kernel that holds what Xen gave the domain,
// a balloon driver that moves the allocation toward memory/target, and an agent that reports.
// The guest's view follows Linux's: used is what the workload holds, available the rest, part of
// which is page cache; demand beyond the allocation is pressure (swapping, PSI).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "balloon_driver.h"
#include "guest_report.h"
#include "model.h"
#include "workload.h"

namespace balloon::sim {

// Who writes statistics into Xenstore for this guest.
enum class Agent {
    Balloond,   // our guest side: data/balloon-report
    Qubes,      // meminfo-writer: memory/meminfo (used KiB), on changes above 30 MiB
    XenServer,  // data/meminfo_total + data/meminfo_free
    None,       // nothing is reported
};

struct GuestSpec {
    std::string name;
    KiB memory = mib(1024);  // at build time (xl memory=, videoram included)
    KiB maxmem = mib(1024);  // memory/static-max
    DomainType type = DomainType::Pv;
    KiB videoram;  // HVM only
    // HVM/PVH pages Xen counts but the kernel never sees (firmware tables, holes). Linux
    // subtracts this offset from every target it reads, so its own target sits this much below.
    KiB firmware;
    DriverSpec driver;
    Agent agent = Agent::Balloond;
    WorkloadSpec workload;
    KiB kernelReserve = mib(32);  // kept free by the kernel: inflation stops this far above use
    KiB swap = mib(512);          // demand beyond allocation + swap OOM-kills the biggest process
    double cacheShare = 0.5;      // share of available memory that is page cache
    bool autostart = true;        // built at time 0; otherwise by a create event
    // HVM/PVH with memory < maxmem: boot populate-on-demand, as xl builds it (the kernel sees
    // maxmem; only memory is backed until its balloon driver has handed the rest back).
    bool pod = false;
    // The toolstack's range for the domain (XenServer's dynamic-min/-max; 0: none), handed to
    // the policies as the domain's configured min and max.
    KiB rangeMin;
    KiB rangeMax;
    bool operator==(const GuestSpec&) const = default;
};

// Default firmware offset for HVM/PVH (what the PVH test bed showed: 388 KiB).
inline constexpr KiB kDefaultFirmware{388};

class SimGuest {
public:
    SimGuest(const GuestSpec& spec, DomId domid, std::uint64_t seed);

    // This step's value of memory/target (nullopt while the key is missing or unreadable).
    void readTarget(std::optional<KiB> xenstoreTarget);
    // Advances the guest to `now` (dt after the previous step): demand, balloon, pressure.
    void step(SimTime now, Duration dt, SimulatedHost& host);
    // A workload event from the scenario.
    void changeWorkload(const WorkloadSpec& spec, SimTime now);

    // What is really going on inside the guest.
    [[nodiscard]] const GuestReport& truth() const { return truth_; }
    // What the guest's agent reports: the truth, a lie (liar), or nothing (no agent).
    [[nodiscard]] std::optional<GuestReport> report() const;

    [[nodiscard]] const GuestSpec& spec() const { return spec_; }
    [[nodiscard]] DomId domid() const { return domid_; }
    [[nodiscard]] KiB demand() const { return demand_; }
    // The kernel's memory (MemTotal): the allocation minus pages it does not see.
    [[nodiscard]] KiB kernelMemory() const { return kernel_; }
    // Xen-counted pages the kernel never sees (firmware, videoram).
    [[nodiscard]] KiB hidden() const;
    // Boots populate-on-demand (GuestSpec::pod on a domain with memory < maxmem).
    [[nodiscard]] bool bootsPod() const;
    [[nodiscard]] bool underPressure() const { return demand_ > kernel_; }
    [[nodiscard]] double pressureSeconds() const { return pressureSeconds_; }
    [[nodiscard]] std::uint64_t oomKills() const { return oomKills_; }
    [[nodiscard]] BalloonDriver& driver() { return driver_; }
    [[nodiscard]] const BalloonDriver& driver() const { return driver_; }

private:
    void observe(Duration dt);

    GuestSpec spec_;
    DomId domid_;
    Workload workload_;
    BalloonDriver driver_;
    KiB demand_;
    KiB kernel_;
    bool oom_ = false;
    double pressureSeconds_ = 0;
    double psi_ = 0;  // smoothed like the kernel's avg10, as a fraction
    std::uint64_t oomKills_ = 0;
    std::uint64_t sequence_ = 0;
    SimTime now_{0};
    GuestReport truth_;
};

}  // namespace balloon::sim
