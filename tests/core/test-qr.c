/* test-qr.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-qr"

#include "config.h"

#include <qrencode.h>
#include <string.h>

#include <gio/gio.h>

#include "oms-coldchain-url.h"
#include "oms-lan-address.h"
#include "oms-qr.h"
#include "oms-store.h"

/* QR matrix */

static void
assert_matrix_matches_libqrencode (const char *text)
{
  g_autoptr(OmsQrMatrix) matrix = NULL;
  g_autoptr(GError) error = NULL;
  QRcode *code;

  matrix = oms_qr_matrix_new (text, &error);
  g_assert_no_error (error);
  g_assert_nonnull (matrix);

  code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  g_assert_nonnull (code);

  g_assert_cmpint (oms_qr_matrix_get_width (matrix), ==, code->width);
  for (int y = 0; y < code->width; y++)
    for (int x = 0; x < code->width; x++)
      g_assert_cmpint (oms_qr_matrix_get_module (matrix, x, y), ==,
                       code->data[y * code->width + x] & 1);

  /* Outside the matrix is the quiet zone: light. */
  g_assert_false (oms_qr_matrix_get_module (matrix, -1, 0));
  g_assert_false (oms_qr_matrix_get_module (matrix, 0, code->width));

  QRcode_free (code);
}

static void
test_qr_matrix (void)
{
  g_autoptr(GError) error = NULL;
  OmsQrMatrix *matrix;

  assert_matrix_matches_libqrencode ("https://192.168.1.20:8000");
  assert_matrix_matches_libqrencode ("http://10.0.0.5:8443");
  assert_matrix_matches_libqrencode ("https://[2001:db8::1234:5678:9abc]:8000");

  /* A 25-character URL fits version 2 at level M: 25 modules, 33 with the quiet zone. */
  matrix = oms_qr_matrix_new ("https://192.168.1.20:8000", &error);
  g_assert_cmpint (oms_qr_matrix_get_width (matrix), ==, 25);
  oms_qr_matrix_free (matrix);

  matrix = oms_qr_matrix_new ("", &error);
  g_assert_null (matrix);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

/* /proc/net/route */

#define ROUTE_HEADER \
  "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"

static void
test_route_parse (void)
{
  static const struct {
    const char *text;
    const char *interface;
  } cases[] = {
    /* The usual table: a default route via the gateway, and the LAN route. */
    { ROUTE_HEADER
      "eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
      "eth0\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n",
      "eth0" },
    /* Two defaults: the lower metric wins, whatever the order. */
    { ROUTE_HEADER
      "wlan0\t00000000\t0102A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n"
      "enp3s0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
      "docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n",
      "enp3s0" },
    /* Spaces instead of tabs, and no final newline. */
    { ROUTE_HEADER
      "  br0   00000000  0101000A  0003  0  0  0  00000000  0  0  0",
      "br0" },
    /* A default route that is down does not count. */
    { ROUTE_HEADER
      "eth1\t00000000\t0101A8C0\t0002\t0\t0\t0\t00000000\t0\t0\t0\n",
      NULL },
    /* A route to 0.0.0.0 with a mask is not a default route. */
    { ROUTE_HEADER
      "eth0\t00000000\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n",
      NULL },
    /* No routes at all, or only a header, or garbage. */
    { ROUTE_HEADER, NULL },
    { "", NULL },
    { "not a routing table\nat all\n", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *interface = oms_lan_address_parse_default_route (cases[i].text);

      g_test_message ("case %u", i);
      g_assert_cmpstr (interface, ==, cases[i].interface);
    }

  g_assert_null (oms_lan_address_parse_default_route (NULL));
}

/* Addresses and URLs */

static void
assert_not_loopback_url (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GInetAddress) inet = NULL;
  const char *host;

  g_assert_nonnull (url);
  g_assert_false (g_str_has_suffix (url, "/"));

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_assert_nonnull (uri);
  g_assert_true (g_str_equal (g_uri_get_scheme (uri), "https") ||
                 g_str_equal (g_uri_get_scheme (uri), "http"));
  g_assert_cmpstr (g_uri_get_path (uri), ==, "");

  host = g_uri_get_host (uri);
  inet = g_inet_address_new_from_string (host);
  g_assert_nonnull (inet);
  g_assert_false (g_inet_address_get_is_loopback (inet));
  g_assert_false (g_inet_address_get_is_link_local (inet));
  g_assert_false (g_inet_address_get_is_any (inet));
  g_assert_cmpstr (host, !=, "localhost");
}

static void
test_lan_addresses (void)
{
  g_autofree char *primary = oms_lan_address_get_primary ();
  g_auto(GStrv) all = oms_lan_address_list ();

  g_assert_true (oms_lan_address_is_lan_ipv4 ("192.168.1.20"));
  g_assert_true (oms_lan_address_is_lan_ipv4 ("10.0.0.5"));
  g_assert_false (oms_lan_address_is_lan_ipv4 ("127.0.0.1"));
  g_assert_false (oms_lan_address_is_lan_ipv4 ("127.1.2.3"));
  g_assert_false (oms_lan_address_is_lan_ipv4 ("169.254.10.1"));
  g_assert_false (oms_lan_address_is_lan_ipv4 ("0.0.0.0"));
  g_assert_false (oms_lan_address_is_lan_ipv4 ("224.0.0.1"));
  g_assert_false (oms_lan_address_is_lan_ipv4 ("::1"));
  g_assert_false (oms_lan_address_is_lan_ipv4 ("localhost"));
  g_assert_false (oms_lan_address_is_lan_ipv4 (NULL));

  g_test_message ("primary LAN address: %s", primary ? primary : "(none)");

  /* The primary address comes first, and nothing listed is loopback or link-local. */
  if (primary != NULL)
    {
      g_assert_true (oms_lan_address_is_lan_ipv4 (primary));
      g_assert_nonnull (all[0]);
      g_assert_cmpstr (all[0], ==, primary);
    }

  for (guint i = 0; all[i] != NULL; i++)
    {
      g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (all[i]);

      g_assert_nonnull (inet);
      g_assert_false (g_inet_address_get_is_loopback (inet));
      g_assert_false (g_inet_address_get_is_link_local (inet));
      for (guint j = 0; j < i; j++)
        g_assert_cmpstr (all[i], !=, all[j]);
    }
}

static void
test_coldchain_url (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsStore) store = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *url = NULL;
  g_autofree char *primary = oms_lan_address_get_primary ();
  g_autofree char *expected = NULL;
  g_auto(GStrv) urls = NULL;
  char *text;

  text = oms_coldchain_url_for_host ("192.168.1.20", 8000, FALSE);
  g_assert_cmpstr (text, ==, "https://192.168.1.20:8000");
  g_free (text);
  text = oms_coldchain_url_for_host ("10.1.2.3", 8443, TRUE);
  g_assert_cmpstr (text, ==, "http://10.1.2.3:8443");
  g_free (text);
  text = oms_coldchain_url_for_host ("2001:db8::5", 8000, FALSE);
  g_assert_cmpstr (text, ==, "https://[2001:db8::5]:8000");
  g_free (text);

  data_dir = g_build_filename (g_get_user_data_dir (), "omsync-test-qr", NULL);
  store = oms_store_open (data_dir, &error);
  g_assert_no_error (error);

  /* The defaults: https on port 8000. */
  g_assert_cmpint (oms_coldchain_get_port (store), ==, 8000);
  g_assert_false (oms_coldchain_get_use_http (store));

  url = oms_coldchain_url_dup (store);
  if (primary == NULL)
    {
      g_test_message ("No LAN address here: no URL");
      g_assert_null (url);
    }
  else
    {
      expected = g_strdup_printf ("https://%s:8000", primary);
      g_assert_cmpstr (url, ==, expected);
      assert_not_loopback_url (url);
    }

  /* The keys the cold chain server reads too. */
  g_assert_true (oms_store_kv_set_int (store, "OMSYNC_COLDCHAIN_PORT", 8443, &error));
  g_assert_true (oms_store_kv_set_bool (store, "OMSYNC_COLDCHAIN_HTTP", TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (oms_coldchain_get_port (store), ==, 8443);
  g_assert_true (oms_coldchain_get_use_http (store));

  urls = oms_coldchain_urls_dup_all (store);
  for (guint i = 0; urls[i] != NULL; i++)
    {
      g_assert_true (g_str_has_prefix (urls[i], "http://"));
      g_assert_true (g_str_has_suffix (urls[i], ":8443"));
      assert_not_loopback_url (urls[i]);
    }

  /* A port out of range falls back to the default. */
  g_assert_true (oms_store_kv_set_int (store, "OMSYNC_COLDCHAIN_PORT", 70000, &error));
  g_assert_cmpint (oms_coldchain_get_port (store), ==, 8000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/oms/qr/matrix", test_qr_matrix);
  g_test_add_func ("/oms/qr/route-parse", test_route_parse);
  g_test_add_func ("/oms/qr/lan-addresses", test_lan_addresses);
  g_test_add_func ("/oms/qr/coldchain-url", test_coldchain_url);

  return g_test_run ();
}
