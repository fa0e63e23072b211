// The simulation's own thread in the benchmark host process: steps the simulated host in real
// time (one step of virtual time per the same real time), applying the daemon's queued
// hypervisor calls before each step and publishing Xen's figures after it, and keeps its own CPU
// time so the daemon's can be told apart.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "published_host.h"
#include "simulation.h"

namespace balloon::bench {

class SimThread {
public:
    // Starts stepping at once. The caller must have blocked the signals its loop handles.
    SimThread(sim::Simulation& simulation, PublishedHost& host, sim::Duration step);
    // Stops after the step in progress and joins.
    ~SimThread();
    SimThread(const SimThread&) = delete;
    SimThread& operator=(const SimThread&) = delete;
    SimThread(SimThread&&) = delete;
    SimThread& operator=(SimThread&&) = delete;

    // CPU seconds this thread has used so far.
    [[nodiscard]] double cpuSeconds() const { return cpuSeconds_.load(); }
    [[nodiscard]] std::uint64_t steps() const { return steps_.load(); }
    // Steps that started more than a step late (the machine was too busy to keep real time).
    [[nodiscard]] std::uint64_t lateSteps() const { return lateSteps_.load(); }

private:
    void run();

    sim::Simulation& simulation_;
    PublishedHost& host_;
    sim::Duration step_;
    std::atomic<bool> stopping_{false};
    std::atomic<double> cpuSeconds_{0};
    std::atomic<std::uint64_t> steps_{0};
    std::atomic<std::uint64_t> lateSteps_{0};
    std::mutex wakeMutex_;
    std::condition_variable wake_;
    std::thread thread_;
};

}  // namespace balloon::bench
