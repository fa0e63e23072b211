// Xen domain ids. domid_t is 16 bits in Xen; kept as its own name so signatures say what they take.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace balloon {

using DomId = std::uint16_t;

inline constexpr DomId kDom0 = 0;
// Ids at or above DOMID_FIRST_RESERVED (0x7FF0) are special (DOMID_SELF, DOMID_IO, ...).
inline constexpr DomId kFirstReservedDomId = 0x7FF0;

// How messages name a domain: "dom3 (web1)", or "dom3" when it has no name.
inline std::string domainLabel(DomId domid, std::string_view name) {
    std::string label = "dom" + std::to_string(domid);
    if (!name.empty()) {
        label.append(" (").append(name).append(")");
    }
    return label;
}

}  // namespace balloon
