#include "proc_stats.h"

#include <charconv>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>

#include <sys/resource.h>
#include <unistd.h>

namespace balloon::bench {
namespace {

std::optional<std::uint64_t> statusField(pid_t pid, std::string_view field) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (!line.starts_with(field) || line.size() <= field.size() || line[field.size()] != ':') {
            continue;
        }
        const auto first = line.find_first_of("0123456789", field.size());
        if (first == std::string::npos) {
            return std::nullopt;
        }
        std::uint64_t value = 0;
        const auto [end, error] =
            std::from_chars(line.data() + first, line.data() + line.size(), value);
        return error == std::errc{} ? std::optional(value) : std::nullopt;
    }
    return std::nullopt;
}

double seconds(const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

}  // namespace

std::optional<KiB> statusKiB(pid_t pid, std::string_view field) {
    const auto value = statusField(pid, field);
    return value ? std::optional(KiB{*value}) : std::nullopt;
}

std::optional<std::uint64_t> statusCount(pid_t pid, std::string_view field) {
    return statusField(pid, field);
}

double threadCpuSeconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

double processCpuSeconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::optional<double> processCpuSeconds(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line)) {
        return std::nullopt;
    }
    // The command name (field 2) may hold spaces: count the fields after its closing ')'.
    const auto close = line.rfind(')');
    if (close == std::string::npos) {
        return std::nullopt;
    }
    std::istringstream fields(line.substr(close + 1));
    std::string field;
    // Fields 3 to 13 come before utime (14) and stime (15).
    constexpr int kBeforeUtime = 11;
    for (int i = 0; i < kBeforeUtime; ++i) {
        fields >> field;
    }
    std::uint64_t utime = 0;
    std::uint64_t stime = 0;
    if (!(fields >> utime >> stime)) {
        return std::nullopt;
    }
    const auto ticks = sysconf(_SC_CLK_TCK);
    return ticks > 0
               ? std::optional(static_cast<double>(utime + stime) / static_cast<double>(ticks))
               : std::nullopt;
}

std::string loadAverage() {
    std::ifstream in("/proc/loadavg");
    std::string one;
    std::string five;
    std::string fifteen;
    if (!(in >> one >> five >> fifteen)) {
        return "";
    }
    return one + ' ' + five + ' ' + fifteen;
}

}  // namespace balloon::bench
