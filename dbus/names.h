// The names of balloond's D-Bus API, in one place for the daemon, balloonctl and the tests. The
// introspection XML (org.balloond.Balloon1.xml) is the contract: the interface and property names
// are generated from it (balloon1_property_names.h); the bus name and paths must match it.
#pragma once

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

}  // namespace balloon::dbus
