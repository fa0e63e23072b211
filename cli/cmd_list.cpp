// list and status: reading the domain objects (GetManagedObjects), open to every local user.
#include <iostream>

#include "command.h"
#include "format.h"
#include "json_output.h"

namespace balloon::cli {

Runner defineList(CLI::App& command) {
    auto json = std::make_shared<bool>(false);
    addJsonFlag(command, *json);
    return [json](Context& context) -> int {
        Client& client = context.client();
        const auto domains = client.domains();
        if (*json) {
            std::cout << listJson(client.host(), domains);
        } else {
            std::cout << domainTable(domains);
        }
        return cmdline::kExitOk;
    };
}

Runner defineStatus(CLI::App& command) {
    auto args = addDomainQuery(command);
    return [args](Context& context) -> int {
        const DomainView d = context.client().domain(args->domain);
        std::cout << (args->json ? domainJson(d) : domainDetails(d));
        return cmdline::kExitOk;
    };
}

}  // namespace balloon::cli
