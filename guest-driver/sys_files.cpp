#include "sys_files.h"

#include <array>
#include <cerrno>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

#include "file_io.h"

namespace balloon::guest {

std::filesystem::path underRoot(const std::filesystem::path& root, std::string_view systemPath) {
    while (!systemPath.empty() && systemPath.front() == '/') {
        systemPath.remove_prefix(1);
    }
    return root / systemPath;
}

std::optional<std::string> readSysFile(const std::filesystem::path& file) {
    const OwnedFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        if (errno == ENOENT) {
            return std::nullopt;
        }
        throwFileError(errno, "cannot open", file);
    }
    std::string content;
    std::array<char, 4096> buf{};
    for (;;) {
        const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            throwFileError(errno, "cannot read", file);
        }
        if (n == 0) {
            return content;
        }
        content.append(buf.data(), static_cast<std::size_t>(n));
        if (content.size() > kMaxSysFileBytes) {
            throwFileError(EFBIG, "refusing to read more than 64 KiB of", file);
        }
    }
}

std::string readRequiredSysFile(const std::filesystem::path& file, std::string_view hint) {
    auto content = readSysFile(file);
    if (!content) {
        throw std::runtime_error(file.string() + " does not exist: " + std::string(hint));
    }
    return *content;
}

void writeSysFile(const std::filesystem::path& file, std::string_view value) {
    const OwnedFd fd(::open(file.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
    if (fd.get() < 0) {
        throwFileError(errno, "cannot open for writing", file);
    }
    writeAll(fd.get(), value, file);
}

void replaceFile(const std::filesystem::path& file, std::string_view content) {
    std::filesystem::create_directories(file.parent_path());
    replaceFileAtomically(file, content, ".new");
}

std::string_view chomp(std::string_view value) {
    if (!value.empty() && value.back() == '\n') {
        value.remove_suffix(1);
    }
    return value;
}

}  // namespace balloon::guest
