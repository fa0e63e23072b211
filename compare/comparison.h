// The whole comparison: every scenario of the set under every contender.
#pragma once

#include <filesystem>
#include <span>
#include <vector>

#include "contender.h"
#include "run.h"

namespace balloon::compare {

// The scenarios the comparison runs, in table order: a steady mix, a burst,
// many idle guests, an over-committed host, a new domain needing a reservation, a stuck guest;
// then three of an hour each: a Qubes desktop, a XenServer consolidation host, and a guest that
// cannot grow past a point (squeezed's test "h").
std::vector<std::filesystem::path> comparisonScenarios(const std::filesystem::path& dir);

// Each scenario (loaded strictly; a bad file throws sim::ScenarioError) under each contender,
// grouped by scenario.
std::vector<RunResult> compareAll(std::span<const std::filesystem::path> scenarios,
                                  std::span<const Contender> contenders = {},
                                  const RunConfig& config = {});

}  // namespace balloon::compare
