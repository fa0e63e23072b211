// pin and auto: whether the policy may move a domain.
#include <iostream>

#include "command.h"

namespace balloon::cli {

int runPin(Context& context, std::vector<std::string> words) {
    Args args(std::move(words), {});
    const std::string domain = args.positional("DOMAIN");
    args.finish();
    context.client().manager().Pin(domain);
    std::cout << domain << ": pinned at its current target\n";
    return kExitOk;
}

int runAuto(Context& context, std::vector<std::string> words) {
    Args args(std::move(words), {});
    const std::string domain = args.positional("DOMAIN");
    args.finish();
    context.client().manager().Release(domain);
    std::cout << domain << ": back to the policy\n";
    return kExitOk;
}

}  // namespace balloon::cli
