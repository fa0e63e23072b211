// balloond.toml, read into plain structs. Every key, with its default, is in the commented
// systemd/balloond.toml; sizes are size strings (core/size.h), durations "500ms", "2s", "1m".
// Unknown keys are warnings (a newer file on an older daemon still starts); anything invalid is a
// ConfigError naming file:line:column, what is wrong and what is expected.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <istream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "policy_config.h"
#include "units.h"

namespace balloon {

using Millis = std::chrono::milliseconds;

// Where something was written, for messages: "balloond.toml:12:1".
struct SourcePosition {
    std::string source;
    std::uint32_t line = 0;
    std::uint32_t column = 0;

    [[nodiscard]] std::string toString() const;
    bool operator==(const SourcePosition&) const = default;
};

// [dom0]
struct Dom0Config {
    bool managed = true;   // balloond may change dom0's target
    KiB floor = mib(128);  // never below: xl refuses to set dom0 below 128 MiB
};

// [intervals]
struct IntervalsConfig {
    Millis sample{2000};               // how often the hypervisor's figures are sampled
    Millis stuckAfter{5000};           // no progress towards a target for this long: stuck
    Millis uncooperativeAfter{20000};  // stuck for this long: the guest is not following
    Millis reportStaleAfter{150000};   // a guest report older than this is stale
};

// [limits]: bounds on what guests can make the daemon do.
struct LimitsConfig {
    std::uint32_t reportMaxBytes = 512;  // longer reports are refused unread
    std::uint32_t reportsPerSecond = 2;  // per domain; faster writers are read at this rate
};

// One [[domain]]: settings for the domain with this name or uuid (exactly one is given).
struct DomainOverride {
    std::string name;  // empty when matched by uuid
    std::string uuid;  // lower case; empty when matched by name
    std::optional<KiB> min;
    std::optional<KiB> max;
    std::uint32_t weight = 100;  // shares, 1..10000
    bool pinned = false;         // balloond leaves its target alone
    bool excluded = false;       // never ballooned at all (balloon(4) security advice)
    SourcePosition position;     // of its [[domain]] header, for the daemon's messages
};

// [dbus]
struct DbusConfig {
    // Members of this group may call the mutating methods, besides root; empty: root only. The
    // daemon resolves the name at start and on reload (daemon/dbus_auth.h requireAdminGroup).
    std::string adminGroup;
    SourcePosition adminGroupPosition;  // of its value, for "no such group"
};

// [metrics]: Prometheus text exposition for node_exporter's textfile collector.
struct MetricsConfig {
    std::filesystem::path textfileDir;  // absolute; empty: no metrics file
    Millis interval{10000};             // written after a round, at most once per interval
};

struct Config {
    PolicyConfig policy;  // [policy], plus [host] slush
    Dom0Config dom0;
    IntervalsConfig intervals;
    LimitsConfig limits;
    DbusConfig dbus;
    MetricsConfig metrics;
    std::vector<DomainOverride> domains;

    // The override for a domain: the one naming its uuid (any case), else the one naming its
    // name, else nullptr. Empty arguments match nothing.
    [[nodiscard]] const DomainOverride* overrideFor(std::string_view name,
                                                    std::string_view uuid) const;
};

// Invalid configuration. what() is "file:line:column: problem"; position() is the place.
class ConfigError : public std::runtime_error {
public:
    ConfigError(SourcePosition position, const std::string& problem);
    [[nodiscard]] const SourcePosition& position() const { return position_; }

private:
    SourcePosition position_;
};

struct ParsedConfig {
    Config config;
    // "file:line:column: unknown key ..." for each key or table balloond does not know.
    std::vector<std::string> warnings;
};

// Parses and validates TOML text; sourceName is used in messages. Throws ConfigError.
ParsedConfig parseConfig(std::istream& in, std::string_view sourceName);
// Opens and parses a file; a file that cannot be read is a ConfigError at line 0.
ParsedConfig loadConfig(const std::filesystem::path& path);

// "500ms", "2s", "1m", "1h": a whole number and a unit, above zero, at most 24h. Throws
// std::invalid_argument naming the bad part.
Millis parseDuration(std::string_view text);

}  // namespace balloon
