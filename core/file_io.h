// Small POSIX file helpers shared by the daemon and the guest side: a write that finishes and the
// atomic replacement of a file (descriptors are owned by OwnedFd, owned_fd.h). Failures throw
// std::system_error whose what() names the step and the path.
#pragma once

#include <filesystem>
#include <string_view>

#include "owned_fd.h"

namespace balloon {

// Throws std::system_error(error): "<what> <file>".
[[noreturn]] void throwFileError(int error, std::string_view what,
                                 const std::filesystem::path& file);

// Writes all of data (retrying short writes and EINTR); `file` names fd in errors.
void writeAll(int fd, std::string_view data, const std::filesystem::path& file);

// Readers of `file` see the old content or the new, never a part: the content goes into
// file + temporarySuffix (opened without following a symlink), is synced, and is renamed over
// `file`; the directory is synced too, so the rename survives a crash. The temporary file is
// removed when a step fails. The directory must exist. The file is made mode 0644 whatever the
// umask.
void replaceFileAtomically(const std::filesystem::path& file, std::string_view content,
                           std::string_view temporarySuffix);

}  // namespace balloon
