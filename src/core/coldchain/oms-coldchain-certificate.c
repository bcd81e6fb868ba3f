/* oms-coldchain-certificate.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-coldchain-certificate"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "oms-coldchain-certificate.h"

/* The cold chain server's self-signed certificate. A phone reaches the server at
 * https://<LAN address>:<port>, so every current LAN address (oms_lan_address_list()) is in
 * the certificate's subjectAltName, beside 127.0.0.1 and localhost for this machine's own use.
 */

#define VALIDITY_DAYS       (5 * 365)
#define RENEW_BEFORE_DAYS   30
#define SECONDS_PER_DAY     (24 * 60 * 60)

typedef struct gnutls_x509_crt_int OmsX509Crt;
typedef struct gnutls_x509_privkey_int OmsX509Key;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsX509Crt, gnutls_x509_crt_deinit)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OmsX509Key, gnutls_x509_privkey_deinit)

static gboolean
set_gnutls_error (GError     **error,
                  int          rc,
                  const char  *what)
{
  g_debug ("GnuTLS failed to %s: %s", what, gnutls_strerror (rc));
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               /* Translators: %s is the reason, an error message. */
               _("Could not create the certificate for the cold chain server (%s)."),
               gnutls_strerror (rc));
  return FALSE;
}

/* An IPv4 or IPv6 address in the binary form subjectAltName holds; 0 when @text is neither. */
static gsize
parse_ip (const char *text,
          guint8      out[16])
{
  if (inet_pton (AF_INET, text, out) == 1)
    return 4;
  if (inet_pton (AF_INET6, text, out) == 1)
    return 16;
  return 0;
}

/* Whether the existing certificate names every address and stays valid for a while. */
static gboolean
certificate_is_current (const char          *cert_path,
                        const char * const  *addresses)
{
  g_autoptr(OmsX509Crt) crt = NULL;
  g_autofree char *pem = NULL;
  gnutls_datum_t datum;
  gsize length;
  time_t expires;

  if (!g_file_get_contents (cert_path, &pem, &length, NULL))
    return FALSE;

  if (gnutls_x509_crt_init (&crt) < 0)
    return FALSE;

  datum.data = (unsigned char *) pem;
  datum.size = (unsigned int) length;
  if (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_PEM) < 0)
    {
      g_debug ("%s is not a certificate; making a new one", cert_path);
      return FALSE;
    }

  expires = gnutls_x509_crt_get_expiration_time (crt);
  if (expires == (time_t) -1
      || (gint64) expires - g_get_real_time () / G_USEC_PER_SEC
         < (gint64) RENEW_BEFORE_DAYS * SECONDS_PER_DAY)
    {
      g_debug ("%s expires soon; making a new one", cert_path);
      return FALSE;
    }

  for (guint i = 0; addresses[i] != NULL; i++)
    {
      guint8 ip[16];
      gsize ip_size = parse_ip (addresses[i], ip);

      if (ip_size == 0)
        continue;

      if (!gnutls_x509_crt_check_ip (crt, ip, (unsigned int) ip_size, 0))
        {
          g_debug ("%s does not name %s; making a new one", cert_path, addresses[i]);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
generate_certificate (const char          *cert_path,
                      const char          *key_path,
                      const char * const  *addresses,
                      GError             **error)
{
  g_autoptr(OmsX509Crt) crt = NULL;
  g_autoptr(OmsX509Key) key = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  gnutls_datum_t cert_pem = { NULL, 0 };
  gnutls_datum_t key_pem = { NULL, 0 };
  guint8 serial[16];
  guint8 key_id[64];
  size_t key_id_size = sizeof key_id;
  const char *common_name = "omsync cold chain server";
  time_t now = (time_t) (g_get_real_time () / G_USEC_PER_SEC);
  gboolean ok;
  int rc;

  g_ptr_array_add (names, (gpointer) "127.0.0.1");
  for (guint i = 0; addresses[i] != NULL; i++)
    g_ptr_array_add (names, (gpointer) addresses[i]);

  if ((rc = gnutls_x509_privkey_init (&key)) < 0)
    return set_gnutls_error (error, rc, "create a key");
  if ((rc = gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                          GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1),
                                          0)) < 0)
    return set_gnutls_error (error, rc, "generate a key");

  if ((rc = gnutls_x509_crt_init (&crt)) < 0)
    return set_gnutls_error (error, rc, "create a certificate");

  if ((rc = gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial)) < 0)
    return set_gnutls_error (error, rc, "make a serial number");
  serial[0] &= 0x7f;   /* a positive INTEGER */
  serial[0] |= 0x01;   /* with no leading zero octet */

  if ((rc = gnutls_x509_crt_set_version (crt, 3)) < 0
      || (rc = gnutls_x509_crt_set_serial (crt, serial, sizeof serial)) < 0
      || (rc = gnutls_x509_crt_set_activation_time (crt, now - SECONDS_PER_DAY)) < 0
      || (rc = gnutls_x509_crt_set_expiration_time (crt,
                                                    now + (time_t) VALIDITY_DAYS
                                                          * SECONDS_PER_DAY)) < 0
      || (rc = gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, common_name,
                                              strlen (common_name))) < 0
      || (rc = gnutls_x509_crt_set_key (crt, key)) < 0
      || (rc = gnutls_x509_crt_set_basic_constraints (crt, 0, -1)) < 0
      || (rc = gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE)) < 0
      || (rc = gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0)) < 0)
    return set_gnutls_error (error, rc, "fill in the certificate");

  if ((rc = gnutls_x509_crt_get_key_id (crt, 0, key_id, &key_id_size)) < 0
      || (rc = gnutls_x509_crt_set_subject_key_id (crt, key_id, key_id_size)) < 0)
    return set_gnutls_error (error, rc, "set the key identifier");

  if ((rc = gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, "localhost",
                                                  strlen ("localhost"),
                                                  GNUTLS_FSAN_APPEND)) < 0)
    return set_gnutls_error (error, rc, "name localhost");

  for (guint i = 0; i < names->len; i++)
    {
      guint8 ip[16];
      gsize ip_size = parse_ip (g_ptr_array_index (names, i), ip);

      if (ip_size == 0)
        continue;
      if ((rc = gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS, ip,
                                                      (unsigned int) ip_size,
                                                      GNUTLS_FSAN_APPEND)) < 0)
        return set_gnutls_error (error, rc, "name an address");
    }

  if ((rc = gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0)) < 0)
    return set_gnutls_error (error, rc, "sign the certificate");

  if ((rc = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &cert_pem)) < 0)
    return set_gnutls_error (error, rc, "write the certificate");
  if ((rc = gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN,
                                               &key_pem)) < 0)
    {
      gnutls_free (cert_pem.data);
      return set_gnutls_error (error, rc, "write the key");
    }

  /* The key first, so a certificate on disk always has its key beside it. */
  ok = g_file_set_contents_full (key_path, (const char *) key_pem.data, key_pem.size,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, error)
       && g_file_set_contents_full (cert_path, (const char *) cert_pem.data, cert_pem.size,
                                    G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);

  gnutls_memset (key_pem.data, 0, key_pem.size);
  gnutls_free (key_pem.data);
  gnutls_free (cert_pem.data);

  if (ok)
    g_debug ("Made a certificate for %u addresses in %s", names->len, cert_path);

  return ok;
}

/**
 * oms_coldchain_certificate_ensure:
 * @data_dir: where coldchain-cert.pem and coldchain-key.pem (mode 0600) are kept
 * @addresses: the LAN addresses the certificate must name
 *
 * Loads the server's certificate, first making a new self-signed one when there is none, when
 * it does not name one of @addresses, or when it is about to expire.
 *
 * Returns: (transfer full) (nullable): the certificate with its private key
 */
GTlsCertificate *
oms_coldchain_certificate_ensure (const char          *data_dir,
                                  const char * const  *addresses,
                                  GError             **error)
{
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  g_autoptr(GError) local_error = NULL;
  GTlsCertificate *certificate;

  g_return_val_if_fail (data_dir != NULL, NULL);
  g_return_val_if_fail (addresses != NULL, NULL);

  cert_path = g_build_filename (data_dir, OMS_COLDCHAIN_CERTIFICATE_FILE, NULL);
  key_path = g_build_filename (data_dir, OMS_COLDCHAIN_KEY_FILE, NULL);

  if (!g_file_test (key_path, G_FILE_TEST_IS_REGULAR)
      || !certificate_is_current (cert_path, addresses))
    {
      if (!generate_certificate (cert_path, key_path, addresses, error))
        return NULL;
    }

  /* The key must stay private even when an older copy was written with a wider mode. */
  if (g_chmod (key_path, 0600) != 0)
    g_debug ("Cannot restrict %s: %s", key_path, g_strerror (errno));

  certificate = g_tls_certificate_new_from_files (cert_path, key_path, &local_error);
  if (certificate == NULL)
    {
      g_debug ("Cannot load %s: %s", cert_path, local_error->message);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   /* Translators: the data directory (a path), the reason (an error message),
                    * then the names of the certificate file and of its key file, e.g.
                    * “coldchain-cert.pem” and “coldchain-key.pem”. */
                   _("The cold chain server's certificate in %s cannot be read (%s). Delete "
                     "%s and %s to make a new one."),
                   data_dir, local_error->message, OMS_COLDCHAIN_CERTIFICATE_FILE,
                   OMS_COLDCHAIN_KEY_FILE);
    }

  return certificate;
}
