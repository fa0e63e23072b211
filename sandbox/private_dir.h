// Directories of the sandbox's own: every run dir (xenstored's, the bus's, the sandbox's) is made
// with mkdtemp, so it is new, has a name nobody could guess beforehand, and is the user's alone
// (mode 0700): nothing is written to a fixed name in a shared directory.
#pragma once

#include <filesystem>
#include <string>

namespace balloon::sandbox {

// $TMPDIR, else /tmp.
std::filesystem::path temporaryParent();

// A new directory "<parent>/<prefix>XXXXXX", mode 0700. Throws std::runtime_error naming the
// parent and what to do.
std::filesystem::path makePrivateDir(const std::filesystem::path& parent,
                                     const std::string& prefix);

}  // namespace balloon::sandbox
