#include "config.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>

#include "config_reader.h"
#include "size.h"

namespace balloon {

using config_detail::TableReader;
using config_detail::toPosition;
using config_detail::typeName;

namespace {

constexpr std::array<std::string_view, 8> kTables{"host",   "dom0", "intervals", "policy",
                                                  "limits", "dbus", "metrics",   "domain"};
constexpr std::size_t kMaxNameLength = 256;
constexpr std::size_t kMaxGroupNameLength = 64;

const toml::table* subTable(const toml::table& root, std::string_view name,
                            std::string_view source) {
    const toml::node* node = root.get(name);
    if (node == nullptr) {
        return nullptr;
    }
    if (const auto* table = node->as_table()) {
        return table;
    }
    throw ConfigError(toPosition(source, node->source()),
                      "\"" + std::string(name) + "\" must be a table ([" + std::string(name) +
                          "]), found " + std::string(typeName(*node)));
}

void readHost(TableReader& r, Config& config) {
    r.readSize("slush", config.policy.slush);
}

void readDom0(TableReader& r, Config& config) {
    r.readBool("managed", config.dom0.managed);
    r.readSize("floor", config.dom0.floor);
}

void readIntervals(TableReader& r, Config& config) {
    IntervalsConfig& iv = config.intervals;
    r.readDuration("sample", iv.sample);
    r.readDuration("stuck-after", iv.stuckAfter);
    r.readDuration("uncooperative-after", iv.uncooperativeAfter);
    r.readDuration("report-stale-after", iv.reportStaleAfter);
    // A guest is stuck before it is uncooperative, and stuckness needs samples to see.
    if (iv.uncooperativeAfter < iv.stuckAfter) {
        r.fail("uncooperative-after", "is shorter than stuck-after (" +
                                          std::to_string(iv.stuckAfter.count()) +
                                          "ms); it must be at least as long");
    }
    if (iv.sample > iv.stuckAfter) {
        r.fail("sample", "is longer than stuck-after (" + std::to_string(iv.stuckAfter.count()) +
                             "ms); sample at least once per stuck-after");
    }
}

// "0" turns the burst reserve off; anything else is a duration in whole minutes, as RecentPeak
// keeps one maximum per minute (a duration string cannot be zero).
void readBurstWindow(TableReader& r, PolicyConfig& p) {
    constexpr std::string_view kKey = "burst-window";
    std::string text;
    if (!r.readString(kKey, text)) {
        return;
    }
    if (text == "0") {
        p.burstWindow = std::chrono::minutes(0);
        return;
    }
    Millis window{};
    r.readDuration(kKey, window);
    if (window % std::chrono::minutes(1) != Millis{0}) {
        r.fail(kKey, "must be whole minutes, e.g. \"5m\", or \"0\" to turn the burst reserve off");
    }
    if (window > kMaxBurstWindow) {
        r.fail(kKey, "must be at most " + std::to_string(kMaxBurstWindow.count()) +
                         "m (a peak is remembered per minute for every domain)");
    }
    p.burstWindow = std::chrono::duration_cast<std::chrono::minutes>(window);
}

void readPolicy(TableReader& r, Config& config) {
    PolicyConfig& p = config.policy;
    std::string kind;
    if (r.readString("kind", kind)) {
        if (kind == "off") {
            p.kind = PolicyKind::Off;
        } else if (kind == "proportional") {
            p.kind = PolicyKind::Proportional;
        } else if (kind == "demand") {
            p.kind = PolicyKind::Demand;
        } else {
            r.fail("kind", "unknown policy \"" + kind + "\"; expected off, proportional or demand");
        }
    }
    r.readNumber("idle-tax", p.idleTax, 0.0, 1.0);
    r.readNumber("headroom", p.headroomFraction, 0.0, 10.0);
    r.readSize("min-headroom", p.minHeadroom);
    r.readSize("deadband", p.deadband);
    if (r.readSize("max-step", p.maxStep) && p.maxStep == KiB{0}) {
        r.fail("max-step", "must be above zero (a zero step never moves a target)");
    }
    if (p.deadband >= p.maxStep) {
        r.fail("deadband", "(" + formatSize(p.deadband) + ") must be smaller than max-step (" +
                               formatSize(p.maxStep) + "), or no change could ever be made");
    }
    Millis hold{};
    if (r.readDuration("hold", hold)) {
        if (hold % std::chrono::seconds(1) != Millis{0}) {
            r.fail("hold", "must be whole seconds, e.g. \"60s\"");
        }
        p.holdTime = std::chrono::duration_cast<std::chrono::seconds>(hold);
    }
    readBurstWindow(r, p);
    r.readSize("default-min", p.defaultMin);
}

void readLimits(TableReader& r, Config& config) {
    // Xenstore values are at most 4096 bytes; a report needs a few dozen.
    r.readInteger("report-max-bytes", config.limits.reportMaxBytes, 64, 4096);
    r.readInteger("reports-per-second", config.limits.reportsPerSecond, 1, 100);
}

void readDbus(TableReader& r, Config& config) {
    DbusConfig& d = config.dbus;
    if (!r.readString("admin-group", d.adminGroup)) {
        return;
    }
    d.adminGroupPosition = r.positionOf("admin-group");
    // Group names are short words; anything else is a typo or an attempt to confuse the logs.
    const bool printable = std::all_of(d.adminGroup.begin(), d.adminGroup.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u > ' ' && u < 0x7f && c != ':' && c != '/';
    });
    if (d.adminGroup.size() > kMaxGroupNameLength || !printable) {
        r.fail("admin-group",
               "must be a group name of at most 64 printable characters without "
               "spaces, ':' or '/' (or \"\" for root only)");
    }
}

void readMetrics(TableReader& r, Config& config) {
    MetricsConfig& m = config.metrics;
    std::string dir;
    if (r.readString("textfile-dir", dir)) {
        if (!dir.empty() && (dir.front() != '/' || dir.find('\0') != std::string::npos)) {
            r.fail("textfile-dir",
                   "must be an absolute directory path, e.g. "
                   "\"/var/lib/prometheus/node-exporter\" (or \"\" for no metrics)");
        }
        m.textfileDir = dir;
    }
    if (r.readDuration("interval", m.interval) && m.interval < std::chrono::seconds(1)) {
        r.fail("interval", "must be at least 1s (Prometheus scrapes far less often)");
    }
}

bool isUuid(std::string_view s) {
    if (s.size() != 36) {
        return false;
    }
    for (std::size_t i = 0; i < s.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : std::isxdigit(static_cast<unsigned char>(s[i])) == 0) {
            return false;
        }
    }
    return true;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

DomainOverride readDomain(TableReader& r) {
    DomainOverride d;
    d.position = r.tablePosition();
    const bool hasName = r.readString("name", d.name);
    const bool hasUuid = r.readString("uuid", d.uuid);
    if (hasName && hasUuid) {
        r.fail("uuid", "a [[domain]] is matched by name or by uuid; give one of them, not both");
    }
    if (!hasName && !hasUuid) {
        throw ConfigError(d.position, r.context() +
                                          " has neither name nor uuid; give exactly one "
                                          "(name = \"web1\" or uuid = \"<domain uuid>\")");
    }
    if (hasName && (d.name.empty() || d.name.size() > kMaxNameLength)) {
        r.fail("name", "must be 1 to 256 characters");
    }
    if (hasUuid) {
        d.uuid = lower(d.uuid);
        if (!isUuid(d.uuid)) {
            r.fail("uuid", "\"" + d.uuid.substr(0, 40) +
                               "\" is not a UUID; expected 8-4-4-4-12 hex digits, as "
                               "`xl list -v` prints");
        }
    }
    KiB size;
    if (r.readSize("min", size)) {
        d.min = size;
    }
    if (r.readSize("max", size)) {
        d.max = size;
    }
    if (d.min && d.max && *d.min > *d.max) {
        r.fail("min", "(" + formatSize(*d.min) + ") is above max (" + formatSize(*d.max) +
                          "); min must not exceed max");
    }
    r.readInteger("weight", d.weight, 1, 10000);
    r.readBool("pinned", d.pinned);
    r.readBool("excluded", d.excluded);
    return d;
}

void readDomains(const toml::table& root, std::string_view source, ParsedConfig& out) {
    const toml::node* node = root.get("domain");
    if (node == nullptr) {
        return;
    }
    const auto* array = node->as_array();
    if (array == nullptr) {
        throw ConfigError(toPosition(source, node->source()),
                          "domain overrides are an array of tables: write [[domain]], not "
                          "[domain]");
    }
    std::map<std::string, SourcePosition> seen;  // "name:x" / "uuid:x" -> first place
    for (std::size_t i = 0; i < array->size(); ++i) {
        const toml::node& element = *array->get(i);
        const auto* table = element.as_table();
        if (table == nullptr) {
            throw ConfigError(
                toPosition(source, element.source()),
                "each domain override must be a table, found " + std::string(typeName(element)));
        }
        TableReader r(*table, "[[domain]] #" + std::to_string(i + 1), source, out.warnings);
        DomainOverride d = readDomain(r);
        r.warnUnknownKeys();
        const std::string key = d.uuid.empty() ? "name \"" + d.name + "\"" : "uuid " + d.uuid;
        const auto [it, inserted] = seen.emplace(key, d.position);
        if (!inserted) {
            throw ConfigError(d.position, "a second [[domain]] for " + key + " (the first is at " +
                                              it->second.toString() + "); merge them into one");
        }
        out.config.domains.push_back(std::move(d));
    }
}

}  // namespace

std::string SourcePosition::toString() const {
    if (line == 0) {
        return source;
    }
    return source + ":" + std::to_string(line) + ":" + std::to_string(column);
}

ConfigError::ConfigError(SourcePosition position, const std::string& problem)
    : std::runtime_error(position.toString() + ": " + problem), position_(std::move(position)) {}

const DomainOverride* Config::overrideFor(std::string_view name, std::string_view uuid) const {
    if (!uuid.empty()) {
        const std::string wanted = lower(uuid);
        for (const DomainOverride& d : domains) {
            if (!d.uuid.empty() && d.uuid == wanted) {
                return &d;
            }
        }
    }
    if (!name.empty()) {
        for (const DomainOverride& d : domains) {
            if (!d.name.empty() && d.name == name) {
                return &d;
            }
        }
    }
    return nullptr;
}

ParsedConfig parseConfig(std::istream& in, std::string_view sourceName) {
    toml::table root;
    try {
        root = toml::parse(in, sourceName);
    } catch (const toml::parse_error& e) {
        throw ConfigError(toPosition(sourceName, e.source()),
                          "not valid TOML: " + std::string(e.description()));
    }

    ParsedConfig out;
    for (const auto& [key, node] : root) {
        if (std::find(kTables.begin(), kTables.end(), key.str()) == kTables.end()) {
            const std::string what = node.is_table() ? "table [" + std::string(key.str()) + "]"
                                                     : "key \"" + std::string(key.str()) + "\"";
            out.warnings.push_back(toPosition(sourceName, key.source()).toString() + ": unknown " +
                                   what + " (ignored)");
        }
    }

    using Reader = void (*)(TableReader&, Config&);
    const std::array<std::pair<std::string_view, Reader>, 7> sections{{
        {"host", readHost},
        {"dom0", readDom0},
        {"intervals", readIntervals},
        {"policy", readPolicy},
        {"limits", readLimits},
        {"dbus", readDbus},
        {"metrics", readMetrics},
    }};
    for (const auto& [name, read] : sections) {
        if (const toml::table* table = subTable(root, name, sourceName)) {
            TableReader r(*table, "[" + std::string(name) + "]", sourceName, out.warnings);
            read(r, out.config);
            r.warnUnknownKeys();
        }
    }
    readDomains(root, sourceName, out);
    return out;
}

ParsedConfig loadConfig(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) {
        throw ConfigError(SourcePosition{path.string(), 0, 0},
                          std::string("cannot open the configuration file: ") +
                              std::strerror(errno) + " (check the path, or pass another one)");
    }
    return parseConfig(in, path.string());
}

}  // namespace balloon
