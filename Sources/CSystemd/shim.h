#ifndef LIMBER_CSYSTEMD_SHIM_H
#define LIMBER_CSYSTEMD_SHIM_H
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#include <systemd/sd-bus.h>
/* Timer fds, as sd-event uses them: CLOCK_BOOTTIME timers that fire on time across suspend,
   and CLOCK_REALTIME ones that report a step of the wall clock. Swift's Glibc module lacks
   this header. */
#include <sys/timerfd.h>
#endif
