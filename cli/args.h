// A subcommand's words: positionals and --options ("--name", "--name=value", "--name value" for
// options that always take a value). Every mistake is a UsageError that says what to write.
#pragma once

#include <chrono>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace balloon::cli {

class Args {
public:
    // `valued` names the options that take the next word as their value when no "=" is given.
    Args(std::vector<std::string> words, std::initializer_list<std::string_view> valued);

    // The next positional argument; `what` names it in the error when it is missing.
    std::string positional(std::string_view what);
    std::optional<std::string> optionalPositional();
    // Whether --name was given (and takes it); throws when it was given a value.
    bool flag(std::string_view name);
    // --name's value; nullopt when absent. `present` tells an absent option from a bare one.
    std::optional<std::string> option(std::string_view name, bool* present = nullptr);
    // Throws for anything not taken: an unknown option or an extra argument.
    void finish() const;

private:
    std::vector<std::string> positionals_;
    std::size_t next_ = 0;
    std::map<std::string, std::optional<std::string>, std::less<>> options_;
};

// "30s", "500ms", "2m", "1h", or a bare number of seconds. Throws UsageError naming the option.
std::chrono::milliseconds parseTimeout(std::string_view text, std::string_view option);

}  // namespace balloon::cli
