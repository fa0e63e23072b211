// The benchmark drivers' shared frame: "--name value" options, and main's error handling (a
// driver that cannot run says why and exits 1; figures are never a reason to fail).
#pragma once

#include <exception>
#include <functional>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace balloon::bench {

// Calls handle(name, value) for each pair; handle returns false for a name it does not know.
inline void parseOptions(
    int argc, char** argv, std::string_view program,
    const std::function<bool(const std::string&, const std::string&)>& handle) {
    const std::string see = " (see the usage at the top of bench/" + std::string(program) + ".cpp)";
    if (argc % 2 == 0) {
        throw std::invalid_argument("every option takes a value" + see);
    }
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!handle(argv[i], argv[i + 1])) {
            throw std::invalid_argument("unknown option " + std::string(argv[i]) + see);
        }
    }
}

inline int runMain(std::string_view program, const std::function<void()>& body) {
    try {
        body();
        return 0;
    } catch (const std::exception& e) {
        std::cerr << program << ": " << e.what() << '\n';
        return 1;
    }
}

}  // namespace balloon::bench
