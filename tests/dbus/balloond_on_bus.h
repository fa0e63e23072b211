// gtest fixture for the dbus suite: a real xenstored (RealXenstore), a private real dbus-daemon
// loading the project's policy file, and balloond on the simulated host serving the API there.
// Clients run as separate processes: balloonctl (built here), busctl and dbus-send (not).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "balloond_thread.h"
#include "child_process.h"
#include "private_bus.h"
#include "real_xenstore_fixture.h"
#include "signal_watcher.h"

namespace balloon::dbustest {

using sandbox::ChildProcess;
using sandbox::PrivateBus;
using sandbox::RunResult;
using sandbox::SpawnSpec;

// How long a client run to completion may take before it is killed and reported as such.
constexpr std::chrono::milliseconds kClientTimeout{30'000};

// Runs argv (with `options`' environment and uid) to completion.
RunResult run(std::vector<std::string> argv, SpawnSpec options = {},
              std::chrono::milliseconds timeout = kClientTimeout);

class BalloondOnBus : public harness::RealXenstore {
protected:
    void SetUp() override;
    // The admin group balloond is configured with (empty: root only).
    [[nodiscard]] virtual std::string adminGroup() const { return {}; }
    // The configuration balloond starts with (default: testConfig()).
    [[nodiscard]] virtual Config config() const { return testConfig(); }
    void TearDown() override;

    // The host: dom0 1G; web and db (1G, max 2G, Linux driver), frozen (a guest whose balloon
    // never moves), secret (excluded in the configuration), late (built by a test).
    static const char* const kScenario;
    // Policy off (targets move only when a test moves them), 200 ms samples, stuck after 1 s.
    static Config testConfig();
    // The balloonctl built with the tests.
    static std::string balloonctlPath();
    // cli/balloonctl.bash-completion in the source tree.
    static std::string completionPath();

    RunResult ctl(const std::vector<std::string>& args, SpawnSpec options = {},
                  std::chrono::milliseconds timeout = kClientTimeout);
    RunResult busctl(const std::vector<std::string>& args, SpawnSpec options = {});
    // busctl call org.balloond.Balloon1 /org/balloond/Balloon1 <Manager> METHOD SIGNATURE ARGS
    RunResult callManager(const std::string& method,
                          const std::vector<std::string>& signatureAndArgs, SpawnSpec options = {});
    RunResult dbusSend(const std::vector<std::string>& args, SpawnSpec options = {});
    // balloonctl in a long-running mode (reserve, watch), its stdout piped.
    std::unique_ptr<ChildProcess> spawnCtl(const std::vector<std::string>& args);

    DomId domid(const std::string& name);
    std::optional<std::string> xsRead(DomId domid, const std::string& key);
    // True once `condition` holds; re-checked after each signal from balloond (or every 250 ms).
    bool eventually(const std::function<bool()>& condition,
                    std::chrono::milliseconds timeout = std::chrono::seconds(15));

    [[nodiscard]] const std::string& address() const { return bus_->address(); }
    PrivateBus& bus() { return *bus_; }
    BalloondThread& balloond() { return *balloond_; }
    SignalWatcher& signals() { return *signals_; }

private:
    std::unique_ptr<PrivateBus> bus_;
    std::unique_ptr<BalloondThread> balloond_;
    std::unique_ptr<SignalWatcher> signals_;
};

}  // namespace balloon::dbustest
