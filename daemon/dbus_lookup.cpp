#include "dbus_lookup.h"

#include <vector>

#include "domain_match.h"
#include "error.h"

namespace balloon::daemon {

DomId resolveDomain(DomainRegistry& registry, std::string_view text) {
    std::vector<dbus::DomainIdentity> domains;
    domains.reserve(registry.records().size());
    for (const auto& [domid, record] : registry.records()) {
        domains.push_back({domid, record.name, record.uuid});
    }
    return dbus::matchDomain(text, domains);
}

PolicyKind parsePolicy(std::string_view text) {
    if (const auto kind = valueOf(kPolicyKindNames, text)) {
        return *kind;
    }
    throw Error(Errc::InvalidArgument, "unknown policy \"" + std::string(text.substr(0, 64)) +
                                           "\": use " + listNames(kPolicyKindNames));
}

}  // namespace balloon::daemon
