#include "kernel_stats.h"

#include <array>
#include <charconv>
#include <stdexcept>
#include <string>
#include <system_error>

#include "stats_codec.h"
#include "sys_files.h"
#include "untrusted_text.h"

namespace balloon::guest {
namespace {

// Calls fn(line) for each line of text.
template <class Fn>
void forEachLine(std::string_view text, Fn&& fn) {
    while (!text.empty()) {
        const auto end = text.find('\n');
        fn(text.substr(0, end));
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    }
}

std::string_view trimLeft(std::string_view s) {
    while (!s.empty() && s.front() == ' ') {
        s.remove_prefix(1);
    }
    return s;
}

std::uint64_t number(std::string_view file, std::string_view line, std::string_view digits) {
    std::string why;
    const auto value = parseBoundedDecimal(digits, UINT64_MAX, why);
    if (!value) {
        throw std::runtime_error(std::string(file) + ": " + why + " in line " +
                                 quoteUntrusted(line, 48));
    }
    return *value;
}

}  // namespace

KiB KernelStats::used() const {
    const Meminfo& m = meminfo;
    if (m.available) {
        return m.total - *m.available;
    }
    return m.total - m.free - m.buffers - m.cached;
}

Meminfo parseMeminfo(std::string_view text) {
    constexpr std::string_view kFile = "/proc/meminfo";
    constexpr std::array<std::string_view, 10> kKeys{
        "MemTotal",  "MemFree",  "MemAvailable", "Buffers",     "Cached",
        "SwapTotal", "SwapFree", "SUnreclaim",   "KernelStack", "PageTables"};
    std::array<std::optional<KiB>, kKeys.size()> found{};
    forEachLine(text, [&](std::string_view line) {
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) {
            return;
        }
        const std::string_view key = line.substr(0, colon);
        for (std::size_t i = 0; i < kKeys.size(); ++i) {
            if (kKeys[i] != key) {
                continue;
            }
            std::string_view value = trimLeft(line.substr(colon + 1));
            if (value.ends_with(" kB")) {
                value.remove_suffix(3);
            }
            found[i] = KiB{number(kFile, line, value)};
        }
    });
    for (const std::size_t required : {0, 1}) {
        if (!found[required]) {
            throw std::runtime_error(std::string(kFile) + " has no " +
                                     std::string(kKeys[required]) + " line");
        }
    }
    const auto get = [&](std::size_t i) { return found[i].value_or(KiB{0}); };
    return Meminfo{get(0), get(1), found[2], get(3), get(4),
                   get(5), get(6), get(7),   get(8), get(9)};
}

VmCounters parseVmstat(std::string_view text) {
    constexpr std::string_view kFile = "/proc/vmstat";
    VmCounters counters;
    std::uint64_t refaults = 0;
    bool anyRefault = false;
    forEachLine(text, [&](std::string_view line) {
        const auto space = line.find(' ');
        if (space == std::string_view::npos) {
            return;
        }
        const std::string_view key = line.substr(0, space);
        const std::string_view value = line.substr(space + 1);
        if (key == "pswpin") {
            counters.swapInPages = number(kFile, line, value);
        } else if (key == "pswpout") {
            counters.swapOutPages = number(kFile, line, value);
        } else if (key == "pgmajfault") {
            counters.majorFaults = number(kFile, line, value);
        } else if (key == "workingset_refault" || key == "workingset_refault_anon" ||
                   key == "workingset_refault_file") {
            const std::uint64_t n = number(kFile, line, value);
            refaults = n > UINT64_MAX - refaults ? UINT64_MAX : refaults + n;
            anyRefault = true;
        }
    });
    if (anyRefault) {
        counters.refaults = refaults;
    }
    return counters;
}

std::optional<std::uint32_t> parsePressure(std::string_view text) {
    constexpr std::string_view kFile = "/proc/pressure/memory";
    std::optional<std::uint32_t> result;
    forEachLine(text, [&](std::string_view line) {
        if (!line.starts_with("some ")) {
            return;
        }
        constexpr std::string_view kField = "avg10=";
        const auto at = line.find(kField);
        if (at == std::string_view::npos) {
            throw std::runtime_error(std::string(kFile) + ": no avg10 in " +
                                     quoteUntrusted(line, 48));
        }
        std::string_view value = line.substr(at + kField.size());
        value = value.substr(0, value.find(' '));
        // "12.34": the kernel prints exactly two decimals.
        const auto dot = value.find('.');
        if (dot == std::string_view::npos || value.size() - dot != 3) {
            throw std::runtime_error(std::string(kFile) + ": avg10 is not NN.NN in " +
                                     quoteUntrusted(line, 48));
        }
        const std::uint64_t whole = number(kFile, line, value.substr(0, dot));
        const char tens = value[dot + 1];
        const char ones = value[dot + 2];
        if (tens < '0' || tens > '9' || ones < '0' || ones > '9') {
            throw std::runtime_error(std::string(kFile) + ": avg10 is not NN.NN in " +
                                     quoteUntrusted(line, 48));
        }
        const std::uint64_t hundredths =
            static_cast<std::uint64_t>(tens - '0') * 10 + static_cast<std::uint64_t>(ones - '0');
        const std::uint64_t total = whole * 100 + hundredths;
        if (whole > 100 || total > kMaxPsi) {
            throw std::runtime_error(std::string(kFile) + ": avg10 above 100% in " +
                                     quoteUntrusted(line, 48));
        }
        result = static_cast<std::uint32_t>(total);
    });
    return result;
}

KernelStats readKernelStats(const std::filesystem::path& root) {
    KernelStats stats;
    stats.meminfo = parseMeminfo(
        chomp(readRequiredSysFile(underRoot(root, "/proc/meminfo"), "is /proc mounted?")));
    if (const auto vmstat = readSysFile(underRoot(root, "/proc/vmstat"))) {
        stats.counters = parseVmstat(*vmstat);
    }
    std::optional<std::string> pressure;
    try {
        pressure = readSysFile(underRoot(root, "/proc/pressure/memory"));
    } catch (const std::system_error&) {
        // A kernel booted with psi=0 refuses to open the file (EOPNOTSUPP): no PSI then.
    }
    if (pressure) {
        stats.psiSomeAvg10 = parsePressure(*pressure);
    }
    return stats;
}

}  // namespace balloon::guest
