#include "config.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include <boost/algorithm/string/case_conv.hpp>
#include <boost/algorithm/string/predicate.hpp>

#include "size.h"

namespace balloon {

namespace {

constexpr std::size_t kMaxNameLength = 256;
constexpr std::size_t kMaxGroupNameLength = 64;
constexpr std::size_t kMaxSocketPathLength = 107;  // sun_path holds 108 bytes with its NUL

void readHost(TomlReader& r, Config& config) {
    r.readSize("slush", config.policy.slush);
}

void readDom0(TomlReader& r, Config& config) {
    r.readBool("managed", config.dom0.managed);
    r.readSize("floor", config.dom0.floor);
}

void readIntervals(TomlReader& r, Config& config) {
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
// keeps one maximum per minute.
void readBurstWindow(TomlReader& r, PolicyConfig& p) {
    constexpr std::string_view kKey = "burst-window";
    Millis window{};
    if (!r.readDuration(kKey, window, ZeroDuration::Allowed)) {
        return;
    }
    if (window % std::chrono::minutes(1) != Millis{0}) {
        r.fail(kKey, "must be whole minutes, e.g. \"5m\", or \"0\" to turn the burst reserve off");
    }
    if (window > kMaxBurstWindow) {
        r.fail(kKey, "must be at most " + std::to_string(kMaxBurstWindow.count()) +
                         "m (a peak is remembered per minute for every domain)");
    }
    p.burstWindow = std::chrono::duration_cast<std::chrono::minutes>(window);
}

void readPolicy(TomlReader& r, Config& config) {
    PolicyConfig& p = config.policy;
    r.readChoice("kind", p.kind, kPolicyKindNames, "policy");
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

void readLimits(TomlReader& r, Config& config) {
    // Xenstore values are at most 4096 bytes; a report needs a few dozen.
    r.readInteger("report-max-bytes", config.limits.reportMaxBytes, 64, 4096);
    r.readInteger("reports-per-second", config.limits.reportsPerSecond, 1, 100);
}

void readDbus(TomlReader& r, Config& config) {
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

void readMetrics(TomlReader& r, Config& config) {
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

// "0600": up to four octal digits, at most 0777 (no setuid, setgid or sticky bits on a socket).
std::optional<std::uint32_t> parseMode(std::string_view text) {
    if (text.empty() || text.size() > 4) {
        return std::nullopt;
    }
    std::uint32_t mode = 0;
    for (const char c : text) {
        if (c < '0' || c > '7') {
            return std::nullopt;
        }
        mode = mode * 8 + static_cast<std::uint32_t>(c - '0');
    }
    return mode <= 0777 ? std::optional(mode) : std::nullopt;
}

void readCompat(TomlReader& r, Config& config) {
    CompatConfig& c = config.compat;
    std::string text;
    if (r.readString("qmemman-socket", text)) {
        if (!text.empty() && (text.front() != '/' || text.size() > kMaxSocketPathLength)) {
            r.fail("qmemman-socket",
                   "must be an absolute path of at most 107 bytes, e.g. "
                   "\"/var/run/qubes/qmemman.sock\" (or \"\" for no socket)");
        }
        c.qmemmanSocket = text;
    }
    if (r.readString("qmemman-socket-owner", c.qmemmanSocketOwner)) {
        const std::string& owner = c.qmemmanSocketOwner;
        const bool wordy = std::all_of(owner.begin(), owner.end(), [](char ch) {
            const auto u = static_cast<unsigned char>(ch);
            return u > ' ' && u < 0x7f && ch != '/';
        });
        if (owner.empty() || owner.size() > 2 * kMaxGroupNameLength + 1 || !wordy ||
            owner.find(':') != owner.rfind(':') || owner.front() == ':' || owner.back() == ':') {
            r.fail("qmemman-socket-owner",
                   "must be \"user\" or \"user:group\" (printable names without spaces or '/')");
        }
    }
    if (r.readString("qmemman-socket-mode", text)) {
        const auto mode = parseMode(text);
        if (!mode) {
            r.fail("qmemman-socket-mode",
                   "must be octal permission bits of at most \"0777\", e.g. \"0600\" or \"0660\"");
        }
        c.qmemmanSocketMode = *mode;
    }
    if (r.readDuration("qmemman-timeout", c.qmemmanTimeout) &&
        (c.qmemmanTimeout < std::chrono::seconds(1) || c.qmemmanTimeout > std::chrono::hours(1))) {
        r.fail("qmemman-timeout", "must be between 1s and 1h");
    }
    r.readBool("require-feature-balloon", c.requireFeatureBalloon);
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

DomainOverride readDomain(TomlReader& r) {
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
        boost::algorithm::to_lower(d.uuid);
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

void readDomains(const TomlReader& root, const std::vector<const toml::table*>& tables,
                 ParsedConfig& out) {
    std::map<std::string, SourcePosition> seen;  // "name:x" / "uuid:x" -> first place
    for (std::size_t i = 0; i < tables.size(); ++i) {
        TomlReader r = root.nested(*tables[i], "[[domain]] #" + std::to_string(i + 1));
        DomainOverride d = readDomain(r);
        r.finish();
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

const DomainOverride* Config::overrideFor(std::string_view name, std::string_view uuid) const {
    if (!uuid.empty()) {
        for (const DomainOverride& d : domains) {
            if (!d.uuid.empty() && boost::algorithm::iequals(d.uuid, uuid)) {
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

ConfiguredHold Config::holdOn(DomId domid, std::string_view name, std::string_view uuid) const {
    ConfiguredHold hold;
    if (const DomainOverride* o = overrideFor(name, uuid)) {
        hold.pinned = o->pinned;
        hold.excluded = o->excluded;
    }
    hold.excluded = hold.excluded || (domid == kDom0 && !dom0.managed);
    return hold;
}

ParsedConfig parseConfig(std::istream& in, std::string_view sourceName) {
    std::ostringstream text;
    text << in.rdbuf();
    const toml::table root = parseToml(text.str(), sourceName);

    ParsedConfig out;
    TomlReader top(root, sourceName, UnknownKeys::Warn, &out.warnings);
    using Reader = void (*)(TomlReader&, Config&);
    const std::array<std::pair<std::string_view, Reader>, 8> sections{{
        {"host", readHost},
        {"dom0", readDom0},
        {"intervals", readIntervals},
        {"policy", readPolicy},
        {"limits", readLimits},
        {"dbus", readDbus},
        {"metrics", readMetrics},
        {"compat", readCompat},
    }};
    std::array<const toml::table*, sections.size()> tables{};
    for (std::size_t i = 0; i < sections.size(); ++i) {
        tables.at(i) = top.table(sections.at(i).first);
    }
    const std::vector<const toml::table*> domains = top.tables("domain");
    top.finish();  // the root's warnings first, then each table's
    for (std::size_t i = 0; i < sections.size(); ++i) {
        if (tables.at(i) != nullptr) {
            const auto& [name, read] = sections.at(i);
            TomlReader r = top.nested(*tables.at(i), "[" + std::string(name) + "]");
            read(r, out.config);
            r.finish();
        }
    }
    readDomains(top, domains, out);
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
