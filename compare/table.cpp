#include "table.h"

#include <charconv>
#include <ostream>
#include <string>

namespace balloon::compare {
namespace {

// Fixed decimals without the locale: the files are compared and diffed.
std::string fixed(double value, int decimals) {
    char buf[64];
    const auto end =
        std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, decimals).ptr;
    return std::string(buf, end);
}

}  // namespace

void writeMarkdown(std::ostream& out, std::span<const RunResult> results) {
    out << "| scenario | policy | pressure-s | idle MiB | target changes | slush breaches | "
           "OOM kills | creates failed |\n"
        << "|---|---|---:|---:|---:|---:|---:|---:|\n";
    for (const RunResult& r : results) {
        out << "| " << r.scenario << " | " << r.policy << " | " << fixed(r.pressureSeconds, 1)
            << " | " << fixed(r.idleMiB, 0) << " | " << r.targetChanges << " | " << r.slushBreaches
            << " | " << r.oomKills << " | " << r.createsFailed << " |\n";
    }
}

void writeCsv(std::ostream& out, std::span<const RunResult> results) {
    out << kComparisonCsvHeader << '\n';
    for (const RunResult& r : results) {
        out << r.scenario << ',' << r.policy << ',' << fixed(r.pressureSeconds, 1) << ','
            << fixed(r.idleMiB, 1) << ',' << r.targetChanges << ',' << r.slushBreaches << ','
            << r.oomKills << ',' << r.createsFailed << '\n';
    }
}

}  // namespace balloon::compare
