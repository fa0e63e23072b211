// Xen domain ids. domid_t is 16 bits in Xen; kept as its own name so signatures say what they take.
#pragma once

#include <cstdint>

namespace balloon {

using DomId = std::uint16_t;

inline constexpr DomId kDom0 = 0;
// Ids at or above DOMID_FIRST_RESERVED (0x7FF0) are special (DOMID_SELF, DOMID_IO, ...).
inline constexpr DomId kFirstReservedDomId = 0x7FF0;

}  // namespace balloon
