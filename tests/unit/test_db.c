/* The connection layer's promises that need no database: a server that
 * accepts and never answers cannot hold a thread past the connect timeout,
 * failures name the server and never the password, and a missing secret is
 * reported as such. (Queries against real servers are covered by the
 * probes' integration tests on the lab.) */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "db/db.h"
#include "lib/clock.h"
#include "tests/unit/unit.h"

#define SECRET "pw-Sup3r-Secret-417"

/* A listening socket nobody accepts on: the kernel completes the TCP
 * handshake, then nothing is ever said, like a blackholed endpoint. */
static int listen_silent(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(listen(fd, 8), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

static PlanServer server_at(int port)
{
    PlanServer s = {.label = "source",
                    .host = "127.0.0.1",
                    .port = port,
                    .user = "cutover",
                    .password = {.kind = SECRET_ENV, .env = "TEST_DB_PASSWORD"},
                    .tls = TLS_OFF};
    return s;
}

START_TEST(blackhole_is_bounded_by_the_connect_timeout)
{
    int port, fd = listen_silent(&port);
    setenv("TEST_DB_PASSWORD", SECRET, 1);
    PlanServer s = server_at(port);
    DbTimeouts t = {.connect_ms = 1000, .read_ms = 1000, .write_ms = 1000};
    char err[512] = "", prefix[64];
    int64_t t0 = Clock_mono_ms();
    Db *db = Db_connect(&s, &t, err, sizeof err);
    int64_t took = Clock_mono_ms() - t0;
    ck_assert_ptr_null(db);
    ck_assert_msg(took >= 900 && took < 2500, "connect to a silent server took %lld ms",
                  (long long)took);
    snprintf(prefix, sizeof prefix, "source 127.0.0.1:%d: 2013: ", port);
    ck_assert_msg(strncmp(err, prefix, strlen(prefix)) == 0, "error was: %s", err);
    ck_assert_ptr_null(strstr(err, SECRET));
    close(fd);
}
END_TEST

START_TEST(sub_second_timeouts_round_up_not_to_zero)
{
    int port, fd = listen_silent(&port);
    setenv("TEST_DB_PASSWORD", SECRET, 1);
    PlanServer s = server_at(port);
    /* 1 ms must not become 0, which the C API reads as "wait forever". */
    DbTimeouts t = {.connect_ms = 1, .read_ms = 1, .write_ms = 1};
    char err[512];
    int64_t t0 = Clock_mono_ms();
    ck_assert_ptr_null(Db_connect(&s, &t, err, sizeof err));
    ck_assert_int_lt(Clock_mono_ms() - t0, 2500);
    close(fd);
}
END_TEST

START_TEST(refused_names_the_server_not_the_password)
{
    int port, fd = listen_silent(&port);
    close(fd); /* now nothing listens there */
    setenv("TEST_DB_PASSWORD", SECRET, 1);
    PlanServer s = server_at(port);
    DbTimeouts t = {.connect_ms = 2000, .read_ms = 2000, .write_ms = 2000};
    char err[512], prefix[64];
    ck_assert_ptr_null(Db_connect(&s, &t, err, sizeof err));
    snprintf(prefix, sizeof prefix, "source 127.0.0.1:%d: 200", port);
    ck_assert_msg(strncmp(err, prefix, strlen(prefix)) == 0, "error was: %s", err);
    ck_assert_ptr_null(strstr(err, SECRET));
}
END_TEST

START_TEST(missing_secret_is_reported)
{
    unsetenv("TEST_DB_PASSWORD");
    PlanServer s = server_at(1);
    s.label = "target";
    DbTimeouts t = {.connect_ms = 1000, .read_ms = 1000, .write_ms = 1000};
    char err[512];
    ck_assert_ptr_null(Db_connect(&s, &t, err, sizeof err));
    ck_assert_msg(strncmp(err, "target 127.0.0.1:1: password: ", 30) == 0, "error was: %s", err);
}
END_TEST

START_TEST(socket_label)
{
    setenv("TEST_DB_PASSWORD", SECRET, 1);
    PlanServer s = server_at(0);
    s.host = NULL;
    s.socket = "/nonexistent/dir/mysqld.sock";
    DbTimeouts t = {.connect_ms = 1000, .read_ms = 1000, .write_ms = 1000};
    char err[512];
    ck_assert_ptr_null(Db_connect(&s, &t, err, sizeof err));
    ck_assert_msg(strncmp(err, "source /nonexistent/dir/mysqld.sock: 2002: ", 43) == 0,
                  "error was: %s", err);
}
END_TEST

static Suite *db_suite(void)
{
    Suite *s = suite_create("db");
    TCase *tc = tcase_create("connect");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, blackhole_is_bounded_by_the_connect_timeout);
    tcase_add_test(tc, sub_second_timeouts_round_up_not_to_zero);
    tcase_add_test(tc, refused_names_the_server_not_the_password);
    tcase_add_test(tc, missing_secret_is_reported);
    tcase_add_test(tc, socket_label);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return Unit_run(db_suite());
}
