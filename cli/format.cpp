#include "format.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "size.h"

namespace balloon::cli {

std::string mibColumn(std::uint64_t kib) {
    return std::to_string(kib / 1024);
}

std::string exactSize(std::uint64_t kib) {
    return formatSize(KiB{kib});
}

std::string humanSize(std::uint64_t kib) {
    return formatSizeHuman(KiB{kib});
}

std::string_view modeOf(const DomainView& d) {
    if (d.excluded) {
        return "excluded";
    }
    return d.pinned ? "pinned" : "auto";
}

std::string domainTable(const std::vector<DomainView>& domains) {
    std::size_t nameWidth = 4;
    for (const auto& d : domains) {
        nameWidth = std::max(nameWidth, d.name.size());
    }
    nameWidth = std::min<std::size_t>(nameWidth + 2, 40);
    std::ostringstream out;
    auto row = [&](std::string_view name, const std::string& id, const std::string& target,
                   const std::string& actual, const std::string& min, const std::string& max,
                   std::string_view state, std::string_view mode) {
        char line[256];
        std::snprintf(line, sizeof line, "%-*.*s %5s %8s %8s %8s %8s  %-13.*s %.*s\n",
                      static_cast<int>(nameWidth), static_cast<int>(nameWidth - 1), name.data(),
                      id.c_str(), target.c_str(), actual.c_str(), min.c_str(), max.c_str(),
                      static_cast<int>(state.size()), state.data(), static_cast<int>(mode.size()),
                      mode.data());
        out << line;
    };
    row("Name", "ID", "Target", "Actual", "Min", "Max", "State", "Mode");
    for (const auto& d : domains) {
        // Names come from guests' toolstacks: show printable ASCII only.
        std::string name = d.name.empty() ? "dom" + std::to_string(d.id) : d.name;
        std::replace_if(
            name.begin(), name.end(), [](char c) { return c < 0x20 || c > 0x7e; }, '?');
        row(name, std::to_string(d.id), mibColumn(d.targetKiB), mibColumn(d.actualKiB),
            mibColumn(d.minKiB), mibColumn(d.maxKiB), d.state, modeOf(d));
    }
    return out.str();
}

std::string hostLine(const HostView& h) {
    return "host: " + humanSize(h.totalKiB) + " total, " + humanSize(h.freeKiB) + " free, " +
           humanSize(h.reservedKiB) + " reserved, slush " + humanSize(h.slushKiB) + ", policy " +
           h.policy + ", " + std::to_string(h.rebalances) + " rebalances\n";
}

std::string jsonString(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", u);
            out += escaped;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

std::string listJson(const HostView& h, const std::vector<DomainView>& domains) {
    std::ostringstream out;
    out << "{\"host\": {\"total_kib\": " << h.totalKiB << ", \"free_kib\": " << h.freeKiB
        << ", \"slush_kib\": " << h.slushKiB << ", \"reserved_kib\": " << h.reservedKiB
        << ", \"policy\": " << jsonString(h.policy) << ", \"rebalances\": " << h.rebalances
        << "},\n \"domains\": [";
    for (std::size_t i = 0; i < domains.size(); ++i) {
        const DomainView& d = domains[i];
        out << (i == 0 ? "\n  " : ",\n  ") << "{\"id\": " << d.id
            << ", \"name\": " << jsonString(d.name) << ", \"uuid\": " << jsonString(d.uuid)
            << ", \"type\": " << jsonString(d.type) << ", \"target_kib\": " << d.targetKiB
            << ", \"actual_kib\": " << d.actualKiB << ", \"min_kib\": " << d.minKiB
            << ", \"max_kib\": " << d.maxKiB << ", \"static_max_kib\": " << d.staticMaxKiB
            << ", \"weight\": " << d.weight << ", \"pinned\": " << (d.pinned ? "true" : "false")
            << ", \"excluded\": " << (d.excluded ? "true" : "false")
            << ", \"state\": " << jsonString(d.state) << ", \"reason\": " << jsonString(d.reason)
            << ", \"report\": {\"source\": " << jsonString(d.reportSource)
            << ", \"age_s\": " << d.reportAgeSeconds << ", \"used_kib\": " << d.reportUsedKiB
            << ", \"available_kib\": " << d.reportAvailableKiB << "}}";
    }
    out << (domains.empty() ? "]}\n" : "\n ]}\n");
    return out.str();
}

}  // namespace balloon::cli
