// balloonctl: the command-line client of balloond. Parses the global options, runs one
// subcommand from the table (command.h) and turns every failure into a documented exit code.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <sdbus-c++/Error.h>

#include "command.h"
#include "error.h"
#include "exit_codes.h"

namespace {

using namespace balloon::cli;

void printHelp() {
    std::cout << "Usage: balloonctl [--bus-address ADDRESS] COMMAND [ARGS]\n"
                 "Controls balloond, the Xen memory balancer. DOMAIN is a name, a domid (3 or "
                 "dom3) or a uuid;\na name wins. Sizes are KiB-exact: 512M, 2G, 1.5G, 4096K; "
                 "a bare number is MiB, as in xl.\n\nCommands:\n";
    for (const Command& c : commands()) {
        std::string head(c.name);
        if (!c.usage.empty()) {
            head += " " + std::string(c.usage);
        }
        std::cout << "  " << head << "\n      " << c.help << "\n";
    }
    std::cout << "\nOptions:\n"
                 "  --bus-address ADDRESS  talk to balloond on this D-Bus address (also "
                 "BALLOONCTL_BUS_ADDRESS);\n"
                 "                         default: the system bus\n"
                 "  --help, -h             this help; --version: the version\n\n"
                 "Exit codes: 0 ok, 1 usage error, 2 balloond not reachable, 3 refused by "
                 "balloond (its\nmessage is printed), 4 not authorized, 5 timeout or target "
                 "not reached (set --wait).\nSee balloonctl(8).\n";
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> words;
    std::optional<std::string> busAddress;
    if (const char* env = std::getenv("BALLOONCTL_BUS_ADDRESS"); env != nullptr && *env != '\0') {
        busAddress = env;
    }
    try {
        // Global options come before the command.
        int i = 1;
        for (; i < argc; ++i) {
            const std::string word = argv[i];
            if (word == "--help" || word == "-h" || word == "help") {
                printHelp();
                return kExitOk;
            }
            if (word == "--version") {
                std::cout << "balloonctl " << BALLOONCTL_VERSION << "\n";
                return kExitOk;
            }
            if (word == "--bus-address" && i + 1 < argc) {
                busAddress = argv[++i];
            } else if (word.starts_with("--bus-address=")) {
                busAddress = word.substr(14);
            } else if (word.starts_with("-")) {
                throw UsageError{"unknown option " + word};
            } else {
                break;
            }
        }
        if (i >= argc) {
            throw UsageError{"no command given"};
        }
        const Command* command = findCommand(argv[i]);
        if (command == nullptr) {
            throw UsageError{"unknown command \"" + std::string(argv[i]) + "\""};
        }
        words.assign(argv + i + 1, argv + argc);
        for (const auto& w : words) {
            if (w == "--help" || w == "-h") {
                std::cout << "Usage: balloonctl " << command->name << " " << command->usage << "\n"
                          << command->help << "\n";
                return kExitOk;
            }
        }
        Context context(busAddress);
        return command->run(context, std::move(words));
    } catch (const UsageError& e) {
        std::cerr << "balloonctl: " << e.message << " (see balloonctl --help)\n";
        return kExitUsage;
    } catch (const sdbus::Error& e) {
        std::cerr << "balloonctl: " << describe(e) << "\n";
        return exitCodeFor(e);
    } catch (const balloon::Error& e) {
        std::cerr << "balloonctl: " << e.what() << "\n";
        return e.code() == balloon::Errc::InvalidArgument ? kExitUsage : kExitRefused;
    } catch (const std::exception& e) {
        std::cerr << "balloonctl: " << e.what() << "\n";
        return kExitRefused;
    }
}
