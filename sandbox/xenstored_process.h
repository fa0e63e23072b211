// XenstoredProcess: the real Xen xenstored, run privately (own run dir, own socket, no root) with
// the hypervisor interposer, for tests, benchmarks and the simulated host. Independent of gtest.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <sys/types.h>

#include "child_process.h"
#include "domid.h"

namespace balloon::sandbox {

struct XenstoredOptions {
    // Default: $BALLOON_XENSTORED, else the meson option `xenstored`.
    std::filesystem::path xenstored;
    // Default: $BALLOON_XENSTORED_INTERPOSER, else the one built with the harness.
    std::filesystem::path interposer;
    // Where the private run dir is created. Default: $TMPDIR, else /tmp.
    std::filesystem::path parentDir;
    // Appended to xenstored's command line (quotas, timeouts).
    std::vector<std::string> extraArgs;
    // xenstored's trace of every request and reply in the run dir (shown when a test fails). Off
    // for benchmarks: xenstored formats every line even into /dev/null, a sixth of its CPU at
    // 1,000 guests, and a dom0's xenstored does not trace.
    bool trace = true;
    // Start-up normally takes 15-40 ms; the margin is for loaded CI machines.
    std::chrono::milliseconds readyTimeout{10'000};
};

class XenstoredProcess {
public:
    // Creates the run dir, starts xenstored and waits until it answers a request.
    // Throws std::runtime_error with xenstored's output when it does not come up.
    explicit XenstoredProcess(XenstoredOptions options = {});
    // Stops xenstored and removes the run dir.
    ~XenstoredProcess();
    XenstoredProcess(const XenstoredProcess&) = delete;
    XenstoredProcess& operator=(const XenstoredProcess&) = delete;
    XenstoredProcess(XenstoredProcess&&) = delete;
    XenstoredProcess& operator=(XenstoredProcess&&) = delete;

    [[nodiscard]] const std::filesystem::path& runDir() const { return runDir_; }
    [[nodiscard]] std::filesystem::path socketPath() const { return runDir_ / "socket"; }
    [[nodiscard]] pid_t pid() const;
    [[nodiscard]] bool running() const;

    // What a client process needs to reach this xenstored (XENSTORED_PATH=<socket>).
    [[nodiscard]] std::vector<std::pair<std::string, std::string>> clientEnvironment() const;
    // Sets XENSTORED_PATH in this process, for XenStoreClient::open(). Nothing else is global.
    void exportToThisProcess() const;

    // SIGTERM, then SIGKILL if it has not exited within the deadline; reaps it. Idempotent.
    void stop();
    // Starts a fresh xenstored on the same run dir (same socket path; the database is new).
    void restart();

    // The fake hypervisor (see xenstored_interposer.c). kick() wakes xenstored so it re-checks
    // domains and rings; setDying() replaces the list of dying domids, then kicks.
    void kick() const;
    void setDying(std::span<const DomId> domids) const;
    [[nodiscard]] std::filesystem::path ringPagePath(DomId domid) const;
    [[nodiscard]] std::filesystem::path notifyPath(DomId domid) const;

    // xenstored's stdout/stderr and the end of its trace (every request and reply), for
    // showing why a test failed.
    [[nodiscard]] std::string diagnostics() const;

private:
    void start();
    void waitUntilReady();

    XenstoredOptions options_;
    std::filesystem::path runDir_;
    // mutable: asking whether it still runs reaps it when it has exited.
    mutable std::optional<ChildProcess> process_;
};

}  // namespace balloon::sandbox
