// The balloon(4) settings the guest's admin made (min, target), persisted across reboots in
// <root>/var/lib/balloon-guest/state so the daemon publishes them and the CLI shows them.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "units.h"

namespace balloon::guest {

inline constexpr std::string_view kStateFile = "/var/lib/balloon-guest/state";

struct GuestSettings {
    std::optional<KiB> min;
    std::optional<KiB> target;

    bool operator==(const GuestSettings&) const = default;
};

// "min=N\ntarget=N\n" (KiB; either line may be absent). Strict: unknown keys, duplicates and
// anything but canonical digits are refused with std::runtime_error naming the file.
GuestSettings parseSettings(std::string_view text);
std::string formatSettings(const GuestSettings& settings);

class SettingsStore {
public:
    explicit SettingsStore(const std::filesystem::path& root);

    // Empty settings when the file does not exist yet.
    [[nodiscard]] GuestSettings load() const;
    // Atomic replacement: a crash leaves the old or the new settings, never a mix.
    void save(const GuestSettings& settings) const;

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace balloon::guest
