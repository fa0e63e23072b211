/*
 * LD_PRELOAD interposer that lets the unmodified Xen 4.17 xenstored run without a hypervisor.
 * It replaces only the hypervisor-facing calls xenstored makes (libxenctrl, libxengnttab,
 * libxenevtchn and the two /proc/xen files it reads at dom0 set-up); everything else, the
 * database, permissions, quotas, watches and the ring protocol, is the real daemon's code.
 *
 * The test controls the fake hypervisor through files in XENSTORED_RUNDIR (<run>):
 *   <run>/evtchn        FIFO standing in for the event-channel device. Writing any byte to it
 *                       ("kicking") wakes xenstored: it reports the domain-exception VIRQ as
 *                       pending, so xenstored re-checks which domains are dying, and its main
 *                       loop re-reads every domain ring. Created here if missing.
 *   <run>/dying         text file of decimal domids, separated by white space, that
 *                       xc_domain_getinfo reports as dying. Write it (atomically: write a temp
 *                       file and rename), then kick: xenstored releases those domains and fires
 *                       @releaseDomain. Every other domid is reported as existing and running.
 *   <run>/ring-<domid>  4 KiB file. If present when the domain is introduced, the grant mapping
 *                       of its ring is this file mapped shared, so a test can act as the guest on
 *                       the same page. Without it, the ring is an anonymous page.
 *   <run>/notify-<domid> FIFO. If present, xenstored's notifications to that domain (a reply or
 *                       watch event placed on its ring) write one byte to it. A guest keeps it
 *                       open read-write and polls it.
 * If BALLOON_XENSTORED_PARENT holds a pid, xenstored gets SIGKILL when that process dies (no
 * orphan daemons after a crashed test run).
 *
 * Built without sanitizers: xenstored is not an ASan binary, and this library must not pull in
 * libasan when the tests themselves are built with -Db_sanitize.
 */
#undef _FILE_OFFSET_BITS /* we define open() and open64() ourselves, not aliases of each other */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenevtchn.h>
#include <xengnttab.h>

enum { kPageSize = 4096, kVirqPort = 1, kMaxPorts = 4096 };

static int evtchnFd = -1;
static evtchn_port_t nextPort = kVirqPort + 1;
static int portDomain[kMaxPorts]; /* local port -> remote domid + 1 (0: unbound) */
static char fakeHandle;           /* the address every fake handle points to */

static const char* runDir(void) {
    const char* dir = getenv("XENSTORED_RUNDIR");
    return dir != NULL ? dir : "/var/run/xenstored";
}

static void runPath(char* out, size_t size, const char* name) {
    snprintf(out, size, "%s/%s", runDir(), name);
}

__attribute__((constructor)) static void dieWithParent(void) {
    const char* parent = getenv("BALLOON_XENSTORED_PARENT");
    if (parent == NULL) {
        return;
    }
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != (pid_t)atol(parent)) {
        _exit(1); /* the parent died before prctl took effect */
    }
}

/* ---- libxenctrl: a hypervisor where every domain exists, some of them dying. */

xc_interface* xc_interface_open(xentoollog_logger* logger, xentoollog_logger* dombuildLogger,
                                unsigned openFlags) {
    (void)logger, (void)dombuildLogger, (void)openFlags;
    return (xc_interface*)&fakeHandle;
}

int xc_interface_close(xc_interface* xch) {
    (void)xch;
    return 0;
}

static int isDying(uint32_t domid) {
    char path[4096];
    runPath(path, sizeof path, "dying");
    FILE* file = fopen(path, "re");
    if (file == NULL) {
        return 0;
    }
    unsigned long listed = 0;
    int found = 0;
    while (!found && fscanf(file, "%lu", &listed) == 1) {
        found = listed == domid;
    }
    fclose(file);
    return found;
}

int xc_domain_getinfo(xc_interface* xch, uint32_t firstDomid, unsigned int maxDoms,
                      xc_dominfo_t* info) {
    (void)xch;
    if (maxDoms == 0 || firstDomid >= DOMID_FIRST_RESERVED) {
        return 0;
    }
    memset(info, 0, sizeof *info);
    info->domid = firstDomid;
    info->dying = isDying(firstDomid) ? 1 : 0;
    info->running = info->dying ? 0 : 1;
    return 1;
}

/* ---- libxengnttab: ring pages are a shared file per domid, or anonymous memory. */

xengnttab_handle* xengnttab_open(xentoollog_logger* logger, unsigned openFlags) {
    (void)logger, (void)openFlags;
    return (xengnttab_handle*)&fakeHandle;
}

int xengnttab_close(xengnttab_handle* xgt) {
    (void)xgt;
    return 0;
}

int xengnttab_set_max_grants(xengnttab_handle* xgt, uint32_t nrGrants) {
    (void)xgt, (void)nrGrants;
    return 0;
}

void* xengnttab_map_grant_ref(xengnttab_handle* xgt, uint32_t domid, uint32_t ref, int prot) {
    (void)xgt, (void)ref;
    char name[64];
    char path[4096];
    snprintf(name, sizeof name, "ring-%u", domid);
    runPath(path, sizeof path, name);
    void* page = MAP_FAILED;
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd >= 0) {
        page = mmap(NULL, kPageSize, prot, MAP_SHARED, fd, 0);
        close(fd);
    } else {
        page = mmap(NULL, kPageSize, prot, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    }
    return page == MAP_FAILED ? NULL : page;
}

int xengnttab_unmap(xengnttab_handle* xgt, void* startAddress, uint32_t count) {
    (void)xgt;
    return munmap(startAddress, (size_t)count * kPageSize);
}

/* ---- libxenevtchn: one FIFO the test kicks; notifications go to per-domain FIFOs. */

static xenevtchn_handle* openEvtchn(int fd) {
    evtchnFd = fd;
    return evtchnFd >= 0 ? (xenevtchn_handle*)&fakeHandle : NULL;
}

xenevtchn_handle* xenevtchn_open(xentoollog_logger* logger, unsigned openFlags) {
    (void)logger, (void)openFlags;
    char path[4096];
    runPath(path, sizeof path, "evtchn");
    if (mkfifo(path, 0600) != 0 && errno != EEXIST) {
        return NULL;
    }
    /* Read-write so the FIFO never reports end-of-file when a kicker closes its end. */
    return openEvtchn(open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC));
}

xenevtchn_handle* xenevtchn_fdopen(xentoollog_logger* logger, int fd, unsigned openFlags) {
    (void)logger, (void)openFlags;
    return openEvtchn(fd);
}

int xenevtchn_close(xenevtchn_handle* xce) {
    (void)xce;
    return evtchnFd >= 0 ? close(evtchnFd) : 0;
}

int xenevtchn_fd(xenevtchn_handle* xce) {
    (void)xce;
    return evtchnFd;
}

xenevtchn_port_or_error_t xenevtchn_bind_virq(xenevtchn_handle* xce, unsigned int virq) {
    (void)xce, (void)virq;
    return kVirqPort;
}

xenevtchn_port_or_error_t xenevtchn_bind_interdomain(xenevtchn_handle* xce, uint32_t domid,
                                                     evtchn_port_t remotePort) {
    (void)xce, (void)remotePort;
    if (nextPort >= kMaxPorts) {
        errno = ENOSPC;
        return -1;
    }
    portDomain[nextPort] = (int)domid + 1;
    return (xenevtchn_port_or_error_t)nextPort++;
}

int xenevtchn_unbind(xenevtchn_handle* xce, evtchn_port_t port) {
    (void)xce;
    if (port < kMaxPorts) {
        portDomain[port] = 0;
    }
    return 0;
}

int xenevtchn_notify(xenevtchn_handle* xce, evtchn_port_t port) {
    (void)xce;
    if (port >= kMaxPorts || portDomain[port] == 0) {
        return 0;
    }
    char name[64];
    char path[4096];
    snprintf(name, sizeof name, "notify-%d", portDomain[port] - 1);
    runPath(path, sizeof path, name);
    int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0) {
        const char byte = 'n';
        ssize_t written = write(fd, &byte, 1); /* a full FIFO already says "look" */
        (void)written;
        close(fd);
    }
    return 0;
}

xenevtchn_port_or_error_t xenevtchn_pending(xenevtchn_handle* xce) {
    (void)xce;
    char kicks[256];
    ssize_t drained = read(evtchnFd, kicks, sizeof kicks); /* coalesce every kick so far */
    (void)drained;
    return kVirqPort;
}

int xenevtchn_unmask(xenevtchn_handle* xce, evtchn_port_t port) {
    (void)xce, (void)port;
    return 0;
}

/* ---- /proc/xen: dom0's xenstore event channel port and ring page. */

static int memfdWith(const char* name, const char* contents, size_t size) {
    int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, (off_t)size) != 0) {
        return -1;
    }
    if (contents != NULL && pwrite(fd, contents, strlen(contents), 0) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int openFake(const char* path) {
    if (strcmp(path, "/proc/xen/xsd_port") == 0) {
        return memfdWith("xsd_port", "1", 1);
    }
    if (strcmp(path, "/proc/xen/xsd_kva") == 0) {
        return memfdWith("xsd_kva", NULL, kPageSize);
    }
    return -2;
}

#define FORWARD_OPEN(symbol)                                            \
    int symbol(const char* path, int flags, ...) {                      \
        mode_t mode = 0;                                                \
        if (flags & (O_CREAT | O_TMPFILE)) {                            \
            va_list args;                                               \
            va_start(args, flags);                                      \
            mode = va_arg(args, mode_t);                                \
            va_end(args);                                               \
        }                                                               \
        int fake = openFake(path);                                      \
        if (fake != -2) {                                               \
            return fake;                                                \
        }                                                               \
        int (*real)(const char*, int, ...);                             \
        *(void**)&real = dlsym(RTLD_NEXT, #symbol); /* POSIX's idiom */ \
        return real(path, flags, mode);                                 \
    }

FORWARD_OPEN(open)
FORWARD_OPEN(open64)
