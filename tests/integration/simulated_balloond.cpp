#include "simulated_balloond.h"

#include <chrono>
#include <stdexcept>

#include <poll.h>

#include "stats_codec.h"

namespace balloon::testing {
namespace {

constexpr std::string_view kBarrierPath = "/test-barrier";

}  // namespace

SimulatedBalloond::SimulatedBalloond(sandbox::XenstoredProcess& xenstored,
                                     xen::XenStoreClient& privileged, const std::string& scenario,
                                     Config config)
    : simXs_(xen::XenStoreClient::open()), config_(std::move(config)) {
    sim_ = std::make_unique<sim::Simulation>(sim::parseScenario(scenario, "<test>"), *simXs_,
                                             [this, &xenstored, &privileged](DomId domid) {
                                                 rings_[domid] =
                                                     std::make_unique<harness::GuestRingClient>(
                                                         xenstored, privileged, domid);
                                             });
    hypervisor_ = &sim_->host();
    restartDaemon();
}

SimulatedBalloond::~SimulatedBalloond() = default;

void SimulatedBalloond::restartDaemon() {
    balancer_.reset();
    daemonXs_ = xen::XenStoreClient::open();
    daemonXs_->watch(kBarrierPath, "barrier");
    daemonXs_->watch("@introduceDomain", "fixture-domains");
    daemonXs_->watch("@releaseDomain", "fixture-domains");
    balancer_ = std::make_unique<daemon::Balancer>(*daemonXs_, *hypervisor_, config_);
    balancer_->start(now());
    deliverEvents();
}

void SimulatedBalloond::useHypervisor(xen::HypervisorPort& hypervisor) {
    hypervisor_ = &hypervisor;
    restartDaemon();
}

bool SimulatedBalloond::deliverEvents() {
    simXs_->write(kBarrierPath, std::to_string(++barrier_));
    const std::string expected = std::to_string(barrier_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    std::vector<xen::WatchEvent> events;
    for (;;) {
        for (auto& e : daemonXs_->takeWatchEvents()) {
            if (e.token == "barrier") {
                if (daemonXs_->read(kBarrierPath) == expected) {
                    return balancer_->onWatchEvents(events, now());
                }
                continue;
            }
            events.push_back(std::move(e));
        }
        const auto left = deadline - std::chrono::steady_clock::now();
        if (left <= std::chrono::steady_clock::duration::zero()) {
            throw std::runtime_error("watch events did not arrive within 10 s");
        }
        pollfd fd{daemonXs_->watchFd(), POLLIN, 0};
        poll(&fd, 1,
             static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(left).count()));
    }
}

daemon::RoundSummary SimulatedBalloond::step(sim::Duration dt) {
    sim_->step(dt);
    const bool domainsChanged = deliverEvents();
    auto summary = balancer_->round(now(), domainsChanged);
    deliverEvents();  // our own writes come back as watch events: they must change nothing
    return summary;
}

int SimulatedBalloond::run(sim::Duration dt, int steps) {
    int writing = 0;
    for (int i = 0; i < steps; ++i) {
        writing += step(dt).applied.wroteAnything() ? 1 : 0;
    }
    return writing;
}

KiB SimulatedBalloond::target(const std::string& name) {
    const auto text = daemonXs_->read(daemonXs_->domainPath(domid(name)) + "/memory/target");
    std::string why;
    return KiB{parseBoundedDecimal(text.value_or(""), kMaxReportValue, why).value_or(0)};
}

daemon::DomainRecord& SimulatedBalloond::record(const std::string& name) {
    return balancer_->require(domid(name));
}

}  // namespace balloon::testing
