#include "bench_rig.h"

#include <csignal>
#include <sstream>
#include <stdexcept>

namespace balloon::bench {

namespace {

sandbox::XenstoredOptions xenstoredOptions(bool trace) {
    sandbox::XenstoredOptions options;
    options.trace = trace;
    return options;
}

// Adds a "figure NAME VALUE" line to `figures`; any other line is left alone.
void keepFigure(const std::string& line, std::map<std::string, double>& figures) {
    std::istringstream in(line);
    std::string word;
    std::string name;
    double value = 0;
    if (in >> word >> name >> value && word == "figure") {
        figures[name] = value;
    }
}

}  // namespace

BenchRig::BenchRig(const std::vector<std::string>& hostArgs, bool withBus, bool traceXenstored)
    : xenstored_(std::make_unique<sandbox::XenstoredProcess>(xenstoredOptions(traceXenstored))) {
    if (withBus) {
        bus_ = std::make_unique<sandbox::PrivateBus>();
    }
    std::vector<std::string> argv{BALLOON_BENCH_HOST};
    argv.insert(argv.end(), hostArgs.begin(), hostArgs.end());
    if (bus_) {
        argv.insert(argv.end(), {"--bus", bus_->address()});
    }
    sandbox::SpawnSpec spec;
    spec.argv = argv;
    spec.setEnv = xenstored_->clientEnvironment();
    spec.out = sandbox::Output::pipe();
    host_ = std::make_unique<sandbox::ChildProcess>(std::move(spec));
    // Building 1,000 domains in the real xenstored took 5-10 minutes on the loaded 2-core machine.
    expectLine("ready", std::chrono::minutes(20));
    xenstored_->exportToThisProcess();
    xs_ = xen::XenStoreClient::open();
}

BenchRig::~BenchRig() {
    xs_.reset();
    if (host_) {
        host_->stop(SIGTERM, std::chrono::seconds(10));
    }
    host_.reset();
    bus_.reset();
    xenstored_.reset();
}

void BenchRig::expectLine(const std::string& line, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        const auto got = host_->readLine(std::max(left, std::chrono::milliseconds(1)));
        if (!got) {
            throw std::runtime_error("balloond-bench-host did not print \"" + line +
                                     "\" in time (it exited or hung; run it by hand to see "
                                     "its stderr)");
        }
        if (*got == line) {
            return;
        }
        keepFigure(*got, startFigures_);
    }
}

std::map<std::string, double> BenchRig::figures(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::map<std::string, double> figures;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        const auto got = host_->readLine(std::max(left, std::chrono::milliseconds(1)));
        if (!got) {
            throw std::runtime_error("balloond-bench-host ended its window without \"done\"");
        }
        if (*got == "done") {
            return figures;
        }
        keepFigure(*got, figures);
    }
}

DomId BenchRig::domid(const std::string& name) {
    for (const auto& entry : xs_->directory("/local/domain")) {
        if (xs_->read("/local/domain/" + entry + "/name") == name) {
            return static_cast<DomId>(std::stoul(entry));
        }
    }
    throw std::runtime_error("no domain named " + name + " in xenstored");
}

}  // namespace balloon::bench
