// Polling for what offers no event to wait on (processes in /proc, a file another process
// writes): the condition is checked every `every` until it holds or `timeout` passes.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace balloon::harness {

inline bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                       std::chrono::milliseconds every = std::chrono::milliseconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(every);
    }
    return true;
}

}  // namespace balloon::harness
