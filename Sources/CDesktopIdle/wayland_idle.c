/* wayland_idle: the compositor's idle protocol through libwayland-client.
 *
 * Connect, ask for the registry and a wl_display.sync; the sync's done event comes after
 * every global was announced, and only then is the protocol chosen: ext-idle-notify-v1 when
 * offered (sway 1.8+, Hyprland, river, labwc, niri, KDE Plasma 6, COSMIC), else KDE's
 * org_kde_kwin_idle (sway 1.7, KDE Plasma 5). Both tie a watch to a wl_seat and send "idle"
 * after the timeout without input, "resumed" at the next input.
 *
 * Reading follows libwayland's contract for an external loop: prepare_read (dispatching
 * what is already queued), read_events, dispatch_pending, flush. Only this file reads the
 * display, on one thread, so nothing is left queued between two wake-ups.
 */
#include "desktop_idle.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wayland-client.h>

#include "protocols/ext-idle-notify-v1-client-protocol.h"
#include "protocols/kde-idle-client-protocol.h"

struct limber_wl_idle {
    struct wl_display *display;
    struct wl_registry *registry;
    struct wl_callback *sync;
    struct wl_seat *seat;
    uint32_t seat_name;
    struct ext_idle_notifier_v1 *ext;
    struct org_kde_kwin_idle *kde;
    struct ext_idle_notification_v1 *ext_watch;
    struct org_kde_kwin_idle_timeout *kde_watch;
    uint32_t timeout_ms;
    /* A threshold asked for while idle: applied at the next "resumed". */
    uint32_t pending_timeout_ms;
    int idle;
    int ready;
    /* Set by a listener when the session cannot work; dispatch then fails with it. */
    char failure[160];
    limber_idle_callback callback;
    void *user;
};

static void set_error(char *err, size_t errlen, const char *fmt, ...) {
    if (!err || errlen == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* A display error as words: the protocol error's interface and code, or errno's text. */
static void display_error(struct limber_wl_idle *w, char *err, size_t errlen, const char *doing) {
    int e = wl_display_get_error(w->display);
    if (e == EPROTO) {
        const struct wl_interface *iface = NULL;
        uint32_t id = 0;
        uint32_t code = wl_display_get_protocol_error(w->display, &iface, &id);
        set_error(err, errlen, "%s: protocol error %u on %s", doing, code, iface ? iface->name : "?");
    } else if (e != 0) {
        set_error(err, errlen, "%s: %s", doing, strerror(e));
    } else {
        set_error(err, errlen, "%s: %s", doing, strerror(errno ? errno : EPIPE));
    }
}

/* ext-idle-notify-v1 */

static void ext_idled(void *data, struct ext_idle_notification_v1 *n);
static void ext_resumed(void *data, struct ext_idle_notification_v1 *n);
static const struct ext_idle_notification_v1_listener ext_listener = {
    .idled = ext_idled,
    .resumed = ext_resumed,
};

/* org_kde_kwin_idle */

static void kde_idle(void *data, struct org_kde_kwin_idle_timeout *t);
static void kde_resumed(void *data, struct org_kde_kwin_idle_timeout *t);
static const struct org_kde_kwin_idle_timeout_listener kde_listener = {
    .idle = kde_idle,
    .resumed = kde_resumed,
};

static void destroy_watch(struct limber_wl_idle *w) {
    if (w->ext_watch) ext_idle_notification_v1_destroy(w->ext_watch);
    if (w->kde_watch) org_kde_kwin_idle_timeout_release(w->kde_watch);
    w->ext_watch = NULL;
    w->kde_watch = NULL;
}

static void create_watch(struct limber_wl_idle *w) {
    destroy_watch(w);
    if (w->ext) {
        w->ext_watch = ext_idle_notifier_v1_get_idle_notification(w->ext, w->timeout_ms, w->seat);
        ext_idle_notification_v1_add_listener(w->ext_watch, &ext_listener, w);
    } else if (w->kde) {
        w->kde_watch = org_kde_kwin_idle_get_idle_timeout(w->kde, w->seat, w->timeout_ms);
        org_kde_kwin_idle_timeout_add_listener(w->kde_watch, &kde_listener, w);
    }
}

static void went_idle(struct limber_wl_idle *w) {
    if (w->idle) return;
    w->idle = 1;
    w->callback(w->user, LIMBER_IDLE_IDLE, w->timeout_ms);
}

static void came_back(struct limber_wl_idle *w) {
    if (!w->idle) return;
    w->idle = 0;
    if (w->pending_timeout_ms && w->pending_timeout_ms != w->timeout_ms) {
        w->timeout_ms = w->pending_timeout_ms;
        create_watch(w);
    }
    w->pending_timeout_ms = 0;
    w->callback(w->user, LIMBER_IDLE_RESUMED, 0);
}

static void ext_idled(void *data, struct ext_idle_notification_v1 *n) { (void)n; went_idle(data); }
static void ext_resumed(void *data, struct ext_idle_notification_v1 *n) { (void)n; came_back(data); }
static void kde_idle(void *data, struct org_kde_kwin_idle_timeout *t) { (void)t; went_idle(data); }
static void kde_resumed(void *data, struct org_kde_kwin_idle_timeout *t) { (void)t; came_back(data); }

/* The registry */

static void global(void *data, struct wl_registry *registry, uint32_t name, const char *interface,
                   uint32_t version) {
    struct limber_wl_idle *w = data;
    (void)version;
    if (strcmp(interface, wl_seat_interface.name) == 0 && !w->seat) {
        w->seat = wl_registry_bind(registry, name, &wl_seat_interface, 1);
        w->seat_name = name;
    } else if (strcmp(interface, ext_idle_notifier_v1_interface.name) == 0 && !w->ext) {
        w->ext = wl_registry_bind(registry, name, &ext_idle_notifier_v1_interface, 1);
    } else if (strcmp(interface, org_kde_kwin_idle_interface.name) == 0 && !w->kde) {
        w->kde = wl_registry_bind(registry, name, &org_kde_kwin_idle_interface, 1);
    }
}

static void global_remove(void *data, struct wl_registry *registry, uint32_t name) {
    struct limber_wl_idle *w = data;
    (void)registry;
    /* The seat the watch is tied to is gone: nothing more will come from it. */
    if (w->seat && name == w->seat_name && !w->failure[0]) {
        snprintf(w->failure, sizeof w->failure, "the compositor removed the seat");
    }
}

static const struct wl_registry_listener registry_listener = {
    .global = global,
    .global_remove = global_remove,
};

static void synced(void *data, struct wl_callback *cb, uint32_t serial) {
    struct limber_wl_idle *w = data;
    (void)serial;
    wl_callback_destroy(cb);
    w->sync = NULL;
    if (!w->seat) {
        snprintf(w->failure, sizeof w->failure, "the compositor offers no wl_seat");
        return;
    }
    if (!w->ext && !w->kde) {
        snprintf(w->failure, sizeof w->failure,
                 "the compositor offers neither ext-idle-notify-v1 nor org_kde_kwin_idle");
        return;
    }
    /* Preferred: the standard protocol; the KDE one is not needed then. */
    if (w->ext && w->kde) {
        org_kde_kwin_idle_destroy(w->kde);
        w->kde = NULL;
    }
    create_watch(w);
    w->ready = 1;
    w->callback(w->user, LIMBER_IDLE_READY, 0);
}

static const struct wl_callback_listener sync_listener = { .done = synced };

struct limber_wl_idle *limber_wl_idle_connect(const char *display, uint32_t timeout_ms,
                                              limber_idle_callback callback, void *user,
                                              char *err, size_t errlen) {
    struct limber_wl_idle *w = calloc(1, sizeof *w);
    if (!w) {
        set_error(err, errlen, "out of memory");
        return NULL;
    }
    w->timeout_ms = timeout_ms ? timeout_ms : 1;
    w->callback = callback;
    w->user = user;
    errno = 0;
    w->display = wl_display_connect(display);
    if (!w->display) {
        set_error(err, errlen, "cannot connect to the Wayland display %s: %s", display ? display : "(default)",
                  strerror(errno ? errno : ENOENT));
        free(w);
        return NULL;
    }
    w->registry = wl_display_get_registry(w->display);
    wl_registry_add_listener(w->registry, &registry_listener, w);
    w->sync = wl_display_sync(w->display);
    wl_callback_add_listener(w->sync, &sync_listener, w);
    if (wl_display_flush(w->display) < 0 && errno != EAGAIN) {
        display_error(w, err, errlen, "cannot talk to the compositor");
        limber_wl_idle_disconnect(w);
        return NULL;
    }
    return w;
}

int limber_wl_idle_fd(const struct limber_wl_idle *w) { return wl_display_get_fd(w->display); }

const char *limber_wl_idle_protocol(const struct limber_wl_idle *w) {
    if (!w->ready) return NULL;
    return w->ext ? "ext-idle-notify-v1" : "org_kde_kwin_idle";
}

/* Sends what is queued; EAGAIN (a full socket) keeps it for the next flush. */
static int flush(struct limber_wl_idle *w, char *err, size_t errlen) {
    if (wl_display_flush(w->display) < 0 && errno != EAGAIN) {
        display_error(w, err, errlen, "lost the compositor");
        return -1;
    }
    return 0;
}

int limber_wl_idle_dispatch(struct limber_wl_idle *w, char *err, size_t errlen) {
    while (wl_display_prepare_read(w->display) != 0) {
        if (wl_display_dispatch_pending(w->display) < 0) {
            display_error(w, err, errlen, "lost the compositor");
            return -1;
        }
    }
    if (wl_display_read_events(w->display) < 0) {
        /* EAGAIN: woken with nothing to read after all; not an error. */
        if (errno != EAGAIN) {
            display_error(w, err, errlen, "lost the compositor");
            return -1;
        }
    }
    if (wl_display_dispatch_pending(w->display) < 0) {
        display_error(w, err, errlen, "lost the compositor");
        return -1;
    }
    if (w->failure[0]) {
        set_error(err, errlen, "%s", w->failure);
        return -2;
    }
    return flush(w, err, errlen);
}

int limber_wl_idle_set_timeout(struct limber_wl_idle *w, uint32_t timeout_ms, char *err, size_t errlen) {
    if (timeout_ms == 0) timeout_ms = 1;
    if (!w->ready || w->idle) {
        /* Not yet chosen: used when it is. Idle: a new watch would start non-idle and
           never say "resumed", so the old one stays until input comes back. */
        if (!w->ready) w->timeout_ms = timeout_ms;
        else w->pending_timeout_ms = timeout_ms;
        return 0;
    }
    if (timeout_ms == w->timeout_ms) return 0;
    w->timeout_ms = timeout_ms;
    create_watch(w);
    return flush(w, err, errlen);
}

void limber_wl_idle_disconnect(struct limber_wl_idle *w) {
    if (!w) return;
    /* The compositor may be gone: only free the proxies; the connection's close ends them. */
    if (w->ext_watch) ext_idle_notification_v1_destroy(w->ext_watch);
    if (w->kde_watch) org_kde_kwin_idle_timeout_release(w->kde_watch);
    if (w->ext) ext_idle_notifier_v1_destroy(w->ext);
    if (w->kde) org_kde_kwin_idle_destroy(w->kde);
    if (w->sync) wl_callback_destroy(w->sync);
    if (w->seat) wl_seat_destroy(w->seat);
    if (w->registry) wl_registry_destroy(w->registry);
    wl_display_disconnect(w->display);
    free(w);
}
