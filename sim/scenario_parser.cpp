// Strict TOML reading of scenarios: every key is known, every value checked, every error placed.
#include <algorithm>
#include <cctype>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>

#include "scenario.h"
#include "size.h"
#include "toml_reader.h"

namespace balloon::sim {

namespace {

constexpr EnumNames<WorkloadKind, 5> kWorkloadNames{{
    {"idle", WorkloadKind::Idle},
    {"steady", WorkloadKind::Steady},
    {"burst", WorkloadKind::Burst},
    {"growth", WorkloadKind::Growth},
    {"leak", WorkloadKind::Leak},
}};
constexpr EnumNames<DriverKind, 6> kDriverNames{{
    {"linux", DriverKind::Linux},
    {"netbsd", DriverKind::NetBsd},
    {"slow", DriverKind::Slow},
    {"stuck", DriverKind::Stuck},
    {"liar", DriverKind::Liar},
    {"none", DriverKind::None},
}};
constexpr EnumNames<Agent, 4> kAgentNames{{
    {"balloond", Agent::Balloond},
    {"qubes", Agent::Qubes},
    {"xenserver", Agent::XenServer},
    {"none", Agent::None},
}};
constexpr EnumNames<EventAction, 4> kActionNames{{
    {"create", EventAction::Create},
    {"destroy", EventAction::Destroy},
    {"mem-set", EventAction::MemSet},
    {"workload", EventAction::Workload},
}};

// A problem of a whole table (not of one key), at the table's position.
[[noreturn]] void failTable(const TomlReader& r, const std::string& problem) {
    throw ScenarioError(r.tablePosition(), problem);
}

// `key` must be there: "<context> needs 'key'" at the table otherwise.
void require(const TomlReader& r, std::string_view key, std::string_view example) {
    if (!r.has(key)) {
        failTable(r, r.context() + " needs '" + std::string(key) + "' (e.g. " +
                         std::string(example) + ")");
    }
}

WorkloadSpec readWorkload(TomlReader& r) {
    WorkloadSpec w;
    r.readChoice("kind", w.kind, kWorkloadNames, "workload");
    if (w.kind == WorkloadKind::Idle) {
        w.base = mib(128);
        w.noise = 0.01;
    }
    r.readSize("base", w.base);
    r.readSize("amplitude", w.amplitude);
    r.readDuration("period", w.period, ZeroDuration::Allowed);
    r.readDuration("length", w.length, ZeroDuration::Allowed);
    r.readNumber("rate", w.rateMiBps, 0, 1e6);
    r.readNumber("noise", w.noise, 0, 1);
    if (w.kind == WorkloadKind::Burst && (w.period.count() <= 0 || w.length > w.period)) {
        failTable(r, "a burst needs 0 < length <= period (got length " +
                         std::to_string(w.length.count()) + " ms, period " +
                         std::to_string(w.period.count()) + " ms)");
    }
    r.finish();
    return w;
}

// The workload table under `key` of `r`, when there is one.
std::optional<WorkloadSpec> readWorkloadIn(TomlReader& r, std::string_view key) {
    const toml::table* table = r.table(key);
    if (table == nullptr) {
        return std::nullopt;
    }
    TomlReader w = r.nested(*table, r.context() + " " + std::string(key));
    return readWorkload(w);
}

bool validName(std::string_view name) {
    return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
    });
}

GuestSpec readDomain(TomlReader& r, std::int64_t& count) {
    GuestSpec g;
    require(r, "name", "name = \"web\"");
    r.readString("name", g.name);
    if (!validName(g.name)) {
        throw ScenarioError(r.positionOf("name"), "domain name \"" + g.name.substr(0, 80) +
                                                      "\" must be 1-64 letters, digits, '-', "
                                                      "'_' or '.'");
    }
    r.readInteger("count", count, 1, 4000);
    r.readChoice("type", g.type, kDomainTypeNames, "domain type");
    r.readSize("memory", g.memory);
    g.maxmem = g.memory;
    r.readSize("maxmem", g.maxmem);
    g.videoram = g.type == DomainType::Hvm ? mib(8) : KiB{0};
    r.readSize("videoram", g.videoram);
    g.firmware = g.type == DomainType::Pv ? KiB{0} : kDefaultFirmware;
    r.readSize("firmware", g.firmware);
    r.readChoice("driver", g.driver.kind, kDriverNames, "driver");
    r.readNumber("rate", g.driver.rateMiBps, 0, 1e6);
    r.readInteger("retries", g.driver.maxRetries, 0, 1000);
    r.readDuration("max_delay", g.driver.maxDelay, ZeroDuration::Allowed);
    r.readSize("grow_limit", g.driver.growLimit);
    const bool noDriver = g.driver.kind == DriverKind::None;
    g.agent = noDriver ? Agent::None : Agent::Balloond;
    if (r.readChoice("agent", g.agent, kAgentNames, "agent") && noDriver &&
        g.agent != Agent::None) {
        throw ScenarioError(r.positionOf("agent"),
                            "driver \"none\" reports nothing: drop 'agent' or set it to \"none\"");
    }
    r.readSize("kernel_reserve", g.kernelReserve);
    r.readSize("swap", g.swap);
    r.readNumber("cache_share", g.cacheShare, 0, 1);
    r.readBool("autostart", g.autostart);
    r.readBool("pod", g.pod);
    r.readSize("min", g.rangeMin);
    r.readSize("max", g.rangeMax);
    if (auto workload = readWorkloadIn(r, "workload")) {
        g.workload = *workload;
    }
    if (g.memory.count() == 0 || g.maxmem < g.memory) {
        failTable(r, "domain \"" + g.name + "\": need 0 < memory <= maxmem (memory " +
                         formatSize(g.memory) + ", maxmem " + formatSize(g.maxmem) + ")");
    }
    const KiB rangeTop = g.rangeMax.count() != 0 ? g.rangeMax : g.maxmem;
    if (g.rangeMin > rangeTop || rangeTop > g.maxmem) {
        failTable(r, "domain \"" + g.name + "\": need min <= max <= maxmem (min " +
                         formatSize(g.rangeMin) + ", max " + formatSize(rangeTop) + ")");
    }
    if (g.pod && g.type == DomainType::Pv) {
        failTable(r, "domain \"" + g.name + "\": pod applies to hvm and pvh domains only");
    }
    if (g.type != DomainType::Hvm && g.videoram.count() != 0) {
        failTable(r, "domain \"" + g.name + "\": videoram applies to hvm domains only");
    }
    if (g.memory <= g.videoram + g.firmware + g.kernelReserve) {
        failTable(r, "domain \"" + g.name + "\": memory " + formatSize(g.memory) +
                         " leaves nothing for the kernel after videoram, firmware and "
                         "kernel_reserve");
    }
    r.finish();
    return g;
}

void readDomains(const TomlReader& top, const std::vector<const toml::table*>& tables,
                 Scenario& out) {
    for (std::size_t i = 0; i < tables.size(); ++i) {
        TomlReader r = top.nested(*tables[i], "[[domain]] #" + std::to_string(i + 1));
        std::int64_t count = 1;
        const GuestSpec g = readDomain(r, count);
        for (std::int64_t n = 1; n <= count; ++n) {
            GuestSpec copy = g;
            if (count > 1) {
                copy.name = g.name + "-" + std::to_string(n);
            }
            if (findDomain(out, copy.name) != nullptr) {
                throw ScenarioError(r.positionOf("name"),
                                    "domain name \"" + copy.name + "\" is used twice");
            }
            out.domains.push_back(std::move(copy));
        }
    }
}

ScenarioEvent readEvent(TomlReader& r, const Scenario& scenario) {
    ScenarioEvent e;
    require(r, "at", "at = \"30s\"");
    r.readDuration("at", e.at, ZeroDuration::Allowed);
    r.readChoice("action", e.action, kActionNames, "action");
    require(r, "domain", "domain = \"web\"");
    r.readString("domain", e.domain);
    if (findDomain(scenario, e.domain) == nullptr) {
        throw ScenarioError(
            r.positionOf("domain"),
            "event names domain \"" + e.domain.substr(0, 80) + "\", which no [[domain]] declares");
    }
    if (e.action == EventAction::MemSet) {
        require(r, "size", "size = \"768M\"");
        r.readSize("size", e.size);
    }
    if (e.action == EventAction::Create) {
        r.readDuration("wait", e.wait, ZeroDuration::Allowed);
    }
    if (e.action == EventAction::Workload) {
        require(r, "workload", "workload = { kind = \"steady\" }");
        e.workload = *readWorkloadIn(r, "workload");
    }
    r.finish();
    return e;
}

void readHost(TomlReader& r, Scenario& s) {
    r.readSize("memory", s.hostMemory);
    r.readSize("dom0", s.dom0Memory);
    s.dom0Maxmem = s.dom0Memory;
    r.readSize("dom0_max", s.dom0Maxmem);
    r.readInteger("seed", s.seed, 0, std::numeric_limits<std::int64_t>::max());
    r.readDuration("duration", s.duration);
    r.readDuration("step", s.step);
    r.readDuration("report_interval", s.reportInterval, ZeroDuration::Allowed);
    r.readDuration("trace_interval", s.traceInterval, ZeroDuration::Allowed);
    if (s.hostMemory <= s.dom0Memory || s.dom0Maxmem < s.dom0Memory) {
        failTable(r, "[host] needs dom0 <= dom0_max and dom0 < memory");
    }
    r.finish();
}

}  // namespace

Scenario parseScenario(std::string_view text, const std::string& sourceName) {
    const toml::table root = parseToml(text, sourceName);
    TomlReader top(root, sourceName, UnknownKeys::Refuse);
    Scenario s;
    top.readString("name", s.name);
    top.readString("description", s.description);
    if (const toml::table* host = top.table("host")) {
        TomlReader r = top.nested(*host, "[host]");
        readHost(r, s);
    }
    readDomains(top, top.tables("domain"), s);
    const std::vector<const toml::table*> events = top.tables("event");
    for (std::size_t i = 0; i < events.size(); ++i) {
        TomlReader r = top.nested(*events[i], "[[event]] #" + std::to_string(i + 1));
        s.events.push_back(readEvent(r, s));
    }
    std::stable_sort(s.events.begin(), s.events.end(),
                     [](const ScenarioEvent& a, const ScenarioEvent& b) { return a.at < b.at; });
    top.finish();
    return s;
}

Scenario loadScenario(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw ScenarioError(SourcePosition{path.string(), 0, 0},
                            "cannot open the scenario file; check the path (the shipped ones "
                            "are in sim/scenarios/)");
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parseScenario(text.str(), path.string());
}

const GuestSpec* findDomain(const Scenario& scenario, std::string_view name) {
    for (const auto& g : scenario.domains) {
        if (g.name == name) {
            return &g;
        }
    }
    return nullptr;
}

}  // namespace balloon::sim
