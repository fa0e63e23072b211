#include <array>

#include "command.h"
#include "program.h"

namespace balloon::cli {
namespace {

// NOLINTNEXTLINE(cert-err58-cpp): built before main; a failure to allocate it is fatal anyway.
const std::array<Command, 15> kCommands{{
    {"set",
     {"mem-set"},
     "set a domain's target like xl mem-set (SIZE: 512M, 2G, +256M, -1G) and pin it there",
     defineSet},
    {"max", {"mem-max"}, "set a domain's maximum like xl mem-max", defineMax},
    {"list", {"ls"}, "list the domains balloond manages (sizes in MiB)", defineList},
    {"status", {"show"}, "everything balloond knows about one domain", defineStatus},
    {"auto", {"unpin"}, "hand a pinned domain back to the policy", defineAuto},
    {"pin", {}, "keep a domain's current target; the policy works around it", definePin},
    {"reserve",
     {},
     "set memory aside for a domain about to be built; held until transferred or Ctrl-C",
     defineReserve},
    {"release", {}, "give a reservation's memory back to the policy", defineRelease},
    {"transfer", {}, "hand a reservation to the domain being built", defineTransfer},
    {"reservations", {}, "list outstanding reservations", defineReservations},
    {"rebalance", {}, "run a balancing round now", defineRebalance},
    {"dry-run", {"plan"}, "show the plan a round would make now, and why", defineDryRun},
    {"explain", {}, "why a domain has its target, and what a round now would do", defineExplain},
    {"policy", {}, "show or switch the policy", definePolicy},
    {"watch", {"top"}, "live view of the domains, until Ctrl-C", defineWatch},
}};

}  // namespace

std::span<const Command> commands() {
    return kCommands;
}

CLI::Option* addDomainArgument(CLI::App& command, std::string& into) {
    return cmdline::addArgument(command, "DOMAIN", into,
                                "a domain name, a domid (3 or dom3) or a uuid; a name wins");
}

CLI::Option* addJsonFlag(CLI::App& command, bool& into) {
    return command.add_flag("--json", into,
                            "print JSON: exact KiB, null for unknown (balloonctl(8), JSON OUTPUT)");
}

std::shared_ptr<DomainQuery> addDomainQuery(CLI::App& command) {
    auto query = std::make_shared<DomainQuery>();
    addDomainArgument(command, query->domain);
    addJsonFlag(command, query->json);
    return query;
}

}  // namespace balloon::cli
