// What an unprivileged domU may do, checked by acting as one over the ring (GuestRingClient):
// xenstored's own permission checks, on a home laid out the way xl lays it out.
#include <array>
#include <cerrno>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "domain_tree.h"
#include "guest_ring_client.h"
#include "real_xenstore_fixture.h"

namespace balloon::harness {
namespace {

using ::testing::HasSubstr;
using ::testing::IsSupersetOf;

class GuestPermissions : public RealXenstore {
protected:
    void SetUp() override {
        RealXenstore::SetUp();
        createDomainHome(xs(), 5, mib(256), mib(512));
        createDomainHome(xs(), 6, mib(300), mib(512));
        guest_.emplace(xenstored(), xs(), 5);
    }
    void TearDown() override {
        guest_.reset();
        RealXenstore::TearDown();
    }
    GuestRingClient& guest() { return *guest_; }

private:
    std::optional<GuestRingClient> guest_;
};

TEST_F(GuestPermissions, GuestReadsItsOwnTarget) {
    EXPECT_EQ(guest().read("memory/target"), "262144");
    EXPECT_EQ(guest().read("/local/domain/5/memory/target"), "262144");
}

TEST_F(GuestPermissions, GuestGetsEaccesWritingItsOwnTarget) {
    EXPECT_EQ(errnoOf([&] { guest().write("memory/target", "9999999"); }), EACCES);
    EXPECT_EQ(xs().read("/local/domain/5/memory/target"), "262144");
}

TEST_F(GuestPermissions, GuestMayWriteUnderItsOwnData) {
    guest().write("data/x", "report");
    EXPECT_EQ(xs().read("/local/domain/5/data/x"), "report");
    EXPECT_EQ(guest().read("data/x"), "report");
    EXPECT_THAT(guest().directory("data"), ::testing::ElementsAre("x"));
    guest().remove("data/x");
    EXPECT_EQ(xs().read("/local/domain/5/data/x"), std::nullopt);
}

TEST_F(GuestPermissions, GuestListsItsHome) {
    EXPECT_THAT(guest().directory("/local/domain/5"),
                IsSupersetOf({"name", "domid", "memory", "data"}));
}

TEST_F(GuestPermissions, GuestGetsEaccesReadingAnotherGuestsNodes) {
    EXPECT_EQ(errnoOf([&] { (void)guest().read("/local/domain/6/memory/target"); }), EACCES);
    EXPECT_EQ(errnoOf([&] { (void)guest().directory("/local/domain/6"); }), EACCES);
    EXPECT_EQ(errnoOf([&] { guest().write("/local/domain/6/data/x", "1"); }), EACCES);
}

TEST_F(GuestPermissions, GuestCannotRemoveNodesItDoesNotOwn) {
    EXPECT_EQ(errnoOf([&] { guest().remove("memory/target"); }), EACCES);
    EXPECT_EQ(xs().read("/local/domain/5/memory/target"), "262144");
}

TEST_F(GuestPermissions, RefusalsCarryErrnoAndThePath) {
    try {
        (void)guest().read("/local/domain/6/name");
        FAIL() << "domU 5 read domU 6's name";
    } catch (const xen::XenStoreError& error) {
        EXPECT_EQ(error.code().value(), EACCES);
        EXPECT_EQ(error.path(), "/local/domain/6/name");
        EXPECT_THAT(error.what(), HasSubstr("guest read"));
        EXPECT_THAT(error.what(), HasSubstr("/local/domain/6/name"));
    }
}

TEST_F(GuestPermissions, PermissionsSetByDom0DecideWhatAGuestMayDo) {
    using Access = xen::Permission::Access;
    xs().write("/test/shared", "v");
    const std::array readOnly{xen::Permission{kDom0, Access::None},
                              xen::Permission{5, Access::Read}};
    xs().setPermissions("/test/shared", readOnly);
    EXPECT_EQ(guest().read("/test/shared"), "v");
    EXPECT_EQ(errnoOf([&] { guest().write("/test/shared", "w"); }), EACCES);

    const std::array readWrite{xen::Permission{kDom0, Access::None},
                               xen::Permission{5, Access::Both}};
    xs().setPermissions("/test/shared", readWrite);
    guest().write("/test/shared", "w");
    EXPECT_EQ(xs().read("/test/shared"), "w");
}

TEST_F(GuestPermissions, LargeValuesCrossTheRingBoundaryIntact) {
    // Bigger than the 1 KiB ring (the request and the reply both wrap), within the per-node quota.
    const std::string big(2000, 'z');
    guest().write("data/big", big);
    EXPECT_EQ(guest().read("data/big"), big);
    EXPECT_EQ(xs().read("/local/domain/5/data/big"), big);
}

TEST_F(GuestPermissions, XenstoredBoundsWhatAGuestMayStoreInOneNode) {
    // xenstored's default entry-size quota (2048 bytes) applies to guests, not to dom0.
    EXPECT_EQ(errnoOf([&] { guest().write("data/huge", std::string(3000, 'z')); }), ENOSPC);
    EXPECT_EQ(xs().read("/local/domain/5/data/huge"), std::nullopt);
}

}  // namespace
}  // namespace balloon::harness
