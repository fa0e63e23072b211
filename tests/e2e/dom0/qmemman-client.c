/* qmemman-client: what Qubes' qubesd does on qmemman's socket, for the e2e bed (busybox's nc
 * speaks no Unix sockets). Usage: qmemman-client SOCKET REQUEST
 * Connects, sends REQUEST and a newline ("471859200": bytes to free for a domain about to be
 * built), prints the one-line answer ("OK", "FAIL", "INVALID_ARG") on stdout, then holds the
 * connection (and with it the freed memory) until it is killed: closing is the release.
 * Exits 1 when the socket cannot be used or the answer is not a line. Built with gcc -static by
 * tests/e2e/run. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static volatile sig_atomic_t stopping = 0;

static void on_signal(int sig) {
    (void)sig;
    stopping = 1;
}

int main(int argc, char** argv) {
    if (argc != 3 || strlen(argv[1]) >= sizeof(((struct sockaddr_un*)0)->sun_path)) {
        fprintf(stderr, "usage: qmemman-client SOCKET REQUEST\n");
        return 2;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    strcpy(addr.sun_path, argv[1]);
    if (fd < 0 || connect(fd, (struct sockaddr*)&addr, sizeof addr) != 0) {
        perror("qmemman-client: connect");
        return 1;
    }
    char request[128];
    int n = snprintf(request, sizeof request, "%s\n", argv[2]);
    if (n <= 0 || (size_t)n >= sizeof request || write(fd, request, (size_t)n) != n) {
        perror("qmemman-client: write");
        return 1;
    }
    char answer[64];
    size_t got = 0;
    while (got < sizeof answer - 1) {
        ssize_t r = read(fd, answer + got, 1);
        if (r <= 0) {
            fprintf(stderr, "qmemman-client: the connection closed before a whole answer\n");
            return 1;
        }
        if (answer[got] == '\n') {
            break;
        }
        ++got;
    }
    answer[got] = '\0';
    printf("%s\n", answer);
    fflush(stdout);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    while (!stopping) {
        pause();
    }
    close(fd);
    return 0;
}
