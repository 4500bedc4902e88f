#ifndef LIMBER_CLANDLOCK_SHIM_H
#define LIMBER_CLANDLOCK_SHIM_H
/* Landlock's three system calls, for limberd's self-sandbox. glibc has no wrappers and its
   syscall() is variadic, which Swift cannot call; these small functions make the calls and
   return -errno on failure. The structures and numbers are spelled out here (they are a
   stable kernel ABI, the same numbers on every architecture) so that building does not
   depend on how new the installed kernel headers are. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define LIMBER_NR_landlock_create_ruleset 444
#define LIMBER_NR_landlock_add_rule 445
#define LIMBER_NR_landlock_restrict_self 446

/* struct landlock_ruleset_attr: handled_access_fs (ABI 1), handled_access_net (ABI 4),
   scoped (ABI 6). The size passed tells the kernel which fields the caller knows. */
struct limber_landlock_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;
    uint64_t scoped;
};

/* struct landlock_path_beneath_attr is packed in the kernel's uapi header. */
struct __attribute__((packed)) limber_landlock_path_beneath_attr {
    uint64_t allowed_access;
    int32_t parent_fd;
};

#ifndef O_PATH
#define O_PATH 010000000
#endif

/* An O_PATH descriptor of `path` (a rule's anchor: no read access needed), or -errno.
   Swift's Glibc module does not export O_PATH. */
static inline int limber_open_path(const char *path) {
    int fd = open(path, O_PATH | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

/* The highest Landlock ABI version the kernel supports (>= 1), or -errno: -ENOSYS without
   Landlock in the kernel, -EOPNOTSUPP when it is built in but not enabled at boot. */
static inline int limber_landlock_abi(void) {
    long r = syscall(LIMBER_NR_landlock_create_ruleset, NULL, (size_t)0, (uint32_t)1 /* VERSION */);
    return r < 0 ? -errno : (int)r;
}

/* A new ruleset handling these rights; attr_size is 8 (fs only) or 16 (fs and net).
   Returns its descriptor or -errno. */
static inline int limber_landlock_create_ruleset(uint64_t fs, uint64_t net, size_t attr_size) {
    struct limber_landlock_ruleset_attr attr = { fs, net, 0 };
    long r = syscall(LIMBER_NR_landlock_create_ruleset, &attr, attr_size, (uint32_t)0);
    return r < 0 ? -errno : (int)r;
}

/* Allows `access` beneath the file or folder open as `parent_fd` (O_PATH is enough). */
static inline int limber_landlock_add_path_rule(int ruleset_fd, int parent_fd, uint64_t access) {
    struct limber_landlock_path_beneath_attr attr = { access, parent_fd };
    long r = syscall(LIMBER_NR_landlock_add_rule, ruleset_fd, 1 /* LANDLOCK_RULE_PATH_BENEATH */, &attr, (uint32_t)0);
    return r < 0 ? -errno : 0;
}

/* Confines the calling thread (and the threads and processes it starts from now on). An
   unprivileged process must set no_new_privs first. Returns 0 or -errno. */
static inline int limber_landlock_restrict_self(int ruleset_fd) {
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -errno;
    long r = syscall(LIMBER_NR_landlock_restrict_self, ruleset_fd, (uint32_t)0);
    return r < 0 ? -errno : 0;
}
#endif
