// The sandbox's terminal view: per domain what the guest needs, its target, what Xen gave it,
// its state and why. On a terminal it takes the alternate screen, redraws in place and gives the
// terminal back on close (or destruction); into a file or a pipe it prints plain blocks of lines
// with the reasons in full.
#pragma once

#include <cstdio>
#include <string>

#include "balancer.h"
#include "simulation.h"

namespace balloon::daemon {

// "mm:ss" of simulated time.
std::string formatClock(sim::SimTime t);

class LiveView {
public:
    LiveView(std::FILE* out, std::string scenarioName);
    ~LiveView();
    LiveView(const LiveView&) = delete;
    LiveView& operator=(const LiveView&) = delete;
    LiveView(LiveView&&) = delete;
    LiveView& operator=(LiveView&&) = delete;

    [[nodiscard]] bool terminal() const { return terminal_; }
    void draw(Balancer& balancer, sim::Simulation& simulation, const std::string& footer);
    // Gives the terminal back and prints the last frame where it stays readable.
    void close(Balancer& balancer, sim::Simulation& simulation);

private:
    [[nodiscard]] std::string frame(Balancer& balancer, sim::Simulation& simulation,
                                    std::size_t reasonWidth) const;
    void leaveScreen();

    std::FILE* out_;
    std::string scenario_;
    bool terminal_;
    bool onAlternateScreen_ = false;
};

}  // namespace balloon::daemon
