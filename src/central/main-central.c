/* main-central.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "omsync-central"

#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "oms-central-server.h"

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
parse_site (const char  *spec,
            char       **name,
            char       **password,
            int         *site_id,
            GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (spec, ":", 3);
  guint64 id = 0;

  if (g_strv_length (parts) < 2 || !*parts[0])
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--site needs NAME:PASSWORD[:SITE_ID], not “%s”", spec);
      return FALSE;
    }
  if (parts[2] && !g_ascii_string_to_unsigned (parts[2], 10, 2, G_MAXINT, &id, error))
    return FALSE;
  *name = g_strdup (parts[0]);
  *password = g_strdup (parts[1]);
  *site_id = (int)id;
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(OmsCentralServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *address = NULL;
  g_autofree char *public_url = NULL;
  g_auto(GStrv) sites = NULL;
  g_auto(GStrv) faults = NULL;
  gboolean demo = FALSE;
  gboolean compress_legacy = FALSE;
  int port = 0;
  int demo_records = 0;
  int demo_v6_records = 0;
  int integration_ms = 0;
  int next_site_id = 10;
  guint sigint_id;
  guint sigterm_id;
  const GOptionEntry entries[] = {
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir,
      "Directory for central.sqlite (required)", "DIR" },
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &address,
      "Address to listen on (default 127.0.0.1)", "ADDR" },
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "Port to listen on; 0 picks a free one", "N" },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo,
      "Seed demo data: a site named “demo” with password “pass” (site id 2)", NULL },
    { "demo-records", 0, 0, G_OPTION_ARG_INT, &demo_records,
      "Add N extra central item records to the demo data, for benchmarks", "N" },
    { "demo-v6-records", 0, 0, G_OPTION_ARG_INT, &demo_v6_records,
      "Add N extra Open mSupply central asset records to the demo data, for benchmarks",
      "N" },
    { "site", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sites,
      "Add a site with its own store (repeatable)", "NAME:PASSWORD[:SITE_ID]" },
    { "fault", 0, 0, G_OPTION_ARG_STRING_ARRAY, &faults,
      "Inject a fault (repeatable), e.g. /sync/v5/site:status=503,body=down", "SPEC" },
    { "public-url", 0, 0, G_OPTION_ARG_STRING, &public_url,
      "URL site info gives for the Open mSupply central (default: the listening URL)", "URL" },
    { "compress-legacy", 0, 0, G_OPTION_ARG_NONE, &compress_legacy,
      "Answer gzip on the legacy v5 routes too, to clients that offer it (--demo does)", NULL },
    { "integration-delay", 0, 0, G_OPTION_ARG_INT, &integration_ms,
      "Milliseconds integration of pushed records takes (default 0)", "MS" },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("— reference Open mSupply / mSupply central server");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Serves the legacy mSupply v5 API (/sync/v5/...) and the Open mSupply central v6 API\n"
    "(/central/sync/...) on one port. The first line on standard output is the base URL,\n"
    "printed once the server accepts connections.\n"
    "\n"
    "--demo seeds a site named “demo” with password “pass”; with --demo, each --site gets\n"
    "its own store seeded the same way.\n"
    "\n"
    "Answers on the v6 routes are gzip-compressed for clients that offer it, as Open\n"
    "mSupply's central does; on the v5 routes only with --compress-legacy or --demo.\n"
    "\n"
    "Fault SPEC: ROUTE:ITEM[,ITEM]..., ROUTE a path such as /sync/v5/site or * for all;\n"
    "ITEM one of status=N, body=TEXT (must come last), refuse, hang, latency=MS,\n"
    "bandwidth=BYTES_PER_SECOND, truncate, corrupt, integrate-seconds=N, max-records=N,\n"
    "times=N, from-cursor=N.\n"
    "Loopback clients can also POST a SPEC to /admin/fault and DELETE /admin/fault[?route=R].\n");

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("omsync-central: %s\n", error->message);
      return EXIT_FAILURE;
    }
  if (!data_dir)
    {
      g_printerr ("omsync-central: --data-dir is required\n");
      return EXIT_FAILURE;
    }
  if (port < 0 || port > 65535 || demo_records < 0 || demo_v6_records < 0 || integration_ms < 0)
    {
      g_printerr ("omsync-central: --port, --demo-records, --demo-v6-records and "
                  "--integration-delay must be in range\n");
      return EXIT_FAILURE;
    }

  server = oms_central_server_new (data_dir, &error);
  if (!server)
    {
      g_printerr ("omsync-central: %s\n", error->message);
      return EXIT_FAILURE;
    }
  oms_central_server_set_integration_delay (server, (guint)integration_ms);
  oms_central_server_set_compress_legacy (server, compress_legacy || demo);
  oms_central_server_set_public_url (server, public_url);

  if ((demo || demo_records > 0)
      && !oms_central_server_seed_demo (server, (guint)demo_records, &error))
    {
      g_printerr ("omsync-central: cannot seed demo data: %s\n", error->message);
      return EXIT_FAILURE;
    }

  if (demo_v6_records > 0
      && !oms_central_server_seed_demo_v6 (server, (guint)demo_v6_records, &error))
    {
      g_printerr ("omsync-central: cannot seed demo data: %s\n", error->message);
      return EXIT_FAILURE;
    }

  for (guint i = 0; sites && sites[i]; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *password = NULL;
      int site_id = 0;

      if (!parse_site (sites[i], &name, &password, &site_id, &error))
        {
          g_printerr ("omsync-central: %s\n", error->message);
          return EXIT_FAILURE;
        }
      if (site_id == 0)
        site_id = next_site_id++;
      if (!oms_central_server_add_site (server, name, password, site_id, &error) ||
          (demo && !oms_central_server_seed_site (server, name, &error)))
        {
          g_printerr ("omsync-central: %s\n", error->message);
          return EXIT_FAILURE;
        }
    }

  for (guint i = 0; faults && faults[i]; i++)
    if (!oms_central_server_add_fault (server, faults[i], &error))
      {
        g_printerr ("omsync-central: %s\n", error->message);
        return EXIT_FAILURE;
      }

  if (!oms_central_server_listen (server, address, (guint)port, &error))
    {
      g_printerr ("omsync-central: %s\n", error->message);
      return EXIT_FAILURE;
    }

  loop = g_main_loop_new (NULL, FALSE);
  sigint_id = g_unix_signal_add (SIGINT, quit_cb, loop);
  sigterm_id = g_unix_signal_add (SIGTERM, quit_cb, loop);

  /* Whoever started us waits for this line before connecting. */
  printf ("%s\n", oms_central_server_get_base_url (server));
  fflush (stdout);

  g_main_loop_run (loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  return EXIT_SUCCESS;
}
