#include "private_bus.h"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <sys/stat.h>
#include <unistd.h>

#include "private_dir.h"

namespace balloon::sandbox {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(10);
constexpr auto kStopGrace = std::chrono::seconds(2);

// Deny by default, as the stock system bus does; the included file opens what balloond needs.
std::string busConfig(const std::filesystem::path& socket, const PrivateBusOptions& options) {
    std::ostringstream xml;
    xml << R"(<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=)"
        << socket.string() << R"(</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus.Properties"/>
  </policy>
  <include>)"
        << options.servicePolicy.string() << "</include>\n";
    // Besides root (the policy's rule), the user who started the bus may own balloond's name:
    // the sandbox, the tests and the benchmarks run balloond as that user.
    if (const uid_t self = getuid(); self != 0) {
        xml << "  <policy user=\"" << self
            << "\">\n    <allow own=\"org.balloond.Balloon1\"/>\n  </policy>\n";
    }
    xml << "</busconfig>\n";
    return xml.str();
}

std::filesystem::path defaultPolicy() {
    return std::filesystem::exists(BALLOON_DBUS_POLICY) ? BALLOON_DBUS_POLICY
                                                        : BALLOON_DBUS_POLICY_INSTALLED;
}

std::string readAll(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

PrivateBus::PrivateBus(PrivateBusOptions options) {
    if (options.parentDir.empty()) {
        options.parentDir = temporaryParent();
    }
    if (options.servicePolicy.empty()) {
        options.servicePolicy = defaultPolicy();
    }
    if (!std::filesystem::exists(options.servicePolicy)) {
        throw std::runtime_error("balloond's bus policy " + options.servicePolicy.string() +
                                 " does not exist (build the tree, or install the balloond "
                                 "package)");
    }
    dir_ = makePrivateDir(options.parentDir, "balloon-bus-");
    if (options.reachableByAll) {
        chmod(dir_.c_str(), 0755);
    }
    const auto config = dir_ / "bus.conf";
    std::ofstream(config) << busConfig(dir_ / "socket", options);

    SpawnSpec spec;
    spec.argv = {"dbus-daemon", "--config-file=" + config.string(), "--nofork", "--nopidfile",
                 "--print-address=1"};
    spec.out = Output::pipe();
    // Its own log, not our stderr: a test that dies must not leave the bus holding the pipe its
    // runner waits on, and the sandbox's terminal view owns the screen.
    spec.err = Output::truncateTo(dir_ / "dbus-daemon.log");
    spec.ownProcessGroup = true;
    spec.endsWithSpawner = options.endsWithSpawner;
    try {
        daemon_.emplace(std::move(spec));
    } catch (const std::exception& e) {
        std::filesystem::remove_all(dir_);
        throw std::runtime_error(std::string(e.what()) +
                                 " (install the dbus-daemon package, or run with --no-bus)");
    }
    auto line = daemon_->readLine(kStartTimeout);
    if (!line || line->empty()) {
        daemon_->stop(SIGKILL, std::chrono::milliseconds(0));
        const std::string log = readAll(dir_ / "dbus-daemon.log");
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
        throw std::runtime_error("the private dbus-daemon did not print its address within " +
                                 std::to_string(kStartTimeout.count()) + " s: " + log);
    }
    address_ = *line;
}

PrivateBus::~PrivateBus() {
    if (daemon_) {
        daemon_->stop(SIGTERM, kStopGrace);
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

}  // namespace balloon::sandbox
