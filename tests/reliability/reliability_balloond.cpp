// balloond as its own process for the fault tests: the real Daemon on its event loop, the real
// configuration reader and a real Xenstore connection (XENSTORED_PATH), with the hypervisor of
// the test's simulated host behind a socket (remote_hypervisor.h). No D-Bus: what is killed here
// is the balancing. Exits non-zero when it fails, as balloond does for systemd to restart it.
//   reliability-balloond <hypervisor socket> <config file>
#include <cstdlib>
#include <exception>
#include <iostream>

#include "config.h"
#include "daemon.h"
#include "event_loop.h"
#include "log.h"
#include "remote_hypervisor.h"
#include "xenstore_client.h"

int main(int argc, char** argv) {
    using namespace balloon;
    if (argc != 3) {
        std::cerr << "usage: reliability-balloond <hypervisor socket> <config file>\n";
        return 2;
    }
    try {
        log::initLogging(log::Severity::Info);
        const std::string configPath = argv[2];
        const auto load = [&] {
            auto parsed = loadConfig(configPath);
            for (const auto& warning : parsed.warnings) {
                BLOG(warning) << warning;
            }
            return parsed.config;
        };
        reliability::RemoteHypervisor hypervisor(argv[1]);
        auto xenstore = xen::XenStoreClient::open();
        daemon::EventLoop loop;
        daemon::Daemon service(loop, *xenstore, hypervisor, load(), load);
        service.start();
        BLOG(notice) << "balloond started: " << service.balancer().registry().records().size()
                     << " domains";
        loop.run();
        return EXIT_SUCCESS;
    } catch (const std::exception& e) {
        std::cerr << "balloond: " << e.what() << '\n';
        return EXIT_FAILURE;
    }
}
