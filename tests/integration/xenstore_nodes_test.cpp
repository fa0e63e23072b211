// Node operations of XenStoreClient against the real xenstored.
#include <array>
#include <cerrno>
#include <cstdlib>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "real_xenstore_fixture.h"

extern "C" {
#include <xenstore.h>
}

namespace balloon::xen {
namespace {

using harness::errnoOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

class XenStoreNodes : public harness::RealXenstore {};

TEST_F(XenStoreNodes, ReadsBackWhatItWrote) {
    xs().write("/test/a", "1234");
    EXPECT_EQ(xs().read("/test/a"), "1234");
    xs().write("/test/a", "");
    EXPECT_EQ(xs().read("/test/a"), "");
}

TEST_F(XenStoreNodes, ReadsManyNodesInTheirOrderWithNothingForTheMissing) {
    // Enough for every read lane several times over, every tenth node missing.
    std::vector<std::string> paths;
    for (int i = 0; i < 100; ++i) {
        paths.push_back("/test/many/" + std::to_string(i));
        if (i % 10 != 3) {
            xs().write(paths.back(), "value " + std::to_string(i));
        }
    }
    const auto values = xs().readMany(paths);
    ASSERT_EQ(values.size(), paths.size());
    for (int i = 0; i < 100; ++i) {
        if (i % 10 == 3) {
            EXPECT_FALSE(values[i]) << i;
        } else {
            EXPECT_EQ(values[i], "value " + std::to_string(i)) << i;
        }
    }
    // A few, read on the main connection, and none.
    EXPECT_THAT(xs().readMany(std::vector<std::string>(paths.begin(), paths.begin() + 3)),
                ElementsAre("value 0", "value 1", "value 2"));
    EXPECT_TRUE(xs().readMany({}).empty());
}

TEST_F(XenStoreNodes, WritesManyNodesAndTriesEveryOneBeforeReportingAFailure) {
    std::vector<xen::NodeWrite> writes;
    writes.reserve(20);
    for (int i = 0; i < 20; ++i) {
        writes.push_back({"/test/w/" + std::to_string(i), "v" + std::to_string(i)});
    }
    xs().writeMany(writes);
    for (const xen::NodeWrite& w : writes) {
        EXPECT_EQ(xs().read(w.path), w.value) << w.path;
    }
    // One, on the main connection; none.
    xs().writeMany(std::vector<xen::NodeWrite>{{"/test/w/one", "1"}});
    EXPECT_EQ(xs().read("/test/w/one"), "1");
    xs().writeMany({});

    // xenstored refuses a name with a space; the writes beside it still land.
    const std::vector<xen::NodeWrite> mixed{
        {"/test/x/a", "a"}, {"/test/x/bad name", "b"}, {"/test/x/c", "c"}, {"/test/x/d", "d"}};
    EXPECT_THROW(xs().writeMany(mixed), xen::XenStoreError);
    EXPECT_EQ(xs().read("/test/x/a"), "a");
    EXPECT_EQ(xs().read("/test/x/c"), "c");
    EXPECT_EQ(xs().read("/test/x/d"), "d");
}

TEST_F(XenStoreNodes, KeepsBinaryValuesWhole) {
    const std::string value{"a\0b\nc", 5};
    xs().write("/test/bin", value);
    EXPECT_EQ(xs().read("/test/bin"), value);
}

TEST_F(XenStoreNodes, ReadsAMissingNodeAsNothing) {
    EXPECT_EQ(xs().read("/test/missing"), std::nullopt);
}

TEST_F(XenStoreNodes, ListsChildrenAndNothingForAMissingNode) {
    xs().write("/test/dir/x", "1");
    xs().write("/test/dir/y", "2");
    xs().mkdir("/test/dir/z");
    EXPECT_THAT(xs().directory("/test/dir"), UnorderedElementsAre("x", "y", "z"));
    EXPECT_THAT(xs().directory("/test/dir/z"), ElementsAre());
    EXPECT_THAT(xs().directory("/test/nowhere"), ElementsAre());
}

TEST_F(XenStoreNodes, MkdirCreatesAnEmptyNode) {
    xs().mkdir("/test/made/deep");
    EXPECT_EQ(xs().read("/test/made/deep"), "");
}

TEST_F(XenStoreNodes, RemovesASubtreeAndToleratesAMissingNode) {
    xs().write("/test/tree/leaf", "1");
    xs().remove("/test/tree");
    EXPECT_EQ(xs().read("/test/tree/leaf"), std::nullopt);
    EXPECT_EQ(xs().read("/test/tree"), std::nullopt);
    EXPECT_NO_THROW(xs().remove("/test/tree"));
}

// The port has no getter (nothing in balloond needs one); libxenstore reads them back here.
std::string permissionsOf(const char* path) {
    xs_handle* raw = xs_open(0);
    if (raw == nullptr) {
        return "cannot connect";
    }
    unsigned int count = 0;
    xs_permissions* perms = xs_get_permissions(raw, XBT_NULL, path, &count);
    std::string text;
    for (unsigned int i = 0; perms != nullptr && i < count; ++i) {
        const unsigned int access = perms[i].perms & (XS_PERM_READ | XS_PERM_WRITE);
        text += text.empty() ? "" : ",";
        text += "nrwb"[access];
        text += std::to_string(perms[i].id);
    }
    std::free(perms);
    xs_close(raw);
    return text;
}

TEST_F(XenStoreNodes, SetsPermissionsThatXenstoredReportsBack) {
    xs().write("/test/perm", "v");
    const std::array perms{
        Permission{3, Permission::Access::None}, Permission{7, Permission::Access::Read},
        Permission{8, Permission::Access::Write}, Permission{9, Permission::Access::Both}};
    xs().setPermissions("/test/perm", perms);
    EXPECT_EQ(permissionsOf("/test/perm"), "n3,r7,w8,b9");
}

TEST_F(XenStoreNodes, RefusesAnEmptyPermissionList) {
    xs().write("/test/perm", "v");
    EXPECT_EQ(errnoOf([&] { xs().setPermissions("/test/perm", {}); }), EINVAL);
}

TEST_F(XenStoreNodes, ErrorsCarryErrnoOperationAndPath) {
    try {
        xs().write("/test/bad//path", "x");
        FAIL() << "an invalid path was accepted";
    } catch (const XenStoreError& error) {
        EXPECT_EQ(error.code().value(), EINVAL);
        EXPECT_EQ(error.path(), "/test/bad//path");
        EXPECT_THAT(error.what(), HasSubstr("xenstore write"));
        EXPECT_THAT(error.what(), HasSubstr("/test/bad//path"));
    }
}

TEST_F(XenStoreNodes, RefusesPathsWithAnEmbeddedNul) {
    EXPECT_EQ(errnoOf([&] { (void)xs().read(std::string_view{"/test/a\0b", 9}); }), EINVAL);
}

TEST_F(XenStoreNodes, NamesTheDomainHome) {
    EXPECT_EQ(xs().domainPath(0), "/local/domain/0");
    EXPECT_EQ(xs().domainPath(12), "/local/domain/12");
}

TEST_F(XenStoreNodes, ConnectingWithoutADaemonSaysWhatToCheck) {
    xenstored().stop();
    try {
        (void)XenStoreClient::open();
        FAIL() << "connected to a stopped xenstored";
    } catch (const XenStoreError& error) {
        EXPECT_THAT(error.what(), HasSubstr("cannot connect to xenstored"));
        EXPECT_THAT(error.what(), HasSubstr(xenstored().socketPath().string()));
    }
}

}  // namespace
}  // namespace balloon::xen
