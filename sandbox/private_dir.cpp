#include "private_dir.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace balloon::sandbox {

std::filesystem::path temporaryParent() {
    const char* tmp = std::getenv("TMPDIR");
    return tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
}

std::filesystem::path makePrivateDir(const std::filesystem::path& parent,
                                     const std::string& prefix) {
    std::string pattern = (parent / (prefix + "XXXXXX")).string();
    if (mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("cannot create a directory under " + parent.string() + ": " +
                                 std::strerror(errno) + " (set TMPDIR to a writable directory)");
    }
    return pattern;
}

}  // namespace balloon::sandbox
