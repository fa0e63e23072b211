// list and status: reading the domain objects (GetManagedObjects), open to every local user.
#include <iostream>

#include "command.h"
#include "format.h"

namespace balloon::cli {

int runList(Context& context, std::vector<std::string> words) {
    Args args(std::move(words), {});
    const bool json = args.flag("json");
    args.finish();
    Client& client = context.client();
    const HostView host = client.host();
    const auto domains = client.domains();
    if (json) {
        std::cout << listJson(host, domains);
    } else {
        std::cout << domainTable(domains);
    }
    return kExitOk;
}

int runStatus(Context& context, std::vector<std::string> words) {
    Args args(std::move(words), {});
    const std::string text = args.positional("DOMAIN");
    args.finish();
    const DomainView d = context.client().domain(text);
    auto size = [](std::uint64_t kib) {
        return humanSize(kib) + " (" + std::to_string(kib) + " KiB)";
    };
    std::cout << "name:        " << d.name << "\n"
              << "id:          " << d.id << "\n"
              << "uuid:        " << d.uuid << "\n"
              << "type:        " << d.type << "\n"
              << "target:      " << size(d.targetKiB) << "\n"
              << "actual:      " << size(d.actualKiB) << "\n"
              << "min:         " << size(d.minKiB) << "\n"
              << "max:         " << size(d.maxKiB) << "\n"
              << "static-max:  " << size(d.staticMaxKiB) << "\n"
              << "weight:      " << d.weight << "\n"
              << "mode:        " << modeOf(d) << "\n"
              << "state:       " << d.state << "\n"
              << "reason:      " << d.reason << "\n";
    if (d.reportSource.empty()) {
        std::cout << "report:      none\n";
    } else {
        std::cout << "report:      " << d.reportSource << ", " << d.reportAgeSeconds
                  << " s old, used " << humanSize(d.reportUsedKiB) << ", available "
                  << humanSize(d.reportAvailableKiB) << "\n";
    }
    return kExitOk;
}

}  // namespace balloon::cli
