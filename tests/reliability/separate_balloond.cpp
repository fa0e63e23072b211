#include "separate_balloond.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "scenario.h"

namespace balloon::reliability {

std::size_t countLines(const std::filesystem::path& file, const std::string& text) {
    std::ifstream in(file);
    std::size_t count = 0;
    for (std::string line; std::getline(in, line);) {
        count += line.find(text) != std::string::npos ? 1 : 0;
    }
    return count;
}

const char* const SeparateBalloond::kScenario = R"(
[host]
memory = "4G"
dom0 = "1G"
seed = 3
step = "50ms"
report_interval = "100ms"

[[domain]]
name = "a"
memory = "1G"
maxmem = "2G"
workload = { kind = "steady", base = "300M", noise = 0 }

[[domain]]
name = "b"
memory = "1G"
maxmem = "2G"
workload = { kind = "steady", base = "500M", noise = 0 }

[[domain]]
name = "c"
memory = "512M"
maxmem = "1G"
workload = { kind = "steady", base = "200M", noise = 0 }
)";

const char* const SeparateBalloond::kConfig = R"(
[intervals]
sample = "100ms"
[policy]
kind = "demand"
hold = "1s"
[limits]
reports-per-second = 20
)";

void SeparateBalloond::SetUp() {
    RealXenstore::SetUp();
    config_ = xenstored().runDir() / "balloond.toml";
    log_ = xenstored().runDir() / "balloond.log";
    std::ofstream(config_) << kConfig;
    rebuildHost();
}

void SeparateBalloond::TearDown() {
    balloond_.reset();
    if (HasFailure()) {
        std::cerr << "balloond's log (" << log_.string() << "):\n" << logTail();
    }
    server_.reset();
    sim_.reset();
    simXs_.reset();
    reader_.reset();
    RealXenstore::TearDown();
}

void SeparateBalloond::rebuildHost() {
    server_.reset();
    sim_.reset();
    simXs_ = connectAnother();
    reader_ = connectAnother();
    sim_ =
        std::make_unique<sim::Simulation>(sim::parseScenario(kScenario, "<reliability>"), *simXs_);
    server_ = std::make_unique<HostServer>(
        *sim_, xenstored().runDir() / ("hypervisor-" + std::to_string(++hosts_) + ".sock"));
}

ChildProcess& SeparateBalloond::startBalloond() {
    balloond_.reset();
    writesAtStart_ = countLines(log_, " -> ");
    sandbox::SpawnSpec spec;
    spec.argv = {RELIABILITY_BALLOOND, server_->socketPath().string(), config_.string()};
    spec.setEnv = xenstored().clientEnvironment();
    spec.out = sandbox::Output::appendTo(log_);
    spec.errToOut = true;
    balloond_ = std::make_unique<ChildProcess>(std::move(spec));
    return *balloond_;
}

void SeparateBalloond::killBalloond() {
    balloond_.reset();
}

std::map<DomId, KiB> SeparateBalloond::targets() {
    std::map<DomId, KiB> result;
    result[0] = memoryKey(*reader_, 0, "target").value_or(KiB{});
    for (const sim::SimGuest* guest : sim_->guests()) {
        result[guest->domid()] = memoryKey(*reader_, guest->domid(), "target").value_or(KiB{});
    }
    return result;
}

bool SeparateBalloond::pumpUntilRebalanced(const std::map<DomId, KiB>& before,
                                           std::chrono::milliseconds timeout) {
    // A write shows in the targets or, when a later write restored the old value before this
    // looked, as one more "<old> -> <new>" line in balloond's log since it started.
    const auto rebalanced = [&] {
        return targets() != before || countLines(log_, " -> ") > writesAtStart_;
    };
    // A balloond that exited will not rebalance anything: stop waiting at once.
    server_->pumpUntil([&] { return rebalanced() || (balloond_ && balloond_->exitStatus()); },
                       timeout);
    return rebalanced();
}

std::string SeparateBalloond::logTail() const {
    std::ifstream in(log_);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        lines.push_back(std::move(line));
    }
    std::ostringstream out;
    for (std::size_t i = lines.size() > 40 ? lines.size() - 40 : 0; i < lines.size(); ++i) {
        out << lines[i] << '\n';
    }
    return out.str();
}

}  // namespace balloon::reliability
