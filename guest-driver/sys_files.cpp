#include "sys_files.h"

#include <array>
#include <cerrno>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace balloon::guest {
namespace {

[[noreturn]] void fail(int err, std::string_view what, const std::filesystem::path& file) {
    throw std::system_error(err, std::generic_category(), std::string(what) + " " + file.string());
}

// Closes the descriptor on every path out of the calling function.
class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    Fd(Fd&&) = delete;
    Fd& operator=(Fd&&) = delete;
    [[nodiscard]] int get() const { return fd_; }

private:
    int fd_;
};

void writeAll(int fd, std::string_view data, const std::filesystem::path& file) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail(errno, "cannot write", file);
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

}  // namespace

std::filesystem::path underRoot(const std::filesystem::path& root, std::string_view systemPath) {
    while (!systemPath.empty() && systemPath.front() == '/') {
        systemPath.remove_prefix(1);
    }
    return root / systemPath;
}

std::optional<std::string> readSysFile(const std::filesystem::path& file) {
    const Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        if (errno == ENOENT) {
            return std::nullopt;
        }
        fail(errno, "cannot open", file);
    }
    std::string content;
    std::array<char, 4096> buf{};
    for (;;) {
        const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail(errno, "cannot read", file);
        }
        if (n == 0) {
            return content;
        }
        content.append(buf.data(), static_cast<std::size_t>(n));
        if (content.size() > kMaxSysFileBytes) {
            fail(EFBIG, "refusing to read more than 64 KiB of", file);
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
    const Fd fd(::open(file.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
    if (fd.get() < 0) {
        fail(errno, "cannot open for writing", file);
    }
    writeAll(fd.get(), value, file);
}

void replaceFile(const std::filesystem::path& file, std::string_view content) {
    std::filesystem::create_directories(file.parent_path());
    const std::filesystem::path temporary = file.string() + ".new";
    {
        const Fd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
        if (fd.get() < 0) {
            fail(errno, "cannot create", temporary);
        }
        writeAll(fd.get(), content, temporary);
        if (::fsync(fd.get()) != 0) {
            fail(errno, "cannot sync", temporary);
        }
    }
    if (::rename(temporary.c_str(), file.c_str()) != 0) {
        fail(errno, "cannot rename into place", file);
    }
}

std::string_view chomp(std::string_view value) {
    if (!value.empty() && value.back() == '\n') {
        value.remove_suffix(1);
    }
    return value;
}

}  // namespace balloon::guest
