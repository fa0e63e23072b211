// Reaction latency on the real xenstored: how long from a guest's new report to its new
// memory/target, and from `balloonctl set` to the target, with 10, 100, 500 and 1,000 simulated
// guests; ends with one table of issue 20's goals per host size.
// balloond runs as its own process (balloond-bench-host); this process plays the guest "probe"
// (writing its data/balloon-report as dom0 writes a guest's data/ key) and the admin (running
// the real balloonctl through a private dbus-daemon), and sees the target through a watch.
//
//   reaction_bench [--guests 10,100,500,1000] [--samples 50] [--ctl-runs 20] [--warmup 20s]
//                  [--report-interval 1s]
// Prints one line per measurement; never fails on time.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <poll.h>
#include <unistd.h>

#include "bench_main.h"
#include "bench_rig.h"
#include "bench_scenario.h"
#include "latency_stats.h"
#include "option_types.h"
#include "proc_stats.h"
#include "reaction_observers.h"
#include "stats_codec.h"

namespace balloon::bench {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct ReactionArgs {
    std::vector<int> guests{10, 100, 500, 1000};
    int samples = 50;
    int ctlRuns = 20;
    std::string reportInterval = "1s";
    // The host's start-up: every guest's first reports read and the first rounds' moves made.
    // At 1,000 guests the reports of its first 20 s took up to 0.4 s (session 29).
    milliseconds warmup{20'000};
    bool verbose = false;
};

// Reports are written further apart than the 1 s hold time the benchmark configures (a target
// moves at most once per hold time) and the 2 reports per second the daemon reads per guest, so
// neither adds to what is measured: 2.5 s, as a grow the host's free memory pays for in two
// steps may land a second after its report (at 1.5 s, the next report's shrink then waited out
// the hold: 0.6-0.9 s answers in session 28).
constexpr milliseconds kReportSpacing{2500};
constexpr milliseconds kAnswerDeadline{10'000};
// How often balloond writes the metrics file in the benchmark: its first writes are spread over
// the report phase, so that a late one shows.
constexpr std::string_view kMetricsInterval = "5s";

double msSince(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// A move smaller than this is a round re-spreading a page or two, not the answer to a report.
constexpr std::uint64_t kJitterKiB = 1024;

// Which way a target must move to count as the answer.
enum class Direction { Any, Up, Down };

std::optional<std::uint64_t> kibOf(const std::string& text) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

// Waits until the watched memory/target holds something other than `previous` that moved the
// given way by at least kJitterKiB; returns it. A move the other way (a round that ran before the
// new report was read, acting on the one before) or a smaller one becomes the new `previous`, and
// the wait goes on.
std::optional<std::string> awaitTargetChange(xen::XenStoreClient& xs, const std::string& path,
                                             std::string previous,
                                             Direction direction = Direction::Any) {
    const auto deadline = Clock::now() + kAnswerDeadline;
    for (;;) {
        xs.takeWatchEvents();
        auto now = xs.read(path);
        if (now && *now != previous) {
            const auto before = kibOf(previous);
            const auto after = kibOf(*now);
            const bool up = before && after && *after > *before;
            const bool jitter = before && after &&
                                std::max(*after, *before) - std::min(*after, *before) < kJitterKiB;
            if (direction == Direction::Any || !before || !after ||
                (up == (direction == Direction::Up) && !jitter)) {
                return now;
            }
            previous = *now;
        }
        const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            return std::nullopt;
        }
        pollfd fd{xs.watchFd(), POLLIN, 0};
        poll(&fd, 1, static_cast<int>(left.count()));
    }
}

// What a Linux guest holding `holds` reports when it needs `needs`: beyond a fiftieth of its
// memory kept available, the rest of its need is in swap. (A report of more in use than the guest
// holds would be clamped to its allocation and show no need at all: session 29's timeouts at 100
// guests, where no spare memory came to the probe.)
GuestReport probeReport(std::uint64_t sequence, KiB needs, KiB holds) {
    GuestReport r;
    r.sequence = sequence;
    r.total = holds;
    r.used = min(needs, holds - KiB{holds.count() / 50});
    r.available = holds - r.used;
    r.swapUsed = needs - r.used;
    return r;
}

void printLine(const std::string& what, int guests, const Percentiles& p, int timeouts) {
    std::cout << std::fixed << std::setprecision(1) << what << " guests=" << guests
              << " samples=" << p.count << " p50_ms=" << p.p50 << " p99_ms=" << p.p99
              << " max_ms=" << p.max << " timeouts=" << timeouts << std::endl;
}

sandbox::RunResult balloonctl(BenchRig& rig, const std::vector<std::string>& args) {
    sandbox::SpawnSpec client;
    client.argv = {BALLOONCTL_PATH};
    client.argv.insert(client.argv.end(), args.begin(), args.end());
    client.setEnv = {{"BALLOONCTL_BUS_ADDRESS", rig.busAddress()}};
    auto result = sandbox::runToCompletion(client, std::chrono::seconds(30));
    if (result.exitCode != 0) {
        throw std::runtime_error("balloonctl " + args.front() + " failed: " + result.both());
    }
    return result;
}

// Runs balloonctl ARGS against the rig's balloond; returns the ms until it exited (0 expected).
double runBalloonctl(BenchRig& rig, const std::vector<std::string>& args) {
    const auto t0 = Clock::now();
    balloonctl(rig, args);
    return msSince(t0);
}

// One host size's figures for the closing table (issue 20's goals side by side).
struct Row {
    int guests = 0;
    Percentiles report;
    int reportTimeouts = 0;
    Percentiles set;
    Percentiles list;
    Percentiles listJson;
    Percentiles watch;  // set -> the new target shown by `balloonctl watch`
    int watchTimeouts = 0;
    double metricsLongestGapMs = 0;
    std::size_t metricsWrites = 0;
    double startupChanged = 0;  // targets the first round changed
    double startupWrites = 0;   // targets it wrote
    double startupMs = 0;       // Daemon::start, the first round included
    double hostCpuPercent = 0;  // balloond-bench-host over the report phase: balloond + simulation
    double hostRssMiB = 0;
    double daemonRssMiB = 0;  // the host's growth after the simulation was built: balloond's share
    std::string loadBefore;
    std::string loadAfter;
};

Row measure(const ReactionArgs& args, int guests) {
    const auto config = std::filesystem::temp_directory_path() /
                        ("reaction-bench-" + std::to_string(getpid()) + ".toml");
    const auto metricsDir = std::filesystem::temp_directory_path() /
                            ("reaction-bench-metrics-" + std::to_string(getpid()));
    std::filesystem::create_directories(metricsDir);
    {
        // The benchmark alternates the probe's demand, which the policy would damp: hold time
        // 1 s (the default 60 s hysteresis lets a target move back only once a minute), no burst
        // reserve (it keeps room for the higher demand for 12 minutes), a step as large as the
        // probe's whole move (one report, one target), and the least weight, so
        // that the host's spare memory, shared by weight, does not fill the probe up to one level
        // whatever it reports (the timeouts of session 28's first runs: `balloonctl explain`
        // showed "+561M share by weight; 1.45G is within the deadband" after either report).
        std::ofstream out(config);
        out << "[policy]\nhold = \"1s\"\nburst-window = \"0\"\nmax-step = "
               "\"2G\"\n\n[metrics]\ntextfile-dir = \""
            << metricsDir.string() << "\"\ninterval = \"" << kMetricsInterval
            << "\"\n\n[[domain]]\nname = \"" << kProbeName << "\"\nweight = 1\n";
    }
    BenchRig rig({"--guests", std::to_string(guests), "--probe", "--report-interval",
                  args.reportInterval, "--config", config.string()},
                 true, false);
    std::filesystem::remove(config);
    const MetricsFileWatch metricsWatch(metricsDir);  // from here on: start-up is not its subject
    const auto& start = rig.startFigures();
    auto& xs = rig.xs();
    const std::string home = xs.domainPath(rig.domid(kProbeName));
    const std::string targetPath = home + "/memory/target";
    xs.watch(targetPath, "probe-target");

    // A report that changes demand: 800 MiB and 300 MiB needed in turn; those of the warm-up (two
    // at least) are not counted.
    const int warmups = std::max<int>(2, static_cast<int>(args.warmup / kReportSpacing));
    std::vector<double> samples;
    int timeouts = 0;
    Row row;
    row.guests = guests;
    row.loadBefore = loadAverage();
    const double cpuBefore = processCpuSeconds(rig.hostPid()).value_or(0);
    const auto phaseStart = Clock::now();
    std::string previous = xs.read(targetPath).value_or("");
    for (int i = 0; i < args.samples + warmups; ++i) {
        const auto t0 = Clock::now();
        xs.write(home + "/data/balloon-report",
                 encodeReport(probeReport(static_cast<std::uint64_t>(i) + 1,
                                          i % 2 == 0 ? mib(800) : mib(300),
                                          KiB{kibOf(previous).value_or(0)})));
        const auto answer = awaitTargetChange(xs, targetPath, previous,
                                              i % 2 == 0 ? Direction::Up : Direction::Down);
        const double ms = msSince(t0);
        if (!answer) {
            // A warm-up report may leave the target where it was (the probe starts at 1 GiB):
            // only a measured one that moves nothing is a timeout.
            timeouts += i >= warmups ? 1 : 0;
            std::cerr << "report->target: no new target within 10 s after report " << i
                      << (i >= warmups ? "" : " (warm-up)") << "; it stayed " << previous
                      << " KiB. balloonctl explain " << kProbeName << ":\n"
                      << balloonctl(rig, {"explain", kProbeName}).out;
        } else {
            if (args.verbose) {
                std::cerr << "report " << i << " (" << (i % 2 == 0 ? 800 : 300)
                          << " MiB needed): " << previous << " -> " << *answer << " KiB in " << ms
                          << " ms\n";
            }
            previous = *answer;
            if (i >= warmups) {
                samples.push_back(ms);
            }
        }
        std::this_thread::sleep_until(t0 + kReportSpacing);  // pacing, see kReportSpacing
    }
    printLine("report->target", guests, percentiles(samples), timeouts);
    row.report = percentiles(samples);
    row.reportTimeouts = timeouts;
    row.hostCpuPercent = 100 * (processCpuSeconds(rig.hostPid()).value_or(0) - cpuBefore) /
                         std::chrono::duration<double>(Clock::now() - phaseStart).count();
    row.hostRssMiB =
        static_cast<double>(statusKiB(rig.hostPid(), "VmRSS").value_or(KiB{0}).count()) / 1024;
    row.daemonRssMiB = row.hostRssMiB - start.at("vmrss_before_daemon_kib") / 1024;
    row.startupChanged = start.at("startup_targets_changed");
    row.startupWrites = start.at("startup_target_writes");
    row.startupMs = start.at("startup_ms");

    // The admin: balloonctl set probe 640M / 704M in turn, through D-Bus, with `balloonctl watch`
    // showing the domains all along.
    WatchFollower watch(rig.busAddress(), kProbeName);
    std::vector<double> shown;
    std::vector<double> ctl;
    std::vector<double> ctlExit;
    int ctlTimeouts = 0;
    for (int i = 0; i < args.ctlRuns + 1; ++i) {
        const std::string mibs = i % 2 == 0 ? "640" : "704";
        const std::string size = mibs + "M";
        const auto t0 = Clock::now();
        const double exitMs = runBalloonctl(rig, {"set", kProbeName, size});
        const auto answer = awaitTargetChange(xs, targetPath, previous);
        const double ms = msSince(t0);
        if (!answer) {
            ctlTimeouts += 1;
        } else {
            previous = *answer;
            if (i >= 1) {
                ctl.push_back(ms);
                ctlExit.push_back(exitMs);
            }
        }
        if (const auto seen = watch.awaitTarget(mibs, kAnswerDeadline)) {
            if (i >= 1) {
                shown.push_back(std::chrono::duration<double, std::milli>(*seen - t0).count());
            }
        } else {
            row.watchTimeouts += 1;
        }
    }
    row.watch = percentiles(shown);
    printLine("balloonctl-set->watch-shows", guests, row.watch, row.watchTimeouts);
    // balloond answers a set only once xenstored has acknowledged the target's write, so the
    // target is written when balloonctl exits: that is the set's time. The read that checks it
    // afterwards is one more round trip of this process on the busy xenstored (shown apart).
    printLine("balloonctl-set->target-read-back", guests, percentiles(ctl), ctlTimeouts);
    row.set = percentiles(ctlExit);
    printLine("balloonctl-set-exit", guests, row.set, ctlTimeouts);

    // What a set's time is made of: the same process start, bus and daemon loop with a call that
    // touches no Xenstore (`policy` reads one property), and the reads an admin makes at this
    // scale (`list` asks for every domain object).
    for (const std::vector<std::string>& readOnly :
         {std::vector<std::string>{"policy"}, std::vector<std::string>{"list"},
          std::vector<std::string>{"list", "--json"}}) {
        std::vector<double> exits;
        for (int i = 0; i < args.ctlRuns + 1; ++i) {
            const double ms = runBalloonctl(rig, readOnly);
            if (i >= 1) {
                exits.push_back(ms);
            }
        }
        std::string name = "balloonctl";
        for (const std::string& word : readOnly) {
            name += "-" + (word.rfind("--", 0) == 0 ? word.substr(2) : word);
        }
        printLine(name + "-exit", guests, percentiles(exits), 0);
        if (readOnly.front() == "list") {
            (readOnly.size() == 1 ? row.list : row.listJson) = percentiles(exits);
        }
    }
    row.metricsLongestGapMs = metricsWatch.longestGapMs();
    row.metricsWrites = metricsWatch.writes();
    std::filesystem::remove_all(metricsDir);
    row.loadAfter = loadAverage();
    return row;
}

// Issue 20's goals per host size: item 3 (reaction, CPU, memory), then item 4 (the rest stays
// usable). docs/benchmarks.md, section 2.
void printTables(const std::vector<Row>& rows) {
    std::cout
        << "\n| guests | report -> target p50 / p99 ms | timeouts | `set` -> target p50 / p99 "
           "ms | host process CPU % | host RSS MiB | balloond's share MiB | load before -> "
           "after |\n"
        << "|---:|---|---:|---|---:|---:|---:|---|\n";
    for (const Row& r : rows) {
        std::cout << std::fixed << std::setprecision(1) << "| " << r.guests << " | " << r.report.p50
                  << " / " << r.report.p99 << " | " << r.reportTimeouts << " | " << r.set.p50
                  << " / " << r.set.p99 << " | " << r.hostCpuPercent << " | " << r.hostRssMiB
                  << " | " << r.daemonRssMiB << " | " << r.loadBefore << " -> " << r.loadAfter
                  << " |\n";
    }
    std::cout << "\n`set` -> target is from spawning balloonctl to its exit: balloond answers once "
                 "xenstored has acknowledged the write, and a read afterwards confirms the new "
                 "target (balloonctl-set->target-read-back adds that read).\n";
    std::cout << "\nThe host process is balloond and the simulation of its guests (their report "
                 "writes included): its CPU bounds balloond's from above. balloond's share of its "
                 "RSS is what the process grew after the simulation was built, the simulation's "
                 "own growth included.\n";
    std::cout << "\n| guests | `list` p99 ms | `list --json` p99 ms | `set` -> `watch` shows it "
                 "p50 / p99 ms (timeouts) | metrics file: writes, longest gap s (interval "
              << kMetricsInterval
              << ") | start-up's first round: targets changed / written, ms |\n"
                 "|---:|---:|---:|---|---|---|\n";
    for (const Row& r : rows) {
        std::cout << std::fixed << std::setprecision(1) << "| " << r.guests << " | " << r.list.p99
                  << " | " << r.listJson.p99 << " | " << r.watch.p50 << " / " << r.watch.p99 << " ("
                  << r.watchTimeouts << ") | " << r.metricsWrites << ", "
                  << r.metricsLongestGapMs / 1000 << " | " << r.startupChanged << " / "
                  << r.startupWrites << ", " << r.startupMs << " |\n";
    }
}

}  // namespace
}  // namespace balloon::bench

int main(int argc, char** argv) {
    using namespace balloon::bench;
    ReactionArgs args;
    CLI::App app(
        "Reaction latency on the real xenstored: guest report -> memory/target, and "
        "balloonctl set -> memory/target.",
        "reaction_bench");
    benchConventions(app);
    app.add_option("--guests", args.guests, "host sizes to measure, comma-separated")
        ->delimiter(',')
        ->type_name("N,...");
    app.add_option("--samples", args.samples, "report -> target measurements per host size");
    app.add_option("--ctl-runs", args.ctlRuns, "balloonctl set runs per host size");
    balloon::cmdline::addDuration(
        app, "--warmup", [&args](milliseconds d) { args.warmup = d; },
        "reports not counted after the host starts (default 20s; at least two)");
    app.add_flag("--verbose", args.verbose, "print each report's target change on stderr");
    app.add_option("--report-interval", args.reportInterval,
                   "how often the other simulated guests report (scenario duration: 1s, 500ms)")
        ->type_name("DURATION");
    return runMain(app, argc, argv, [&] {
        std::vector<Row> rows;
        for (int guests : args.guests) {
            rows.push_back(measure(args, guests));
        }
        printTables(rows);
    });
}
