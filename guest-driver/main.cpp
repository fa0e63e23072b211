// balloon-guest: the guest side of balloond (see cli.h for the commands and exit codes).
#include <atomic>
#include <csignal>
#include <iostream>

#include "cli.h"
#include "exit_status.h"
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
    // --help and usage errors are answered before Xenstore is opened, so they work anywhere.
    const auto parsed = parseCli(argc, argv, std::cout, std::cerr);
    if (parsed.exitNow) {
        return *parsed.exitNow;
    }
    balloon::log::initLogging(balloon::log::Severity::Info);
    struct sigaction action {};
    action.sa_handler = requestStop;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
    try {
        const auto store = balloon::xen::XenStoreClient::open();
        LinuxBalloon backend(parsed.options.root);
        return runCommand(parsed.options, *store, backend, std::cout, std::cerr, stopRequested);
    } catch (const std::exception& e) {
        std::cerr << "balloon-guest: " << e.what()
                  << " (in a guest: is /dev/xen/xenbus there? in tests: XENSTORED_PATH)\n";
        return balloon::cmdline::kExitUnreachable;
    }
}
