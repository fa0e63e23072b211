#include "option_types.h"

#include <algorithm>
#include <stdexcept>

#include "config.h"

namespace balloon::cmdline {
namespace {

// A validator from a function that throws std::invalid_argument for a bad value.
CLI::Validator throwingCheck(std::string name, std::function<void(const std::string&)> check) {
    return CLI::Validator(
        [check = std::move(check)](std::string& text) {
            try {
                check(text);
                return std::string();
            } catch (const std::invalid_argument& e) {
                return std::string(e.what());
            }
        },
        "", std::move(name));
}

}  // namespace

std::chrono::milliseconds parseDurationArg(std::string_view text) {
    std::string spelled(text);
    if (!spelled.empty() &&
        std::all_of(spelled.begin(), spelled.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        spelled += "s";  // a bare number is seconds
    }
    try {
        return parseDuration(spelled);
    } catch (const std::invalid_argument& e) {
        // Name the text as it was written, not with the "s" added above.
        std::string message = e.what();
        const std::string added = "\"" + spelled + "\"";
        if (const auto at = message.find(added); at != std::string::npos) {
            message.replace(at, added.size(), "\"" + std::string(text) + "\"");
        }
        throw std::invalid_argument(message);
    }
}

CLI::Validator durationCheck() {
    return throwingCheck("DURATION", [](const std::string& text) { parseDurationArg(text); });
}

CLI::Validator sizeCheck(RelativeSizes relative) {
    return throwingCheck("SIZE",
                         [relative](const std::string& text) { parseSizeArg(text, relative); });
}

CLI::Option* addDuration(CLI::App& app, const std::string& name,
                         std::function<void(std::chrono::milliseconds)> store,
                         const std::string& help) {
    return app
        .add_option_function<std::string>(
            name,
            [store = std::move(store)](const std::string& text) { store(parseDurationArg(text)); },
            help)
        ->check(durationCheck())
        ->type_name("DURATION");
}

CLI::Option* addLogLevel(CLI::App& app, log::Severity& into, std::string_view defaultLevel) {
    const CLI::Validator levels = throwingCheck("LEVEL", [](const std::string& text) {
        if (!log::parseSeverity(text)) {
            throw std::invalid_argument("bad level \"" + text +
                                        "\": use debug, info, notice, warning or error");
        }
    });
    return app
        .add_option_function<std::string>(
            "--log-level", [&into](const std::string& text) { into = *log::parseSeverity(text); },
            "debug, info, notice, warning or error (default " + std::string(defaultLevel) + ")")
        ->check(levels)
        ->type_name("LEVEL");
}

}  // namespace balloon::cmdline
