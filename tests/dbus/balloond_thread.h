// balloond in the test process: the real Daemon and BusService on their own EventLoop, on a
// thread of their own, over the simulated host (sim/) bound to the real xenstored the fixture
// started. The simulation steps in real time from a loop timer, as the sandbox runs it. The test
// talks to it only over the bus, or through post() for what an admin or a toolstack would do.
#pragma once

#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config.h"
#include "daemon.h"
#include "simulation.h"

namespace balloon::dbustest {

struct BalloondSetup {
    std::string scenario;  // TOML (docs/simulator.md)
    Config config;
    std::string busAddress;
    std::string adminGroup;
    // How new domains are introduced to xenstored (default: the simulation's own); the
    // reliability suite introduces them over real rings to act as the guests.
    sim::DomainIntroducer introducer;
};

// What a posted task may touch, on the daemon's thread.
struct World {
    daemon::EventLoop& loop;
    daemon::Daemon& daemon;
    sim::Simulation& sim;
};

class BalloondThread {
public:
    // Returns once balloond owns its bus name; throws what start-up threw.
    explicit BalloondThread(BalloondSetup setup);
    // Stops the loop and joins.
    ~BalloondThread();
    BalloondThread(const BalloondThread&) = delete;
    BalloondThread& operator=(const BalloondThread&) = delete;
    BalloondThread(BalloondThread&&) = delete;
    BalloondThread& operator=(BalloondThread&&) = delete;

    // Runs task on the daemon's thread between two loop iterations and waits for it (10 s).
    void post(const std::function<void(World&)>& task);
    // balloond's view of each domain, a line each: target, allocation, convergence, reads and
    // its last plan's reason (for a failing test's report).
    std::string describeDomains();

private:
    void main(BalloondSetup setup, std::promise<void>& started);
    void runTasks(World& world);

    int wakeFd_ = -1;
    std::mutex mutex_;
    std::vector<std::pair<std::function<void(World&)>, std::shared_ptr<std::promise<void>>>> tasks_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace balloon::dbustest
