// The policies the comparison runs side by side: balloond's demand policy, squeezed's
// proportional policy (both core's), the qmemman-style baseline and a static split.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "model.h"
#include "policy_config.h"

namespace balloon::compare {

struct Contender {
    std::string name;
    // The planner; empty for the static split (targets never change).
    std::function<Plan(const HostSnapshot&)> plan;
    // Free memory its writes keep: grows spend only what is free beyond it, and a new domain is
    // built once free memory beyond it covers the domain.
    KiB slush;
};

Contender demandContender(const PolicyConfig& config = {});
Contender proportionalContender(const PolicyConfig& config = {});
Contender qmemmanContender();
Contender staticContender();

// All four, demand first.
std::vector<Contender> allContenders();

}  // namespace balloon::compare
