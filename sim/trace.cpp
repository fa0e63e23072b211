#include "trace.h"

#include <charconv>
#include <ostream>
#include <string_view>

namespace balloon::sim {

bool Trace::due(SimTime now) {
    if (now - last_ < interval_) {
        return false;
    }
    last_ = now;
    return true;
}

void Trace::writeCsv(std::ostream& out) const {
    out << kTraceCsvHeader << '\n';
    for (const auto& r : rows_) {
        // to_chars: three decimals and a '.', whatever locale the stream or the process has.
        char seconds[32];
        const auto end = std::to_chars(seconds, seconds + sizeof seconds, r.pressureSeconds,
                                       std::chars_format::fixed, 3)
                             .ptr;
        out << r.at.count() << ',' << r.domain << ',' << r.domid << ',' << r.demand.count() << ','
            << r.target.count() << ',' << r.actual.count() << ',' << (r.pressure ? 1 : 0) << ','
            << std::string_view(seconds, static_cast<std::size_t>(end - seconds)) << ','
            << r.oomKills << ',' << r.hostFree.count() << '\n';
    }
}

}  // namespace balloon::sim
