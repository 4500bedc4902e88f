/* Input idleness from the display server, for limberd's wayland_idle and x11_idle sources.
 *
 * Each connection is driven by the caller's event loop: watch the fd for reading, call the
 * dispatch function when it is readable (or hung up). Nothing here blocks on the server after
 * connecting (the Wayland globals and the X SYNC set-up are asked for and answered through
 * dispatch), nothing polls and nothing keeps a timer: the server sends an event when idle
 * time crosses the threshold and another at the next input.
 *
 * Events reach the caller through one callback, from inside dispatch (or set_timeout):
 *   LIMBER_IDLE_READY    the source is live; `value` unused
 *   LIMBER_IDLE_IDLE     no input for `value` milliseconds (at least the threshold)
 *   LIMBER_IDLE_RESUMED  input came back
 * A dispatch that returns -1 means the connection is gone: `err` says why, and the caller
 * disconnects. -2 means the server is there but offers no way to watch idleness (no idle
 * protocol or seat, no SYNC IDLETIME): the caller disconnects too, and need not wait for the
 * server to come back. Not thread-safe: one thread per connection.
 */
#ifndef LIMBER_DESKTOP_IDLE_H
#define LIMBER_DESKTOP_IDLE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum limber_idle_event {
    LIMBER_IDLE_READY = 0,
    LIMBER_IDLE_IDLE = 1,
    LIMBER_IDLE_RESUMED = 2,
};

typedef void (*limber_idle_callback)(void *user, int event, uint64_t value);

/* Wayland: ext-idle-notify-v1, else org_kde_kwin_idle, on the first wl_seat. */
struct limber_wl_idle;

/* Connects to `display` (a name in $XDG_RUNTIME_DIR or an absolute path) and asks for the
 * globals; NULL with `err` filled when the socket cannot be reached. */
struct limber_wl_idle *limber_wl_idle_connect(const char *display, uint32_t timeout_ms,
                                              limber_idle_callback callback, void *user,
                                              char *err, size_t errlen);
int limber_wl_idle_fd(const struct limber_wl_idle *idle);
/* Reads what the compositor sent and calls back; 0, or -1 / -2 with `err` filled. */
int limber_wl_idle_dispatch(struct limber_wl_idle *idle, char *err, size_t errlen);
/* The protocol in use ("ext-idle-notify-v1", "org_kde_kwin_idle"), or NULL before READY. */
const char *limber_wl_idle_protocol(const struct limber_wl_idle *idle);
/* A new threshold. While idle, the old watch stays until input comes back. 0 or -1. */
int limber_wl_idle_set_timeout(struct limber_wl_idle *idle, uint32_t timeout_ms, char *err, size_t errlen);
void limber_wl_idle_disconnect(struct limber_wl_idle *idle);

/* X11: the SYNC extension's IDLETIME counter with alarms. */
struct limber_x11_idle;

/* Starts connecting to `display` (as in $DISPLAY) on a thread of its own, without waiting;
 * NULL with `err` filled only when that cannot start. A server that cannot be reached is
 * reported by dispatch. */
struct limber_x11_idle *limber_x11_idle_connect(const char *display, uint32_t timeout_ms,
                                                limber_idle_callback callback, void *user,
                                                char *err, size_t errlen);
/* The descriptor to watch for reading: an eventfd while connecting, then the X connection. */
int limber_x11_idle_fd(const struct limber_x11_idle *idle);
/* Reads what came. 0; 1 when the connection is made and the descriptor to watch has changed
 * (ask limber_x11_idle_fd again); -1 (cannot connect, lost, an X error) or -2 (no SYNC
 * IDLETIME) with `err` filled. */
int limber_x11_idle_dispatch(struct limber_x11_idle *idle, char *err, size_t errlen);
int limber_x11_idle_set_timeout(struct limber_x11_idle *idle, uint32_t timeout_ms, char *err, size_t errlen);
void limber_x11_idle_disconnect(struct limber_x11_idle *idle);

#ifdef __cplusplus
}
#endif

#endif
