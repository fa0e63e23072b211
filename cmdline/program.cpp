#include "program.h"

#include <iostream>
#include <memory>

namespace balloon::cmdline {
namespace {

// "balloonctl set": the program and the command that was given, for messages.
std::string commandPath(const CLI::App& app) {
    std::string path = app.get_name();
    for (const CLI::App* command = chosenCommand(app); command != nullptr;
         command = chosenCommand(*command)) {
        path += " " + command->get_name();
    }
    return path;
}

bool hasCommands(const CLI::App& app) {
    return !app.get_subcommands([](const CLI::App*) { return true; }).empty();
}

// What CLI11 lets through: the words of a program with commands that are neither its own
// options nor a command (requireCommand allows them so that they can be named here).
std::optional<std::string> leftOver(const CLI::App& app) {
    const std::vector<std::string> extras = app.remaining();
    if (extras.empty()) {
        if (hasCommands(app) && chosenCommand(app) == nullptr) {
            return "no command given";
        }
        return std::nullopt;
    }
    const std::string& word = extras.front();
    if (word.starts_with('-')) {
        return "unknown option " + word;
    }
    if (chosenCommand(app) == nullptr) {
        return "unknown command \"" + word + "\"";
    }
    return "unexpected argument \"" + word + "\"";
}

}  // namespace

std::string_view describe(ExitStatus status) {
    switch (status) {
        case kExitOk:
            return "done";
        case kExitUsage:
            return "usage error";
        case kExitUnreachable:
            return "unreachable";
        case kExitRefused:
            return "refused or failed";
        case kExitNotAuthorized:
            return "not authorized";
        case kExitTimeout:
            return "timeout";
    }
    return "unknown";
}

void applyConventions(CLI::App& app, std::string_view version,
                      std::initializer_list<ExitStatus> statuses) {
    app.set_help_flag("-h,--help", "show this help and exit");
    if (!version.empty()) {
        app.set_version_flag("--version", app.get_name() + " " + std::string(version),
                             "show the version and exit");
    }
    auto formatter = std::make_shared<CLI::Formatter>();
    formatter->column_width(30);
    formatter->label("REQUIRED", "");  // the usage line shows which arguments are optional
    formatter->label("Positionals", "Arguments");
    formatter->label("Subcommands", "Commands");
    formatter->label("SUBCOMMAND", "COMMAND");
    formatter->label("SUBCOMMANDS", "COMMANDS");
    app.formatter(formatter);
    std::string footer = "Exit status:";
    const char* separator = " ";
    for (ExitStatus status : statuses) {
        footer += separator + std::to_string(status) + " " + std::string(describe(status));
        separator = ", ";
    }
    app.footer(footer + " (balloond(8), EXIT STATUS).");
}

void requireCommand(CLI::App& app) {
    app.require_subcommand(0, 1);
    app.allow_extras();
}

CLI::App* addCommand(CLI::App& app, const std::string& name, const std::string& help) {
    return app.add_subcommand(name, help)->group("Commands");
}

std::string programHelp(const CLI::App& app) {
    return app.get_formatter()->make_help(&app, app.get_name(), CLI::AppFormatMode::Normal);
}

const CLI::App* chosenCommand(const CLI::App& app) {
    const auto chosen = app.get_subcommands();
    return chosen.empty() ? nullptr : chosen.front();
}

std::optional<int> parse(CLI::App& app, int argc, const char* const* argv, std::ostream& out,
                         std::ostream& err) {
    // Only the program itself collects unknown words (requireCommand); a command's are errors.
    for (CLI::App* command : app.get_subcommands([](const CLI::App*) { return true; })) {
        command->allow_extras(false);
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        out << app.help();  // the chosen command's help when there is one
        return kExitOk;
    } catch (const CLI::CallForAllHelp&) {
        out << app.help("", CLI::AppFormatMode::All);
        return kExitOk;
    } catch (const CLI::CallForVersion& e) {
        out << e.what() << '\n';
        return kExitOk;
    } catch (const CLI::ParseError& e) {
        return usageError(app, e.what(), err);
    }
    if (const auto problem = leftOver(app)) {
        // The words left over are the program's own, not the command's.
        err << app.get_name() << ": " << *problem << " (see " << app.get_name() << " --help)\n";
        return kExitUsage;
    }
    return std::nullopt;
}

std::optional<int> parse(CLI::App& app, int argc, const char* const* argv) {
    return parse(app, argc, argv, std::cout, std::cerr);
}

int usageError(const CLI::App& app, std::string_view message, std::ostream& err) {
    err << app.get_name() << ": " << message << " (see " << commandPath(app) << " --help)\n";
    return kExitUsage;
}

}  // namespace balloon::cmdline
