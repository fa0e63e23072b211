// A scenario running on the simulated host. Time is virtual: step(dt) moves it on, and nothing
// else does, so the same scenario and seed always give the same trace. Real-time pacing is the
// caller's: the sandbox steps from the daemon's timer, comparisons step as fast as they can.
//
// Two bindings. Bound to a real xenstored (the sandbox, integration tests, the daemon's tests),
// domains appear there with xl's keys and permissions, guests read memory/target from it and write
// their reports into it. Headless, the simulation keeps each domain's target itself (applied with
// the same xl rules) and nothing is written anywhere: for pure dynamics and fast comparisons.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenario.h"
#include "sim_guest.h"
#include "sim_toolstack.h"
#include "simulated_host.h"
#include "trace.h"
#include "xl_rules.h"

namespace balloon::sim {

class Simulation {
public:
    // Headless.
    explicit Simulation(Scenario scenario);
    // Bound to the xenstored behind `xs`: a privileged connection of its own (the simulation
    // takes every watch event on it). `introducer` replaces the default introduction of new
    // domains (see DomainIntroducer).
    Simulation(Scenario scenario, xen::XenStoreClient& xs, DomainIntroducer introducer = {});
    ~Simulation();
    Simulation(const Simulation&) = delete;
    Simulation& operator=(const Simulation&) = delete;
    Simulation(Simulation&&) = delete;
    Simulation& operator=(Simulation&&) = delete;

    // Moves virtual time on by dt: due events, guests (read target, workload, balloon), the
    // host (dying domains, scrubbing), reports (every report interval), the trace.
    void step(Duration dt);
    // Steps of the scenario's step size (the last one shorter) until `total` has passed.
    void runFor(Duration total);
    // Until the scenario's duration.
    void runToEnd();

    // ---- What an admin or a toolstack does (also what scenario events do) ----
    // xl create: builds the declared domain. Throws xen::HypervisorError (ENOMEM) when the host
    // lacks the memory, like `xl create`; Error(InvalidArgument) for an unknown or running name.
    DomId create(std::string_view name);
    // xl destroy.
    void destroy(std::string_view name);
    // xl mem-set <name> <size>: xl's rules, Xen maxmem, PoD, memory/target.
    Actuation memSet(std::string_view name, KiB size);
    // A target decided by a policy (videoram excluded), applied as balloond would apply it.
    Actuation setTarget(std::string_view name, KiB target);
    void changeWorkload(std::string_view name, const WorkloadSpec& spec);

    [[nodiscard]] SimTime now() const { return now_; }
    [[nodiscard]] const Scenario& scenario() const { return scenario_; }
    [[nodiscard]] SimulatedHost& host() { return host_; }
    // The running guest of that name, or nullptr.
    [[nodiscard]] SimGuest* guest(std::string_view name);
    [[nodiscard]] std::optional<DomId> domid(std::string_view name) const;
    // Running guests in domid order.
    [[nodiscard]] std::vector<const SimGuest*> guests() const;
    // memory/target as the guest last read it.
    [[nodiscard]] std::optional<KiB> target(std::string_view name) const;
    [[nodiscard]] const Trace& trace() const { return trace_; }
    // Lines for a human: events applied or failed, guest kernel messages. Taken, not copied.
    std::vector<std::string> takeLog();

private:
    struct Running;

    Running* find(std::string_view name);
    [[nodiscard]] const Running* find(std::string_view name) const;
    Running& running(std::string_view name, const char* action);
    void applyEvents();
    void retryPendingCreates();
    void apply(const ScenarioEvent& event);
    // Headless: what xl would make Xen do, applied to the simulated host and kept as the target.
    Actuation actuate(Running& r, const Actuation& act);
    void note(std::string line);
    [[nodiscard]] std::uint64_t guestSeed(std::string_view name) const;

    Scenario scenario_;
    SimulatedHost host_;
    std::unique_ptr<SimToolstack> toolstack_;        // null when headless
    std::vector<std::unique_ptr<Running>> running_;  // domid order
    struct PendingCreate {
        std::string name;
        SimTime deadline;
    };
    std::vector<PendingCreate> pending_;
    std::size_t nextEvent_ = 0;
    SimTime now_{0};
    SimTime lastReport_{-1};
    Trace trace_;
    std::vector<std::string> log_;
};

}  // namespace balloon::sim
