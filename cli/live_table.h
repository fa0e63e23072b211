// What `balloonctl watch` shows, kept up to date from balloond's signals: the manager's
// properties and every domain object are read once at the start, then each PropertiesChanged,
// InterfacesAdded and InterfacesRemoved is applied as it comes. Re-reading 1,000 domain objects
// after every change held balloond's loop 10-15 ms each time, several times a second, and other
// clients' calls waited behind it (docs/benchmarks.md).
#pragma once

#include <map>
#include <optional>
#include <string>

#include <sdbus-c++/sdbus-c++.h>

#include "client.h"

namespace balloon::cli {

class LiveTable {
public:
    explicit LiveTable(ManagerProxy& manager) : manager_(manager) {}

    // Asks for everything again (asynchronously: the answers come in order with the signals)
    // when the table is stale: at the start, or after a signal it could not apply.
    void refreshIfStale();
    // One signal from balloond's object tree.
    void apply(sdbus::Message& signal);
    // The host line and the domain table; nullopt until the first answers are in. Throws the
    // error a request failed with (balloond gone, not authorized).
    [[nodiscard]] std::optional<std::string> view() const;

private:
    void applyPropertiesChanged(sdbus::Message& signal);
    DomainView* find(const std::string& objectPath);

    ManagerProxy& manager_;
    std::optional<ManagerView> host_;
    std::optional<std::map<DomId, DomainView>> domains_;
    bool stale_ = true;
    int pending_ = 0;
    std::optional<sdbus::Error> failed_;
};

}  // namespace balloon::cli
