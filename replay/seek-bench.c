/* seek-bench FILE [SEEKS]: opens a session twice, first with its index
 * file removed (the index built by reading the night, and saved), then
 * from the saved index; each open includes the first frame. Then seeks to
 * SEEKS random times and prints the open times, seek p50/max, what the
 * index holds and the peak RSS. Used by bench/replay_seek.sh. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "lib/clock.h"
#include "replay/index_file.h"
#include "replay/player.h"

static int Bench_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: seek-bench FILE [SEEKS]\n");
        return 2;
    }
    int seeks = argc == 3 ? atoi(argv[2]) : 200;
    if (seeks < 1 || seeks > 100000)
        seeks = 200;
    char err[1280], idxpath[1100];
    if (IndexFile_path(argv[1], idxpath, sizeof idxpath) != 0)
        return 2;
    unlink(idxpath);
    int64_t t0 = Clock_mono_us();
    Player *p = Player_open(argv[1], false, err, sizeof err);
    if (!p) {
        fprintf(stderr, "seek-bench: %s\n", err);
        return 1;
    }
    int64_t build_us = Clock_mono_us() - t0;
    Player_close(p);
    bool saved = access(idxpath, R_OK) == 0;
    t0 = Clock_mono_us();
    p = Player_open(argv[1], false, err, sizeof err);
    if (!p) {
        fprintf(stderr, "seek-bench: %s\n", err);
        return 1;
    }
    int64_t open_us = Clock_mono_us() - t0;
    const SessionIndex *idx = Player_index(p);
    int64_t s = Player_start_ms(p), e = Player_end_ms(p);
    int64_t *us = malloc(sizeof *us * (size_t)seeks);
    srand(1);
    for (int i = 0; i < seeks; i++) {
        int64_t t = s + (int64_t)((double)rand() / RAND_MAX * (double)(e - s));
        int64_t a = Clock_mono_us();
        if (Player_seek(p, t) != 0) {
            fprintf(stderr, "seek-bench: %s\n", Player_error(p));
            return 1;
        }
        us[i] = Clock_mono_us() - a;
    }
    qsort(us, (size_t)seeks, sizeof *us, Bench_cmp);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    size_t index_bytes = idx->nkept * sizeof(KeptEvent) + idx->nframes * sizeof(Keyframe) +
                         idx->npool * sizeof(int64_t);
    printf("events           %lld (%zu kept in memory, %zu keyframes, %d keys)\n",
           (long long)idx->events, idx->nkept, idx->nframes, idx->nkeys);
    printf("recorded span    %.1f h\n", (double)(e - s) / 3600000.0);
    printf("open, no index   %.1f ms (read the night, index saved: %s)\n",
           (double)build_us / 1000.0, saved ? "yes" : "NO");
    printf("open, saved idx  %.1f ms (ratio %.1fx)\n", (double)open_us / 1000.0,
           open_us > 0 ? (double)build_us / (double)open_us : 0.0);
    printf("seek p50         %.2f ms\n", (double)us[seeks / 2] / 1000.0);
    printf("seek max         %.2f ms (over %d random seeks)\n", (double)us[seeks - 1] / 1000.0,
           seeks);
    printf("index in memory  %.1f MB\n", (double)index_bytes / 1048576.0);
    printf("peak RSS         %.1f MB\n", (double)ru.ru_maxrss / 1024.0);
    free(us);
    Player_close(p);
    return 0;
}
