// balloonctl's subcommands as a table (one cmd_<verb>.cpp per verb or family of similar verbs):
// main declares each as a CLI11 subcommand through its `define`, which adds the arguments and
// returns what runs the command with the values parsed.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "client.h"
#include "exit_codes.h"

namespace balloon::cli {

// What every command gets: the bus to use, connected on first need (so that usage errors come
// before "balloond is not reachable").
class Context {
public:
    explicit Context(std::optional<std::string> busAddress) : busAddress_(std::move(busAddress)) {}
    Client& client() {
        if (!client_) {
            client_ = std::make_unique<Client>(busAddress_);
        }
        return *client_;
    }

private:
    std::optional<std::string> busAddress_;
    std::unique_ptr<Client> client_;
};

// Runs a parsed command; returns the exit status.
using Runner = std::function<int(Context& context)>;

struct Command {
    std::string_view name;
    std::vector<std::string_view> aliases;
    std::string_view help;  // one line
    // Adds the command's arguments and options to its subcommand.
    Runner (*define)(CLI::App& command);
};

std::span<const Command> commands();

// The arguments every command names the same way.
CLI::Option* addDomainArgument(CLI::App& command, std::string& into);
CLI::Option* addJsonFlag(CLI::App& command, bool& into);

// DOMAIN [--json]: the arguments of the commands that read about one domain.
struct DomainQuery {
    std::string domain;
    bool json = false;
};
std::shared_ptr<DomainQuery> addDomainQuery(CLI::App& command);

// The verbs, by family.
Runner defineSet(CLI::App& command);
Runner defineMax(CLI::App& command);
Runner defineList(CLI::App& command);
Runner defineStatus(CLI::App& command);
Runner defineAuto(CLI::App& command);
Runner definePin(CLI::App& command);
Runner defineReserve(CLI::App& command);
Runner defineRelease(CLI::App& command);
Runner defineTransfer(CLI::App& command);
Runner defineReservations(CLI::App& command);
Runner defineRebalance(CLI::App& command);
Runner defineDryRun(CLI::App& command);
Runner defineExplain(CLI::App& command);
Runner definePolicy(CLI::App& command);
Runner defineWatch(CLI::App& command);

}  // namespace balloon::cli
