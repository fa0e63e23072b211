// How fast balloond reacts to a guest: the guest's demand moves (a simulated workload change on
// balloond's thread), and the time until balloond has moved the guest's memory/target by at
// least kMove in that direction is measured, through a Xenstore watch on the target. (Not "until
// the target covers the demand": the idle memory shared out by weight moves targets too.)
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "balloond_thread.h"
#include "xenstore_port.h"

namespace balloon::reliability {

inline constexpr KiB kMove = mib(256);

// The guest's simulated workload becomes a steady `demand` (on balloond's thread).
void setDemand(dbustest::BalloondThread& balloond, const std::string& guest, KiB demand);

// nullopt when balloond did not answer within 20 s.
std::optional<std::chrono::milliseconds> measureReaction(dbustest::BalloondThread& balloond,
                                                         xen::XenStore& xs,
                                                         const std::string& guest, DomId domid,
                                                         KiB demand, KiB move = kMove);
// `samples` reactions, the demand alternating between high and low (high first); a reaction
// that never came is a test failure and is left out.
std::vector<std::chrono::milliseconds> measureReactions(dbustest::BalloondThread& balloond,
                                                        xen::XenStore& xs, const std::string& guest,
                                                        DomId domid, int samples, KiB high, KiB low,
                                                        KiB move = kMove);

std::chrono::milliseconds median(std::vector<std::chrono::milliseconds> values);
// "120 95 301 ... median 120"
std::string describe(const std::vector<std::chrono::milliseconds>& values);

}  // namespace balloon::reliability
