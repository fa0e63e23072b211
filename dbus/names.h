// The names of balloond's D-Bus API, in one place for the daemon, balloonctl and the tests. The
// introspection XML (org.balloond.Balloon1.xml) is the contract; these must match it.
#pragma once

#include <string>
#include <string_view>

#include "domid.h"

namespace balloon::dbus {

inline constexpr std::string_view kBusName = "org.balloond.Balloon1";
inline constexpr std::string_view kManagerPath = "/org/balloond/Balloon1";
inline constexpr std::string_view kManagerInterface = "org.balloond.Balloon1.Manager";
inline constexpr std::string_view kDomainInterface = "org.balloond.Balloon1.Domain";
inline constexpr std::string_view kDomainPathPrefix = "/org/balloond/Balloon1/domain/";

// "/org/balloond/Balloon1/domain/3"
inline std::string domainObjectPath(DomId domid) {
    return std::string(kDomainPathPrefix) + std::to_string(domid);
}

}  // namespace balloon::dbus
