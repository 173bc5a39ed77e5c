#include "console/follow.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "console/loop.h"
#include "console/shell.h"
#include "lib/clock.h"
#include "replay/player.h"

typedef struct Follow {
    Loop loop;
    Player *player;
    Shell view;
} Follow;

/* A console that just started may not have written its header yet: wait a
 * little for the first line to be whole. */
static void Follow_wait_header(const char *path)
{
    for (int64_t waited = 0; waited < FOLLOW_HEADER_WAIT_MS; waited += FOLLOW_POLL_MS) {
        char buf[4096];
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return; /* the open that follows says why */
        ssize_t n = read(fd, buf, sizeof buf);
        close(fd);
        if (n < 0 || (n > 0 && memchr(buf, '\n', (size_t)n)) || n == (ssize_t)sizeof buf)
            return;
        Clock_sleep_ms(FOLLOW_POLL_MS);
    }
}

static void Follow_key(void *self, Loop *loop, const LoopKey *k)
{
    (void)self;
    if (k->kind == SHELL_ACTION && k->binding->action == ACTION_QUIT)
        Loop_quit(loop);
}

/* The lines written since the last look: a frame when there were any. */
static unsigned Follow_take(void *self, Loop *loop)
{
    (void)loop;
    Follow *f = self;
    long n = Player_follow(f->player, Clock_wall_ms());
    if (n < 0) {
        Shell_banner(&f->view, "%s", Player_error(f->player));
        return LOOP_URGENT;
    }
    return n > 0 ? LOOP_DATA : 0;
}

/* A file has no wake-up: it is read again every FOLLOW_POLL_MS. */
static int Follow_wake_ms(void *self, Loop *loop)
{
    (void)self;
    (void)loop;
    return FOLLOW_POLL_MS;
}

static const Model *Follow_model(void *self, Loop *loop)
{
    (void)loop;
    return Player_model(((Follow *)self)->player);
}

static const LoopModeClass FOLLOW_MODE = {
    .name = "follow",
    .take = Follow_take,
    .model = Follow_model,
    .wake_ms = Follow_wake_ms,
    .key = Follow_key,
};

int Follow_run(const FollowOptions *opt)
{
    static Follow f; /* two models: not on the stack */
    char err[1280];
    memset(&f, 0, sizeof f);
    Follow_wait_header(opt->path);
    f.player = Player_open(opt->path, true, err, sizeof err);
    if (!f.player) {
        fprintf(stderr, "cutover follow: %s\n", err);
        return 2;
    }
    if (Loop_open(&f.loop, &FOLLOW_MODE, &f, &SHELL_VIEW, &f.view, err, sizeof err) != 0 ||
        Shell_open(&f.view, KEYS_FOLLOW, opt->theme ? opt->theme : "dark", opt->ascii, err,
                   sizeof err) != 0) {
        fprintf(stderr, "cutover follow: %s\n", err);
        Loop_close(&f.loop);
        Player_close(f.player);
        return 2;
    }
    f.view.screen.session_file = opt->path;
    Loop_run(&f.loop);
    Shell_close(&f.view);
    Loop_close(&f.loop);
    char problems[512];
    Player_problems(f.player, problems, sizeof problems);
    if (problems[0])
        fprintf(stderr, "cutover follow: %s: %s\n", opt->path, problems);
    Player_close(f.player);
    return 0;
}
