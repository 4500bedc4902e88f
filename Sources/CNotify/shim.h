#ifndef LIMBER_CNOTIFY_SHIM_H
#define LIMBER_CNOTIFY_SHIM_H

/*
 * The subset of glib, gobject and libnotify that limber calls, declared by hand.
 *
 * Why not include <libnotify/notify.h>: that needs glib's pkg-config flags, and glib's .pc
 * file carries -pthread, which SwiftPM rejects with "warning: prohibited flag(s)" on every
 * build. These APIs are ABI-stable, so a small hand-written header is the cheaper price.
 *
 * Every declaration below is copied from glib 2.74 and libnotify 0.8.1 headers.
 * Tests/integration/check_cnotify_shim.sh compiles this file together with the real
 * headers (conflicting prototypes fail the build) and compares struct layouts and enum
 * values; run it after touching this file.
 *
 * When LIMBER_CNOTIFY_SHIM_WITH_REAL_HEADERS is defined, the struct bodies and enums are
 * left to the real headers (C forbids defining them twice); the check script compares
 * those separately.
 */

#if !defined(__SIZEOF_LONG__) || __SIZEOF_LONG__ != 8 || __SIZEOF_POINTER__ != 8
#error "CNotify/shim.h copies glibconfig.h of 64-bit Linux (LP64); add the other ABI first"
#endif

/* glib/gtypes.h and glibconfig.h (LP64) */
typedef char gchar;
typedef int gint;
typedef unsigned int guint;
typedef gint gboolean;
typedef long glong;
typedef unsigned long gulong;
typedef unsigned long gsize;
typedef float gfloat;
typedef double gdouble;
typedef signed int gint32;
typedef unsigned int guint32;
typedef signed long gint64;
typedef unsigned long guint64;
typedef void *gpointer;
typedef guint32 GQuark;         /* glib/gquark.h */
typedef gsize GType;            /* gobject/gtype.h (C, not C++) */

/* Opaque to limber: only ever handled by pointer. */
typedef struct _GMainContext GMainContext;
typedef struct _GMainLoop GMainLoop;
typedef struct _GVariant GVariant;
typedef struct _GObject GObject;
typedef struct _GClosure GClosure;
typedef struct _GError GError;
typedef struct _GValue GValue;
typedef struct _NotifyNotification NotifyNotification;
typedef struct _GList GList;
typedef struct _GThread GThread;
typedef struct _GDBusConnection GDBusConnection;

#ifndef LIMBER_CNOTIFY_SHIM_WITH_REAL_HEADERS
/* glib/glist.h: public layout, so Swift can walk the server's capabilities. */
struct _GList {
    gpointer data;
    GList *next;
    GList *prev;
};

/* glib/gerror.h: public layout, so Swift can read the message. */
struct _GError {
    GQuark domain;
    gint code;
    gchar *message;
};

/* gobject/gvalue.h: public layout, so a GValue can live on the stack (G_VALUE_INIT is
   all zeros). */
struct _GValue {
    GType g_type;
    union {
        gint v_int;
        guint v_uint;
        glong v_long;
        gulong v_ulong;
        gint64 v_int64;
        guint64 v_uint64;
        gfloat v_float;
        gdouble v_double;
        gpointer v_pointer;
    } data[2];
};

/* glib/gmain.h, values from glibconfig.h (GLIB_SYSDEF_POLL*) */
typedef enum {
    G_IO_IN = 1,
    G_IO_OUT = 4,
    G_IO_PRI = 2,
    G_IO_ERR = 8,
    G_IO_HUP = 16,
    G_IO_NVAL = 32
} GIOCondition;

/* gobject/gsignal.h */
typedef enum {
    G_CONNECT_DEFAULT = 0,
    G_CONNECT_AFTER = 1 << 0,
    G_CONNECT_SWAPPED = 1 << 1
} GConnectFlags;

/* glib/gmessages.h */
typedef enum {
    G_LOG_FLAG_RECURSION = 1 << 0,
    G_LOG_FLAG_FATAL = 1 << 1,
    G_LOG_LEVEL_ERROR = 1 << 2,
    G_LOG_LEVEL_CRITICAL = 1 << 3,
    G_LOG_LEVEL_WARNING = 1 << 4,
    G_LOG_LEVEL_MESSAGE = 1 << 5,
    G_LOG_LEVEL_INFO = 1 << 6,
    G_LOG_LEVEL_DEBUG = 1 << 7,
    G_LOG_LEVEL_MASK = ~(G_LOG_FLAG_RECURSION | G_LOG_FLAG_FATAL)
} GLogLevelFlags;

/* gio/gioenums.h */
typedef enum {
    G_BUS_TYPE_STARTER = -1,
    G_BUS_TYPE_NONE = 0,
    G_BUS_TYPE_SYSTEM = 1,
    G_BUS_TYPE_SESSION = 2
} GBusType;

typedef enum {
    G_BUS_NAME_WATCHER_FLAGS_NONE = 0,
    G_BUS_NAME_WATCHER_FLAGS_AUTO_START = (1 << 0)
} GBusNameWatcherFlags;

/* libnotify/notification.h */
typedef enum {
    NOTIFY_URGENCY_LOW,
    NOTIFY_URGENCY_NORMAL,
    NOTIFY_URGENCY_CRITICAL,
} NotifyUrgency;
#endif

/* G_TYPE_INT is G_TYPE_MAKE_FUNDAMENTAL (6), a macro Swift cannot import. */
static const GType LIMBER_G_TYPE_INT = (GType) (6 << 2);

#define G_PRIORITY_DEFAULT          0

/* Error codes limber tells apart (enum members of gio/gioenums.h, checked by the script). */
static const gint LIMBER_G_IO_ERROR_TIMED_OUT = 24;
static const gint LIMBER_G_DBUS_ERROR_SERVICE_UNKNOWN = 2;
static const gint LIMBER_G_DBUS_ERROR_NAME_HAS_NO_OWNER = 3;
static const gint LIMBER_G_DBUS_ERROR_NO_REPLY = 4;
#define NOTIFY_EXPIRES_DEFAULT -1
#define NOTIFY_EXPIRES_NEVER    0

/* glib/gmain.h, glib/gtypes.h, glib-unix.h, gobject/gclosure.h, libnotify/notification.h */
typedef gboolean (*GSourceFunc)(gpointer user_data);
typedef gboolean (*GUnixFDSourceFunc)(gint fd, GIOCondition condition, gpointer user_data);
typedef void (*GDestroyNotify)(gpointer data);
typedef void (*GFreeFunc)(gpointer data);
typedef void (*GCallback)(void);
typedef void (*GClosureNotify)(gpointer data, GClosure *closure);
typedef void (*NotifyActionCallback)(NotifyNotification *notification, char *action,
                                     gpointer user_data);
typedef gpointer (*GThreadFunc)(gpointer data);
typedef void (*GBusNameAppearedCallback)(GDBusConnection *connection, const gchar *name,
                                         const gchar *name_owner, gpointer user_data);
typedef void (*GBusNameVanishedCallback)(GDBusConnection *connection, const gchar *name,
                                         gpointer user_data);

/* glib/gmain.h */
GMainContext *g_main_context_default(void);
gboolean g_main_context_iteration(GMainContext *context, gboolean may_block);
gboolean g_main_context_pending(GMainContext *context);
GMainLoop *g_main_loop_new(GMainContext *context, gboolean is_running);
void g_main_loop_run(GMainLoop *loop);
void g_main_loop_quit(GMainLoop *loop);
void g_main_loop_unref(GMainLoop *loop);
gboolean g_main_loop_is_running(GMainLoop *loop);
guint g_timeout_add_full(gint priority, guint interval, GSourceFunc function, gpointer data,
                         GDestroyNotify notify);
gboolean g_source_remove(guint tag);
/* The notifier's own thread and context: libnotify's blocking calls run there. */
GMainContext *g_main_context_new(void);
void g_main_context_push_thread_default(GMainContext *context);
void g_main_context_wakeup(GMainContext *context);

/* glib/gthread.h */
GThread *g_thread_new(const gchar *name, GThreadFunc func, gpointer data);
void g_thread_unref(GThread *thread);

/* glib/gquark.h via gio/gioerror.h and gio/gdbuserror.h */
GQuark g_io_error_quark(void);
GQuark g_dbus_error_quark(void);

/* gio/gdbusnamewatching.h */
guint g_bus_watch_name(GBusType bus_type, const gchar *name, GBusNameWatcherFlags flags,
                       GBusNameAppearedCallback name_appeared_handler,
                       GBusNameVanishedCallback name_vanished_handler, gpointer user_data,
                       GDestroyNotify user_data_free_func);
void g_bus_unwatch_name(guint watcher_id);

/* glib-unix.h */
guint g_unix_fd_add_full(gint priority, gint fd, GIOCondition condition,
                         GUnixFDSourceFunc function, gpointer user_data, GDestroyNotify notify);
guint g_unix_signal_add_full(gint priority, gint signum, GSourceFunc handler,
                             gpointer user_data, GDestroyNotify notify);

/* glib/gerror.h */
void g_error_free(GError *error);

/* glib/gmessages.h: tests make GLib's CRITICALs (misuse of an API) fatal. */
GLogLevelFlags g_log_set_always_fatal(GLogLevelFlags fatal_mask);

/* glib/gvariant.h: floating references, sunk by notify_notification_set_hint. */
GVariant *g_variant_new_boolean(gboolean value);
GVariant *g_variant_new_int32(gint32 value);
GVariant *g_variant_new_string(const gchar *string);

/* glib/gmem.h, glib/glist.h */
void g_free(gpointer mem);
void g_list_free_full(GList *list, GDestroyNotify free_func);

/* gobject/gobject.h, gobject/gvalue.h, gobject/gvaluetypes.h, gobject/gsignal.h */
void g_object_unref(gpointer object);
void g_object_set_property(GObject *object, const gchar *property_name, const GValue *value);
void g_object_get_property(GObject *object, const gchar *property_name, GValue *value);
GValue *g_value_init(GValue *value, GType g_type);
void g_value_unset(GValue *value);
void g_value_set_int(GValue *value, gint v_int);
gint g_value_get_int(const GValue *value);
gulong g_signal_connect_data(gpointer instance, const gchar *detailed_signal,
                             GCallback c_handler, gpointer data, GClosureNotify destroy_data,
                             GConnectFlags connect_flags);
void g_signal_handler_disconnect(gpointer instance, gulong handler_id);

/* libnotify/notify.h */
gboolean notify_init(const char *app_name);
gboolean notify_is_initted(void);
GList *notify_get_server_caps(void);

/* libnotify/notification.h */
NotifyNotification *notify_notification_new(const char *summary, const char *body,
                                            const char *icon);
gboolean notify_notification_update(NotifyNotification *notification, const char *summary,
                                    const char *body, const char *icon);
gboolean notify_notification_show(NotifyNotification *notification, GError **error);
void notify_notification_set_timeout(NotifyNotification *notification, gint timeout);
void notify_notification_set_category(NotifyNotification *notification, const char *category);
void notify_notification_set_urgency(NotifyNotification *notification, NotifyUrgency urgency);
void notify_notification_set_hint(NotifyNotification *notification, const char *key,
                                  GVariant *value);
void notify_notification_clear_hints(NotifyNotification *notification);
void notify_notification_add_action(NotifyNotification *notification, const char *action,
                                    const char *label, NotifyActionCallback callback,
                                    gpointer user_data, GFreeFunc free_func);
void notify_notification_clear_actions(NotifyNotification *notification);
gboolean notify_notification_close(NotifyNotification *notification, GError **error);
gint notify_notification_get_closed_reason(const NotifyNotification *notification);

#endif
