// balloon-guest: the guest side of balloond (see cli.h for the commands and exit codes).
#include <atomic>
#include <csignal>
#include <iostream>

#include "cli.h"
#include "linux_balloon.h"
#include "log.h"
#include "xenstore_client.h"

namespace {

std::atomic<bool> stopRequested{false};

extern "C" void requestStop(int /*signal*/) {
    stopRequested.store(true);
}

}  // namespace

int main(int argc, char** argv) {
    using namespace balloon::guest;
    const auto options = parseCli(argc, argv, std::cerr);
    if (!options) {
        return kExitUsage;
    }
    if (options->command.empty()) {
        // --help: answered before Xenstore is opened, so it works anywhere.
        std::cout << usageText();
        return kExitOk;
    }
    balloon::log::initLogging(balloon::log::Severity::Info);
    struct sigaction action {};
    action.sa_handler = requestStop;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
    try {
        const auto store = balloon::xen::XenStoreClient::open();
        LinuxBalloon backend(options->root);
        return runCommand(*options, *store, backend, std::cout, std::cerr, projectLog(),
                          stopRequested);
    } catch (const std::exception& e) {
        std::cerr << "balloon-guest: " << e.what()
                  << " (in a guest: is /dev/xen/xenbus there? in tests: XENSTORED_PATH)\n";
        return kExitFailure;
    }
}
