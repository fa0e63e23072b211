// balloonctl: the command-line client of balloond. Declares the global options and one
// subcommand per row of the command table (command.h), runs the one given, and turns every
// failure into a documented exit status (cmdline/exit_status.h).
#include <iostream>
#include <map>
#include <string>

#include <sdbus-c++/Error.h>

#include "command.h"
#include "error.h"
#include "exit_codes.h"
#include "program.h"

namespace {

using namespace balloon;
using namespace balloon::cli;

constexpr const char* kDescription =
    "Controls balloond, the Xen memory balancer, over D-Bus.\n"
    "DOMAIN is a name, a domid (3 or dom3) or a uuid; a name wins. Sizes are KiB-exact: 512M, 2G,\n"
    "1.5G, 4096K; a bare number is MiB, as in xl. Durations: 500ms, 30s, 2m; a bare number is\n"
    "seconds. `balloonctl COMMAND --help` shows a command's arguments.";

int run(const Runner& runner, const std::string& busAddress) {
    try {
        Context context(busAddress.empty() ? std::nullopt : std::optional(busAddress));
        return runner(context);
    } catch (const sdbus::Error& e) {
        std::cerr << "balloonctl: " << describe(e) << "\n";
        return exitCodeFor(e);
    } catch (const balloon::Error& e) {
        std::cerr << "balloonctl: " << e.what() << "\n";
        return e.code() == Errc::InvalidArgument ? cmdline::kExitUsage : cmdline::kExitRefused;
    } catch (const std::exception& e) {
        std::cerr << "balloonctl: " << e.what() << "\n";
        return cmdline::kExitRefused;
    }
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app(kDescription, "balloonctl");
    cmdline::applyConventions(
        app, BALLOONCTL_VERSION,
        {cmdline::kExitOk, cmdline::kExitUsage, cmdline::kExitUnreachable, cmdline::kExitRefused,
         cmdline::kExitNotAuthorized, cmdline::kExitTimeout});
    std::string busAddress;
    app.add_option("--bus-address", busAddress,
                   "talk to balloond on this D-Bus address; default: the system bus")
        ->envname("BALLOONCTL_BUS_ADDRESS")
        ->type_name("ADDRESS");
    cmdline::requireCommand(app);
    std::map<const CLI::App*, Runner> runners;
    for (const Command& c : commands()) {
        CLI::App* command = cmdline::addCommand(app, std::string(c.name), std::string(c.help));
        for (std::string_view alias : c.aliases) {
            command->alias(std::string(alias));
        }
        runners.emplace(command, c.define(*command));
    }
    // `balloonctl help`, as many tools answer it.
    const CLI::App* help = app.add_subcommand("help", "")->group("");
    if (const auto status = cmdline::parse(app, argc, argv)) {
        return *status;
    }
    const CLI::App* chosen = cmdline::chosenCommand(app);
    if (chosen == help) {
        std::cout << cmdline::programHelp(app);
        return cmdline::kExitOk;
    }
    return run(runners.at(chosen), busAddress);
}
