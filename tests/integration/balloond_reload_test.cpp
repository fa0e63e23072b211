// SIGHUP reloads balloond.toml on the running daemon: a good file takes effect, a bad one is
// refused with the running configuration kept.
#include <csignal>
#include <fstream>

#include <gtest/gtest.h>

#include "balloond_fixture.h"
#include "daemon.h"

namespace balloon::testing {
namespace {

constexpr const char* kScenario = R"(
[host]
memory = "4G"
dom0 = "1G"
[[domain]]
name = "pv"
memory = "1G"
)";

class BalloondReload : public BalloondOnSimulatedHost {
protected:
    void SetUp() override {
        BalloondOnSimulatedHost::SetUp();
        start(kScenario);
        path_ = xenstored().runDir() / "balloond.toml";
        serviceXs_ = connectAnother();
        service_ = std::make_unique<daemon::Daemon>(loop_, *serviceXs_, sim().host(), Config{},
                                                    [this] { return loadConfig(path_).config; });
        service_->start();
    }
    void TearDown() override {
        service_.reset();
        BalloondOnSimulatedHost::TearDown();
    }
    // Sends SIGHUP and runs the loop until the daemon has handled it.
    void hangUp() {
        raise(SIGHUP);  // blocked by the loop: it waits on the signalfd
        loop_.addTimer(std::chrono::milliseconds(1), std::nullopt, [this] { loop_.stop(); });
        loop_.run();
    }
    void writeConfig(const std::string& text) { std::ofstream(path_) << text; }

    std::filesystem::path path_;
    daemon::EventLoop loop_;
    std::unique_ptr<xen::XenStoreClient> serviceXs_;
    std::unique_ptr<daemon::Daemon> service_;
};

TEST_F(BalloondReload, AppliesAGoodFile) {
    writeConfig("[policy]\nkind = \"proportional\"\n[host]\nslush = \"128M\"\n");
    hangUp();
    EXPECT_EQ(service_->balancer().config().policy.kind, PolicyKind::Proportional);
    EXPECT_EQ(service_->balancer().config().policy.slush, mib(128));
}

TEST_F(BalloondReload, KeepsTheRunningConfigurationWhenTheFileIsBad) {
    writeConfig("[policy]\nkind = \"proportional\"\n");
    hangUp();
    writeConfig("[policy]\nkind = \"greedy\"\n");
    hangUp();
    EXPECT_EQ(service_->balancer().config().policy.kind, PolicyKind::Proportional);
}

}  // namespace
}  // namespace balloon::testing
