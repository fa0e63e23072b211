// The simulated host as balloond's thread sees it in the benchmark host process. The simulation
// thread owns the SimulatedHost: after every step it publishes Xen's figures here, and the
// daemon's maxmem and PoD calls wait in a queue for the start of the next step. So the daemon
// never waits for a step (a step writes every guest's report through xenstored, which takes
// hundreds of milliseconds on a busy machine), as it never waits for guests on a real host.
#pragma once

#include <mutex>
#include <utility>
#include <vector>

#include "simulated_host.h"

namespace balloon::bench {

class PublishedHost final : public xen::HypervisorPort {
public:
    explicit PublishedHost(sim::SimulatedHost& host) : host_(host) { publish(); }

    // ---- The simulation thread, between steps ----
    // Applies the calls the daemon made since the last step, in order.
    void applyQueued();
    // Copies Xen's figures for the daemon.
    void publish();

    // ---- xen::HypervisorPort, for the daemon's thread ----
    xen::HostInfo hostInfo() override;
    std::vector<xen::DomainInfo> domains() override;
    std::optional<xen::DomainInfo> domain(DomId domid) override;
    void setMaxMem(DomId domid, KiB maxmem) override;
    void setPodTarget(DomId domid, KiB target) override;

private:
    struct Call {
        bool pod = false;  // setPodTarget, else setMaxMem
        DomId domid = 0;
        KiB size;
    };

    sim::SimulatedHost& host_;
    std::mutex mutex_;  // guards what follows
    xen::HostInfo info_;
    std::vector<xen::DomainInfo> domains_;
    std::vector<Call> queued_;
};

}  // namespace balloon::bench
