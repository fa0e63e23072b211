// balloond's view of the simulated host, kept between rounds of the comparison: what the daemon's
// registry, convergence tracker and actuator would know, without Xenstore. It builds the snapshot
// the planners see (a liar's report as its lie, a stuck guest's state as the tracker judges it)
// and writes plans back with the daemon's two-phase rule (core/policy/grow_budget.h).
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>

#include "convergence.h"
#include "model.h"
#include "policy/recent_peak.h"
#include "simulation.h"

namespace balloon::compare {

// The daemon's clock for a virtual instant.
TimePoint timeOf(sim::SimTime at);

class HostView {
public:
    explicit HostView(sim::Simulation& sim) : sim_(sim) {}

    // Samples every running guest (allocation, target, report, convergence) and returns the
    // snapshot. A target that changed behind the balancer's back (xl mem-set) pins the domain,
    // as the daemon does.
    HostSnapshot snapshot(std::span<const Reservation> reservations);

    // Shrinks first; then grows, from memory free now beyond `slush` only, pressure first.
    // Returns how many targets were written.
    std::size_t apply(const Plan& plan, KiB hostFree, KiB slush);

private:
    struct Known {
        std::string name;
        KiB videoram;  // counted in the allocation (HVM)
        ConvergenceTracker convergence{ConvergenceConfig{}};
        std::optional<KiB> written;  // the last target this balancer wrote
        bool pinned = false;
        std::optional<TimePoint> lastChange;
        policy::RecentPeak peak;
    };

    Known* find(DomId domid);
    // What domains were told but have not taken yet: free, but promised.
    [[nodiscard]] KiB promisedGrowth() const;
    void write(Known& known, KiB target);

    sim::Simulation& sim_;
    std::map<DomId, Known> known_;
};

}  // namespace balloon::compare
