#include "file_io.h"

#include <cerrno>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace balloon {

void throwFileError(int error, std::string_view what, const std::filesystem::path& file) {
    throw std::system_error(error, std::generic_category(),
                            std::string(what) + " " + file.string());
}

void writeAll(int fd, std::string_view data, const std::filesystem::path& file) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            throwFileError(errno, "cannot write", file);
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

void replaceFileAtomically(const std::filesystem::path& file, std::string_view content,
                           std::string_view temporarySuffix) {
    const std::filesystem::path temporary = file.string() + std::string(temporarySuffix);
    try {
        {
            // O_NOFOLLOW: a symlink planted at the temporary name must not redirect the write.
            const OwnedFd fd(::open(temporary.c_str(),
                                    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644));
            if (fd.get() < 0) {
                throwFileError(errno, "cannot create", temporary);
            }
            // World-readable whatever the umask (balloond.service has 0077): node_exporter reads
            // the metrics file as its own user. Nothing written this way is secret.
            if (::fchmod(fd.get(), 0644) != 0) {
                throwFileError(errno, "cannot set the mode of", temporary);
            }
            writeAll(fd.get(), content, temporary);
            if (::fsync(fd.get()) != 0) {
                throwFileError(errno, "cannot sync", temporary);
            }
        }
        if (::rename(temporary.c_str(), file.c_str()) != 0) {
            throwFileError(errno, "cannot rename into place", file);
        }
    } catch (const std::system_error&) {
        ::unlink(temporary.c_str());
        throw;
    }
    const std::filesystem::path dir =
        file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
    const OwnedFd dirFd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dirFd.get() < 0 || ::fsync(dirFd.get()) != 0) {
        throwFileError(errno, "cannot sync the directory", dir);
    }
}

}  // namespace balloon
