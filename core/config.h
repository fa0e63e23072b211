// balloond.toml, read into plain structs. Every key, with its default, is in the commented
// systemd/balloond.toml; sizes are size strings (core/size.h), durations "500ms", "2s", "1m"
// (core/duration.h).
// Unknown keys are warnings (a newer file on an older daemon still starts); anything invalid is a
// ConfigError naming file:line:column, what is wrong and what is expected.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domid.h"
#include "duration.h"
#include "policy_config.h"
#include "toml_reader.h"
#include "units.h"

namespace balloon {

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

// [compat]: what lets balloond stand where qmemman (Qubes) or squeezed (XenServer) ran.
struct CompatConfig {
    // qmemman's client socket (Qubes: /var/run/qubes/qmemman.sock); empty: not served.
    std::filesystem::path qmemmanSocket;
    std::string qmemmanSocketOwner = "root";  // "user" or "user:group"; resolved at start
    std::uint32_t qmemmanSocketMode = 0600;   // permission bits of the socket file
    // How long balloond tries to free the memory of one `N` request before answering FAIL.
    Millis qmemmanTimeout{30000};
    // Balloon only domains that wrote control/feature-balloon (squeezed's rule).
    bool requireFeatureBalloon = false;
};

// A domain balloond.toml keeps out of the policy's hands: pinned or excluded by its [[domain]]
// entry, or dom0 with [dom0] managed = false (excluded).
struct ConfiguredHold {
    bool pinned = false;
    bool excluded = false;
    [[nodiscard]] bool any() const { return pinned || excluded; }
};

struct Config {
    PolicyConfig policy;  // [policy], plus [host] slush
    Dom0Config dom0;
    IntervalsConfig intervals;
    LimitsConfig limits;
    DbusConfig dbus;
    MetricsConfig metrics;
    CompatConfig compat;
    std::vector<DomainOverride> domains;

    // The override for a domain: the one naming its uuid (any case), else the one naming its
    // name, else nullptr. Empty arguments match nothing.
    [[nodiscard]] const DomainOverride* overrideFor(std::string_view name,
                                                    std::string_view uuid) const;
    // What this file fixes for a domain, whatever is asked at run time.
    [[nodiscard]] ConfiguredHold holdOn(DomId domid, std::string_view name,
                                        std::string_view uuid) const;
};

// Invalid configuration. what() is "file:line:column: problem"; position() is the place.
using ConfigError = TomlError;

struct ParsedConfig {
    Config config;
    // "file:line:column: unknown key ..." for each key or table balloond does not know.
    std::vector<std::string> warnings;
};

// Parses and validates TOML text; sourceName is used in messages. Throws ConfigError.
ParsedConfig parseConfig(std::istream& in, std::string_view sourceName);
// Opens and parses a file; a file that cannot be read is a ConfigError at line 0.
ParsedConfig loadConfig(const std::filesystem::path& path);

}  // namespace balloon
