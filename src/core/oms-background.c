/* oms-background.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-background"

#include "config.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "oms-background.h"

/* Sync work in worker threads (parsing batches, storing them, integrating) must not take the
 * CPU from the thread that draws the window: on a two-core store computer a frame that waits
 * for a core is a dropped frame. Linux gives each thread its own nice value, so a worker
 * lowers its own once; the main thread keeps the default.
 */
#define BACKGROUND_NICE 10

/**
 * oms_background_thread_enter:
 *
 * Marks the calling worker thread as background work. Cheap to call on every task: the
 * change is made once per thread.
 */
void
oms_background_thread_enter (void)
{
  static GPrivate lowered;

  if (g_private_get (&lowered) != NULL)
    return;

  g_private_set (&lowered, GINT_TO_POINTER (1));

#ifdef SYS_gettid
  if (setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), BACKGROUND_NICE) != 0)
    g_debug ("Could not lower this worker thread's priority");
#endif
}
