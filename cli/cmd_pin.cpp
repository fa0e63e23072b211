// pin and auto: whether the policy may move a domain.
#include <iostream>

#include "command.h"

namespace balloon::cli {

Runner definePin(CLI::App& command) {
    auto domain = std::make_shared<std::string>();
    addDomainArgument(command, *domain);
    return [domain](Context& context) -> int {
        context.client().manager().Pin(*domain);
        std::cout << *domain << ": pinned at its current target\n";
        return cmdline::kExitOk;
    };
}

Runner defineAuto(CLI::App& command) {
    auto domain = std::make_shared<std::string>();
    addDomainArgument(command, *domain);
    return [domain](Context& context) -> int {
        context.client().manager().Release(*domain);
        std::cout << *domain << ": back to the policy\n";
        return cmdline::kExitOk;
    };
}

}  // namespace balloon::cli
