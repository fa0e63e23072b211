// gtest fixture: balloond's Balancer on the simulated host and the real xenstored, driven with
// the simulation's virtual clock (simulated_balloond.h), on a private xenstored per test.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "real_xenstore_fixture.h"
#include "simulated_balloond.h"

namespace balloon::testing {

class BalloondOnSimulatedHost : public harness::RealXenstore {
protected:
    void TearDown() override;

    // Builds the simulation from a scenario text and starts a Balancer with `config`.
    void start(const std::string& scenario, Config config = {});
    // Another Balancer on a fresh connection: what a restarted balloond sees.
    void restartDaemon() { balloond_->restartDaemon(); }

    // Delivers every watch event caused so far to the balancer; true when it asked for a round.
    bool deliverEvents() { return balloond_->deliverEvents(); }
    // The simulation moves on by dt, then the daemon gets its events and runs a round.
    daemon::RoundSummary step(sim::Duration dt) { return balloond_->step(dt); }
    // `steps` steps of dt each; returns how many of them wrote a target.
    int run(sim::Duration dt, int steps) { return balloond_->run(dt, steps); }

    [[nodiscard]] TimePoint now() const { return balloond_->now(); }
    [[nodiscard]] DomId domid(const std::string& name) const { return balloond_->domid(name); }
    [[nodiscard]] KiB target(const std::string& name) { return balloond_->target(name); }
    // Xen's allocation of the domain on the simulated host.
    [[nodiscard]] KiB allocation(const std::string& name) {
        return toKiB(*sim().host().allocation(domid(name)));
    }
    daemon::DomainRecord& record(const std::string& name) { return balloond_->record(name); }
    // memory/uncooperative of the domain: "1" once balloond flagged it.
    std::optional<std::string> uncooperativeKey(const std::string& name) {
        return daemonXs().read(daemonXs().domainPath(domid(name)) + "/memory/uncooperative");
    }

    // The domain's own unprivileged connection over its ring, as its kernel has.
    harness::GuestRingClient& guest(const std::string& name) { return balloond_->guest(name); }
    sim::Simulation& sim() { return balloond_->sim(); }
    daemon::Balancer& balancer() { return balloond_->balancer(); }
    xen::XenStoreClient& daemonXs() { return balloond_->daemonXs(); }
    Config& config() { return balloond_->config(); }
    SimulatedBalloond& balloond() { return *balloond_; }

private:
    std::unique_ptr<SimulatedBalloond> balloond_;
};

}  // namespace balloon::testing
