#include "sandbox_mode.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>

#include <fcntl.h>
#include <unistd.h>

#include "daemon.h"
#include "dbus_service.h"
#include "live_view.h"
#include "private_bus.h"
#include "private_dir.h"
#include "qmemman_server.h"
#include "simulation.h"
#include "xenstore_client.h"
#include "xenstored_process.h"

namespace balloon::daemon {
namespace {

sim::Scenario scenarioFor(const Options& options) {
    if (!options.sandboxScenario || options.sandboxScenario->empty()) {
        return sim::parseScenario(kDefaultScenario, "default");
    }
    return sim::loadScenario(*options.sandboxScenario);
}

// One directory per run, the user's alone: xenstored's run dir, the bus and the log live in it.
class RunDir {
public:
    RunDir() : path_(sandbox::makePrivateDir(sandbox::temporaryParent(), "balloond-sandbox-")) {}
    // What is left is the log: kept for reading after the run; an empty directory goes.
    ~RunDir() {
        std::error_code ignored;
        std::filesystem::remove(path_, ignored);
    }
    RunDir(const RunDir&) = delete;
    RunDir& operator=(const RunDir&) = delete;
    RunDir(RunDir&&) = delete;
    RunDir& operator=(RunDir&&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

// On a terminal the live view owns the screen, so the log goes to a file in the run directory;
// otherwise to stderr as usual.
std::filesystem::path routeLogs(const Options& options, const RunDir& dir) {
    if (isatty(fileno(stdout)) == 0) {
        log::initLogging(options.logLevel);
        return {};
    }
    std::filesystem::path file = dir.path() / "balloond.log";
    auto out = std::make_shared<std::ofstream>(file, std::ios::trunc);
    if (!*out) {
        throw std::runtime_error("cannot write the sandbox's log " + file.string());
    }
    log::initLogging(options.logLevel, log::LogStyle::Plain, out);
    return file;
}

}  // namespace

int runSandbox(const Options& options, const Config& config, const Daemon::ConfigLoader& reload) {
    const sim::Scenario scenario = scenarioFor(options);
    const RunDir runDir;
    const std::filesystem::path logFile = routeLogs(options, runDir);

    sandbox::XenstoredOptions xenstoredOptions;
    xenstoredOptions.parentDir = runDir.path();
    sandbox::XenstoredProcess xenstored(xenstoredOptions);
    xenstored.exportToThisProcess();  // every client below connects to this private xenstored
    auto simXs = xen::XenStoreClient::open();
    auto daemonXs = xen::XenStoreClient::open();
    sim::Simulation simulation(scenario, *simXs);

    EventLoop loop;
    Daemon service(loop, *daemonXs, simulation.host(), config, reload);
    service.start();
    // Qubes' client protocol, when the configuration asks for it (the socket stays the user's).
    const auto qmemman = serveQmemman(service, config, SocketOwnership::Caller);

    // The API on a bus of the sandbox's own (or the one given), so balloonctl works against it.
    std::optional<sandbox::PrivateBus> privateBus;
    std::unique_ptr<BusService> bus;
    std::string busLine;
    if (!options.noBus) {
        std::string address;
        if (options.busAddress) {
            address = *options.busAddress;
        } else {
            sandbox::PrivateBusOptions busOptions;
            busOptions.parentDir = runDir.path();
            busOptions.endsWithSpawner = true;  // started by the main thread, which owns it
            privateBus.emplace(busOptions);
            address = privateBus->address();
        }
        bus = std::make_unique<BusService>(service, BusOptions{address, config.dbus.adminGroup});
        busLine = "\nIn another terminal: export BALLOONCTL_BUS_ADDRESS='" + address +
                  "'\nthen: balloonctl list, and balloonctl explain NAME for the full reason";
    }

    const auto step = scenario.step;
    loop.addTimer(step, step, [&] {
        simulation.step(step);
        if (simulation.now() >= scenario.duration) {
            loop.stop();
        }
    });
    if (options.runFor) {
        loop.addTimer(*options.runFor, *options.runFor, [&] { loop.stop(); });
    }
    LiveView view(stdout, scenario.name.empty() ? "default" : scenario.name);
    const std::string footer = "Ctrl-C stops.   Run dir: " + runDir.path().string() +
                               (logFile.empty() ? std::string() : "\nLog: " + logFile.string()) +
                               busLine;
    // In place once a second on a terminal; a block every ten seconds into a file or a pipe.
    const auto redraw = std::chrono::seconds(view.terminal() ? 1 : 10);
    // The first frame after a second: the footer (the bus address) is there to copy at once.
    loop.addTimer(std::chrono::seconds(1), redraw,
                  [&] { view.draw(service.balancer(), simulation, footer); });
    loop.run();
    view.close(service.balancer(), simulation);
    std::printf("sandbox stopped after %s: %llu rounds, %llu target writes%s\n",
                formatClock(simulation.now()).c_str(),
                static_cast<unsigned long long>(service.balancer().stats().rounds),
                static_cast<unsigned long long>(service.balancer().stats().targetWrites),
                logFile.empty() ? "" : ("; log kept in " + logFile.string()).c_str());
    return 0;
}

}  // namespace balloon::daemon
