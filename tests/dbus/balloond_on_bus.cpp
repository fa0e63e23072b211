#include "balloond_on_bus.h"

namespace balloon::dbustest {

const char* const BalloondOnBus::kScenario = R"(
[host]
memory = "8G"
dom0 = "1G"
seed = 7

[[domain]]
name = "web"
memory = "1G"
maxmem = "2G"
workload = { kind = "steady", base = "300M", noise = 0 }

[[domain]]
name = "db"
memory = "1G"
maxmem = "2G"
workload = { kind = "steady", base = "400M", noise = 0 }

[[domain]]
name = "frozen"
memory = "1G"
maxmem = "1G"
driver = "stuck"
agent = "none"
workload = { kind = "idle" }

[[domain]]
name = "secret"
memory = "512M"
workload = { kind = "idle" }

[[domain]]
name = "late"
memory = "256M"
autostart = false
)";

Config BalloondOnBus::testConfig() {
    Config config;
    config.policy.kind = PolicyKind::Off;
    config.intervals.sample = std::chrono::milliseconds(200);
    config.intervals.stuckAfter = std::chrono::milliseconds(1000);
    config.intervals.uncooperativeAfter = std::chrono::milliseconds(3000);
    DomainOverride secret;
    secret.name = "secret";
    secret.excluded = true;
    config.domains.push_back(secret);
    return config;
}

std::string BalloondOnBus::balloonctlPath() {
    return BALLOONCTL_PATH;
}

std::string BalloondOnBus::completionPath() {
    return BALLOONCTL_COMPLETION;
}

void BalloondOnBus::SetUp() {
    RealXenstore::SetUp();
    sandbox::PrivateBusOptions busOptions;
    busOptions.reachableByAll = true;  // the authorization tests call as uid 65534
    bus_ = std::make_unique<PrivateBus>(busOptions);
    balloond_ = std::make_unique<BalloondThread>(
        BalloondSetup{kScenario, config(), bus_->address(), adminGroup(), {}});
    signals_ = std::make_unique<SignalWatcher>(bus_->address());
}

void BalloondOnBus::TearDown() {
    signals_.reset();
    balloond_.reset();
    bus_.reset();
    RealXenstore::TearDown();
}

RunResult run(std::vector<std::string> argv, SpawnSpec options, std::chrono::milliseconds timeout) {
    options.argv = std::move(argv);
    return sandbox::runToCompletion(std::move(options), timeout);
}

RunResult BalloondOnBus::ctl(const std::vector<std::string>& args, SpawnSpec options,
                             std::chrono::milliseconds timeout) {
    std::vector<std::string> argv{BALLOONCTL_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    options.setEnv.emplace_back("BALLOONCTL_BUS_ADDRESS", address());
    return run(argv, std::move(options), timeout);
}

RunResult BalloondOnBus::busctl(const std::vector<std::string>& args, SpawnSpec options) {
    std::vector<std::string> argv{"busctl", "--address=" + address()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, std::move(options));
}

RunResult BalloondOnBus::callManager(const std::string& method,
                                     const std::vector<std::string>& signatureAndArgs,
                                     SpawnSpec options) {
    std::vector<std::string> args{"call", "org.balloond.Balloon1", "/org/balloond/Balloon1",
                                  "org.balloond.Balloon1.Manager", method};
    args.insert(args.end(), signatureAndArgs.begin(), signatureAndArgs.end());
    return busctl(args, std::move(options));
}

RunResult BalloondOnBus::dbusSend(const std::vector<std::string>& args, SpawnSpec options) {
    std::vector<std::string> argv{"dbus-send", "--bus=" + address(), "--print-reply"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, std::move(options));
}

std::unique_ptr<ChildProcess> BalloondOnBus::spawnCtl(const std::vector<std::string>& args) {
    SpawnSpec spec;
    spec.argv = {BALLOONCTL_PATH};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.setEnv = {{"BALLOONCTL_BUS_ADDRESS", address()}};
    spec.out = sandbox::Output::pipe();
    // Its notes are short; the test's own stderr shows them next to the failure.
    spec.err = sandbox::Output::inherit();
    return std::make_unique<ChildProcess>(std::move(spec));
}

DomId BalloondOnBus::domid(const std::string& name) {
    std::optional<DomId> found;
    balloond_->post([&](World& world) { found = world.sim.domid(name); });
    if (!found) {
        throw std::runtime_error("the scenario has no running domain " + name);
    }
    return *found;
}

std::optional<std::string> BalloondOnBus::xsRead(DomId domid, const std::string& key) {
    return xs().read(xs().domainPath(domid) + "/" + key);
}

bool BalloondOnBus::eventually(const std::function<bool()>& condition,
                               std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            return false;
        }
        signals_->waitAny(std::min(left, std::chrono::milliseconds(250)));
    }
    return true;
}

}  // namespace balloon::dbustest
