// Reading and writing the small text files of /proc, /sys and the guest's state directory. Every
// path is joined under a root prefix ("/" in a guest, a fixture tree in tests).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace balloon::guest {

// These files are a few KiB at most; a larger one is refused rather than read without bound.
inline constexpr std::size_t kMaxSysFileBytes = std::size_t{64} * 1024;

// root + an absolute system path ("/proc/meminfo").
std::filesystem::path underRoot(const std::filesystem::path& root, std::string_view systemPath);

// The file's content; nullopt when it does not exist. Throws std::runtime_error naming the file
// on any other failure (permission, size over kMaxSysFileBytes).
std::optional<std::string> readSysFile(const std::filesystem::path& file);

// Like readSysFile, but a missing file is an error too; hint says what to do about it.
std::string readRequiredSysFile(const std::filesystem::path& file, std::string_view hint);

// Writes value into an existing kernel attribute (sysfs: in place, as `echo N > file` does).
void writeSysFile(const std::filesystem::path& file, std::string_view value);

// Replaces a regular file atomically (temporary file, fsync, rename), creating its directory.
void replaceFile(const std::filesystem::path& file, std::string_view content);

// The value with one trailing newline removed (sysfs and procfs end their values with one).
std::string_view chomp(std::string_view value);

}  // namespace balloon::guest
