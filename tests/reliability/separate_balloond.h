// gtest fixture for the fault tests: the real xenstored, the simulated host in this process
// (HostServer), and balloond as a separate process (reliability-balloond, a ChildProcess)
// that a test can SIGKILL and start again, as systemd would.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "child_process.h"
#include "host_invariants.h"
#include "host_server.h"
#include "real_xenstore_fixture.h"
#include "simulation.h"

namespace balloon::reliability {

using sandbox::ChildProcess;

// The number of lines of `file` that contain `text`.
std::size_t countLines(const std::filesystem::path& file, const std::string& text);

class SeparateBalloond : public harness::RealXenstore {
protected:
    // Four domains on a 4 GiB host (dom0 1G; a, b 1G of 2G; c 512M of 1G), steady workloads,
    // reports every 100 ms; balloond samples every 100 ms with the demand policy and a 1 s hold.
    static const char* const kScenario;
    static const char* const kConfig;

    void SetUp() override;
    void TearDown() override;

    // Starts a fresh balloond process (the previous one must have been killed or have exited).
    ChildProcess& startBalloond();
    // SIGKILLs the running balloond, if any.
    void killBalloond();
    // Builds the simulation (and its hypervisor server) again on the current xenstored: what the
    // host looks like after xenstored lost its database. A running balloond keeps running (its
    // hypervisor connection closes).
    void rebuildHost();

    // Every domain's memory/target (dom0 included), read with a connection of the test's own.
    std::map<DomId, KiB> targets();
    // Serves the host until some target differs from `before` (a rebalance was written); false
    // at the timeout or when balloond exited.
    bool pumpUntilRebalanced(const std::map<DomId, KiB>& before,
                             std::chrono::milliseconds timeout = std::chrono::seconds(20));

    [[nodiscard]] const std::filesystem::path& logPath() const { return log_; }
    // The last lines of balloond's log, for failure messages.
    [[nodiscard]] std::string logTail() const;

    sim::Simulation& sim() { return *sim_; }
    HostServer& server() { return *server_; }
    xen::XenStoreClient& reader() { return *reader_; }

private:
    std::unique_ptr<xen::XenStoreClient> simXs_;
    std::unique_ptr<xen::XenStoreClient> reader_;
    std::unique_ptr<sim::Simulation> sim_;
    std::unique_ptr<HostServer> server_;
    std::unique_ptr<ChildProcess> balloond_;
    std::filesystem::path config_;
    std::filesystem::path log_;
    int hosts_ = 0;
    std::size_t writesAtStart_ = 0;  // target-write lines in the log when balloond last started
};

}  // namespace balloon::reliability
