// A throw-away root tree for the guest side's tests: fake-free, just real files in a temp dir
// laid out like /proc and /sys of a Linux Xen guest.
#pragma once

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include <stdlib.h>

#include "sys_files.h"

namespace balloon::guest::testing {

class FixtureTree {
public:
    FixtureTree() {
        std::string pattern = (std::filesystem::temp_directory_path() / "balloon-guest-XXXXXX");
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        root_ = pattern;
    }
    ~FixtureTree() {
        std::error_code ignored;
        std::filesystem::remove_all(root_, ignored);
    }
    FixtureTree(const FixtureTree&) = delete;
    FixtureTree& operator=(const FixtureTree&) = delete;
    FixtureTree(FixtureTree&&) = delete;
    FixtureTree& operator=(FixtureTree&&) = delete;

    [[nodiscard]] const std::filesystem::path& root() const { return root_; }

    void write(std::string_view systemPath, std::string_view content) const {
        const auto file = path(systemPath);
        std::filesystem::create_directories(file.parent_path());
        std::ofstream(file, std::ios::trunc) << content;
    }
    [[nodiscard]] std::string read(std::string_view systemPath) const {
        return readSysFile(path(systemPath)).value_or("");
    }
    [[nodiscard]] std::filesystem::path path(std::string_view systemPath) const {
        return root_ / std::filesystem::path(systemPath).relative_path();
    }

    // A guest with memTotal KiB, avail KiB available, and a balloon at current/target.
    void linuxGuest(unsigned long memTotal, unsigned long avail, unsigned long current,
                    unsigned long target) const {
        write("/proc/meminfo",
              "MemTotal:       " + std::to_string(memTotal) +
                  " kB\nMemFree:         100000 kB\nMemAvailable:   " + std::to_string(avail) +
                  " kB\nBuffers:           20000 kB\nCached:           "
                  "300000 kB\nSwapTotal:        65536 kB\nSwapFree:         "
                  "61440 kB\nKernelStack:        4096 kB\nPageTables:        "
                  "8192 kB\nSUnreclaim:        20480 kB\n");
        write("/proc/vmstat",
              "nr_free_pages 25000\npgmajfault 10\npswpin 5\npswpout 6\n"
              "workingset_refault_anon 7\nworkingset_refault_file 8\n");
        write("/proc/sys/vm/min_free_kbytes", "11264\n");
        setBalloon(current, target);
        write("/sys/devices/system/xen_memory/xen_memory0/scrub_pages", "1\n");
    }
    void setBalloon(unsigned long current, unsigned long target) const {
        write("/sys/devices/system/xen_memory/xen_memory0/info/current_kb",
              std::to_string(current) + "\n");
        write("/sys/devices/system/xen_memory/xen_memory0/target_kb",
              std::to_string(target) + "\n");
    }

private:
    std::filesystem::path root_;
};

}  // namespace balloon::guest::testing
