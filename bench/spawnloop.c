/* spawnloop: the ceiling for spawning servers. A single-threaded accept loop that
 * posix_spawns PROGRAM per connection with the socket as its fd 0 and 1, closes its copy
 * and lets the kernel reap the children (SIGCHLD ignored). No policy, no logging.
 * usage: spawnloop HOST PORT PROGRAM
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: %s HOST PORT PROGRAM\n", argv[0]); return 2; }
    signal(SIGCHLD, SIG_IGN);
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[2])) };
    inet_pton(AF_INET, argv[1], &a.sin_addr);
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 1024) < 0) { perror("bind/listen"); return 1; }
    char *child_argv[] = { argv[3], NULL };
    for (;;) {
        int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0) continue;
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, c, 0);
        posix_spawn_file_actions_adddup2(&fa, c, 1);
        pid_t pid;
        posix_spawn(&pid, argv[3], &fa, NULL, child_argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        close(c);
    }
}
