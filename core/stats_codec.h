// The guest statistics codec: our own report key (data/balloon-report) and the foreign formats
// dom0 also understands (Qubes memory/meminfo, XenServer data/meminfo_*). One codec serves the
// guest side, the simulated host and the daemon, so what one writes the other reads.
// The grammar is documented in docs/xenstore-paths.md. Pure: no I/O, no Xen headers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "guest_report.h"

namespace balloon {

// The Xenstore key our guest side writes, relative to the domain's path.
inline constexpr std::string_view kReportKey = "data/balloon-report";
inline constexpr std::string_view kQubesMeminfoKey = "memory/meminfo";
inline constexpr std::string_view kXenServerTotalKey = "data/meminfo_total";
inline constexpr std::string_view kXenServerFreeKey = "data/meminfo_free";

// A report never exceeds this (Xenstore values may be 4 KiB; a guest must not make dom0 read
// more than it needs).
inline constexpr std::size_t kMaxReportBytes = 512;
// No KiB value or counter above 2^40 (1 PiB of memory, or 2^40 events) is plausible.
inline constexpr std::uint64_t kMaxReportValue = std::uint64_t{1} << 40;
// Sequence numbers and timestamps get more room, but stay far from wrapping.
inline constexpr std::uint64_t kMaxSequence = std::uint64_t{1} << 62;
// PSI "some avg10" in hundredths of a percent.
inline constexpr std::uint32_t kMaxPsi = 10000;

// A decoded report, or why the input was refused. The error names the key and the rule broken;
// it never echoes more than a short, escaped excerpt of what the guest wrote.
struct DecodeResult {
    std::optional<GuestReport> report;
    std::string error;

    explicit operator bool() const { return report.has_value(); }
};

// Empty when the report obeys every rule decodeReport() enforces; otherwise the first broken rule.
std::string validateReport(const GuestReport& report);

// The v1 text of a report. Throws std::invalid_argument (with validateReport's message) for a
// report the decoder would refuse, so no writer can publish what dom0 rejects.
std::string encodeReport(const GuestReport& report);

// Strict parse of data/balloon-report: known version, fixed key set, each key at most once,
// canonical decimal digits within bounds, consistent values, at most kMaxReportBytes.
DecodeResult decodeReport(std::string_view text);

// Qubes meminfo-writer's memory/meminfo: the guest's used KiB, digits only. Only `used` is
// known: `total` is left 0 (unknown) and the caller takes the allocation from the hypervisor.
DecodeResult parseQubesMeminfo(std::string_view text);

// XenServer/XCP-ng guest agents: data/meminfo_total and data/meminfo_free, both KiB.
DecodeResult parseXenServerMeminfo(std::string_view total, std::string_view free);

// Parses a canonical unsigned decimal (no sign, no spaces, no leading zeros) not above bound.
// On failure returns nullopt and sets why to a short reason.
std::optional<std::uint64_t> parseBoundedDecimal(std::string_view text, std::uint64_t bound,
                                                 std::string& why);

}  // namespace balloon
