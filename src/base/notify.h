/*
 * notify: tell the service manager how the server is doing, by systemd's
 * notification protocol (sd_notify(3)): a datagram of "KEY=VALUE" lines to
 * the socket named in $NOTIFY_SOCKET.  Without that variable (not started
 * by systemd with Type=notify) it does nothing.  Written here rather than
 * linked from libsystemd: one datagram does not need the library.
 *
 * Not here: what the states mean to the server (main.c sends READY=1 when
 * listening, RELOADING=1/READY=1 around a reload, STOPPING=1 on a stop).
 */
#ifndef SANLING_NOTIFY_H
#define SANLING_NOTIFY_H

/* Send `state` ("READY=1\nSTATUS=…"); 0, or -1 when it could not be sent. */
int notify_service_manager(const char *state);

/* "RELOADING=1\nMONOTONIC_USEC=…", as Type=notify-reload wants it. */
int notify_reloading(void);

#endif
