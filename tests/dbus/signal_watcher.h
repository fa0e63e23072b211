// A bus client of the test's own (sdbus-c++ over the private bus) that records every signal
// balloond emits, so that tests wait for events instead of sleeping.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sdbus-c++/sdbus-c++.h>

namespace balloon::dbustest {

struct SeenSignal {
    std::string path;
    std::string interface;
    std::string member;
    std::string subject;               // PropertiesChanged: the interface; Interfaces*: the path
    std::vector<std::string> changed;  // PropertiesChanged: property names; Interfaces*: names
};

class SignalWatcher {
public:
    explicit SignalWatcher(const std::string& address);

    // The first signal (already seen or arriving before the deadline) that satisfies `wanted`.
    std::optional<SeenSignal> waitFor(const std::function<bool(const SeenSignal&)>& wanted,
                                      std::chrono::milliseconds timeout);
    // Returns after the next signal or after `timeout`, whichever comes first.
    void waitAny(std::chrono::milliseconds timeout);
    // Forgets what was seen so far.
    void clear() { seen_.clear(); }

    sdbus::IConnection& connection() { return *connection_; }

private:
    // Processes what is queued, then waits for the fd at most `timeout`.
    void pump(std::chrono::milliseconds timeout);

    std::unique_ptr<sdbus::IConnection> connection_;
    sdbus::Slot match_;
    std::vector<SeenSignal> seen_;
};

}  // namespace balloon::dbustest
