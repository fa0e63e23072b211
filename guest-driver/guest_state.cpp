#include "guest_state.h"

#include <stdexcept>

#include "stats_codec.h"
#include "sys_files.h"
#include "untrusted_text.h"

namespace balloon::guest {

GuestSettings parseSettings(std::string_view text) {
    GuestSettings settings;
    while (!text.empty()) {
        const auto end = text.find('\n');
        const std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        if (line.empty()) {
            continue;
        }
        const auto eq = line.find('=');
        const std::string_view key = line.substr(0, eq);
        std::optional<KiB>* slot = key == "min"      ? &settings.min
                                   : key == "target" ? &settings.target
                                                     : nullptr;
        if (eq == std::string_view::npos || slot == nullptr) {
            throw std::runtime_error("unknown line " + quoteUntrusted(line) +
                                     " (expected min=KiB or target=KiB)");
        }
        if (slot->has_value()) {
            throw std::runtime_error("'" + std::string(key) + "' given twice");
        }
        std::string why;
        const auto value = parseBoundedDecimal(line.substr(eq + 1), kMaxReportValue, why);
        if (!value) {
            throw std::runtime_error("'" + std::string(key) + "': " + why);
        }
        *slot = KiB{*value};
    }
    return settings;
}

std::string formatSettings(const GuestSettings& settings) {
    std::string out;
    if (settings.min) {
        out += "min=" + std::to_string(settings.min->count()) + "\n";
    }
    if (settings.target) {
        out += "target=" + std::to_string(settings.target->count()) + "\n";
    }
    return out;
}

SettingsStore::SettingsStore(const std::filesystem::path& root)
    : path_(underRoot(root, kStateFile)) {}

GuestSettings SettingsStore::load() const {
    const auto text = readSysFile(path_);
    if (!text) {
        return {};
    }
    try {
        return parseSettings(*text);
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(path_.string() + ": " + e.what() +
                                 "; correct it or delete the file (the settings then start empty)");
    }
}

void SettingsStore::save(const GuestSettings& settings) const {
    replaceFile(path_, formatSettings(settings));
}

}  // namespace balloon::guest
