/* known-leaks-preload.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Preloaded (LD_PRELOAD) into the programs of the sanitized suites only (tests/meson.build).
 *
 * The suites record a few frames of each allocation: unwinding GLib, which has no frame
 * pointers, costs a slow unwind on every malloc, and each frame more costs more. Two objects
 * libsoup 3.2.3 leaks are made ten frames deep in GObject, out of reach of a suppression in
 * lsan.supp, so they are marked here instead, by the GIO function libsoup gets them from. The
 * wrappers see only calls that cross from another library into GIO (GIO calls itself
 * directly), and mark only what they return to libsoup itself: omsync's cold chain listener
 * calls both functions too, and its leaks must show.
 *
 * Nothing here links GLib: the preload also lands in the shell, python3 and openssl that
 * tests run, where it does nothing unless GIO is loaded; and __lsan_ignore_object is weak, as
 * only the sanitized programs have LeakSanitizer.
 */

#define _GNU_SOURCE

#include <dlfcn.h>
#include <stddef.h>
#include <string.h>

void __lsan_ignore_object (const void *p) __attribute__ ((weak));

void *g_socket_accept            (void *socket,
                                  void *cancellable,
                                  void *error);
void *g_socket_get_local_address (void *socket,
                                  void *error);

/* Whether @return_address, where a wrapper returns to, lies in libsoup. */
static int
called_from_libsoup (const void *return_address)
{
  Dl_info info;

  return dladdr (return_address, &info) != 0 && info.dli_fname != NULL &&
         strstr (info.dli_fname, "libsoup-3.0") != NULL;
}

static void *
ignored (void       *object,
         const void *return_address)
{
  if (object != NULL && __lsan_ignore_object != NULL && called_from_libsoup (return_address))
    __lsan_ignore_object (object);
  return object;
}

/* libsoup's listener keeps a reference to every socket it accepts (fixed upstream by
 * "soup-listener: Plug a leak", b545d5f0).
 */
void *
g_socket_accept (void *socket,
                 void *cancellable,
                 void *error)
{
  void *(*real) (void *, void *, void *) = (void *(*) (void *, void *, void *))
    dlsym (RTLD_NEXT, "g_socket_accept");

  return ignored (real (socket, cancellable, error), __builtin_return_address (0));
}

/* ... and never frees the local address soup_server_get_uris() asks it for (fixed upstream by
 * "soup-listener: Fix memory leak of local_addr", c07ff61f).
 */
void *
g_socket_get_local_address (void *socket,
                            void *error)
{
  void *(*real) (void *, void *) = (void *(*) (void *, void *))
    dlsym (RTLD_NEXT, "g_socket_get_local_address");

  return ignored (real (socket, error), __builtin_return_address (0));
}
