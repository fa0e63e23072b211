/* memhog: the e2e bed's memory pressure inside a domU (busybox has no such tool).
 * Usage: memhog STEP_MIB PERIOD_MS MAX_MIB
 * Every PERIOD_MS it allocates and touches STEP_MIB more, up to MAX_MIB, then keeps holding it;
 * all the while it re-touches what it holds, so the pages stay in use, and prints its hold
 * ("memhog: holding N MiB") to the console whenever it grows. Built with gcc -static by
 * tests/e2e/run so the domU needs no libc. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { kMiB = 1024 * 1024, kPage = 4096, kMaxChunks = 4096 };

static long parsePositive(const char* text, const char* what) {
    char* end = NULL;
    long value = strtol(text, &end, 10);
    if (end == text || *end != '\0' || value <= 0 || value > 1000000) {
        fprintf(stderr, "memhog: bad %s \"%s\": a positive whole number\n", what, text);
        exit(2);
    }
    return value;
}

static void pause_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int main(int argc, char** argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: memhog STEP_MIB PERIOD_MS MAX_MIB\n");
        return 2;
    }
    long step = parsePositive(argv[1], "STEP_MIB");
    long period = parsePositive(argv[2], "PERIOD_MS");
    long max = parsePositive(argv[3], "MAX_MIB");
    static unsigned char* chunks[kMaxChunks];
    long held = 0;
    size_t count = 0;
    for (unsigned round = 0;; ++round) {
        if (held + step <= max && count < kMaxChunks) {
            unsigned char* chunk = malloc((size_t)step * kMiB);
            if (chunk == NULL) {
                fprintf(stderr, "memhog: malloc of %ld MiB failed at %ld MiB held\n", step, held);
            } else {
                memset(chunk, 0x5a, (size_t)step * kMiB);
                chunks[count++] = chunk;
                held += step;
                printf("memhog: holding %ld MiB\n", held);
                fflush(stdout);
            }
        }
        /* Keep every page in use, so the guest sees an active working set, not idle memory. */
        for (size_t i = 0; i < count; ++i) {
            for (size_t off = 0; off < (size_t)step * kMiB; off += kPage) {
                chunks[i][off] = (unsigned char)(round + off);
            }
        }
        pause_ms(period);
    }
}
