/*
 * rsguest: the main program of the ramshift QEMU test guest (exec'd by /init, runs as PID 1).
 *
 * It keeps a verifiable pattern in guest RAM, keeps dirtying it, and reports once per second on
 * stdout (the serial console) whether the whole pattern is still intact.
 *
 * Options, read from /proc/cmdline:
 *   rsguest.mib=N      pattern size in MiB (default 64)
 *   rsguest.rate=N     pattern pages rewritten per second (default 2000; 0 = never)
 *   rsguest.tick_ms=N  dirtying tick in milliseconds (default 10)
 *
 * Pattern page i (512 64-bit words): word 0 = i, word 1 = version[i],
 * words 2..510 = v(i, version[i]), word 511 = ~i. The version array lives in this program's own
 * memory, so it travels with the guest.
 *
 * Output (one line each, '\n'-terminated, flushed):
 *   RSGUEST start pages=<n> first_gpa=0x<hex> last_gpa=0x<hex>     (or first_gpa=unknown last_gpa=unknown)
 *   RSGUEST counter=<n> check=<OK|BAD> bad=<count> first_bad=<index|-1> pages=<n> version_sum=<sum> rate=<rate>
 * Bad pages are never repaired: a corrupted page is reported every second until the dirtier happens
 * to rewrite it.
 *
 * Build: gcc -static -O2 -o rsguest rsguest.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGE_SIZE 4096UL
#define WORDS (PAGE_SIZE / sizeof(uint64_t)) /* 512 */
#define NS_PER_SEC 1000000000LL

static uint64_t *pattern;  /* pages * WORDS words */
static uint64_t *version;  /* one per page */
static uint64_t pages;

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* The fill value of page i at version ver. */
static uint64_t fill_value(uint64_t i, uint64_t ver)
{
    return splitmix64((i << 32) ^ ver ^ 0x5253475545535421ULL /* "RSGUEST!" */);
}

static void write_page(uint64_t i)
{
    uint64_t *p = pattern + i * WORDS;
    uint64_t ver = version[i];
    uint64_t v = fill_value(i, ver);
    p[0] = i;
    p[1] = ver;
    for (size_t w = 2; w < WORDS - 1; w++)
        p[w] = v;
    p[WORDS - 1] = ~i;
}

static int page_ok(uint64_t i)
{
    const uint64_t *p = pattern + i * WORDS;
    uint64_t ver = version[i];
    if (p[0] != i || p[1] != ver || p[WORDS - 1] != ~i)
        return 0;
    uint64_t v = fill_value(i, ver);
    uint64_t diff = 0;
    for (size_t w = 2; w < WORDS - 1; w++)
        diff |= p[w] ^ v;
    return diff == 0;
}

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t xorshift64(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

static void sleep_ns(int64_t ns)
{
    if (ns <= 0)
        return;
    struct timespec ts = { .tv_sec = ns / NS_PER_SEC, .tv_nsec = ns % NS_PER_SEC };
    /* An interruption just ends the sleep early; the main loop recomputes its deadlines. */
    nanosleep(&ts, NULL);
}

/* Value of "key=N" in /proc/cmdline, or def when absent, unparsable or out of [min, max]. */
static long cmdline_option(const char *cmdline, const char *key, long def, long min, long max)
{
    size_t klen = strlen(key);
    const char *s = cmdline;
    while (*s) {
        while (*s == ' ' || *s == '\t' || *s == '\n')
            s++;
        if (!*s)
            break;
        if (strncmp(s, key, klen) == 0 && s[klen] == '=') {
            char *end;
            errno = 0;
            long val = strtol(s + klen + 1, &end, 10);
            if (errno == 0 && end != s + klen + 1 && (*end == 0 || *end == ' ' || *end == '\t' || *end == '\n')
                && val >= min && val <= max)
                return val;
            printf("RSGUEST warn bad option %s, using %ld\n", key, def);
            return def;
        }
        while (*s && *s != ' ' && *s != '\t' && *s != '\n')
            s++;
    }
    return def;
}

/* Guest-physical address of the page holding addr, or -1 if pagemap does not tell. */
static int64_t gpa_of(int fd, const void *addr)
{
    if (fd < 0)
        return -1;
    uint64_t entry;
    uint64_t vpn = (uintptr_t)addr / PAGE_SIZE;
    if (pread(fd, &entry, sizeof entry, (off_t)(vpn * sizeof entry)) != (ssize_t)sizeof entry)
        return -1;
    if (!(entry >> 63 & 1))
        return -1;
    uint64_t pfn = entry & ((1ULL << 55) - 1);
    if (pfn == 0)
        return -1; /* unprivileged readers see PFN 0 */
    return (int64_t)(pfn * PAGE_SIZE);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);

    char cmdline[4096] = "";
    int cfd = open("/proc/cmdline", O_RDONLY);
    if (cfd >= 0) {
        ssize_t n = read(cfd, cmdline, sizeof cmdline - 1);
        cmdline[n > 0 ? n : 0] = 0;
        close(cfd);
    } else {
        printf("RSGUEST warn cannot read /proc/cmdline (%s), using defaults\n", strerror(errno));
    }
    long mib = cmdline_option(cmdline, "rsguest.mib", 64, 1, 1L << 20);
    long rate = cmdline_option(cmdline, "rsguest.rate", 2000, 0, 100000000L);
    long tick_ms = cmdline_option(cmdline, "rsguest.tick_ms", 10, 1, 1000);

    pages = (uint64_t)mib * (1024 * 1024 / PAGE_SIZE);
    size_t bytes = pages * PAGE_SIZE;
    pattern = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    version = calloc(pages, sizeof *version);
    if (pattern == MAP_FAILED || version == NULL) {
        printf("RSGUEST error cannot allocate %ld MiB: %s\n", mib, strerror(errno));
        fflush(stdout);
        return 1; /* PID 1 exits: the kernel panics, and QEMU quits with -no-reboot */
    }
    /* 4 KiB pages only, so that khugepaged never moves the pattern to other guest-physical pages. */
    madvise(pattern, bytes, MADV_NOHUGEPAGE);
    for (uint64_t i = 0; i < pages; i++)
        write_page(i); /* touches every page */
    if (mlock(pattern, bytes) != 0)
        printf("RSGUEST warn mlock failed: %s\n", strerror(errno));
    mlock(version, pages * sizeof *version);

    int pfd = open("/proc/self/pagemap", O_RDONLY);
    int64_t first_gpa = gpa_of(pfd, pattern);
    int64_t last_gpa = gpa_of(pfd, pattern + (pages - 1) * WORDS);
    if (pfd >= 0)
        close(pfd);
    if (first_gpa >= 0 && last_gpa >= 0)
        printf("RSGUEST start pages=%" PRIu64 " first_gpa=0x%" PRIx64 " last_gpa=0x%" PRIx64 "\n",
               pages, (uint64_t)first_gpa, (uint64_t)last_gpa);
    else
        printf("RSGUEST start pages=%" PRIu64 " first_gpa=unknown last_gpa=unknown\n", pages);
    fflush(stdout);

    rng_state ^= (uint64_t)now_ns();
    if (rng_state == 0)
        rng_state = 1;

    const int64_t tick = (int64_t)tick_ms * 1000000LL;
    uint64_t counter = 0;
    int64_t start = now_ns();
    int64_t next_second = start + NS_PER_SEC;
    int64_t next_tick = start + tick;
    /* Dirtying is paced by elapsed time (dirty_base, dirtied), so a slow tick or a check is caught up
     * afterwards; at most one second's worth at once, and a longer stall is forgotten, not caught up. */
    int64_t dirty_base = start;
    uint64_t dirtied = 0;

    for (;;) {
        int64_t now = now_ns();
        if (now >= next_tick) {
            uint64_t due = (uint64_t)((__int128)rate * (now - dirty_base) / NS_PER_SEC);
            if (due > dirtied + (uint64_t)rate) {
                dirty_base = now - NS_PER_SEC;
                dirtied = 0;
                due = (uint64_t)rate;
            }
            for (; dirtied < due; dirtied++) {
                uint64_t i = xorshift64() % pages;
                version[i]++;
                write_page(i);
            }
            next_tick += tick;
            if (next_tick <= now)
                next_tick = now + tick;
        }
        if (now >= next_second) {
            counter++;
            uint64_t bad = 0, sum = 0;
            int64_t first_bad = -1;
            for (uint64_t i = 0; i < pages; i++) {
                sum += version[i];
                if (!page_ok(i)) {
                    if (bad++ == 0)
                        first_bad = (int64_t)i;
                }
            }
            printf("RSGUEST counter=%" PRIu64 " check=%s bad=%" PRIu64 " first_bad=%" PRId64 " pages=%" PRIu64
                   " version_sum=%" PRIu64 " rate=%ld\n",
                   counter, bad ? "BAD" : "OK", bad, first_bad, pages, sum, rate);
            fflush(stdout);
            next_second += NS_PER_SEC;
            now = now_ns();
            if (next_second <= now)
                next_second = now + NS_PER_SEC; /* fell behind (slow check, paused guest): no burst of lines */
        }
        int64_t wake = next_tick < next_second ? next_tick : next_second;
        sleep_ns(wake - now_ns());
    }
}
