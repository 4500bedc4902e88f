/* The C floor for limberd's benchmarks: the least a libnotify + sd_notify daemon can be.
   It connects nothing and schedules nothing; it only starts GLib, says READY=1 and waits. */
#include <libnotify/notify.h>
#include <systemd/sd-daemon.h>

int main(void) {
    notify_init("limber-floor");
    sd_notify(0, "READY=1");
    GMainLoop *loop = g_main_loop_new(NULL, FALSE);
    g_main_loop_run(loop);
    return 0;
}
