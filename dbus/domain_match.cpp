#include "domain_match.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include <boost/algorithm/string/predicate.hpp>

#include "error.h"

namespace balloon::dbus {
namespace {

// "3" or "dom3": a domid below the reserved range.
std::optional<DomId> parseDomId(std::string_view text) {
    if (text.starts_with("dom")) {
        text.remove_prefix(3);
    }
    // Digits only: "+3", " 3" and "3x" are not domids.
    if (text.empty() || text.size() > 5 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    unsigned value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    if (value >= kFirstReservedDomId) {
        return std::nullopt;
    }
    return static_cast<DomId>(value);
}

bool sameUuid(std::string_view a, std::string_view b) {
    return !a.empty() && boost::algorithm::iequals(a, b);
}

}  // namespace

DomId matchDomain(std::string_view text, std::span<const DomainIdentity> domains) {
    if (text.empty()) {
        throw Error(Errc::InvalidArgument,
                    "no domain given: name a domain by name, domid (3 or dom3) or uuid");
    }
    if (text.size() > kMaxDomainArgument) {
        throw Error(Errc::InvalidArgument, "domain argument longer than " +
                                               std::to_string(kMaxDomainArgument) +
                                               " characters: name a domain by name, domid or uuid");
    }
    // A name wins: a domain may well be called "3" or "dom7".
    for (const auto& d : domains) {
        if (d.name == text) {
            return d.domid;
        }
    }
    if (const auto domid = parseDomId(text)) {
        for (const auto& d : domains) {
            if (d.domid == *domid) {
                return d.domid;
            }
        }
    }
    for (const auto& d : domains) {
        if (sameUuid(d.uuid, text)) {
            return d.domid;
        }
    }
    throw Error(Errc::NoSuchDomain, "no domain named \"" + std::string(text) +
                                        "\" (by name, domid or uuid) is managed by balloond; "
                                        "`balloonctl list` shows the domains it knows");
}

}  // namespace balloon::dbus
