// The trace recorder: per step, per guest, what it wanted, what it was told, what it had. The
// policy comparison and the plots read it; replay tests compare two traces row for row.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "domid.h"
#include "sim_clock.h"
#include "units.h"

namespace balloon::sim {

struct TraceRow {
    SimTime at{0};
    std::string domain;
    DomId domid = 0;
    KiB demand;                  // the workload's demand
    KiB target;                  // memory/target as the guest read it (0 when none)
    KiB actual;                  // Xen's allocation (tot_pages)
    bool pressure = false;       // demand above what the kernel holds
    double pressureSeconds = 0;  // accumulated since the guest was built
    std::uint64_t oomKills = 0;
    KiB hostFree;  // the host's free memory as xl counts it
    bool operator==(const TraceRow&) const = default;
};

class Trace {
public:
    // Records one row per guest every `interval` of virtual time from the start (0: every step).
    explicit Trace(Duration interval = Duration{0}) : interval_(interval) {}

    // Whether a step ending at `now` should be recorded; remembers that it was.
    bool due(SimTime now);
    void add(TraceRow row) { rows_.push_back(std::move(row)); }

    [[nodiscard]] const std::vector<TraceRow>& rows() const { return rows_; }
    // Header plus one line per row; KiB and seconds, decimal, no locale.
    void writeCsv(std::ostream& out) const;

private:
    Duration interval_;
    SimTime last_{0};
    std::vector<TraceRow> rows_;
};

inline constexpr const char* kTraceCsvHeader =
    "time_ms,domain,domid,demand_kib,target_kib,actual_kib,pressure,pressure_s,oom_kills,"
    "host_free_kib";

}  // namespace balloon::sim
