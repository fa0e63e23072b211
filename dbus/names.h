// The names of balloond's D-Bus API, in one place for the daemon, balloonctl and the tests. The
// introspection XML (org.balloond.Balloon1.xml) is the contract: the interface and property names
// are generated from it (balloon1_property_names.h); the bus name and paths must match it.
#pragma once

#include <charconv>
#include <optional>
#include <string>
#include <string_view>

#include "balloon1_property_names.h"
#include "domid.h"

namespace balloon::dbus {

inline constexpr std::string_view kBusName = "org.balloond.Balloon1";
inline constexpr std::string_view kManagerPath = "/org/balloond/Balloon1";
inline constexpr std::string_view kManagerInterface = properties::manager::kInterface;
inline constexpr std::string_view kDomainInterface = properties::domain::kInterface;
inline constexpr std::string_view kDomainPathPrefix = "/org/balloond/Balloon1/domain/";

// "/org/balloond/Balloon1/domain/3"
inline std::string domainObjectPath(DomId domid) {
    return std::string(kDomainPathPrefix) + std::to_string(domid);
}

// The domid a domain object's path names; nullopt for any other path.
inline std::optional<DomId> domidOfObjectPath(std::string_view path) {
    if (!path.starts_with(kDomainPathPrefix)) {
        return std::nullopt;
    }
    path.remove_prefix(kDomainPathPrefix.size());
    DomId domid = 0;
    const auto [end, error] = std::from_chars(path.data(), path.data() + path.size(), domid);
    if (path.empty() || error != std::errc() || end != path.data() + path.size()) {
        return std::nullopt;
    }
    return domid;
}

}  // namespace balloon::dbus
