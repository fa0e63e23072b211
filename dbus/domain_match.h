// What a DOMAIN argument names: a domain name, a domid ("3" or "dom3") or a uuid, a name winning
// over a domid-looking string. One rule for the daemon (resolving method arguments) and
// balloonctl (picking a domain out of GetManagedObjects).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "domid.h"

namespace balloon::dbus {

// Longest DOMAIN argument considered; longer text is refused unread.
inline constexpr std::size_t kMaxDomainArgument = 256;

struct DomainIdentity {
    DomId domid = 0;
    std::string name;
    std::string uuid;
};

// Throws balloon::Error: InvalidArgument (empty or overlong), NoSuchDomain (no match).
DomId matchDomain(std::string_view text, std::span<const DomainIdentity> domains);

}  // namespace balloon::dbus
