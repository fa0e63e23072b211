// The policies the comparison runs side by side: balloond's demand and proportional policies
// (core's), the faithful qmemman (qmemman_policy.h) and squeezed (squeezed_policy.h) and a static
// split.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model.h"
#include "policy_config.h"

namespace balloon::compare {

// How a VM start may fail before the toolstack's deadline: qmemman's request protocol fails it
// at once when balloon() finds too little to take (the plan's shortfall), and when free memory
// grew by less than `minProgress` over the last `window` while the start waited.
struct StartRule {
    std::chrono::milliseconds window{3000};
    KiB minProgress = mib(300);  // 100 MiB/s over 3 s
};

struct Contender {
    std::string name;
    // The planner; empty for the static split (targets never change).
    std::function<Plan(const HostSnapshot&)> plan;
    // Free memory its writes keep: grows spend only what is free beyond it, and a new domain is
    // built once free memory beyond it covers the domain.
    KiB slush;
    // The one-line reason for a domain's target; empty: core's policy::explain().
    std::function<std::string(const DomainPlan&)> explain;
    // Absent: a start waits for memory until its deadline (squeezed's and balloond's toolstack).
    std::optional<StartRule> startRule;
};

Contender demandContender(const PolicyConfig& config = {});
Contender proportionalContender(const PolicyConfig& config = {});
Contender qmemmanContender();
Contender squeezedContender();
Contender staticContender();

// All five, demand first.
std::vector<Contender> allContenders();

// The contender named `name` (demand, proportional, qmemman, squeezed or static), or nullopt.
std::optional<Contender> contenderNamed(std::string_view name);

}  // namespace balloon::compare
