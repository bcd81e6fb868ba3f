/* cli-records-fixture.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include "oms-test-records.h"

/* Puts a site in the states test-cli-records.sh checks omsync-cli against, as the Records
 * page test does (tests/common/oms-test-records.c):
 *
 *   cli-records-fixture DATA_DIR site             the site, its store, fridge and sensor
 *   cli-records-fixture DATA_DIR logs COUNT       COUNT local temperature logs, 4.2 °C
 *   cli-records-fixture DATA_DIR failing          a pulled merge that cannot be integrated
 *   cli-records-fixture DATA_DIR fix              what the merge needs arrives
 */
int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsStore) store = NULL;

  setlocale (LC_ALL, "");
  if (argc < 3)
    {
      g_printerr ("usage: cli-records-fixture DATA_DIR site|logs COUNT|failing|fix\n");
      return 2;
    }

  store = oms_store_open (argv[1], &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  if (g_str_equal (argv[2], "site"))
    oms_test_records_add_site (store);
  else if (g_str_equal (argv[2], "logs") && argc > 3)
    for (guint i = 0; i < (guint) g_ascii_strtoull (argv[3], NULL, 10); i++)
      {
        g_autofree char *id = g_strdup_printf ("cli-log-%05u", i);

        oms_test_records_add_log (store, id, 4.2);
      }
  else if (g_str_equal (argv[2], "failing"))
    oms_test_records_add_failing (store);
  else if (g_str_equal (argv[2], "fix"))
    oms_test_records_fix_failing (store);
  else
    return 2;

  return 0;
}
