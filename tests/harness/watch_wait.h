// Waiting for Xenstore watch events the way an event loop does: poll watchFd() with a deadline.
#pragma once

#include <chrono>
#include <functional>
#include <vector>

#include "xenstore_port.h"

namespace balloon::harness {

// Collects events until one satisfies `wanted` or the timeout passes, and returns every event
// collected (none is dropped: the batch holding the wanted one is returned whole).
std::vector<xen::WatchEvent> waitForWatchEvent(
    xen::XenStore& xs, const std::function<bool(const xen::WatchEvent&)>& wanted,
    std::chrono::milliseconds timeout = std::chrono::seconds(5));

// Events that arrive within `window`: for asserting that nothing (else) fires. The window is a
// bounded observation period, not a wait for a condition.
std::vector<xen::WatchEvent> collectWatchEvents(xen::XenStore& xs,
                                                std::chrono::milliseconds window);

}  // namespace balloon::harness
