// Permissions follow what xl sets (checked on a real Xen host): (n0,r<id>) on the home and on
// memory/*, name and domid; (n<id>) on data/, which the guest owns.
#include "domain_tree.h"

#include <array>

namespace balloon::harness {

void createDomainHome(xen::XenStore& xs, DomId domid, KiB target, KiB staticMax) {
    using Access = xen::Permission::Access;
    const std::string root = xs.domainPath(domid);
    const std::array guestReads{xen::Permission{kDom0, Access::None},
                                xen::Permission{domid, Access::Read}};
    const std::array guestOwns{xen::Permission{domid, Access::None}};
    const std::string name = "domU-" + std::to_string(domid);

    xs.transact([&](xen::XenStoreOps& txn) {
        txn.mkdir(root);
        txn.setPermissions(root, guestReads);
        const std::array<std::pair<std::string, std::string>, 4> values{{
            {root + "/name", name},
            {root + "/domid", std::to_string(domid)},
            {root + "/memory/target", std::to_string(target.count())},
            {root + "/memory/static-max", std::to_string(staticMax.count())},
        }};
        for (const auto& [path, value] : values) {
            txn.write(path, value);
            txn.setPermissions(path, guestReads);
        }
        txn.setPermissions(root + "/memory", guestReads);
        txn.mkdir(root + "/data");
        txn.setPermissions(root + "/data", guestOwns);
    });
}

}  // namespace balloon::harness
