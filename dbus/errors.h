// balloon::Errc <-> D-Bus error names ("org.balloond.Balloon1.Error.AboveStaticMax"), the one
// mapping the daemon (throwing) and balloonctl (catching) share.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <sdbus-c++/Error.h>

#include "error.h"

namespace balloon::dbus {

inline constexpr std::string_view kErrorPrefix = "org.balloond.Balloon1.Error.";

// "org.balloond.Balloon1.Error.<errcName>"
std::string errorName(Errc code);
// The code behind one of our error names; nullopt for any other name (the bus's own errors).
std::optional<Errc> errcFromErrorName(std::string_view name);

// What a method handler sends back for a balloon::Error.
sdbus::Error toDbusError(const Error& error);
sdbus::Error toDbusError(Errc code, const std::string& message);

}  // namespace balloon::dbus
