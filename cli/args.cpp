#include "args.h"

#include <algorithm>
#include <stdexcept>

#include "config.h"
#include "exit_codes.h"

namespace balloon::cli {

Args::Args(std::vector<std::string> words, std::initializer_list<std::string_view> valued) {
    bool optionsEnded = false;
    for (std::size_t i = 0; i < words.size(); ++i) {
        std::string& word = words[i];
        if (optionsEnded || !word.starts_with("--")) {
            positionals_.push_back(std::move(word));
            continue;
        }
        if (word == "--") {
            optionsEnded = true;
            continue;
        }
        const auto eq = word.find('=');
        std::string name = word.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
        std::optional<std::string> value;
        if (eq != std::string::npos) {
            value = word.substr(eq + 1);
        } else if (std::find(valued.begin(), valued.end(), name) != valued.end()) {
            if (i + 1 >= words.size()) {
                throw UsageError{"--" + name + " needs a value"};
            }
            value = words[++i];
        }
        if (options_.contains(name)) {
            throw UsageError{"--" + name + " given twice"};
        }
        options_.emplace(std::move(name), std::move(value));
    }
}

std::string Args::positional(std::string_view what) {
    auto value = optionalPositional();
    if (!value) {
        throw UsageError{"missing " + std::string(what)};
    }
    return *value;
}

std::optional<std::string> Args::optionalPositional() {
    if (next_ >= positionals_.size()) {
        return std::nullopt;
    }
    return positionals_[next_++];
}

bool Args::flag(std::string_view name) {
    const auto it = options_.find(name);
    if (it == options_.end()) {
        return false;
    }
    if (it->second) {
        throw UsageError{"--" + std::string(name) + " takes no value"};
    }
    options_.erase(it);
    return true;
}

std::optional<std::string> Args::option(std::string_view name, bool* present) {
    const auto it = options_.find(name);
    if (present != nullptr) {
        *present = it != options_.end();
    }
    if (it == options_.end()) {
        return std::nullopt;
    }
    auto value = it->second;
    options_.erase(it);
    return value;
}

void Args::finish() const {
    if (!options_.empty()) {
        throw UsageError{"unknown option --" + options_.begin()->first};
    }
    if (next_ < positionals_.size()) {
        throw UsageError{"unexpected argument \"" + positionals_[next_] + "\""};
    }
}

std::chrono::milliseconds parseTimeout(std::string_view text, std::string_view option) {
    std::string spelled(text);
    if (!spelled.empty() &&
        std::all_of(spelled.begin(), spelled.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        spelled += "s";  // a bare number is seconds
    }
    try {
        return parseDuration(spelled);
    } catch (const std::invalid_argument& e) {
        throw UsageError{"bad --" + std::string(option) + " \"" + std::string(text) +
                         "\": " + e.what() + " (e.g. 30s, 500ms, 2m)"};
    }
}

}  // namespace balloon::cli
