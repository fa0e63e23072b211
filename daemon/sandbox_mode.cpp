#include "sandbox_mode.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

#include <unistd.h>

#include "daemon.h"
#include "dbus_service.h"
#include "live_view.h"
#include "private_bus.h"
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

// On a terminal the live view owns the screen, so the log goes to a file next to it.
std::filesystem::path routeLogs(const Options& options) {
    if (isatty(fileno(stdout)) == 0) {
        log::initLogging(options.logLevel);
        return {};
    }
    const char* tmp = std::getenv("TMPDIR");
    std::filesystem::path file =
        std::filesystem::path(tmp != nullptr ? tmp : "/tmp") / "balloond-sandbox.log";
    auto out = std::make_shared<std::ofstream>(file, std::ios::trunc);
    log::initLogging(options.logLevel, log::LogStyle::Plain, out);
    return file;
}

}  // namespace

int runSandbox(const Options& options, const Config& config, const Daemon::ConfigLoader& reload) {
    const sim::Scenario scenario = scenarioFor(options);
    const std::filesystem::path logFile = routeLogs(options);

    sandbox::XenstoredProcess xenstored;
    xenstored.exportToThisProcess();  // every client below connects to this private xenstored
    auto simXs = xen::XenStoreClient::open();
    auto daemonXs = xen::XenStoreClient::open();
    sim::Simulation simulation(scenario, *simXs);

    EventLoop loop;
    Daemon service(loop, *daemonXs, simulation.host(), config, reload);
    service.start();

    // The API on a bus of the sandbox's own (or the one given), so balloonctl works against it.
    std::optional<sandbox::PrivateBus> privateBus;
    std::unique_ptr<BusService> bus;
    std::string busLine;
    if (!options.noBus) {
        std::string address;
        if (options.busAddress) {
            address = *options.busAddress;
        } else {
            privateBus.emplace();
            address = privateBus->address();
        }
        bus = std::make_unique<BusService>(service, BusOptions{address, config.dbus.adminGroup});
        busLine = "\nballoonctl: BALLOONCTL_BUS_ADDRESS='" + address + "' balloonctl list";
    }

    const auto step = scenario.step;
    loop.addTimer(step, step, [&] {
        simulation.step(step);
        if (simulation.now() >= scenario.duration) {
            loop.stop();
        }
    });
    LiveView view(stdout, scenario.name.empty() ? "default" : scenario.name);
    const std::string footer = "xenstored: " + xenstored.socketPath().string() +
                               (logFile.empty() ? std::string() : "   log: " + logFile.string()) +
                               "   Ctrl-C stops" + busLine;
    // In place once a second on a terminal; a block every ten seconds into a file or a pipe.
    const auto redraw = std::chrono::seconds(isatty(fileno(stdout)) != 0 ? 1 : 10);
    loop.addTimer(redraw, redraw, [&] { view.draw(service.balancer(), simulation, footer); });
    loop.run();
    view.draw(service.balancer(), simulation, "sandbox stopped");
    return 0;
}

}  // namespace balloon::daemon
