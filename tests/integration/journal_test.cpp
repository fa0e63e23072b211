// The journal sink through the real sd_journal_sendv(3), without systemd as PID 1: a child process
// in its own mount namespace (and user namespace, unless root) sees this test's datagram socket
// at /run/systemd/journal/socket, where libsystemd sends, and logs as balloond does under systemd.
// The test reads the entry in the journal's native protocol and checks its fields.
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "owned_fd.h"

namespace balloon::log {
namespace {

namespace fs = std::filesystem;

// Child side: become able to mount, then put `dir` where libsystemd looks for journald.
bool enterPrivateRun(const fs::path& dir) {
    const uid_t uid = geteuid();
    const gid_t gid = getegid();
    if (uid != 0) {
        if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) {
            return false;
        }
        std::ofstream("/proc/self/setgroups") << "deny";
        std::ofstream("/proc/self/uid_map") << "0 " << uid << " 1";
        std::ofstream("/proc/self/gid_map") << "0 " << gid << " 1";
    } else if (unshare(CLONE_NEWNS) != 0) {
        return false;
    }
    std::error_code ignored;
    return mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0 &&
           mount("tmpfs", "/run", "tmpfs", 0, "mode=0755") == 0 &&
           fs::create_directories("/run/systemd/journal", ignored) &&
           mount(dir.c_str(), "/run/systemd/journal", nullptr, MS_BIND, nullptr) == 0;
}

// Child side: stderr is the journal's stream (JOURNAL_STREAM names it), as under systemd.
[[noreturn]] void logAsUnderSystemd(const fs::path& dir) {
    if (!enterPrivateRun(dir)) {
        _exit(2);
    }
    struct stat st {};
    fstat(STDERR_FILENO, &st);
    const std::string stream = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
    setenv("JOURNAL_STREAM", stream.c_str(), 1);
    initLogging(Severity::Info);
    BLOG(warning) << logattr::domid(3) << logattr::kib("target", KiB{524288})
                  << "could not reach target";
    _exit(0);
}

// One native-protocol datagram: "NAME=value\n", or "NAME\n" + 64-bit length + value + "\n".
std::map<std::string, std::string> parseEntry(const std::string& data) {
    std::map<std::string, std::string> fields;
    std::size_t pos = 0;
    while (pos < data.size()) {
        const std::size_t end = data.find('\n', pos);
        if (end == std::string::npos) {
            break;
        }
        const std::string line = data.substr(pos, end - pos);
        const std::size_t eq = line.find('=');
        if (eq != std::string::npos) {
            fields[line.substr(0, eq)] = line.substr(eq + 1);
            pos = end + 1;
            continue;
        }
        std::uint64_t length = 0;
        std::memcpy(&length, data.data() + end + 1, sizeof length);
        fields[line] = data.substr(end + 1 + sizeof length, length);
        pos = end + 1 + sizeof length + length + 1;
    }
    return fields;
}

TEST(TheJournalSink, ReachesJournaldsSocketWithTheDomainAndFields) {
    const fs::path dir =
        fs::temp_directory_path() / ("balloon-journal-" + std::to_string(getpid()));
    fs::create_directories(dir);
    OwnedFd socket{::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)};
    ASSERT_TRUE(socket.valid()) << std::strerror(errno);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const std::string path = (dir / "socket").string();
    ASSERT_LT(path.size(), sizeof address.sun_path);
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    ASSERT_EQ(bind(socket.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address), 0)
        << std::strerror(errno);

    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        logAsUnderSystemd(dir);
    }
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    fs::remove_all(dir);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_NE(WEXITSTATUS(status), 2)
        << "no mount namespace for the child: this test needs user namespaces (or root)";
    ASSERT_EQ(WEXITSTATUS(status), 0);

    pollfd ready{socket.get(), POLLIN, 0};
    ASSERT_EQ(poll(&ready, 1, 5000), 1) << "nothing reached the journal's socket";
    std::string datagram(std::size_t{64} * 1024, '\0');
    const ssize_t n = recv(socket.get(), datagram.data(), datagram.size(), 0);
    ASSERT_GT(n, 0);
    datagram.resize(static_cast<std::size_t>(n));
    const auto fields = parseEntry(datagram);
    EXPECT_EQ(fields.at("MESSAGE"), "warning [dom3] could not reach target target=524288KiB");
    EXPECT_EQ(fields.at("PRIORITY"), "4");
    EXPECT_EQ(fields.at("DOMID"), "3");
    EXPECT_EQ(fields.at("TARGET_KIB"), "524288");
    EXPECT_EQ(fields.at("SYSLOG_IDENTIFIER"), "journal_test");
}

}  // namespace
}  // namespace balloon::log
