/* oms-cli-coldchain.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "oms-cli-coldchain.h"
#include "oms-coldchain-accounts.h"
#include "oms-locale.h"

/* `coldchain-account add USERNAME --password-stdin | list | remove USERNAME`: the accounts
 * mSupply Cold Chain phones log in to this site's cold chain server with.
 */

/* All of stdin up to the first line ending, without it; NULL when stdin is empty. */
static char *
read_password (void)
{
  g_autoptr(GString) line = g_string_new (NULL);
  int c;

  while ((c = getchar ()) != EOF && c != '\n')
    g_string_append_c (line, (char) c);

  if (c == EOF && line->len == 0)
    return NULL;
  if (line->len > 0 && line->str[line->len - 1] == '\r')
    g_string_truncate (line, line->len - 1);

  return g_string_free (g_steal_pointer (&line), FALSE);
}

static int
fail (GError *error)
{
  g_printerr ("%s: %s\n", g_get_prgname (), error->message);
  return OMS_CLI_EXIT_FAILURE;
}

static int
account_add (OmsCli      *cli,
             const char  *username,
             gboolean     password_stdin)
{
  g_autoptr(OmsStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;
  g_autofree char *message = NULL;

  if (!password_stdin)
    {
      g_printerr ("%s: %s\n", g_get_prgname (),
                  _("Give the password on standard input with --password-stdin, for example: "
                    "echo \"$PASSWORD\" | omsync-cli coldchain-account add NAME "
                    "--password-stdin"));
      return OMS_CLI_EXIT_USAGE;
    }

  password = read_password ();
  if (password == NULL)
    {
      g_printerr ("%s: %s\n", g_get_prgname (),
                  _("No password on standard input."));
      return OMS_CLI_EXIT_USAGE;
    }

  store = oms_cli_open_store (cli);
  if (store == NULL)
    return OMS_CLI_EXIT_FAILURE;

  if (!oms_coldchain_accounts_add (store, username, password, &error))
    {
      memset (password, 0, strlen (password));
      return fail (error);
    }
  memset (password, 0, strlen (password));

  /* Translators: %s is the new account's username. mSupply Cold Chain is the name of a phone
   * app: keep it as it is. */
  message = g_strdup_printf (_("Added the cold chain account “%s”. Log in with it in mSupply "
                               "Cold Chain on the phone.\n"), username);
  oms_cli_print (message);
  return OMS_CLI_EXIT_OK;
}

static int
account_list (OmsCli *cli)
{
  g_autoptr(OmsStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  store = oms_cli_open_store (cli);
  if (store == NULL)
    return OMS_CLI_EXIT_FAILURE;

  accounts = oms_coldchain_accounts_list (store, &error);
  if (accounts == NULL)
    return fail (error);

  if (accounts->len == 0)
    {
      g_printerr ("%s\n", _("No cold chain accounts. Add one with “omsync-cli coldchain-account "
                            "add USERNAME --password-stdin”."));
      return OMS_CLI_EXIT_OK;
    }

  for (guint i = 0; i < accounts->len; i++)
    {
      const OmsColdchainAccount *account = g_ptr_array_index (accounts, i);
      g_autoptr(GDateTime) created = g_date_time_new_from_unix_local (account->created);
      g_autofree char *when = created != NULL ? oms_locale_format_date_time (created)
                                              : g_strdup ("?");

      /* Translators: a cold chain account and when it was created. */
      g_string_append_printf (out, _("%s\tcreated %s\n"), account->username, when);
    }

  oms_cli_print (out->str);
  return OMS_CLI_EXIT_OK;
}

static int
account_remove (OmsCli     *cli,
                const char *username)
{
  g_autoptr(OmsStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  store = oms_cli_open_store (cli);
  if (store == NULL)
    return OMS_CLI_EXIT_FAILURE;

  if (!oms_coldchain_accounts_remove (store, username, &error))
    return fail (error);

  /* Translators: %s is the removed account's username. */
  message = g_strdup_printf (_("Removed the cold chain account “%s”. A phone using it must log "
                               "in again with another account.\n"), username);
  oms_cli_print (message);
  return OMS_CLI_EXIT_OK;
}

int
oms_cli_coldchain_account (OmsCli  *cli,
                           int      argc,
                           char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_auto(GStrv) rest = NULL;
  gboolean password_stdin = FALSE;
  const char *action;
  guint n_rest;
  const GOptionEntry entries[] = {
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      N_("add: read the password from the first line of standard input"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    { NULL }
  };

  context = oms_cli_parse_command (cli, "coldchain-account",
                                   _("Manages the accounts mSupply Cold Chain phones log in to "
                                     "this site's cold chain server with.\n"
                                     "  add USERNAME --password-stdin   add an account\n"
                                     "  list                            list the accounts\n"
                                     "  remove USERNAME                 remove an account"),
                                   entries, &argc, &argv);
  if (context == NULL)
    return OMS_CLI_EXIT_USAGE;

  n_rest = rest != NULL ? g_strv_length (rest) : 0;
  if (n_rest == 0)
    return oms_cli_usage_error (context, _("Say what to do: add, list or remove."));

  action = rest[0];
  if (g_str_equal (action, "list") && n_rest == 1)
    return account_list (cli);
  if (g_str_equal (action, "add") && n_rest == 2)
    return account_add (cli, rest[1], password_stdin);
  if (g_str_equal (action, "remove") && n_rest == 2)
    return account_remove (cli, rest[1]);

  if ((g_str_equal (action, "add") || g_str_equal (action, "remove")) && n_rest == 1)
    return oms_cli_usage_error (context, _("Give the account's username."));

  {
    g_autofree char *message = NULL;

    if (g_str_equal (action, "add") || g_str_equal (action, "remove")
        || g_str_equal (action, "list"))
      /* Translators: an error on the command line: %s is the argument that omsync-cli did not
       * expect. */
      message = g_strdup_printf (_("Unexpected argument “%s”"), rest[n_rest - 1]);
    else
      /* Translators: %s is the action typed on the command line; “add”, “list” and “remove” are
       * the words to type, keep them in English. */
      message = g_strdup_printf (_("Unknown action “%s”: use add, list or remove."), action);

    return oms_cli_usage_error (context, message);
  }
}
