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

std::string_view policyName(PolicyKind kind) {
    switch (kind) {
        case PolicyKind::Off:
            return "off";
        case PolicyKind::Proportional:
            return "proportional";
        case PolicyKind::Demand:
            return "demand";
    }
    return "demand";
}

PolicyKind parsePolicy(std::string_view text) {
    for (PolicyKind kind : {PolicyKind::Off, PolicyKind::Proportional, PolicyKind::Demand}) {
        if (policyName(kind) == text) {
            return kind;
        }
    }
    throw Error(Errc::InvalidArgument, "unknown policy \"" + std::string(text.substr(0, 64)) +
                                           "\": use off, proportional or demand");
}

std::string_view changeName(Change change) {
    switch (change) {
        case Change::None:
            return "none";
        case Change::Shrink:
            return "shrink";
        case Change::Grow:
            return "grow";
    }
    return "none";
}

std::string_view domainTypeName(DomainType type) {
    switch (type) {
        case DomainType::Pv:
            return "pv";
        case DomainType::Pvh:
            return "pvh";
        case DomainType::Hvm:
            return "hvm";
    }
    return "pv";
}

}  // namespace balloon::daemon
