// What a program's parser returns, in a header without CLI11 for the programs' option structs.
#pragma once

#include <optional>

namespace balloon::cmdline {

// The options, or the status to exit with at once (after --help, --version or a usage error,
// already printed).
template <class Options>
struct Parsed {
    Options options;
    std::optional<int> exitNow;
};

}  // namespace balloon::cmdline
