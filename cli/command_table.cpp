#include <algorithm>
#include <array>

#include "command.h"

namespace balloon::cli {
namespace {

// NOLINTNEXTLINE(cert-err58-cpp): built before main; a failure to allocate it is fatal anyway.
const std::array<Command, 14> kCommands{{
    {"set",
     {"mem-set"},
     runSet,
     "DOMAIN SIZE [--wait[=TIMEOUT]]",
     "set a domain's target like xl mem-set (SIZE: 512M, 2G, +256M, -1G) and pin it there"},
    {"max", {"mem-max"}, runMax, "DOMAIN SIZE", "set a domain's maximum like xl mem-max"},
    {"list", {"ls"}, runList, "[--json]", "list the domains balloond manages (sizes in MiB)"},
    {"status", {"show"}, runStatus, "DOMAIN", "everything balloond knows about one domain"},
    {"auto", {"unpin"}, runAuto, "DOMAIN", "hand a pinned domain back to the policy"},
    {"pin", {}, runPin, "DOMAIN", "keep a domain's current target; the policy works around it"},
    {"reserve",
     {},
     runReserve,
     "SIZE [--timeout=TIMEOUT] [--expiry=TIME]",
     "set memory aside for a domain about to be built; held until transferred or Ctrl-C"},
    {"release", {}, runRelease, "ID", "give a reservation's memory back to the policy"},
    {"transfer", {}, runTransfer, "ID DOMID", "hand a reservation to the domain being built"},
    {"reservations", {}, runReservations, "", "list outstanding reservations"},
    {"rebalance", {}, runRebalance, "", "run a balancing round now"},
    {"dry-run", {"plan"}, runDryRun, "", "show the plan a round would make now, and why"},
    {"policy", {}, runPolicy, "[off|proportional|demand]", "show or switch the policy"},
    {"watch", {"top"}, runWatch, "", "live view of the domains, until Ctrl-C"},
}};

}  // namespace

std::span<const Command> commands() {
    return kCommands;
}

const Command* findCommand(std::string_view name) {
    const auto it = std::find_if(kCommands.begin(), kCommands.end(), [&](const Command& c) {
        return c.name == name ||
               std::find(c.aliases.begin(), c.aliases.end(), name) != c.aliases.end();
    });
    return it == kCommands.end() ? nullptr : &*it;
}

}  // namespace balloon::cli
