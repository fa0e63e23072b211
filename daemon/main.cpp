// balloond: the dom0 memory balancer. Everything of substance lives in daemon_lib; main picks the
// ports (real Xen, or the sandbox's simulated host), loads the configuration and runs the loop.
#include <exception>
#include <filesystem>
#include <iostream>
#include <memory>

#include <sdbus-c++/Error.h>

#include "config.h"
#include "daemon.h"
#include "dbus_auth.h"
#include "dbus_service.h"
#include "event_loop.h"
#include "exit_status.h"
#include "log.h"
#include "options.h"
#include "qmemman_server.h"
#include "sandbox_mode.h"
#include "xenctrl_hypervisor.h"
#include "xenstore_client.h"

namespace {

balloon::Config loadConfigOrDefaults(const std::string& path) {
    if (!std::filesystem::exists(path)) {
        return {};
    }
    auto parsed = balloon::loadConfig(path);
    for (const auto& warning : parsed.warnings) {
        BLOG(warning) << warning;
    }
    // Groups are looked up here, at start and on every SIGHUP: a group created since counts.
    balloon::daemon::requireAdminGroup(parsed.config.dbus);
    return parsed.config;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace balloon;
    const auto parsed = daemon::parseOptions(argc, argv);
    if (parsed.exitNow) {
        return *parsed.exitNow;
    }
    const daemon::Options& options = parsed.options;
    try {
        log::initLogging(options.logLevel);
        const Config config = loadConfigOrDefaults(options.configPath);
        const auto reload = [&] { return loadConfigOrDefaults(options.configPath); };
        if (options.sandboxScenario) {
            return daemon::runSandbox(options, config, reload);
        }
        auto hypervisor = xen::XenctrlHypervisor::open();
        auto xenstore = xen::XenStoreClient::open();
        daemon::EventLoop loop;
        daemon::Daemon service(loop, *xenstore, *hypervisor, config, reload);
        service.start();
        const auto qmemman =
            daemon::serveQmemman(service, config, daemon::SocketOwnership::Configured);
        // The D-Bus API, on the daemon's own loop: the system bus unless told otherwise.
        std::unique_ptr<daemon::BusService> bus;
        if (!options.noBus) {
            bus = std::make_unique<daemon::BusService>(
                service, daemon::BusOptions{options.busAddress, config.dbus.adminGroup});
        }
        BLOG(notice) << "balloond started: " << service.balancer().registry().records().size()
                     << " domains";
        loop.run();
        return cmdline::kExitOk;
    } catch (const xen::XenStoreError& e) {
        std::cerr << "balloond: " << e.what() << '\n';
        return cmdline::kExitUnreachable;
    } catch (const xen::HypervisorError& e) {
        std::cerr << "balloond: " << e.what() << '\n';
        return cmdline::kExitUnreachable;
    } catch (const sdbus::Error& e) {
        std::cerr << "balloond: " << e.getMessage() << " (" << e.getName() << ")\n";
        return cmdline::kExitUnreachable;
    } catch (const std::exception& e) {
        std::cerr << "balloond: " << e.what() << '\n';
        return cmdline::kExitRefused;
    }
}
