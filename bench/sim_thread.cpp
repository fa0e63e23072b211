#include "sim_thread.h"

#include <chrono>
#include <cstdio>
#include <exception>

#include "proc_stats.h"

namespace balloon::bench {

SimThread::SimThread(sim::Simulation& simulation, PublishedHost& host, sim::Duration step)
    : simulation_(simulation), host_(host), step_(step), thread_([this] { run(); }) {}

SimThread::~SimThread() {
    {
        const std::lock_guard lock(wakeMutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void SimThread::run() {
    using Clock = std::chrono::steady_clock;
    auto next = Clock::now() + step_;
    std::unique_lock wakeLock(wakeMutex_);
    // Pacing, not waiting for a condition: the next step is due at a fixed real time.
    while (!wake_.wait_until(wakeLock, next, [this] { return stopping_.load(); })) {
        wakeLock.unlock();
        try {
            host_.applyQueued();
            simulation_.step(step_);
            host_.publish();
        } catch (const std::exception& e) {
            std::fprintf(stderr, "balloond-bench-host: simulation step failed: %s\n", e.what());
            std::fflush(stderr);
            std::terminate();
        }
        steps_ += 1;
        cpuSeconds_ = threadCpuSeconds();
        next += step_;
        const auto now = Clock::now();
        if (now > next + step_) {
            lateSteps_ += 1;
            next = now;  // behind: do not try to catch up in a burst
        }
        wakeLock.lock();
    }
}

}  // namespace balloon::bench
