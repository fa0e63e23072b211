// core/file_io.h: the atomic file replacement the metrics writer and the guest side use.
#include "file_io.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>

#include <gtest/gtest.h>
#include <sys/stat.h>

namespace balloon {
namespace {

class FileIo : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("balloon-file-io-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    static std::string contents(const std::filesystem::path& file) {
        std::ifstream in(file);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }

    std::filesystem::path dir_;
};

TEST_F(FileIo, ReplacesTheContentAndLeavesNoTemporaryBehind) {
    const auto file = dir_ / "balloond.prom";
    replaceFileAtomically(file, "old\n", ".tmp");
    replaceFileAtomically(file, "new\n", ".tmp");
    EXPECT_EQ(contents(file), "new\n");
    EXPECT_FALSE(std::filesystem::exists(dir_ / "balloond.prom.tmp"));
}

TEST_F(FileIo, MakesTheFileWorldReadableUnderARestrictiveUmask) {
    // balloond.service runs with UMask=0077; node_exporter reads the file as another user.
    const ::mode_t previous = ::umask(0077);
    replaceFileAtomically(dir_ / "balloond.prom", "x\n", ".tmp");
    ::umask(previous);
    struct stat st {};
    ASSERT_EQ(::stat((dir_ / "balloond.prom").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0644U);
}

TEST_F(FileIo, SaysWhichFileFailedWhenTheDirectoryIsMissing) {
    const auto file = dir_ / "missing" / "balloond.prom";
    try {
        replaceFileAtomically(file, "x\n", ".tmp");
        FAIL() << "no error for a missing directory";
    } catch (const std::system_error& e) {
        EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace balloon
