#include "bench_scenario.h"

#include <stdexcept>

namespace balloon::bench {

std::string benchScenario(const BenchHostSpec& spec) {
    if (spec.guests < 1 || spec.guests > 4000) {
        throw std::invalid_argument("--guests " + std::to_string(spec.guests) +
                                    " is out of range: use 1 to 4000 (the scenario limit)");
    }
    // 1 GiB per guest plus dom0 and 2 GiB spare: every guest gets what it was built with, its
    // steady 400 MiB demand is far below that, so the demand policy has nothing to move.
    const int hostGiB = spec.guests + (spec.probe ? 1 : 0) + 3;
    std::string text = "name = \"bench\"\n[host]\nmemory = \"" + std::to_string(hostGiB) +
                       "G\"\ndom0 = \"1G\"\nseed = 8\nduration = \"24h\"\nstep = \"" + spec.step +
                       "\"\nreport_interval = \"" + spec.reportInterval +
                       "\"\ntrace_interval = \"24h\"\n\n"
                       "[[domain]]\nname = \"g\"\ncount = " +
                       std::to_string(spec.guests) +
                       "\nmemory = \"1G\"\nmaxmem = \"2G\"\n"
                       "workload = { kind = \"steady\", base = \"400M\", noise = 0.02 }\n";
    // The probe's reports come from the benchmark (300 and 800 MiB used in turn); what it really
    // uses stays below both, so that its balloon can always follow the lower target (at 400 MiB
    // it could not release down to 370 MiB, balloond rightly called it stuck, and the next
    // reports timed out).
    if (spec.probe) {
        text += std::string("\n[[domain]]\nname = \"") + kProbeName +
                "\"\nmemory = \"1G\"\nmaxmem = \"2G\"\nagent = \"none\"\n"
                "workload = { kind = \"steady\", base = \"200M\", noise = 0 }\n";
    }
    return text;
}

}  // namespace balloon::bench
