// A domain's Xenstore home as the toolstack (xl) creates it, with the same permissions: the
// guest may read its home and memory/, and owns data/. Used by tests and the simulated host.
#pragma once

#include <string>

#include "domid.h"
#include "units.h"
#include "xenstore_port.h"

namespace balloon::harness {

// Creates (or overwrites) /local/domain/<id> with name ("domU-<id>"), domid,
// memory/{target,static-max} and an empty data/, in one transaction.
void createDomainHome(xen::XenStore& xs, DomId domid, KiB target, KiB staticMax);

}  // namespace balloon::harness
