// Strict TOML reading of scenarios: every key is known, every value checked, every error placed.
#include <algorithm>
#include <cctype>
#include <fstream>
#include <limits>
#include <sstream>

#include "scenario.h"
#include "size.h"
#include "toml_reader.h"

namespace balloon::sim {

namespace {

using detail::TableReader;
using detail::where;

WorkloadSpec readWorkload(const toml::table& table, const std::string& src) {
    TableReader r(table, src, "a workload");
    WorkloadSpec w;
    w.kind = r.choice<WorkloadKind>("kind", WorkloadKind::Steady,
                                    {{"idle", WorkloadKind::Idle},
                                     {"steady", WorkloadKind::Steady},
                                     {"burst", WorkloadKind::Burst},
                                     {"growth", WorkloadKind::Growth},
                                     {"leak", WorkloadKind::Leak}});
    if (w.kind == WorkloadKind::Idle) {
        w.base = mib(128);
        w.noise = 0.01;
    }
    w.base = r.size("base", w.base);
    w.amplitude = r.size("amplitude", w.amplitude);
    w.period = r.duration("period", w.period);
    w.length = r.duration("length", w.length);
    w.rateMiBps = r.number("rate", w.rateMiBps, 0, 1e6);
    w.noise = r.number("noise", w.noise, 0, 1);
    if (w.kind == WorkloadKind::Burst && (w.period.count() <= 0 || w.length > w.period)) {
        r.fail("a burst needs 0 < length <= period (got length " +
               std::to_string(w.length.count()) + " ms, period " +
               std::to_string(w.period.count()) + " ms)");
    }
    r.finish();
    return w;
}

bool validName(std::string_view name) {
    return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
    });
}

void readDomains(TableReader& top, const toml::node& node, Scenario& out) {
    const auto* array = node.as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
        top.fail(node, "'domain' must be an array of tables: write [[domain]]");
    }
    for (const auto& element : *array) {
        TableReader r(*element.as_table(), top.source(), "a [[domain]]");
        GuestSpec g;
        const toml::node& nameNode = r.require("name");
        g.name = r.text(nameNode, "name");
        if (!validName(g.name)) {
            r.fail(nameNode,
                   "domain name \"" + g.name + "\" must be 1-64 letters, digits, '-', '_' or '.'");
        }
        const auto count = r.integer("count", 1, 1, 4000);
        g.type = r.choice<DomainType>(
            "type", DomainType::Pv,
            {{"pv", DomainType::Pv}, {"pvh", DomainType::Pvh}, {"hvm", DomainType::Hvm}});
        g.memory = r.size("memory", g.memory);
        g.maxmem = r.size("maxmem", g.memory);
        g.videoram = r.size("videoram", g.type == DomainType::Hvm ? mib(8) : KiB{0});
        g.firmware = r.size("firmware", g.type == DomainType::Pv ? KiB{0} : kDefaultFirmware);
        g.driver.kind = r.choice<DriverKind>("driver", DriverKind::Linux,
                                             {{"linux", DriverKind::Linux},
                                              {"netbsd", DriverKind::NetBsd},
                                              {"slow", DriverKind::Slow},
                                              {"stuck", DriverKind::Stuck},
                                              {"liar", DriverKind::Liar},
                                              {"none", DriverKind::None}});
        g.driver.rateMiBps = r.number("rate", 0, 0, 1e6);
        g.driver.maxRetries = static_cast<int>(r.integer("retries", 4, 0, 1000));
        g.driver.maxDelay = r.duration("max_delay", g.driver.maxDelay);
        const bool noDriver = g.driver.kind == DriverKind::None;
        const toml::node* agentNode = r.get("agent");
        g.agent = r.choice<Agent>("agent", noDriver ? Agent::None : Agent::Balloond,
                                  {{"balloond", Agent::Balloond},
                                   {"qubes", Agent::Qubes},
                                   {"xenserver", Agent::XenServer},
                                   {"none", Agent::None}});
        if (noDriver && g.agent != Agent::None) {
            r.fail(*agentNode,
                   "driver \"none\" reports nothing: drop 'agent' or set it to "
                   "\"none\"");
        }
        g.kernelReserve = r.size("kernel_reserve", g.kernelReserve);
        g.swap = r.size("swap", g.swap);
        g.cacheShare = r.number("cache_share", g.cacheShare, 0, 1);
        g.autostart = r.flag("autostart", true);
        if (const toml::table* w = r.table("workload")) {
            g.workload = readWorkload(*w, top.source());
        }
        if (g.memory.count() == 0 || g.maxmem < g.memory) {
            r.fail("domain \"" + g.name + "\": need 0 < memory <= maxmem (memory " +
                   formatSize(g.memory) + ", maxmem " + formatSize(g.maxmem) + ")");
        }
        if (g.type != DomainType::Hvm && g.videoram.count() != 0) {
            r.fail("domain \"" + g.name + "\": videoram applies to hvm domains only");
        }
        if (g.memory <= g.videoram + g.firmware + g.kernelReserve) {
            r.fail("domain \"" + g.name + "\": memory " + formatSize(g.memory) +
                   " leaves nothing for the kernel after videoram, firmware and kernel_reserve");
        }
        r.finish();
        for (std::int64_t i = 1; i <= count; ++i) {
            GuestSpec copy = g;
            if (count > 1) {
                copy.name = g.name + "-" + std::to_string(i);
            }
            if (findDomain(out, copy.name) != nullptr) {
                r.fail(nameNode, "domain name \"" + copy.name + "\" is used twice");
            }
            out.domains.push_back(std::move(copy));
        }
    }
}

void readEvents(TableReader& top, const toml::node& node, Scenario& out) {
    const auto* array = node.as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
        top.fail(node, "'event' must be an array of tables: write [[event]]");
    }
    for (const auto& element : *array) {
        TableReader r(*element.as_table(), top.source(), "an [[event]]");
        ScenarioEvent e;
        e.at = r.duration("at", Duration{0});
        if (r.get("at") == nullptr) {
            r.fail("an [[event]] needs 'at' (e.g. at = \"30s\")");
        }
        e.action = r.choice<EventAction>("action", EventAction::Create,
                                         {{"create", EventAction::Create},
                                          {"destroy", EventAction::Destroy},
                                          {"mem-set", EventAction::MemSet},
                                          {"workload", EventAction::Workload}});
        const toml::node& domainNode = r.require("domain");
        e.domain = r.text(domainNode, "domain");
        if (findDomain(out, e.domain) == nullptr) {
            r.fail(domainNode,
                   "event names domain \"" + e.domain + "\", which no [[domain]] declares");
        }
        if (e.action == EventAction::MemSet) {
            r.require("size");
            e.size = r.size("size", KiB{0});
        }
        if (e.action == EventAction::Create) {
            e.wait = r.duration("wait", Duration{0});
        }
        if (e.action == EventAction::Workload) {
            r.require("workload");
            e.workload = readWorkload(*r.table("workload"), top.source());
        }
        r.finish();
        out.events.push_back(std::move(e));
    }
    std::stable_sort(out.events.begin(), out.events.end(),
                     [](const ScenarioEvent& a, const ScenarioEvent& b) { return a.at < b.at; });
}

}  // namespace

Scenario parseScenario(std::string_view text, const std::string& sourceName) {
    toml::table root;
    try {
        root = toml::parse(text, sourceName);
    } catch (const toml::parse_error& e) {
        throw ScenarioError(where(sourceName, e.source()) + std::string(e.description()));
    }
    TableReader top(root, sourceName, "the scenario");
    Scenario s;
    s.name = top.text("name", "");
    s.description = top.text("description", "");
    if (const toml::table* host = top.table("host")) {
        TableReader r(*host, sourceName, "[host]");
        s.hostMemory = r.size("memory", s.hostMemory);
        s.dom0Memory = r.size("dom0", s.dom0Memory);
        s.dom0Maxmem = r.size("dom0_max", s.dom0Memory);
        s.seed = static_cast<std::uint64_t>(
            r.integer("seed", 1, 0, std::numeric_limits<std::int64_t>::max()));
        s.duration = r.duration("duration", s.duration);
        s.step = r.duration("step", s.step);
        s.reportInterval = r.duration("report_interval", s.reportInterval);
        s.traceInterval = r.duration("trace_interval", s.traceInterval);
        if (s.step.count() <= 0) {
            r.fail("[host] step must be above 0 ms");
        }
        if (s.hostMemory <= s.dom0Memory || s.dom0Maxmem < s.dom0Memory) {
            r.fail("[host] needs dom0 <= dom0_max and dom0 < memory");
        }
        r.finish();
    }
    if (const toml::node* domains = top.get("domain")) {
        readDomains(top, *domains, s);
    }
    if (const toml::node* events = top.get("event")) {
        readEvents(top, *events, s);
    }
    top.finish();
    return s;
}

Scenario loadScenario(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw ScenarioError(path.string() +
                            ": cannot open the scenario file; check the path (the "
                            "shipped ones are in sim/scenarios/)");
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

Duration parseDuration(std::string_view text) {
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
        ++digits;
    }
    const std::string_view unit = text.substr(digits);
    if (digits == 0 || digits > 12) {
        throw std::invalid_argument("\"" + std::string(text) +
                                    "\" is not a duration; write a whole number and a unit: "
                                    "\"100ms\", \"30s\", \"5m\", \"1h\"");
    }
    const std::int64_t n = std::stoll(std::string(text.substr(0, digits)));
    if (unit == "ms") {
        return Duration{n};
    }
    if (unit == "s") {
        return Duration{n * 1000};
    }
    if (unit == "m") {
        return Duration{n * 60'000};
    }
    if (unit == "h") {
        return Duration{n * 3'600'000};
    }
    throw std::invalid_argument("\"" + std::string(text) + "\" has unit \"" + std::string(unit) +
                                "\"; use ms, s, m or h");
}

}  // namespace balloon::sim
