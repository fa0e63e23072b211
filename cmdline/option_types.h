// The value types the programs' options share, checked while parsing so that a bad value is a
// usage error naming the option: durations, sizes (core/size.h) and log levels.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "log.h"
#include "size.h"

namespace balloon::cmdline {

// "500ms", "30s", "2m", "1h", or a bare number of seconds; above zero, at most 24 hours.
// Throws std::invalid_argument saying what to write.
std::chrono::milliseconds parseDurationArg(std::string_view text);

// Checks a DURATION (parseDurationArg) or a SIZE (core/size.h, "+"/"-" only when relative
// sizes are allowed) and leaves the text as it was.
CLI::Validator durationCheck();
CLI::Validator sizeCheck(RelativeSizes relative);

// --name DURATION: `store` gets the parsed value.
CLI::Option* addDuration(CLI::App& app, const std::string& name,
                         std::function<void(std::chrono::milliseconds)> store,
                         const std::string& help);
// --log-level LEVEL: debug, info, notice, warning or error.
CLI::Option* addLogLevel(CLI::App& app, log::Severity& into, std::string_view defaultLevel);

}  // namespace balloon::cmdline
