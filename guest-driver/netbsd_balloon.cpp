#include "netbsd_balloon.h"

#include <array>
#include <optional>
#include <stdexcept>

#include "stats_codec.h"
#include "untrusted_text.h"

namespace balloon::guest {
namespace {

constexpr std::array<std::string_view, 2> kPrefixes{"machdep.xen.balloon.", "kern.xen.balloon."};
constexpr std::array<std::string_view, 4> kNames{"current", "min", "max", "target"};

[[noreturn]] void bad(const std::string& why) {
    throw std::runtime_error("sysctl machdep.xen.balloon output: " + why);
}

}  // namespace

NetbsdBalloonValues parseNetbsdSysctl(std::string_view output) {
    std::array<std::optional<KiB>, kNames.size()> found{};
    std::optional<std::string_view> prefixSeen;
    while (!output.empty()) {
        const auto end = output.find('\n');
        const std::string_view line = output.substr(0, end);
        output = end == std::string_view::npos ? std::string_view{} : output.substr(end + 1);
        if (line.empty()) {
            continue;
        }
        std::string_view rest;
        for (const auto prefix : kPrefixes) {
            if (line.starts_with(prefix)) {
                if (prefixSeen && *prefixSeen != prefix) {
                    bad("mixes machdep.xen.balloon and kern.xen.balloon");
                }
                prefixSeen = prefix;
                rest = line.substr(prefix.size());
            }
        }
        const auto sep = rest.find(" = ");
        if (!prefixSeen || rest.empty() || sep == std::string_view::npos) {
            bad("unexpected line " + quoteUntrusted(line, 48));
        }
        const std::string_view name = rest.substr(0, sep);
        std::size_t index = 0;
        while (index < kNames.size() && kNames[index] != name) {
            ++index;
        }
        if (index == kNames.size()) {
            bad("unknown node " + quoteUntrusted(name));
        }
        if (found[index]) {
            bad(std::string(name) + " given twice");
        }
        std::string why;
        const auto value = parseBoundedDecimal(rest.substr(sep + 3), kMaxReportValue, why);
        if (!value) {
            bad(std::string(name) + ": " + why);
        }
        found[index] = KiB{*value};
    }
    for (std::size_t i = 0; i < kNames.size(); ++i) {
        if (!found[i]) {
            bad("no " + std::string(kNames[i]) + " node");
        }
    }
    return {*found[0], *found[1], *found[2], *found[3]};
}

}  // namespace balloon::guest
