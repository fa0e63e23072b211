#include "dbus_lookup.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

#include "error.h"

namespace balloon::daemon {
namespace {

// "3" or "dom3": a domid below the reserved range.
std::optional<DomId> parseDomId(std::string_view text) {
    if (text.starts_with("dom")) {
        text.remove_prefix(3);
    }
    // Digits only: from_chars would accept nothing else anyway, but "+3" and " 3" must not pass.
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
    return a.size() == b.size() && !a.empty() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace

DomId resolveDomain(DomainRegistry& registry, std::string_view text) {
    if (text.empty()) {
        throw Error(Errc::InvalidArgument,
                    "no domain given: name a domain by name, domid (3 or dom3) or uuid");
    }
    if (text.size() > kMaxDomainArgument) {
        throw Error(Errc::InvalidArgument, "domain argument longer than " +
                                               std::to_string(kMaxDomainArgument) +
                                               " characters: name a domain by name, domid or uuid");
    }
    auto& records = registry.records();
    // A name wins: a domain may well be called "3" or "dom7".
    for (const auto& [domid, record] : records) {
        if (record.name == text) {
            return domid;
        }
    }
    if (const auto domid = parseDomId(text); domid && records.contains(*domid)) {
        return *domid;
    }
    for (const auto& [domid, record] : records) {
        if (sameUuid(record.uuid, text)) {
            return domid;
        }
    }
    throw Error(Errc::NoSuchDomain, "no domain named \"" + std::string(text) +
                                        "\" (by name, domid or uuid) is managed by balloond; "
                                        "`balloonctl list` shows the domains it knows");
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
