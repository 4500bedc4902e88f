#ifndef LIMBER_CNOTIFY_SHIM_H
#define LIMBER_CNOTIFY_SHIM_H
/* Placeholder: the adapters work replaces this with hand-declared prototypes of the
   glib/libnotify subset limber uses (see the note in Package.swift). */
int notify_init(const char *app_name);
#endif
