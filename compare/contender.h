// The policies the comparison runs side by side: balloond's demand and proportional policies
// (core's), the faithful qmemman (qmemman_policy.h) and squeezed (squeezed_policy.h) and a static
// split.
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
Contender squeezedContender();
Contender staticContender();

// All five, demand first.
std::vector<Contender> allContenders();

}  // namespace balloon::compare
