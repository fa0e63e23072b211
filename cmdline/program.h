// The command-line conventions every program balloond builds shares, on CLI11: -h/--help and
// --version answered on stdout with exit status 0, every mistake a usage error (exit status 1)
// printed as "PROGRAM: what is wrong (see PROGRAM --help)", and one help layout.
#pragma once

#include <initializer_list>
#include <iosfwd>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "exit_status.h"
#include "parsed.h"

namespace balloon::cmdline {

// A command-line mistake found after parsing (a combination CLI11 cannot express, or a value
// only the program can judge). run() and usageError() print it like CLI11's own.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The help flag, --version (when `version` is not empty), the help layout, and a footer naming
// the exit statuses the program uses. Call it before adding options and subcommands, which
// inherit it.
void applyConventions(CLI::App& app, std::string_view version,
                      std::initializer_list<ExitStatus> statuses);

// Subcommands: exactly one must be given. An unknown word is "unknown command", and options of
// the program itself go before the command.
void requireCommand(CLI::App& app);
// A command, listed under "Commands" in the help.
CLI::App* addCommand(CLI::App& app, const std::string& name, const std::string& help);
// The subcommand that was given, or nullptr.
const CLI::App* chosenCommand(const CLI::App& app);

// A positional argument, NAME in capitals as the usage line shows it; required (call
// ->required(false) on the result for an optional one).
template <class T>
CLI::Option* addArgument(CLI::App& app, const std::string& name, T& into, const std::string& help) {
    return app.add_option(name, into, help)->required()->type_name("");
}

// Parses argv. nullopt: go on. Otherwise the program should return this status now: 0 after
// printing the help or version on `out`, kExitUsage after printing the mistake on `err`.
std::optional<int> parse(CLI::App& app, int argc, const char* const* argv, std::ostream& out,
                         std::ostream& err);
std::optional<int> parse(CLI::App& app, int argc, const char* const* argv);

// The program's own help, whichever command was given.
std::string programHelp(const CLI::App& app);

// Prints a usage error the way parse() does and returns kExitUsage.
int usageError(const CLI::App& app, std::string_view message, std::ostream& err);

}  // namespace balloon::cmdline
