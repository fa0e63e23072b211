// Publishing through the Xenstore port: data/balloon-report (one write) and, for XenServer-style
// consumers, data/meminfo_total and data/meminfo_free, in one transaction. Also reads what dom0
// tells the guest: memory/target and memory/static-max.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "guest_report.h"
#include "units.h"
#include "xenstore_port.h"

namespace balloon::guest {

class ReportPublisher {
public:
    // domainPath "" writes relative paths (a guest's own domain, over /dev/xen/xenbus);
    // tests give "/local/domain/<id>" explicitly.
    ReportPublisher(xen::XenStore& store, std::string domainPath)
        : store_(store), domainPath_(std::move(domainPath)) {}

    void publish(const GuestReport& report);
    // The report currently in Xenstore, when there is one that decodes (a restarted guest side
    // continues its sequence from it).
    std::optional<GuestReport> current();
    // A KiB key dom0 writes (memory/target, memory/static-max); nullopt when absent or not a
    // number.
    std::optional<KiB> readKiB(std::string_view key);

    [[nodiscard]] std::string path(std::string_view key) const;
    xen::XenStore& store() { return store_; }

private:
    xen::XenStore& store_;
    std::string domainPath_;
};

}  // namespace balloon::guest
