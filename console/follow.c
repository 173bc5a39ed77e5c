#include "console/follow.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/clock.h"
#include "replay/player.h"
#include "console/shell.h"
#include "tui/term.h"

typedef struct Follow {
    Player *player;
    Shell view;
    Model frozen; /* what the screen shows while frozen */
    bool dirty;
    int64_t last_draw_ms;
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

static void Follow_toggle_freeze(Follow *f)
{
    f->view.screen.frozen = !f->view.screen.frozen;
    if (f->view.screen.frozen)
        f->frozen = *Player_model(f->player);
    Shell_banner(&f->view, f->view.screen.frozen ? "display frozen: the file is still read (f to "
                                                   "thaw)"
                                                 : "display live again");
}

static void Follow_keys(Follow *f)
{
    for (;;) {
        const KeyBinding *kb;
        int key;
        ShellResult res = Shell_key(&f->view, Player_model(f->player), &kb, &key);
        if (key == KEYCODE_NONE || f->view.quit)
            return;
        f->dirty = true;
        if (res == SHELL_ACTION && kb->action == ACTION_FREEZE)
            Follow_toggle_freeze(f);
    }
}

static void Follow_loop(Follow *f)
{
    f->dirty = true;
    while (!f->view.quit) {
        long n = Player_follow(f->player, Clock_wall_ms());
        if (n < 0)
            Shell_banner(&f->view, "%s", Player_error(f->player));
        int64_t now = Clock_mono_ms();
        /* New lines, a key, or the clock's next second. */
        if (n != 0 || f->dirty || now - f->last_draw_ms >= 1000) {
            Shell_draw(&f->view, f->view.screen.frozen ? &f->frozen : Player_model(f->player));
            f->last_draw_ms = now;
            f->dirty = false;
        }
        Shell_wait(&f->view, FOLLOW_POLL_MS);
        Follow_keys(f);
    }
}

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
    if (Shell_open(&f.view, KEYS_FOLLOW, opt->theme ? opt->theme : "dark", opt->ascii, err,
                   sizeof err) != 0) {
        fprintf(stderr, "cutover follow: %s\n", err);
        Player_close(f.player);
        return 2;
    }
    f.view.screen.session_file = opt->path;
    Follow_loop(&f);
    Shell_close(&f.view);
    char problems[512];
    Player_problems(f.player, problems, sizeof problems);
    if (problems[0])
        fprintf(stderr, "cutover follow: %s: %s\n", opt->path, problems);
    Player_close(f.player);
    return 0;
}
