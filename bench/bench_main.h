// The benchmark drivers' shared frame: their command line follows every program's conventions
// (cmdline/program.h: --help, usage errors with exit status 1), and a driver that cannot run says
// why and exits 3; figures are never a reason to fail.
#pragma once

#include <exception>
#include <functional>
#include <iostream>

#include "program.h"

namespace balloon::bench {

// A benchmark's CLI11 application, with the conventions and the exit statuses it uses.
inline void benchConventions(CLI::App& app) {
    cmdline::applyConventions(app, {},
                              {cmdline::kExitOk, cmdline::kExitUsage, cmdline::kExitRefused});
}

// Parses argv with `app`, then runs body; returns the exit status.
inline int runMain(CLI::App& app, int argc, const char* const* argv,
                   const std::function<void()>& body) {
    if (const auto status = cmdline::parse(app, argc, argv)) {
        return *status;
    }
    try {
        body();
        return cmdline::kExitOk;
    } catch (const std::exception& e) {
        std::cerr << app.get_name() << ": " << e.what() << '\n';
        return cmdline::kExitRefused;
    }
}

}  // namespace balloon::bench
