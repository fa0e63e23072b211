// libFuzzer target: DOMAIN arguments as balloond's D-Bus methods and balloonctl resolve them
// (dbus/domain_match.h). The input is split at NULs: the first part is the argument, the others
// are the names of the managed domains (domids 1, 2, ...; uuids derived from the domid), so the
// fuzzer controls both sides. balloon::Error with InvalidArgument or NoSuchDomain is the expected
// refusal; a match must be a listed domain, and an exact name always wins.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "domain_match.h"
#include "error.h"

namespace {

constexpr std::size_t kMaxDomains = 16;

std::string uuidFor(unsigned domid) {
    char text[40];
    std::snprintf(text, sizeof text, "%08X-0000-4000-8000-%012x", domid, domid);
    return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    const std::size_t nul = rest.find('\0');
    const std::string_view argument = rest.substr(0, nul);
    rest.remove_prefix(nul == std::string_view::npos ? rest.size() : nul + 1);

    std::vector<balloon::dbus::DomainIdentity> domains;
    domains.push_back({0, "Domain-0", "00000000-0000-0000-0000-000000000000"});
    while (!rest.empty() && domains.size() < kMaxDomains) {
        const std::size_t end = rest.find('\0');
        const auto domid = static_cast<balloon::DomId>(domains.size());
        domains.push_back({domid, std::string(rest.substr(0, end)), uuidFor(domid)});
        rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    }

    try {
        const balloon::DomId found = balloon::dbus::matchDomain(argument, domains);
        if (found >= domains.size()) {
            __builtin_trap();
        }
        for (const auto& d : domains) {
            if (d.name == argument) {
                if (found != d.domid) {
                    __builtin_trap();
                }
                break;
            }
        }
    } catch (const balloon::Error& e) {
        if (e.code() != balloon::Errc::InvalidArgument && e.code() != balloon::Errc::NoSuchDomain) {
            __builtin_trap();
        }
    }
    return 0;
}
