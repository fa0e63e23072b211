// balloond's Balancer on the simulated host and the real xenstored, driven with the simulation's
// virtual clock. The simulation and the daemon each have their own connection, as the sandbox
// and production have; a barrier node makes sure every watch event the simulation caused has
// reached the daemon before a round runs. Every domain the simulation builds is introduced over a
// real ring (harness::GuestRingClient), so a test or a benchmark can act as the guest.
// Independent of gtest: the integration fixture (balloond_fixture.h) and the fairness benchmark
// both run on it.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "balancer.h"
#include "guest_ring_client.h"
#include "simulation.h"
#include "xenstored_process.h"

namespace balloon::testing {

class SimulatedBalloond {
public:
    // Builds the simulation from a scenario text and starts a Balancer with `config`. `privileged`
    // (a dom0 connection to `xenstored`) introduces the guests' rings; both outlive this.
    SimulatedBalloond(sandbox::XenstoredProcess& xenstored, xen::XenStoreClient& privileged,
                      const std::string& scenario, Config config = {});
    ~SimulatedBalloond();
    SimulatedBalloond(const SimulatedBalloond&) = delete;
    SimulatedBalloond& operator=(const SimulatedBalloond&) = delete;
    SimulatedBalloond(SimulatedBalloond&&) = delete;
    SimulatedBalloond& operator=(SimulatedBalloond&&) = delete;

    // Another Balancer on a fresh connection: what a restarted balloond sees.
    void restartDaemon();
    // A restarted Balancer that reaches Xen through `hypervisor` (which outlives this), e.g. the
    // simulated host with an admin's command interleaved at a chosen call.
    void useHypervisor(xen::HypervisorPort& hypervisor);

    // Delivers every watch event caused so far to the balancer; true when it asked for a round.
    bool deliverEvents();
    // The simulation moves on by dt, then the daemon gets its events and runs a round.
    daemon::RoundSummary step(sim::Duration dt);
    // `steps` steps of dt each; returns how many of them wrote a target.
    int run(sim::Duration dt, int steps);

    [[nodiscard]] TimePoint now() const { return TimePoint{} + sim_->now(); }
    [[nodiscard]] DomId domid(const std::string& name) const { return *sim_->domid(name); }
    // memory/target as balloond's connection reads it (0 when missing).
    [[nodiscard]] KiB target(const std::string& name);
    daemon::DomainRecord& record(const std::string& name);

    // The domain's own unprivileged connection over its ring, as its kernel has.
    harness::GuestRingClient& guest(const std::string& name) { return *rings_.at(domid(name)); }
    sim::Simulation& sim() { return *sim_; }
    daemon::Balancer& balancer() { return *balancer_; }
    xen::XenStoreClient& daemonXs() { return *daemonXs_; }
    Config& config() { return config_; }

private:
    std::unique_ptr<xen::XenStoreClient> simXs_;
    std::unique_ptr<xen::XenStoreClient> daemonXs_;
    std::map<DomId, std::unique_ptr<harness::GuestRingClient>> rings_;
    std::unique_ptr<sim::Simulation> sim_;
    xen::HypervisorPort* hypervisor_ = nullptr;  // the simulated host's, unless replaced
    std::unique_ptr<daemon::Balancer> balancer_;
    Config config_;
    std::uint64_t barrier_ = 0;
};

}  // namespace balloon::testing
