// Counts one client's Xenstore traffic from xenstored's own trace (--trace-file, which the
// private xenstored always writes): requests by kind and the watch events xenstored fired at it.
// Trace lines look like "IN 0x55f3a14fcb70 20261127 02:25:42 READ (/a )" and
// "OUT 0x55f3a14fcb70 20261127 02:25:42 WATCH_EVENT (/a tok )".
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace balloon::bench {

struct TrafficCount {
    std::map<std::string, std::uint64_t> requests;  // by request type: READ, WRITE, DIRECTORY...
    std::uint64_t watchEvents = 0;                  // WATCH_EVENTs sent to the client
    std::vector<std::string> writes;                // "path value" of every WRITE, in order
};

// The traffic of the connection whose request read `markerPath`, between its reads of
// `startPath` and `endPath` (the marker reads themselves excluded). Throws std::runtime_error
// naming what is missing when the trace lacks a marker.
TrafficCount countTraffic(const std::filesystem::path& trace, const std::string& markerPath,
                          const std::string& startPath, const std::string& endPath);

}  // namespace balloon::bench
