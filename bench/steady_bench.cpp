// Steady-state cost of balloond on a balanced host, and its resident memory at 1,000 domains.
// balloond runs as its own process (balloond-bench-host) against a private real xenstored; after
// a warm-up the host measures a window: the daemon thread's CPU time, its event-loop wake-ups,
// rounds and target writes. This process counts the daemon connection's Xenstore requests and
// the watch events fired at it from xenstored's own trace.
//
//   steady_bench [--guests 100] [--warmup 150] [--duration 60] [--report-interval 60s]
//                [--rss-guests 1000] [--rss-warmup 20]
// Durations in seconds; --guests 0 or --rss-guests 0 leaves that part out. Prints figures; never
// fails on time.
#include <algorithm>
#include <exception>
#include <iomanip>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "bench_main.h"
#include "bench_rig.h"
#include "xenstored_trace.h"

namespace balloon::bench {
namespace {

using std::chrono::seconds;

struct SteadyArgs {
    int guests = 100;
    // A roomy host converges in about two hold times (2 x 60 s): docs/benchmarks.md.
    int warmup = 150;
    int duration = 60;
    std::string reportInterval = "60s";
    int rssGuests = 1000;
    int rssWarmup = 20;
};

std::vector<std::string> hostArgs(int guests, int warmup, int duration,
                                  const std::string& reportInterval) {
    return {"--guests",   std::to_string(guests),   "--warmup",          std::to_string(warmup),
            "--duration", std::to_string(duration), "--report-interval", reportInterval};
}

void steadyCost(const SteadyArgs& args) {
    BenchRig rig(hostArgs(args.guests, args.warmup, args.duration, args.reportInterval), false,
                 true);
    rig.expectLine("measuring", seconds(args.warmup + 120));
    auto f = rig.figures(seconds(args.duration + 120));
    const auto traffic = countTraffic(rig.xenstored().runDir() / "trace", "/bench-mark/daemon",
                                      "/bench-mark/window-start", "/bench-mark/window-end");
    const double window = f["window_s"];
    const double perHour = 3600 / window;
    const double perMinute = 60 / window;
    std::cout << std::fixed << std::setprecision(2) << "steady guests=" << args.guests
              << " report_interval=" << args.reportInterval << " window_s=" << window << '\n'
              << "  daemon thread CPU: " << f["daemon_thread_cpu_s"] * perHour << " s/hour\n"
              << "  libxenstore and other threads: "
              << std::max(0.0,
                          f["process_cpu_s"] - f["daemon_thread_cpu_s"] - f["sim_thread_cpu_s"]) *
                     perHour
              << " s/hour (both connections' reader threads; the simulation's own thread, "
              << f["sim_thread_cpu_s"] * perHour << " s/hour, excluded)\n"
              << "  wake-ups: " << f["loop_wakeups"] / window << " per second\n"
              << "  rounds: " << f["rounds"] * perMinute << " per minute; target writes "
              << f["target_writes"] << ", rebalances " << f["rebalances"] << " in the window\n"
              << "  guest reports read: " << f["report_reads"] * perMinute << " per minute\n"
              << "  Xenstore, daemon connection, per minute (xenstored's trace):";
    std::uint64_t writes = 0;
    for (const auto& [kind, count] : traffic.requests) {
        std::cout << ' ' << kind << '=' << static_cast<double>(count) * perMinute;
        if (kind == "WRITE" || kind == "RM" || kind == "MKDIR" || kind == "SET_PERMS") {
            writes += count;
        }
    }
    std::cout << " WATCH_EVENT=" << static_cast<double>(traffic.watchEvents) * perMinute << '\n'
              << "  writes while balanced: " << writes << " in " << window << " s\n";
    for (const auto& write : traffic.writes) {
        std::cout << "    WRITE " << write << '\n';
    }
    std::cout << "  simulation steps " << f["sim_steps"] << " (late " << f["sim_late_steps"] << ")"
              << std::endl;
}

std::map<std::string, double> rssRun(const SteadyArgs& args, bool daemon) {
    auto argv = hostArgs(args.rssGuests, args.rssWarmup, 5, args.reportInterval);
    if (!daemon) {
        argv.emplace_back("--no-daemon");
    }
    BenchRig rig(argv, false, false);
    rig.expectLine("measuring", seconds(args.rssWarmup + 600));
    return rig.figures(seconds(300));
}

void residentMemory(const SteadyArgs& args) {
    auto with = rssRun(args, true);
    auto without = rssRun(args, false);
    const auto mib = [](double kib) { return kib / 1024; };
    std::cout << std::fixed << std::setprecision(1) << "rss domains=" << with["domains"]
              << " (dom0 + " << args.rssGuests << " guests)\n"
              << "  host process with balloond: VmRSS " << mib(with["vmrss_kib"]) << " MiB, VmHWM "
              << mib(with["vmhwm_kib"]) << " MiB\n"
              << "  the same process without balloond (simulation only): VmRSS "
              << mib(without["vmrss_kib"]) << " MiB, VmHWM " << mib(without["vmhwm_kib"])
              << " MiB\n"
              << "  balloond's share: VmRSS " << mib(with["vmrss_kib"] - without["vmrss_kib"])
              << " MiB, VmHWM " << mib(with["vmhwm_kib"] - without["vmhwm_kib"]) << " MiB"
              << " (goal: under 16 MiB)\n"
              << "  rounds in the 5 s window " << with["rounds"] << ", daemon CPU "
              << with["daemon_thread_cpu_s"] << " s" << std::endl;
}

SteadyArgs parseArgs(int argc, char** argv) {
    SteadyArgs a;
    parseOptions(argc, argv, "steady_bench",
                 [&](const std::string& name, const std::string& value) {
                     if (name == "--guests") {
                         a.guests = std::stoi(value);
                     } else if (name == "--warmup") {
                         a.warmup = std::stoi(value);
                     } else if (name == "--duration") {
                         a.duration = std::stoi(value);
                     } else if (name == "--report-interval") {
                         a.reportInterval = value;
                     } else if (name == "--rss-guests") {
                         a.rssGuests = std::stoi(value);
                     } else if (name == "--rss-warmup") {
                         a.rssWarmup = std::stoi(value);
                     } else {
                         return false;
                     }
                     return true;
                 });
    return a;
}

}  // namespace
}  // namespace balloon::bench

int main(int argc, char** argv) {
    using namespace balloon::bench;
    return runMain("steady_bench", [&] {
        const auto args = parseArgs(argc, argv);
        if (args.guests > 0) {
            steadyCost(args);
        }
        if (args.rssGuests > 0) {
            residentMemory(args);
        }
    });
}
