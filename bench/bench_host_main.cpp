// balloond-bench-host: the process the reaction and steady-state benchmarks measure. balloond's
// real Daemon runs on its EventLoop on the main thread (serving D-Bus with --bus), over the
// simulated host bound to the xenstored the caller started (XENSTORED_PATH); the simulation steps
// on a thread of its own (bench/sim_thread.h, bench/published_host.h), so CPU time and wake-ups
// split cleanly.
//
//   balloond-bench-host --guests N [--probe] [--report-interval 60s] [--step 100ms]
//       [--config FILE] [--bus ADDRESS] [--no-daemon] [--warmup DURATION --duration DURATION]
//       [--log-level info]
//
// Prints "ready" once the daemon runs, "measuring" when the window opens, then at its end
// "figure NAME VALUE" lines and "done". Without --duration it runs until SIGTERM.
// The daemon's connection reads /bench-mark/{daemon,window-start,window-end} (absent nodes) so
// that xenstored's trace shows which connection is the daemon's and where the window is.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include "bench_main.h"
#include "bench_scenario.h"
#include "config.h"
#include "daemon.h"
#include "dbus_service.h"
#include "log.h"
#include "option_types.h"
#include "proc_stats.h"
#include "published_host.h"
#include "round_breakdown.h"
#include "scenario.h"
#include "sim_thread.h"
#include "xenstore_client.h"

namespace balloon::bench {
namespace {

struct HostArgs {
    BenchHostSpec host;
    std::optional<std::string> configPath;
    std::optional<std::string> bus;
    bool daemon = true;
    std::chrono::milliseconds warmup{0};
    std::optional<std::chrono::milliseconds> duration;
    log::Severity logLevel = log::Severity::Error;  // stderr is a pipe nobody reads by default
};

// The command line; the rest of HostArgs keeps its defaults.
void defineOptions(CLI::App& app, HostArgs& a) {
    app.add_option("--guests", a.host.guests, "simulated guests");
    app.add_flag("--probe", a.host.probe,
                 "add the guest \"probe\", whose report the caller writes");
    app.add_option("--report-interval", a.host.reportInterval,
                   "how often each simulated guest reports (scenario duration: 60s)")
        ->type_name("DURATION");
    app.add_option("--step", a.host.step, "virtual time per simulation step (100ms)")
        ->type_name("DURATION");
    app.add_option("--config", a.configPath, "balloond's configuration file")->type_name("FILE");
    app.add_option("--bus", a.bus, "serve balloond's D-Bus API on this address")
        ->type_name("ADDRESS");
    app.add_flag_callback(
        "--no-daemon", [&a] { a.daemon = false; },
        "the simulation only, for what it costs without balloond");
    CLI::Option* duration = cmdline::addDuration(
        app, "--duration", [&a](std::chrono::milliseconds d) { a.duration = d; },
        "measure a window this long, then print the figures and exit (default: run until "
        "SIGTERM)");
    cmdline::addDuration(
        app, "--warmup", [&a](std::chrono::milliseconds d) { a.warmup = d; },
        "time before the window opens")
        ->needs(duration);
    cmdline::addLogLevel(app, a.logLevel, "error");
}

// Counters at one moment, so that the window reports differences.
struct Snapshot {
    std::chrono::steady_clock::time_point at;
    double daemonCpu = 0;
    double simCpu = 0;
    double processCpu = 0;
    std::uint64_t wakeups = 0;
    std::uint64_t simSteps = 0;
    daemon::BalancerStats stats;
    std::uint64_t reportReads = 0;
    daemon::RoundTiming timing;
};

void figure(std::string_view name, double value) {
    std::cout << "figure " << name << ' ' << value << '\n';
}

// The window's share of the per-round breakdown (bench/round_breakdown.h).
void breakdownFigures(const daemon::RoundTiming& start, const daemon::RoundTiming& end) {
    for (const TimedPart& part : kTimedParts) {
        const std::chrono::duration<double> spent = end.*part.field - start.*part.field;
        figure(timeFigure(part), spent.count());
    }
    for (const CountedPart& part : kCountedParts) {
        figure(countFigure(part), static_cast<double>(part.get(end) - part.get(start)));
    }
}

// Every domain's memory/target as it stands (nullopt: none).
std::vector<std::optional<std::string>> allTargets(xen::XenStore& xs) {
    std::vector<std::string> paths;
    for (const std::string& entry : xs.directory("/local/domain")) {
        paths.push_back("/local/domain/" + entry + "/memory/target");
    }
    return xs.readMany(paths);
}

// The first round at start-up (issue 20, item 4): how many targets it had to change, against how
// many it wrote, and how long start() took. Printed before "ready" (BenchRig::startFigures).
void startDaemon(daemon::Daemon& service, xen::XenStore& xs) {
    const auto before = allTargets(xs);
    const auto started = std::chrono::steady_clock::now();
    service.start();
    const std::chrono::duration<double, std::milli> took =
        std::chrono::steady_clock::now() - started;
    const auto after = allTargets(xs);
    std::size_t changed = 0;
    for (std::size_t i = 0; i < before.size() && i < after.size(); ++i) {
        changed += before[i] != after[i] ? 1 : 0;
    }
    figure("startup_ms", took.count());
    figure("startup_targets_changed", static_cast<double>(changed));
    figure("startup_target_writes", static_cast<double>(service.balancer().stats().targetWrites));
}

void run(const HostArgs& args) {
    const Config config = args.configPath ? loadConfig(*args.configPath).config : Config{};
    const auto scenario = sim::parseScenario(benchScenario(args.host), "<bench>");
    auto daemonXs = xen::XenStoreClient::open();
    daemonXs->read("/bench-mark/daemon");
    auto simXs = xen::XenStoreClient::open();
    sim::Simulation simulation(scenario, *simXs);
    const KiB rssBefore = statusKiB(getpid(), "VmRSS").value_or(KiB{0});
    const std::size_t domains = simulation.guests().size() + 1;  // dom0 too

    PublishedHost host(simulation.host());
    daemon::EventLoop loop;
    std::unique_ptr<daemon::Daemon> service;
    std::unique_ptr<daemon::BusService> bus;
    if (args.daemon) {
        service = std::make_unique<daemon::Daemon>(loop, *daemonXs, host, config,
                                                   [&config]() -> const Config& { return config; });
        startDaemon(*service, *daemonXs);
        figure("vmrss_before_daemon_kib", static_cast<double>(rssBefore.count()));
        if (args.bus) {
            bus = std::make_unique<daemon::BusService>(*service, daemon::BusOptions{*args.bus, {}});
        }
    } else {
        loop.onSignal(SIGTERM, [&] { loop.stop(); });
        loop.onSignal(SIGINT, [&] { loop.stop(); });
    }
    SimThread simThread(simulation, host, scenario.step);  // signals are blocked by now
    std::cout << "ready" << std::endl;

    const auto snapshot = [&] {
        Snapshot s{std::chrono::steady_clock::now(),
                   threadCpuSeconds(),
                   simThread.cpuSeconds(),
                   processCpuSeconds(),
                   loop.wakeups(),
                   simThread.steps(),
                   {},
                   0,
                   {}};
        if (service) {
            s.stats = service->balancer().stats();
            s.reportReads = service->balancer().reportReads();
            s.timing = service->balancer().timing();
        }
        return s;
    };
    Snapshot start;
    if (args.duration) {
        loop.addTimer(args.warmup, std::nullopt, [&] {
            daemonXs->read("/bench-mark/window-start");
            start = snapshot();
            std::cout << "measuring" << std::endl;
        });
        loop.addTimer(args.warmup + *args.duration, std::nullopt, [&] {
            const Snapshot end = snapshot();
            daemonXs->read("/bench-mark/window-end");
            const std::chrono::duration<double> window = end.at - start.at;
            figure("window_s", window.count());
            figure("daemon_thread_cpu_s", end.daemonCpu - start.daemonCpu);
            figure("sim_thread_cpu_s", end.simCpu - start.simCpu);
            figure("process_cpu_s", end.processCpu - start.processCpu);
            figure("loop_wakeups", static_cast<double>(end.wakeups - start.wakeups));
            figure("sim_steps", static_cast<double>(end.simSteps - start.simSteps));
            figure("sim_late_steps", static_cast<double>(simThread.lateSteps()));
            figure("rounds", static_cast<double>(end.stats.rounds - start.stats.rounds));
            figure("rebalances",
                   static_cast<double>(end.stats.rebalances - start.stats.rebalances));
            figure("target_writes",
                   static_cast<double>(end.stats.targetWrites - start.stats.targetWrites));
            figure("report_reads", static_cast<double>(end.reportReads - start.reportReads));
            figure("domains", static_cast<double>(domains));
            breakdownFigures(start.timing, end.timing);
            figure("vmrss_kib",
                   static_cast<double>(statusKiB(getpid(), "VmRSS").value_or(KiB{0}).count()));
            figure("vmhwm_kib",
                   static_cast<double>(statusKiB(getpid(), "VmHWM").value_or(KiB{0}).count()));
            std::cout << "done" << std::endl;
            loop.stop();
        });
    }
    loop.run();
}

}  // namespace
}  // namespace balloon::bench

int main(int argc, char** argv) {
    using namespace balloon;
    bench::HostArgs args;
    CLI::App app(
        "The process the reaction and steady-state benchmarks measure: balloond's Daemon "
        "on the simulated host,\nagainst the xenstored XENSTORED_PATH names.",
        "balloond-bench-host");
    bench::benchConventions(app);
    bench::defineOptions(app, args);
    return bench::runMain(app, argc, argv, [&] {
        log::initLogging(args.logLevel);
        bench::run(args);
    });
}
