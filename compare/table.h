// The comparison's output: a markdown table for people and docs/policy.md, a CSV for plots.
#pragma once

#include <iosfwd>
#include <span>

#include "run.h"

namespace balloon::compare {

void writeMarkdown(std::ostream& out, std::span<const RunResult> results);
void writeCsv(std::ostream& out, std::span<const RunResult> results);

inline constexpr const char* kComparisonCsvHeader =
    "scenario,policy,pressure_s,oom_kills,oom_kills_caused,reserve_breaches,low_line_breaches,"
    "idle_pressed_gib_s,idle_mib,target_changes,creates,create_latency_max_s,creates_failed";

}  // namespace balloon::compare
