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
    out << "| scenario | policy | pressure-s | OOM kills | caused | own-reserve breaches | "
           "< 25 MiB breaches | idle while pressed GiB-s | idle MiB | target changes | "
           "starts | longest start s | starts failed |\n"
        << "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const RunResult& r : results) {
        out << "| " << r.scenario << " | " << r.policy << " | " << fixed(r.pressureSeconds, 1)
            << " | " << r.oomKills << " | " << r.oomKillsCaused << " | " << r.reserveBreaches
            << " | " << r.lowLineBreaches << " | " << fixed(r.idlePressedGiBs, 1) << " | "
            << fixed(r.idleMiB, 0) << " | " << r.targetChanges << " | " << r.creates << " | "
            << fixed(r.createLatencyMax, 1) << " | " << r.createsFailed << " |\n";
    }
}

void writeCsv(std::ostream& out, std::span<const RunResult> results) {
    out << kComparisonCsvHeader << '\n';
    for (const RunResult& r : results) {
        out << r.scenario << ',' << r.policy << ',' << fixed(r.pressureSeconds, 1) << ','
            << r.oomKills << ',' << r.oomKillsCaused << ',' << r.reserveBreaches << ','
            << r.lowLineBreaches << ',' << fixed(r.idlePressedGiBs, 2) << ',' << fixed(r.idleMiB, 1)
            << ',' << r.targetChanges << ',' << r.creates << ',' << fixed(r.createLatencyMax, 1)
            << ',' << r.createsFailed << '\n';
    }
}

}  // namespace balloon::compare
