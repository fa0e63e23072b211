#include "guest_daemon.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <string>

#include <poll.h>

#include "log.h"
#include "model.h"
#include "report_builder.h"

namespace balloon::guest {
namespace {

constexpr std::string_view kTargetKey = "memory/target";
constexpr std::string_view kWatchToken = "balloon-guest-target";

}  // namespace

GuestDaemon::GuestDaemon(ReportPublisher& publisher, BalloonBackend& backend,
                         const SettingsStore& settings, DaemonOptions options)
    : publisher_(publisher),
      backend_(backend),
      settingsStore_(settings),
      options_(std::move(options)),
      scheduler_(options_.scheduler),
      floor_(options_.floor) {}

GuestDaemon::~GuestDaemon() {
    if (!watching_) {
        return;
    }
    try {
        // Take what is queued first: unwatching with an event still queued leaked that event's
        // text inside libxenstore under ASan.
        publisher_.store().takeWatchEvents();
        publisher_.store().unwatch(publisher_.path(kTargetKey), kWatchToken);
    } catch (const std::exception& e) {
        BLOG(warning) << "cannot remove the memory/target watch: " << e.what();
    }
}

void GuestDaemon::start() {
    scrubsPages_ = backend_.scrubsPages();
    if (!scrubsPages_) {
        BLOG(warning) << "cannot tell whether the kernel scrubs pages before giving them back to "
                         "Xen (no scrub_pages in the xen_memory sysfs): assume it does not";
    } else if (!*scrubsPages_) {
        BLOG(warning) << "the kernel does not scrub pages before giving them back to Xen: memory "
                         "this guest releases may carry its data to other domains; boot with "
                         "xen_scrub_pages=1 or write 1 to "
                         "/sys/devices/system/xen_memory/xen_memory0/scrub_pages";
    }
    if (const auto previous = publisher_.current()) {
        sequence_ = previous->sequence;  // continue, so dom0 never sees the sequence go back
    }
    publisher_.store().watch(publisher_.path(kTargetKey), kWatchToken);
    watching_ = true;
}

std::chrono::milliseconds GuestDaemon::step(Clock::time_point now, std::uint64_t wallSeconds) {
    GuestSettings settings;
    try {
        settings = settingsStore_.load();
        settingsErrorLogged_ = false;
    } catch (const std::runtime_error& e) {
        // A damaged state file must not silence the reports: keep the last good settings.
        if (!settingsErrorLogged_) {
            BLOG(error) << e.what();
            settingsErrorLogged_ = true;
        }
        settings = lastSettings_.value_or(GuestSettings{});
    }
    const KernelStats stats = readKernelStats(options_.root);
    const KiB effectiveMin = settings.min.value_or(backend_.safeguard());
    floor_.check(now, backend_, effectiveMin);

    Sample sample;
    sample.total = stats.meminfo.total;
    sample.used = stats.used();
    sample.available = stats.meminfo.available.value_or(stats.meminfo.free);
    sample.psiSomeAvg10 = stats.psiSomeAvg10;
    if (previousCounters_ && stats.counters.swapInPages >= previousCounters_->swapInPages) {
        sample.swapInSinceLastWake = stats.counters.swapInPages - previousCounters_->swapInPages;
    }
    previousCounters_ = stats.counters;
    sample.settingsChanged = lastSettings_ && *lastSettings_ != settings;

    if (const auto reason = scheduler_.decide(now, sample)) {
        ReportContext context;
        context.sequence = sequence_ + 1;
        context.timestamp = wallSeconds;
        context.min = effectiveMin;
        context.requestedTarget = settings.target;
        context.scrubsPages = scrubsPages_;
        publisher_.publish(buildReport(stats, baseline_, context));
        sequence_ = context.sequence;
        ++published_;
        lastReason_ = reason;
        baseline_ = stats.counters;
        lastSettings_ = settings;
        scheduler_.published(now, sample);
    }
    return scheduler_.nextWake(sample);
}

void GuestDaemon::run(const std::atomic<bool>& stop) {
    // Signals stay blocked except inside ppoll, so a stop request never slips in between the
    // check and the sleep.
    sigset_t blocked;
    sigset_t previous;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGTERM);
    sigaddset(&blocked, SIGINT);
    sigprocmask(SIG_BLOCK, &blocked, &previous);
    std::chrono::milliseconds sleep{0};
    std::optional<Clock::time_point> lastError;
    while (!stop.load()) {
        pollfd fd{publisher_.store().watchFd(), POLLIN, 0};
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(sleep);
        const timespec timeout{static_cast<time_t>(seconds.count()),
                               static_cast<long>((sleep - seconds).count() * 1000000)};
        if (ppoll(&fd, 1, &timeout, &previous) < 0 && errno != EINTR) {
            const int failure = errno;
            BLOG(error) << "waiting for Xenstore events failed: " << std::strerror(failure);
        }
        if (stop.load()) {
            break;
        }
        publisher_.store().takeWatchEvents();  // any change: just look again
        const auto now = Clock::now();
        try {
            sleep = step(now, static_cast<std::uint64_t>(unixSeconds()));
        } catch (const std::exception& e) {
            // Keep running (xenstored restarts, transient sysfs errors), but say it at most
            // once a minute.
            if (!lastError || now - *lastError >= std::chrono::minutes(1)) {
                BLOG(error) << "report cycle failed: " << e.what();
                lastError = now;
            }
            sleep = scheduler_.config().calmWake;
        }
    }
    sigprocmask(SIG_SETMASK, &previous, nullptr);
}

}  // namespace balloon::guest
