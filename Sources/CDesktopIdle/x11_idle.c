/* x11_idle: the X SYNC extension's IDLETIME counter through libxcb-sync, as Mutter's and
 * KIdleTime's X11 backends do it.
 *
 * Two alarms on the counter (milliseconds since the last input):
 *   - the idle alarm, PositiveTransition at the threshold with delta 0: it stays armed and
 *     fires each time idle time crosses the threshold;
 *   - the reset alarm, made when the idle alarm fires: NegativeComparison at (idle time at
 *     that moment - 1), so it fires at the next input, or at once if input came between the
 *     idle alarm and its creation (a NegativeTransition would miss that input). It is a
 *     comparison with delta 0, so the server makes it inactive after it fires; it is
 *     destroyed then.
 * The X server evaluates both itself; this process only wakes for their events.
 *
 * Set-up is asynchronous from the start. xcb_connect's handshake blocks (xcb has no
 * asynchronous connect), and an X server that accepts and never answers would hold it
 * forever: it runs on a short-lived thread of its own, which signals an eventfd when done;
 * until then that eventfd is the descriptor to watch. Then QueryExtension(SYNC), Initialize,
 * ListSystemCounters and QueryCounter(IDLETIME), each reply taken in dispatch with
 * xcb_poll_for_reply, so a slow server never stalls the caller's loop.
 */
#include "desktop_idle.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <xcb/sync.h>
#include <xcb/xcb.h>
#include <xcb/xcbext.h> /* xcb_poll_for_reply: a reply taken without blocking */

enum stage { STAGE_CONNECTING, STAGE_EXTENSION, STAGE_INITIALIZE, STAGE_COUNTERS, STAGE_QUERY, STAGE_LIVE };

/* One xcb_connect on its own thread. Owned by the thread and the handle together: whoever
 * lets go last frees it, so a handle disconnected mid-connect does not wait for the thread. */
struct connect_job {
    atomic_int refs;
    int wake_fd; /* eventfd, readable once `c` is set */
    char *display;
    xcb_connection_t *c;
};

static void release_job(struct connect_job *job) {
    if (atomic_fetch_sub(&job->refs, 1) != 1) return;
    if (job->c) xcb_disconnect(job->c);
    close(job->wake_fd);
    free(job->display);
    free(job);
}

static void *connect_thread(void *arg) {
    struct connect_job *job = arg;
    job->c = xcb_connect(job->display, NULL);
    uint64_t one = 1;
    ssize_t n;
    do n = write(job->wake_fd, &one, sizeof one); while (n < 0 && errno == EINTR);
    release_job(job);
    return NULL;
}

struct limber_x11_idle {
    struct connect_job *job; /* while STAGE_CONNECTING */
    xcb_connection_t *c;
    enum stage stage;
    unsigned int cookie;
    uint8_t first_event;
    xcb_sync_counter_t counter;
    xcb_sync_alarm_t idle_alarm;
    xcb_sync_alarm_t reset_alarm;
    uint32_t timeout_ms;
    int idle;
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

static const char *connection_error(int code) {
    switch (code) {
    case XCB_CONN_ERROR: return "the connection broke";
    case XCB_CONN_CLOSED_EXT_NOTSUPPORTED: return "an extension is not supported";
    case XCB_CONN_CLOSED_MEM_INSUFFICIENT: return "out of memory";
    case XCB_CONN_CLOSED_REQ_LEN_EXCEED: return "a request was too long";
    case XCB_CONN_CLOSED_PARSE_ERR: return "cannot parse the display name";
    case XCB_CONN_CLOSED_INVALID_SCREEN: return "no such screen";
    default: return "unknown error";
    }
}

static xcb_sync_int64_t to_int64(int64_t v) {
    xcb_sync_int64_t r = { .hi = (int32_t)(v >> 32), .lo = (uint32_t)(v & 0xffffffffu) };
    return r;
}

static int64_t from_int64(xcb_sync_int64_t v) {
    return (int64_t)(((uint64_t)(uint32_t)v.hi << 32) | v.lo);
}

static void create_alarm(struct limber_x11_idle *x, xcb_sync_alarm_t id, uint32_t test, int64_t value) {
    xcb_sync_create_alarm_value_list_t v = {
        .counter = x->counter,
        .valueType = XCB_SYNC_VALUETYPE_ABSOLUTE,
        .value = to_int64(value),
        .testType = test,
        .delta = to_int64(0),
        .events = 1,
    };
    xcb_sync_create_alarm_aux(x->c, id,
                              XCB_SYNC_CA_COUNTER | XCB_SYNC_CA_VALUE_TYPE | XCB_SYNC_CA_VALUE |
                                  XCB_SYNC_CA_TEST_TYPE | XCB_SYNC_CA_DELTA | XCB_SYNC_CA_EVENTS,
                              &v);
}

/* The IDLETIME counter in a ListSystemCounters reply, or 0. Parsed by hand, within the
 * reply's length: libxcb 1.15's systemcounter iterator pads each entry wrongly and reads the
 * names shifted ("VICEIDLETIME 7" for "DEVICEIDLETIME 7"). On the wire each entry is
 * counter (4 bytes), resolution (8), name length (2), the name, then padding to 4 bytes. */
static xcb_sync_counter_t find_idletime(const xcb_sync_list_system_counters_reply_t *r) {
    const uint8_t *p = (const uint8_t *)(r + 1);
    size_t left = (size_t)r->length * 4; /* the bytes after the 32-byte reply header */
    for (uint32_t i = 0; i < r->counters_len && left >= 14; i++) {
        uint32_t counter;
        uint16_t len;
        memcpy(&counter, p, 4);
        memcpy(&len, p + 12, 2);
        size_t entry = (14 + (size_t)len + 3) & ~(size_t)3;
        if (entry > left) break;
        if (len == 8 && memcmp(p + 14, "IDLETIME", 8) == 0) return counter;
        p += entry;
        left -= entry;
    }
    return 0;
}

/* Idle since `idle_ms`: say so and wait for the next input. */
static void went_idle(struct limber_x11_idle *x, int64_t idle_ms) {
    if (x->idle) return;
    x->idle = 1;
    if (!x->reset_alarm) {
        x->reset_alarm = xcb_generate_id(x->c);
        create_alarm(x, x->reset_alarm, XCB_SYNC_TESTTYPE_NEGATIVE_COMPARISON, idle_ms > 0 ? idle_ms - 1 : 0);
    }
    x->callback(x->user, LIMBER_IDLE_IDLE, idle_ms > 0 ? (uint64_t)idle_ms : 0);
}

static void came_back(struct limber_x11_idle *x) {
    if (x->reset_alarm) {
        xcb_sync_destroy_alarm(x->c, x->reset_alarm);
        x->reset_alarm = 0;
    }
    if (!x->idle) return;
    x->idle = 0;
    x->callback(x->user, LIMBER_IDLE_RESUMED, 0);
}

struct limber_x11_idle *limber_x11_idle_connect(const char *display, uint32_t timeout_ms,
                                                limber_idle_callback callback, void *user,
                                                char *err, size_t errlen) {
    struct limber_x11_idle *x = calloc(1, sizeof *x);
    if (!x) {
        set_error(err, errlen, "out of memory");
        return NULL;
    }
    x->timeout_ms = timeout_ms ? timeout_ms : 1;
    x->callback = callback;
    x->user = user;
    struct connect_job *job = calloc(1, sizeof *job);
    if (!job) {
        set_error(err, errlen, "out of memory");
        free(x);
        return NULL;
    }
    atomic_init(&job->refs, 2);
    job->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    job->display = display ? strdup(display) : NULL;
    pthread_attr_t attr;
    int started = job->wake_fd >= 0 && (!display || job->display) && pthread_attr_init(&attr) == 0;
    if (started) {
        pthread_t thread;
        /* xcb_connect needs little stack; the default 8 MiB would only be reserved address space. */
        pthread_attr_setstacksize(&attr, 256 * 1024);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        started = pthread_create(&thread, &attr, connect_thread, job) == 0;
        pthread_attr_destroy(&attr);
    }
    if (!started) {
        set_error(err, errlen, "cannot start connecting to the X display %s: %s", display ? display : "(default)",
                  strerror(errno ? errno : EAGAIN));
        if (job->wake_fd >= 0) close(job->wake_fd);
        free(job->display);
        free(job);
        free(x);
        return NULL;
    }
    x->job = job;
    x->stage = STAGE_CONNECTING;
    return x;
}

int limber_x11_idle_fd(const struct limber_x11_idle *x) {
    return x->stage == STAGE_CONNECTING ? x->job->wake_fd : xcb_get_file_descriptor(x->c);
}

/* The connecting thread is done: take its connection and start the set-up. 1 when connected
 * (the descriptor to watch has changed), 0 not yet, -1 with err. */
static int finish_connecting(struct limber_x11_idle *x, char *err, size_t errlen) {
    uint64_t count;
    if (read(x->job->wake_fd, &count, sizeof count) != (ssize_t)sizeof count) return 0;
    struct connect_job *job = x->job;
    x->job = NULL;
    x->c = job->c;
    job->c = NULL;
    int e = xcb_connection_has_error(x->c);
    if (e) {
        set_error(err, errlen, "cannot connect to the X display %s: %s", job->display ? job->display : "(default)",
                  connection_error(e));
        release_job(job);
        return -1;
    }
    release_job(job);
    x->stage = STAGE_EXTENSION;
    x->cookie = xcb_query_extension(x->c, (uint16_t)strlen("SYNC"), "SYNC").sequence;
    xcb_flush(x->c);
    return 1;
}

/* The next set-up reply if it has come: 1 with *reply set, 0 not yet, -1 on an X error. */
static int take_reply(struct limber_x11_idle *x, void **reply, char *err, size_t errlen, const char *what) {
    xcb_generic_error_t *error = NULL;
    *reply = NULL;
    if (!xcb_poll_for_reply(x->c, x->cookie, reply, &error)) return 0;
    if (error || !*reply) {
        set_error(err, errlen, "the X server refused %s (error %d)", what, error ? error->error_code : 0);
        free(error);
        free(*reply);
        *reply = NULL;
        return -1;
    }
    return 1;
}

/* Advances the set-up as far as the replies that came allow; 0, or -1 (an X error) or -2 (no
 * SYNC IDLETIME) with err. */
static int advance(struct limber_x11_idle *x, char *err, size_t errlen) {
    void *r;
    int got;
    while (x->stage != STAGE_LIVE) {
        switch (x->stage) {
        case STAGE_EXTENSION:
            if ((got = take_reply(x, &r, err, errlen, "QueryExtension")) <= 0) return got;
            if (!((xcb_query_extension_reply_t *)r)->present) {
                free(r);
                set_error(err, errlen, "the X server has no SYNC extension");
                return -2;
            }
            x->first_event = ((xcb_query_extension_reply_t *)r)->first_event;
            free(r);
            x->cookie = xcb_sync_initialize(x->c, XCB_SYNC_MAJOR_VERSION, XCB_SYNC_MINOR_VERSION).sequence;
            x->stage = STAGE_INITIALIZE;
            break;
        case STAGE_INITIALIZE:
            if ((got = take_reply(x, &r, err, errlen, "SYNC Initialize")) <= 0) return got;
            free(r);
            x->cookie = xcb_sync_list_system_counters(x->c).sequence;
            x->stage = STAGE_COUNTERS;
            break;
        case STAGE_COUNTERS: {
            if ((got = take_reply(x, &r, err, errlen, "ListSystemCounters")) <= 0) return got;
            x->counter = find_idletime(r);
            free(r);
            if (!x->counter) {
                set_error(err, errlen, "the X server's SYNC extension has no IDLETIME counter");
                return -2;
            }
            x->cookie = xcb_sync_query_counter(x->c, x->counter).sequence;
            x->stage = STAGE_QUERY;
            break;
        }
        case STAGE_QUERY: {
            if ((got = take_reply(x, &r, err, errlen, "QueryCounter")) <= 0) return got;
            int64_t now = from_int64(((xcb_sync_query_counter_reply_t *)r)->counter_value);
            free(r);
            x->idle_alarm = xcb_generate_id(x->c);
            create_alarm(x, x->idle_alarm, XCB_SYNC_TESTTYPE_POSITIVE_TRANSITION, x->timeout_ms);
            x->stage = STAGE_LIVE;
            x->callback(x->user, LIMBER_IDLE_READY, 0);
            /* Idle already: the transition alarm would wait for the next idle spell. */
            if (now >= (int64_t)x->timeout_ms) went_idle(x, now);
            break;
        }
        case STAGE_CONNECTING:
        case STAGE_LIVE:
            return 0;
        }
    }
    return 0;
}

int limber_x11_idle_dispatch(struct limber_x11_idle *x, char *err, size_t errlen) {
    if (x->stage == STAGE_CONNECTING) return finish_connecting(x, err, errlen);
    int r = advance(x, err, errlen);
    if (r < 0) return r;
    xcb_generic_event_t *ev;
    /* After the set-up, every event is read: alarms, and errors of requests sent without
       a reply (an alarm the server refused). */
    while (x->stage == STAGE_LIVE && (ev = xcb_poll_for_event(x->c))) {
        uint8_t type = ev->response_type & 0x7f;
        if (type == 0) {
            xcb_generic_error_t *e = (xcb_generic_error_t *)ev;
            set_error(err, errlen, "the X server refused an alarm (error %d)", e->error_code);
            free(ev);
            return -1;
        }
        if (type == (uint8_t)(x->first_event + XCB_SYNC_ALARM_NOTIFY)) {
            xcb_sync_alarm_notify_event_t *a = (xcb_sync_alarm_notify_event_t *)ev;
            if (a->alarm == x->idle_alarm && x->idle_alarm) {
                went_idle(x, from_int64(a->counter_value));
            } else if (a->alarm == x->reset_alarm && x->reset_alarm) {
                came_back(x);
            }
        }
        free(ev);
    }
    int e = xcb_connection_has_error(x->c);
    if (e) {
        set_error(err, errlen, "lost the X server: %s", connection_error(e));
        return -1;
    }
    xcb_flush(x->c);
    return 0;
}

int limber_x11_idle_set_timeout(struct limber_x11_idle *x, uint32_t timeout_ms, char *err, size_t errlen) {
    if (timeout_ms == 0) timeout_ms = 1;
    x->timeout_ms = timeout_ms;
    if (x->stage != STAGE_LIVE) return 0;  /* used when the set-up ends */
    /* (not before: x->c does not exist while connecting) */
    xcb_sync_change_alarm_value_list_t v = { .value = to_int64(timeout_ms) };
    xcb_sync_change_alarm_aux(x->c, x->idle_alarm, XCB_SYNC_CA_VALUE, &v);
    xcb_flush(x->c);
    int e = xcb_connection_has_error(x->c);
    if (e) {
        set_error(err, errlen, "lost the X server: %s", connection_error(e));
        return -1;
    }
    return 0;
}

void limber_x11_idle_disconnect(struct limber_x11_idle *x) {
    if (!x) return;
    /* The server frees a client's alarms when it disconnects. A connect still under way is
       left to its thread, which frees it when xcb_connect returns. */
    if (x->job) release_job(x->job);
    if (x->c) xcb_disconnect(x->c);
    free(x);
}
