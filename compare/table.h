// The comparison's output: a markdown table for people and docs/policy.md, a CSV for plots.
#pragma once

#include <iosfwd>
#include <span>

#include "run.h"

namespace balloon::compare {

void writeMarkdown(std::ostream& out, std::span<const RunResult> results);
void writeCsv(std::ostream& out, std::span<const RunResult> results);

inline constexpr const char* kComparisonCsvHeader =
    "scenario,policy,pressure_s,idle_mib,target_changes,slush_breaches,oom_kills,creates_failed";

}  // namespace balloon::compare
