// set and max: the two xl-style size changes. `set --wait` then waits (in balloond, through
// WaitForTarget) until the guest has followed, and says what it reached.
#include <iostream>

#include "command.h"
#include "format.h"
#include "option_types.h"
#include "program.h"

namespace balloon::cli {
namespace {

constexpr std::chrono::seconds kDefaultWait{60};

struct SizeArgs {
    std::string domain;
    std::string size;
};

// DOMAIN SIZE, the size checked here so that a typing mistake is a usage error before any call.
std::shared_ptr<SizeArgs> defineSizeArgs(CLI::App& command, RelativeSizes relative,
                                         const std::string& sizeHelp) {
    auto args = std::make_shared<SizeArgs>();
    addDomainArgument(command, args->domain);
    cmdline::addArgument(command, "SIZE", args->size, sizeHelp)
        ->check(cmdline::sizeCheck(relative));
    return args;
}

}  // namespace

Runner defineSet(CLI::App& command) {
    auto args = defineSizeArgs(command, RelativeSizes::Allowed,
                               "512M, 2G, 1.5G, 4096K (a bare number is MiB); +256M or -1G "
                               "moves the current target");
    auto wait = std::make_shared<std::string>();
    CLI::Option* waitOption =
        command
            .add_option("--wait", *wait,
                        "then wait until the guest reaches the target (default 60s)")
            ->expected(0, 1)
            ->type_name("[=TIMEOUT]")
            ->check(CLI::Validator(
                [](std::string& text) {
                    return text.empty() ? std::string() : cmdline::durationCheck()(text);
                },
                "", "TIMEOUT"));
    return [args, wait, waitOption](Context& context) -> int {
        Client& client = context.client();
        const std::uint64_t target = client.manager().SetTarget(args->domain, args->size);
        std::cout << args->domain << ": target " << exactSize(target)
                  << " (pinned; `balloonctl auto " << args->domain
                  << "` hands it back to the policy)\n";
        if (waitOption->count() == 0) {
            return cmdline::kExitOk;
        }
        const auto timeout = wait->empty() ? std::chrono::milliseconds(kDefaultWait)
                                           : cmdline::parseDurationArg(*wait);
        client.allowCallsOf(timeout);
        const auto [actual, state] =
            client.manager().WaitForTarget(args->domain, static_cast<uint32_t>(timeout.count()));
        std::cout << args->domain << ": reached " << exactSize(actual) << " (" << state << ")\n";
        return cmdline::kExitOk;
    };
}

Runner defineMax(CLI::App& command) {
    auto args = defineSizeArgs(command, RelativeSizes::Refused,
                               "the new static-max: 512M, 2G, 1.5G, 4096K (a bare number is MiB)");
    return [args](Context& context) -> int {
        const std::uint64_t max = context.client().manager().SetMax(args->domain, args->size);
        std::cout << args->domain << ": max " << exactSize(max) << "\n";
        return cmdline::kExitOk;
    };
}

}  // namespace balloon::cli
