// Fairness under lies: every lie a guest can tell through each report format, one liar among two
// honest guests, against the same run with an honest guest in the liar's place that uses all it
// is given and needs its whole max (tests/reliability/fairness.h: the host, the lies, the real
// xenstored, balloond's Balancer on the simulated host in virtual time). Prints each guest's mean
// allocation over the run and its change against that reference; the reliability suite's
// fairness_test asserts the bounds on shorter runs (docs/reliability.md).
//
//   fairness_bench [--duration SECONDS]     (default 600)
// Virtual seconds per run (11 runs; one of 600 takes about 15 s of wall time on 2 shared cores).
// Prints figures; never fails on them.
#include <array>
#include <cstdio>
#include <iostream>
#include <string>

#include "bench_main.h"
#include "fairness.h"
#include "log.h"
#include "size.h"

namespace balloon::bench {
namespace {

using reliability::FairnessCase;
using reliability::FairnessResult;

std::string cell(KiB mean, KiB reference) {
    std::array<char, 16> change{};
    std::snprintf(change.data(), change.size(), "%+.1f %%",
                  reliability::percentFrom(mean, reference));
    return formatSizeHuman(mean) + " (" + change.data() + ")";
}

void printRow(const FairnessCase& c, const FairnessResult& r, const FairnessResult& reference) {
    std::cout << "| " << reliability::describe(c.lie) << " | " << reliability::describe(c.format);
    for (const std::string& name : reliability::kHonestGuests) {
        std::cout << " | " << cell(r.meanAllocation.at(name), reference.meanAllocation.at(name));
    }
    const std::string slot(reliability::kLiarSlot);
    std::cout << " | " << cell(r.meanAllocation.at(slot), reference.meanAllocation.at(slot))
              << " | " << r.clampedReports << " |" << std::endl;
}

void run(int seconds) {
    log::initLogging(log::Severity::Error);  // a line per target write would bury the table
    const sim::Duration length = std::chrono::seconds(seconds);
    std::cout << "# Fairness under lies: " << seconds
              << " s of virtual time per run; mean Xen allocation per guest (change against "
                 "the reference run)\n\n"
              << "| the liar's place | format | web | db | liar | reports clamped |\n"
              << "|---|---|---:|---:|---:|---:|" << std::endl;
    const FairnessCase referenceCase{};
    const FairnessResult reference = reliability::runFairness(referenceCase, length);
    printRow(referenceCase, reference, reference);
    const FairnessCase truth{reliability::Lie::Truth, reliability::Format::BalloonReport};
    printRow(truth, reliability::runFairness(truth, length), reference);
    for (const FairnessCase& c : reliability::everyLie()) {
        printRow(c, reliability::runFairness(c, length), reference);
    }
}

}  // namespace
}  // namespace balloon::bench

int main(int argc, char** argv) {
    using namespace balloon::bench;
    int seconds = 600;
    CLI::App app(
        "Fairness under lies: every lie through every report format, against an honest "
        "guest that needs its max in the liar's place.",
        "fairness_bench");
    benchConventions(app);
    app.add_option("--duration", seconds, "virtual seconds per run (11 runs)")
        ->type_name("SECONDS")
        ->check(CLI::PositiveNumber);
    return runMain(app, argc, argv, [&] { run(seconds); });
}
