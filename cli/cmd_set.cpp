// set and max: the two xl-style size changes. `set --wait` then waits (in balloond, through
// WaitForTarget) until the guest has followed, and says what it reached.
#include <iostream>

#include "command.h"
#include "format.h"

namespace balloon::cli {
namespace {

constexpr std::chrono::seconds kDefaultWait{60};

}  // namespace

int runSet(Context& context, std::vector<std::string> words) {
    Args args(std::move(words), {});
    const std::string domain = args.positional("DOMAIN");
    const std::string size = args.positional("SIZE");
    bool wait = false;
    const auto waitValue = args.option("wait", &wait);
    args.finish();
    const auto timeout =
        waitValue ? parseTimeout(*waitValue, "wait") : std::chrono::milliseconds(kDefaultWait);

    Client& client = context.client();
    const std::uint64_t target = client.manager().SetTarget(domain, size);
    std::cout << domain << ": target " << exactSize(target) << " (pinned; `balloonctl auto "
              << domain << "` hands it back to the policy)\n";
    if (!wait) {
        return kExitOk;
    }
    client.allowCallsOf(timeout);
    const auto [actual, state] =
        client.manager().WaitForTarget(domain, static_cast<uint32_t>(timeout.count()));
    std::cout << domain << ": reached " << exactSize(actual) << " (" << state << ")\n";
    return kExitOk;
}

int runMax(Context& context, std::vector<std::string> words) {
    Args args(std::move(words), {});
    const std::string domain = args.positional("DOMAIN");
    const std::string size = args.positional("SIZE");
    args.finish();
    const std::uint64_t max = context.client().manager().SetMax(domain, size);
    std::cout << domain << ": max " << exactSize(max) << "\n";
    return kExitOk;
}

}  // namespace balloon::cli
