// The test process's half of a host whose balloond runs in another process: the simulated host
// stepping in real time, its hypervisor served on a Unix socket to whichever balloond process is
// connected (one after another: a killed one's connection just closes). Single-threaded: the test
// calls pumpUntil() whenever it waits, and the host moves on only then.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <vector>

#include "owned_fd.h"
#include "simulation.h"

namespace balloon::reliability {

class HostServer {
public:
    // Listens on `socketPath`; steps `simulation` by `step` every `step` of real time.
    HostServer(sim::Simulation& simulation, std::filesystem::path socketPath,
               std::chrono::milliseconds step = std::chrono::milliseconds(50));
    ~HostServer();
    HostServer(const HostServer&) = delete;
    HostServer& operator=(const HostServer&) = delete;
    HostServer(HostServer&&) = delete;
    HostServer& operator=(HostServer&&) = delete;

    [[nodiscard]] const std::filesystem::path& socketPath() const { return socketPath_; }

    // Serves requests and steps the host until `done` holds (checked after each bit of work) or
    // the timeout passes; returns whether it held.
    bool pumpUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout);
    // Serves and steps for exactly this long (a bounded observation period, not a wait).
    void pumpFor(std::chrono::milliseconds period);

    [[nodiscard]] std::uint64_t requestsServed() const { return served_; }

private:
    struct Connection {
        OwnedFd fd;
        std::string buffer;
    };
    void serve(Connection& connection);

    sim::Simulation& sim_;
    std::filesystem::path socketPath_;
    std::chrono::milliseconds step_;
    OwnedFd listener_;
    std::vector<Connection> connections_;
    std::chrono::steady_clock::time_point nextStep_;
    std::uint64_t served_ = 0;
};

}  // namespace balloon::reliability
