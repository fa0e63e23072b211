// balloonctl's subcommands as a table (one cmd_<verb>.cpp per verb or family of similar verbs):
// main looks the verb up and runs it; --help prints the same table.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "args.h"
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

struct Command {
    std::string_view name;
    std::vector<std::string_view> aliases;
    int (*run)(Context& context, std::vector<std::string> words);
    std::string_view usage;  // the arguments, e.g. "DOMAIN SIZE [--wait[=TIMEOUT]]"
    std::string_view help;   // one line
};

std::span<const Command> commands();
const Command* findCommand(std::string_view name);

// The verbs, by family.
int runSet(Context& context, std::vector<std::string> words);
int runMax(Context& context, std::vector<std::string> words);
int runList(Context& context, std::vector<std::string> words);
int runStatus(Context& context, std::vector<std::string> words);
int runAuto(Context& context, std::vector<std::string> words);
int runPin(Context& context, std::vector<std::string> words);
int runReserve(Context& context, std::vector<std::string> words);
int runRelease(Context& context, std::vector<std::string> words);
int runTransfer(Context& context, std::vector<std::string> words);
int runReservations(Context& context, std::vector<std::string> words);
int runRebalance(Context& context, std::vector<std::string> words);
int runDryRun(Context& context, std::vector<std::string> words);
int runPolicy(Context& context, std::vector<std::string> words);
int runWatch(Context& context, std::vector<std::string> words);

}  // namespace balloon::cli
