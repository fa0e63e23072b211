// One line per domain saying why it got its target, for dry-run, logs and `balloonctl`.
#pragma once

#include <string>

#include "model.h"

namespace balloon::policy {

// e.g. "demand 812M + headroom 122M, share by weight 200: +1.1G", "pinned by admin",
// "stuck: keeping 1.2G it has not released", "... ; step capped (ideal 3G)".
std::string explain(const DomainPlan& plan);

}  // namespace balloon::policy
