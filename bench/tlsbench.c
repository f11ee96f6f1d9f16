/* tlsbench: connbench's TLS twin, for bench/run.sh's TLS cases.
 * usage: tlsbench host port concurrency duration_seconds [cafile [servername [payload]]]
 * Each worker: connect, a full TLS 1.3 handshake (no session is ever resumed: the client keeps
 * none), [write payload], read until the server's close_notify or EOF, close.
 * cafile ("" or "-" for none): the server's certificate is verified against it, for servername.
 * servername: sent as SNI (default none).
 * Latency = connect() start .. end of stream seen, CLOCK_MONOTONIC.
 * Errors (refused/reset/timeout/a failed handshake/...) are counted; the worker sleeps 1 ms after
 * one and goes on. A stream that ends without close_notify counts as a success and is reported
 * as unclean_eof on the stderr detail line, beside connbench's.
 * Output, as connbench's: conns=N errors=E conn_per_s=X p50_ms=A p99_ms=B max_ms=C
 * Build: cc -O2 -pthread -o tlsbench tlsbench.c -lssl -lcrypto (Debian: libssl-dev).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static struct sockaddr_storage g_addr;
static socklen_t g_addrlen;
static const char *g_payload;
static size_t g_paylen;
static const char *g_servername;
static uint64_t g_deadline_ns;
static SSL_CTX *g_ctx;

typedef struct {
    double *lat; size_t n, cap;
    uint64_t errors, refused, reset, handshake, other, empty, unclean;
    uint64_t bytes;
} wstat;

static inline uint64_t now_ns(void) {
    struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void add_err(wstat *w, int e) {
    w->errors++;
    if (e == ECONNREFUSED) w->refused++;
    else if (e == ECONNRESET || e == EPIPE) w->reset++;
    else w->other++;
}

static void *worker(void *arg) {
    wstat *w = arg;
    char buf[4096];
    while (now_ns() < g_deadline_ns) {
        uint64_t t0 = now_ns();
        SSL *ssl = NULL;
        int fd = socket(g_addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) { add_err(w, errno); usleep(1000); continue; }
        struct timeval tv = { .tv_sec = 10, .tv_usec = 0 };
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        int err = 0;
        if (connect(fd, (struct sockaddr *)&g_addr, g_addrlen) < 0) { err = errno; goto fail; }
        ssl = SSL_new(g_ctx);
        if (!ssl) { err = ENOMEM; goto fail; }
        SSL_set_fd(ssl, fd);
        if (g_servername) {
            SSL_set_tlsext_host_name(ssl, g_servername);
            SSL_set1_host(ssl, g_servername);
        }
        ERR_clear_error();
        if (SSL_connect(ssl) != 1) {
            w->errors++; w->handshake++;
            goto fail_counted;
        }
        if (g_paylen) {
            size_t off = 0;
            while (off < g_paylen) {
                int k = SSL_write(ssl, g_payload + off, (int)(g_paylen - off));
                if (k <= 0) { err = errno ? errno : EPIPE; goto fail; }
                off += (size_t)k;
            }
            SSL_shutdown(ssl);   /* close_notify: TLS 1.3's half-close; reading goes on */
        }
        size_t got = 0;
        for (;;) {
            ERR_clear_error();
            int k = SSL_read(ssl, buf, sizeof buf);
            if (k > 0) { w->bytes += (uint64_t)k; got += (size_t)k; continue; }
            int e = SSL_get_error(ssl, k);
            if (e == SSL_ERROR_ZERO_RETURN) break;   /* close_notify */
            if (e == SSL_ERROR_SSL && ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
                w->unclean++;
                break;
            }
            if (e == SSL_ERROR_SYSCALL && errno == EINTR) continue;
            err = errno ? errno : ECONNRESET;
            goto fail;
        }
        SSL_free(ssl);
        close(fd);
        if (got == 0) w->empty++;
        {
            double ms = (double)(now_ns() - t0) / 1e6;
            if (w->n == w->cap) { w->cap = w->cap ? w->cap * 2 : 65536; w->lat = realloc(w->lat, w->cap * sizeof(double)); if (!w->lat) { perror("realloc"); exit(2); } }
            w->lat[w->n++] = ms;
        }
        continue;
    fail:
        add_err(w, err);
    fail_counted:
        if (ssl) SSL_free(ssl);
        close(fd);
        usleep(1000);
    }
    return NULL;
}

static int cmpd(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: %s host port concurrency duration_seconds [cafile [servername [payload]]]\n", argv[0]);
        return 2;
    }
    int conc = atoi(argv[3]); double dur = atof(argv[4]);
    const char *cafile = argc > 5 && argv[5][0] && strcmp(argv[5], "-") != 0 ? argv[5] : NULL;
    if (argc > 6 && argv[6][0]) g_servername = argv[6];
    if (argc > 7) { g_payload = argv[7]; g_paylen = strlen(argv[7]); }
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
    int rc = getaddrinfo(argv[1], argv[2], &hints, &ai);
    if (rc) { fprintf(stderr, "getaddrinfo: %s\n", gai_strerror(rc)); return 2; }
    memcpy(&g_addr, ai->ai_addr, ai->ai_addrlen); g_addrlen = ai->ai_addrlen; freeaddrinfo(ai);

    g_ctx = SSL_CTX_new(TLS_client_method());
    if (!g_ctx) { ERR_print_errors_fp(stderr); return 2; }
    SSL_CTX_set_min_proto_version(g_ctx, TLS1_3_VERSION);
    SSL_CTX_set_max_proto_version(g_ctx, TLS1_3_VERSION);
    /* Every handshake a full one: no session kept, none offered. */
    SSL_CTX_set_session_cache_mode(g_ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(g_ctx, SSL_OP_NO_TICKET);
    if (cafile) {
        if (SSL_CTX_load_verify_locations(g_ctx, cafile, NULL) != 1) { ERR_print_errors_fp(stderr); return 2; }
        SSL_CTX_set_verify(g_ctx, SSL_VERIFY_PEER, NULL);
    }

    pthread_t *th = calloc(conc, sizeof *th); wstat *ws = calloc(conc, sizeof *ws);
    uint64_t start = now_ns();
    g_deadline_ns = start + (uint64_t)(dur * 1e9);
    for (int i = 0; i < conc; i++) pthread_create(&th[i], NULL, worker, &ws[i]);
    for (int i = 0; i < conc; i++) pthread_join(th[i], NULL);
    double elapsed = (double)(now_ns() - start) / 1e9;
    size_t total = 0;
    uint64_t errs = 0, refused = 0, reset = 0, handshake = 0, other = 0, bytes = 0, empty = 0, unclean = 0;
    for (int i = 0; i < conc; i++) {
        total += ws[i].n; errs += ws[i].errors; refused += ws[i].refused; reset += ws[i].reset;
        handshake += ws[i].handshake; other += ws[i].other; empty += ws[i].empty; unclean += ws[i].unclean;
        bytes += ws[i].bytes;
    }
    double *all = malloc((total ? total : 1) * sizeof(double)); size_t k = 0;
    for (int i = 0; i < conc; i++) { memcpy(all + k, ws[i].lat, ws[i].n * sizeof(double)); k += ws[i].n; }
    qsort(all, total, sizeof(double), cmpd);
    double p50 = total ? all[(size_t)(0.50 * (total - 1))] : 0;
    double p99 = total ? all[(size_t)(0.99 * (total - 1))] : 0;
    double mx = total ? all[total - 1] : 0;
    printf("conns=%zu errors=%llu conn_per_s=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
           total, (unsigned long long)errs, total / elapsed, p50, p99, mx);
    fprintf(stderr, "# detail: refused=%llu reset=%llu handshake_failed=%llu other_err=%llu empty_responses=%llu "
            "unclean_eof=%llu bytes=%llu elapsed=%.3fs\n",
            (unsigned long long)refused, (unsigned long long)reset, (unsigned long long)handshake,
            (unsigned long long)other, (unsigned long long)empty, (unsigned long long)unclean,
            (unsigned long long)bytes, elapsed);
    SSL_CTX_free(g_ctx);
    return 0;
}
