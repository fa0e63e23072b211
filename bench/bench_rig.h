// What every end-to-end benchmark starts: a private real xenstored (sandbox/), optionally a
// private dbus-daemon, and balloond-bench-host (the daemon and the simulated host) as a separate
// process connected to both, plus a privileged Xenstore connection of the benchmark's own.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "child_process.h"
#include "domid.h"
#include "private_bus.h"
#include "xenstore_client.h"
#include "xenstored_process.h"

namespace balloon::bench {

class BenchRig {
public:
    // Starts xenstored (and the bus), then the host with `hostArgs` (--bus is added), and
    // returns once it printed "ready". Throws std::runtime_error with what went wrong.
    // Without `traceXenstored` xenstored runs with no trace at all, as a dom0's does: 4.17 writes
    // a rate-limit line per domain per request, and formats every line even into /dev/null.
    BenchRig(const std::vector<std::string>& hostArgs, bool withBus, bool traceXenstored);
    // Stops the host (SIGTERM), then the bus and xenstored.
    ~BenchRig();
    BenchRig(const BenchRig&) = delete;
    BenchRig& operator=(const BenchRig&) = delete;
    BenchRig(BenchRig&&) = delete;
    BenchRig& operator=(BenchRig&&) = delete;

    sandbox::XenstoredProcess& xenstored() { return *xenstored_; }
    xen::XenStoreClient& xs() { return *xs_; }
    [[nodiscard]] std::string busAddress() const { return bus_ ? bus_->address() : ""; }
    [[nodiscard]] pid_t hostPid() const { return host_->pid(); }

    // The "figure NAME VALUE" lines the host printed before "ready": its start-up.
    [[nodiscard]] const std::map<std::string, double>& startFigures() const {
        return startFigures_;
    }

    // Reads the host's output until `line`, keeping the figures on the way; throws at the
    // deadline.
    void expectLine(const std::string& line, std::chrono::milliseconds timeout);
    // The host's "figure NAME VALUE" lines, up to its "done".
    std::map<std::string, double> figures(std::chrono::milliseconds timeout);
    // The running domain of that name (the host's simulation built it).
    DomId domid(const std::string& name);

private:
    std::unique_ptr<sandbox::XenstoredProcess> xenstored_;
    std::unique_ptr<sandbox::PrivateBus> bus_;
    std::unique_ptr<sandbox::ChildProcess> host_;
    std::unique_ptr<xen::XenStoreClient> xs_;
    std::map<std::string, double> startFigures_;
};

}  // namespace balloon::bench
