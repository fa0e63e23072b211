// The sandbox's terminal view: per domain what the guest needs, its target, what Xen gave it,
// its state and why. Redraws in place on a terminal; prints a block every few seconds otherwise.
#pragma once

#include <cstdio>
#include <string>

#include "balancer.h"
#include "simulation.h"

namespace balloon::daemon {

class LiveView {
public:
    LiveView(std::FILE* out, std::string scenarioName);
    void draw(Balancer& balancer, sim::Simulation& simulation, const std::string& footer);

private:
    std::FILE* out_;
    std::string scenario_;
    bool terminal_;
};

}  // namespace balloon::daemon
