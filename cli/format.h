// How balloonctl prints: xl-style tables in MiB, exact sizes for messages, JSON for scripts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "client.h"

namespace balloon::cli {

// Whole MiB, rounded down, as `xl list` prints memory.
std::string mibColumn(std::uint64_t kib);
// "512M", "1536M", "4097K": exact (core/size.h formatSize).
std::string exactSize(std::uint64_t kib);
// "1.5G": for people (core/size.h formatSizeHuman).
std::string humanSize(std::uint64_t kib);

// "auto", "pinned" or "excluded".
std::string_view modeOf(const DomainView& d);

// The `list` table: Name, ID, Target, Actual, Min, Max (MiB, like xl), State, Mode.
std::string domainTable(const std::vector<DomainView>& domains);
// One line about the host for `list` and `watch`.
std::string hostLine(const HostView& host);
// `list --json`: {"host": {...}, "domains": [...]}, every size in KiB.
std::string listJson(const HostView& host, const std::vector<DomainView>& domains);
// A JSON string literal.
std::string jsonString(std::string_view text);

}  // namespace balloon::cli
