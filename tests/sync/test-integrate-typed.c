/* test-integrate-typed.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "oms-integrator-private.h"
#include "oms-store-private.h"
#include "oms-test-util.h"
#include "oms-translate-sql.h"

/* The set-based integration of typed tables must leave exactly what the per-record path
 * leaves: the same rows, the same changelog rows in the same order, the same outcome on every
 * buffer row. Each test integrates the same buffer twice, once each way, and compares.
 *
 * Records are written with ' for " to keep them readable; "simple" says whether the set-based
 * path is expected to take the record (the rest are left to the per-record path).
 */

typedef struct
{
  const char *table;
  const char *record_id;
  const char *data;
  gboolean    simple;
  const char *action; /* NULL: UPSERT */
  gboolean    only_json1; /* simple to the JSON1 condition, not to oms_pull_simple() */
} Case;

#define ASSET_FIELDS \
  "'asset_category_id':'cat-1','asset_class_id':'class-1','asset_type_id':'type-1'," \
  "'catalogue_item_id':'cat-item-1','store_id':'STORE_A'"

static const Case cases[] = {
  /* Generic and hooked tables: always record by record. */
  { "item", "I1", "{'ID':'I1','item_name':'Vaccine','store_ID':''}", FALSE },
  { "item", "I2", "{'ID':'I2','item_name':'Syringe','store_ID':''}", FALSE },
  { "clinician", "C1", "{'ID':'C1','first_name':'Ada','last_name':'Lovelace'}", FALSE },
  { "name", "N1", "{'ID':'N1','name':'General','code':'GEN','type':'facility','customer':true,"
                  "'supplier':false,'female':false,'manufacturer':false,'donor':false,"
                  "'hold':false,'isDeceased':false,'created_date':'2021-09-03'}", FALSE },
  { "store", "STORE_A", "{'ID':'STORE_A','name_ID':'N1','code':'SA','sync_id_remote_site':2,"
                        "'store_mode':'store','disabled':false,'created_date':'0000-00-00'}",
    FALSE },
  { "sensor", "S1", "{'ID':'S1','name':'Fridge sensor','macAddress':'SN-1 | BLUE_MAESTRO',"
                    "'storeID':'STORE_A','locationID':'','batteryLevel':90,'logInterval':5,"
                    "'is_active':true,'lastConnectionDate':'2023-07-01',"
                    "'lastConnectionTime':47046,'om_last_connection_datetime':''}", FALSE },

  /* Location: no dates, a real and a boolean. */
  { "Location", "L1", "{'ID':'L1','Description':'Fridge','code':'F1','hold':false,"
                      "'store_ID':'STORE_A','type_ID':'','Volume':1}", TRUE },
  { "Location", "L2", "{'ID':'L2','Description':'Kühlschrank ❄','code':'F2','hold':true,"
                      "'store_ID':'STORE_A','type_ID':'T1','Volume':10.6}", TRUE },
  { "Location", "L3", "{'ID':'L3','Description':'Cold room','code':'F3','hold':false,"
                      "'store_ID':'STORE_A','Volume':'0'}", FALSE },
  { "Location", "L4", "{'ID':'L4','Description':'Cold room','code':'F4','hold':null,"
                      "'store_ID':'STORE_A','Volume':0}", FALSE },
  { "Location", "L5", "{'ID':'L5','Description':'Dépôt','code':'F5','hold':false,"
                      "'store_ID':'STORE_A','Volume':-0.0}", TRUE },

  /* temperature_breach: ints, an enum, a negated boolean, two legacy datetimes. */
  { "temperature_breach", "B1",
    "{'ID':'B1','duration':86400,'type':'COLD_CONSECUTIVE','sensor_ID':'S1','location_ID':'',"
    "'store_ID':'STORE_A','acknowledged':false,'threshold_minimum_temperature':-273,"
    "'threshold_maximum_temperature':2.0,'threshold_duration':3600,'om_comment':'',"
    "'start_date':'2023-07-01','start_time':47046,'om_start_datetime':'',"
    "'end_date':'0000-00-00','end_time':0,'om_end_datetime':''}", TRUE },
  { "temperature_breach", "B2",
    "{'ID':'B2','duration':-2147483648,'type':'HOT_CUMULATIVE','sensor_ID':'S1',"
    "'store_ID':'STORE_A','acknowledged':true,'threshold_minimum_temperature':8,"
    "'threshold_maximum_temperature':1e2,'threshold_duration':2147483647,'om_comment':'door',"
    "'start_date':'2023-07-01T00:00:00','start_time':'13:04:06',"
    "'om_start_datetime':'2023-07-01T13:04:06.250','end_date':'2023-07-02','end_time':3600,"
    "'om_end_datetime':null}", TRUE },
  { "temperature_breach", "B3",
    "{'ID':'B3','duration':2147483648,'type':'EXCURSION','sensor_ID':'S1','store_ID':'STORE_A',"
    "'acknowledged':false,'threshold_minimum_temperature':0,'threshold_maximum_temperature':0,"
    "'threshold_duration':0,'start_date':'2023-07-01','start_time':0,'end_date':'',"
    "'end_time':0}", FALSE },
  { "temperature_breach", "B4",
    "{'ID':'B4','duration':1,'type':'COLD','sensor_ID':'S1','store_ID':'STORE_A',"
    "'acknowledged':false,'threshold_minimum_temperature':0,'threshold_maximum_temperature':0,"
    "'threshold_duration':0,'start_date':'2023-07-01','start_time':0,'end_date':'',"
    "'end_time':0}", FALSE },
  { "temperature_breach", "B5",
    "{'ID':'B5','duration':1.0,'type':'EXCURSION','sensor_ID':'S1','store_ID':'STORE_A',"
    "'acknowledged':false,'threshold_minimum_temperature':0,'threshold_maximum_temperature':0,"
    "'threshold_duration':0,'start_date':'2023-07-01','start_time':0,'end_date':'',"
    "'end_time':0}", FALSE },
  { "temperature_breach", "B6",
    "{'ID':'B6','duration':true,'type':'EXCURSION','sensor_ID':'S1','store_ID':'STORE_A',"
    "'acknowledged':false,'threshold_minimum_temperature':0,'threshold_maximum_temperature':0,"
    "'threshold_duration':0,'start_date':'2023-07-01','start_time':0,'end_date':'',"
    "'end_time':0}", FALSE },
  { "temperature_breach", "B7",
    "{'ID':'B7','duration':5,'type':'EXCURSION','sensor_ID':'S1','store_ID':'STORE_A',"
    "'acknowledged':'no','threshold_minimum_temperature':0,'threshold_maximum_temperature':0,"
    "'threshold_duration':0,'start_date':'2023-07-01','start_time':0,'end_date':'',"
    "'end_time':0}", FALSE },
  { "temperature_breach", "B8",
    "{'ID':'B8','duration':5,'type':'EXCURSION','sensor_ID':'S1','store_ID':'STORE_A',"
    "'acknowledged':false,'threshold_minimum_temperature':0,'threshold_maximum_temperature':0,"
    "'threshold_duration':0,'start_date':'0000-00-00','start_time':0,'om_start_datetime':'',"
    "'end_date':'','end_time':0}", FALSE },

  /* temperature_log: a required legacy datetime, reals. */
  { "temperature_log", "T1",
    "{'ID':'T1','temperature':10.6,'sensor_ID':'S1','location_ID':'L1','store_ID':'STORE_A',"
    "'temperature_breach_ID':'','date':'2023-07-01','time':47046,'om_datetime':''}", TRUE },
  { "temperature_log", "T2",
    "{'ID':'T2','temperature':-18.25,'sensor_ID':'S1','location_ID':'','store_ID':'STORE_A',"
    "'temperature_breach_ID':'B1','date':'2023-07-01','time':'13:04:06',"
    "'om_datetime':'2023-07-01T13:04:06.5'}", TRUE },
  { "temperature_log", "T3",
    "{'ID':'T3','temperature':4,'sensor_ID':'S1','store_ID':'STORE_A',"
    "'date':'2023-07-01T00:00:00','time':null}", TRUE },
  { "temperature_log", "T4",
    "{'ID':'T4','temperature':5.248224,'sensor_ID':'S1','store_ID':'STORE_A',"
    "'date':'2024-02-29','time':90000,'om_datetime':null}", TRUE },
  { "temperature_log", "T5",
    "{'ID':'T5','temperature':-9.637683,'sensor_ID':'S1','store_ID':'STORE_A',"
    "'date':'2024-02-29 23:59:59','time':-5}", TRUE },
  { "temperature_log", "T6",
    "{'ID':'T6','temperature':1.7976931348623157e308,'sensor_ID':'S1','store_ID':'STORE_A',"
    "'date':'2023-07-01','time':86399}", TRUE },
  { "temperature_log", "T7",
    "{'ID':'T7','temperature':4.9e-324,'sensor_ID':'S1','store_ID':'STORE_A',"
    "'date':'2023-07-01','time':0,'om_datetime':'2023-07-01t01:02:03.100000'}", TRUE },
  { "temperature_log", "T8",
    "{'ID':'T8','temperature':9223372036854775807,'sensor_ID':'S1','store_ID':'STORE_A',"
    "'date':'2023-07-01','time':1}", TRUE },
  { "temperature_log", "T9",
    "{'ID':'T9','temperature':9223372036854775808,'sensor_ID':'S1','store_ID':'STORE_A',"
    "'date':'2023-07-01','time':1}", FALSE },
  { "temperature_log", "T10",
    "{'ID':'T10','temperature':1,'sensor_ID':'S1','store_ID':'STORE_A',"
    "'date':'2023-07-01','time':99999999999999999999}", FALSE },
  { "temperature_log", "T11",
    "{'ID':'T11','temperature':1,'sensor_ID':'S1','store_ID':'STORE_A',"
    "'date':'0000-00-00','time':0,'om_datetime':''}", FALSE },
  { "temperature_log", "T12",
    "{'ID':'T12','temperature':1,'sensor_ID':'S1','store_ID':'STORE_A','date':'2023-07-01'}",
    FALSE },
  { "temperature_log", "T13",
    "{'ID':'T13','temperature':'5','sensor_ID':'S1','store_ID':'STORE_A',"
    "'date':'2023-07-01','time':0}", FALSE },
  { "temperature_log", "T14",
    "{'ID':'T14','temperature':null,'sensor_ID':'S1','store_ID':'STORE_A',"
    "'date':'2023-07-01','time':0}", FALSE },
  { "temperature_log", "T15",
    "{'ID':'T15','temperature':1,'sensor_ID':'S1','store_ID':'STORE_A',"
    "'date':'2023-13-01','time':0}", FALSE },
  { "temperature_log", "T16",
    "{'ID':'T16','temperature':1,'sensor_ID':'S1','store_ID':'STORE_A',"
    "'date':20230701,'time':0}", FALSE },
  { "temperature_log", "T17",
    "{'ID':'T17','temperature':1,'sensor_ID':'S1','store_ID':'STORE_A',"
    "'date':'2023-07-01','time':0,'om_datetime':'2023-07-01T25:00:00'}", FALSE },
  { "temperature_log", "T18",
    "{'ID':'T18','temperature':1,'sensor_ID':'S1','store_ID':'STORE_A',"
    "'date':'2023-07-01','time':0,'om_datetime':'2023-07-01T10:00:00Z'}", FALSE },
  { "temperature_log", "T19",
    "{'ID':'T19','temperature':1,'sensor_ID':'S1','store_ID':'STORE_A',"
    "'date':'2023-7-1','time':0}", FALSE },
  { "temperature_log", "T20",
    "{'ID':'T20','temperature':1,'sensor_ID':'S1','store_ID':'STORE_A',"
    "'date':'2023-07-01','time':0,'om_datetime':{'a':1}}", FALSE },

  /* asset: Open mSupply's own shape, the benchmark's table. */
  { "asset", "A1",
    "{" ASSET_FIELDS ",'asset_number':'BENCH-0000001','created_datetime':'2023-03-14T09:30:00',"
    "'id':'A1','installation_date':'2023-03-14','modified_datetime':'2025-11-02T10:15:00',"
    "'notes':'Benchmark asset 1','replacement_date':null,'serial_number':'SN000000001'}",
    TRUE },
  { "asset", "A2",
    "{'id':'A2','created_datetime':'2023-03-14T09:30:00',"
    "'modified_datetime':'2023-03-14T09:30:00'}",
    TRUE },
  { "asset", "A3",
    "{'id':'A3','created_datetime':'2023-03-14T09:30:00.123',"
    "'modified_datetime':'2023-03-14 09:30:00.100000','deleted_datetime':'',"
    "'installation_date':'','replacement_date':'2024-02-29','warranty_start':null,"
    "'warranty_end':'9999-12-31','needs_replacement':true,"
    "'properties':'{\\'energy_source\\':\\'Solar\\',\\'capacity\\':12}',"
    "'locked_fields_json':null,'notes':'Line one\\nline two\\t\\'quoted\\' \\\\ \\/ ❄ Ω',"
    "'store_id':'STORE_A','donor_name_id':'N1','extra':99999999999999999999,"
    "'serial_number':'say \\'notes\\''}", TRUE },
  { "asset", "A4",
    "{'id':'A4','created_datetime':'2023-03-14T09:30:00.000',"
    "'modified_datetime':'2023-03-14T09:30:00.000001','deleted_datetime':'2024-01-01T00:00:00',"
    "'needs_replacement':false,'store_id':'','asset_number':''}", TRUE },
  { "asset", "A5",
    "{\n  'id' : 'A5',\n  'created_datetime' : '2023-03-14T09:30:00',\n"
    "  'modified_datetime' : '2023-03-14T09:30:00',\n  'store_id' : 'STORE_B'\n}", TRUE },
  { "asset", "X1", "{'id':'X1','created_datetime':'2023-03-14T09:30:00',"
                   "'modified_datetime':'2023-03-14T09:30:00','installation_date':'2024-1-5'}",
    FALSE },
  { "asset", "X2", "{'id':'X2','created_datetime':'2024-01-05T10:00:00Z',"
                   "'modified_datetime':'2023-03-14T09:30:00'}", FALSE },
  { "asset", "X3", "{'id':'X3','created_datetime':'2023-03-14T09:30:00',"
                   "'modified_datetime':'2023-03-14T09:30:00','notes':5}", FALSE },
  { "asset", "X4", "{'id':'X4','created_datetime':'2023-03-14T09:30:00',"
                   "'modified_datetime':'2023-03-14T09:30:00','properties':{'a':1}}", FALSE },
  { "asset", "X5", "{'id':'X5','created_datetime':'2023-03-14T09:30:00',"
                   "'modified_datetime':'2023-03-14T09:30:00','needs_replacement':'yes'}",
    FALSE },
  { "asset", "X6", "{'id':'X6','created_datetime':null,"
                   "'modified_datetime':'2023-03-14T09:30:00'}", FALSE },
  { "asset", "X7", "{'id':'','created_datetime':'2023-03-14T09:30:00',"
                   "'modified_datetime':'2023-03-14T09:30:00'}", FALSE },
  { "asset", "X8", "{'created_datetime':'2023-03-14T09:30:00',"
                   "'modified_datetime':'2023-03-14T09:30:00'}", FALSE },
  /* json-glib keeps the last of a repeated key, SQLite's json_extract() the first. */
  { "asset", "X9", "{'id':'X9','created_datetime':'2023-03-14T09:30:00',"
                   "'modified_datetime':'2023-03-14T09:30:00','notes':'first','notes':'last'}",
    FALSE },
  /* json-glib decodes an escaped key, json_extract() compares it raw. */
  { "asset", "X10", "{'id':'X10','created_datetime':'2023-03-14T09:30:00',"
                    "'modified_datetime':'2023-03-14T09:30:00','\\u006eotes':'escaped'}", FALSE },
  /* json-glib rejects invalid UTF-8 and lone surrogates, SQLite does not. */
  { "asset", "X11", "{'id':'X11','created_datetime':'2023-03-14T09:30:00',"
                    "'modified_datetime':'2023-03-14T09:30:00','notes':'bad \xff byte'}", FALSE },
  { "asset", "X12", "{'id':'X12','created_datetime':'2023-03-14T09:30:00',"
                    "'modified_datetime':'2023-03-14T09:30:00','notes':'half \\ud800'}", FALSE },
  { "asset", "X13", "not json at all", FALSE },
  { "asset", "X14", "['X14']", FALSE },
  { "asset", "X15", "{'id':'X15','created_datetime':'2023-03-14T09:30:00',"
                    "'modified_datetime':'2023-03-14T09:30:00','notes':'caf\\u00e9'}", FALSE },
  { "asset", "X16", "{'id':'X16','created_datetime':'2023-03-14T09:30:00',"
                    "'modified_datetime':'2023-03-14T09:30:00','deleted_datetime':0}", FALSE },
  { "asset", "X17", "{'id':'X17','created_datetime':'2023-03-14T09:30:00',"
                    "'modified_datetime':'2023-03-14T09:30:00','installation_date':'0000-00-00'}",
    FALSE },
  { "asset", "X18", "{'id':'X18','created_datetime':'2023-03-14T09:30:00',"
                    "'modified_datetime':'2023-03-14T09:30:00','warranty_end':'2023-02-29'}",
    FALSE },
  /* A key also used in a nested object: not simple, though it would be. */
  { "asset", "X19", "{'id':'X19','created_datetime':'2023-03-14T09:30:00',"
                    "'modified_datetime':'2023-03-14T09:30:00','extra':{'id':'nested'}}", FALSE },
  { "asset", "X20", "{'id':'X20','created_datetime':'2023-03-14T09:30:00',"
                    "'modified_datetime':'2023-03-14T09:30:00'} trailing", FALSE },
  { "asset", "X21", "\xef\xbb\xbf{'id':'X21','created_datetime':'2023-03-14T09:30:00',"
                    "'modified_datetime':'2023-03-14T09:30:00'}", FALSE },
  { "asset", "X22", "{'id':'X22','created_datetime':'0000-03-14T09:30:00',"
                    "'modified_datetime':'2023-03-14T09:30:00'}", FALSE },
  { "asset", "X23", "{'id':'X23','created_datetime':'2023-03-14T09:30:00.1234567891',"
                    "'modified_datetime':'2023-03-14T09:30:00'}", TRUE },
  { "asset", "X24", "{'id':'X24','created_datetime':'2023-03-14T09:30',"
                    "'modified_datetime':'2023-03-14T09:30:00'}", FALSE },

  /* One record twice under two buffer ids: the later copy wins, each way round. */
  { "asset", "D1-first", "{'id':'D1','created_datetime':'2023-03-14T09:30:00',"
                         "'modified_datetime':'2023-03-14T09:30:00','notes':'n','notes':'complex'}",
    FALSE },
  { "asset", "D1-second", "{'id':'D1','created_datetime':'2023-03-14T09:30:00',"
                          "'modified_datetime':'2023-03-14T09:30:00','notes':'simple'}", TRUE },
  { "asset", "D2-first", "{'id':'D2','created_datetime':'2023-03-14T09:30:00',"
                         "'modified_datetime':'2023-03-14T09:30:00','notes':'simple'}", TRUE },
  { "asset", "D2-second", "{'id':'D2','created_datetime':'2023-03-14T09:30:00',"
                          "'modified_datetime':'2023-03-14T09:30:00','notes':'\\u00e9'}", FALSE },
  { "asset", "A6", "{'id':'A6','created_datetime':'2023-03-14T09:30:00',"
                   "'modified_datetime':'2023-03-14T09:30:00'}", FALSE, "DELETE" },

  /* asset_log: its store comes from its asset. */
  { "asset_log", "G1", "{'id':'G1','asset_id':'A1','user_id':'U1','status':'FUNCTIONING',"
                       "'comment':'Routine check','type':'STATUS_UPDATE','reason_id':null,"
                       "'log_datetime':'2025-11-02T10:15:00',"
                       "'created_datetime':'2025-11-02T10:15:00'}", TRUE },
  { "asset_log", "G2", "{'id':'G2','asset_id':'A2','user_id':'','status':'','type':null,"
                       "'log_datetime':'2025-11-02T10:15:00'}", TRUE },
  { "asset_log", "G3", "{'id':'G3','asset_id':'nowhere','user_id':'U1',"
                       "'log_datetime':'2025-11-02T10:15:00'}", TRUE },
  { "asset_log", "G4", "{'id':'G4','asset_id':'A4','user_id':'U1','status':'BROKEN',"
                       "'log_datetime':'2025-11-02T10:15:00'}", FALSE },
  { "asset_log", "G5", "{'id':'G5','asset_id':'A4','user_id':'U1',"
                       "'log_datetime':'2025-11-02T10:15:00','created_datetime':null}", FALSE },
  { "asset_log", "G6", "{'id':'G6','asset_id':'A4','user_id':'U1','type':'',"
                       "'log_datetime':'2025-11-02T10:15:00'}", TRUE },
  { "asset_log", "G7", "{'id':'G7','asset_id':'A5','user_id':null,"
                       "'log_datetime':'2025-11-02T10:15:00'}", FALSE },
  { "asset_log", "G8", "{'id':'G8','asset_id':'X9','user_id':'U1',"
                       "'status':'DECOMMISSIONED','log_datetime':'2025-11-02T10:15:00'}", TRUE },

  /* sync_file_reference: a hook fills the transfer state, so always record by record. F3 is
   * this site's own upload (prepare_store()): the pulled copy must not reset its state.
   */
  { "sync_file_reference", "F1",
    "{'id':'F1','table_name':'asset','record_id':'A1','file_name':'manual.pdf',"
    "'mime_type':'application/pdf','total_bytes':1024,'created_datetime':'2024-01-05T10:00:00'}",
    FALSE },
  { "sync_file_reference", "F2",
    "{'id':'F2','table_name':'asset','record_id':'A1','file_name':'x.jpg','total_bytes':null,"
    "'created_datetime':'2024-01-05T10:00:00'}", FALSE },
  { "sync_file_reference", "F3",
    "{'id':'F3','table_name':'asset','record_id':'A2','file_name':'renamed.jpg',"
    "'mime_type':null,'total_bytes':10,'created_datetime':'2024-01-05T10:00:00'}", FALSE },
};

/* Records aimed at oms_pull_simple()'s one-pass reading of the text: its grammar, its count of
 * keys, its numbers and its escapes. "only_json1" marks where it declines a record the JSON1
 * condition takes (declining is always safe: the record goes record by record).
 */
#define MIN_ASSET(id) "'id':'" id "','created_datetime':'2023-03-14T09:30:00'," \
                      "'modified_datetime':'2023-03-14T09:30:00'"
#define BREACH(id, duration) \
  "{'ID':'" id "','duration':" duration ",'type':'EXCURSION','sensor_ID':'S1'," \
  "'store_ID':'STORE_A','acknowledged':false,'threshold_minimum_temperature':0," \
  "'threshold_maximum_temperature':0,'threshold_duration':0,'start_date':'2023-07-01'," \
  "'start_time':0,'end_date':'','end_time':0}"
#define TLOG(id, temperature, time) \
  "{'ID':'" id "','temperature':" temperature ",'sensor_ID':'S1','store_ID':'STORE_A'," \
  "'date':'2023-07-01','time':" time "}"

static const Case adversarial[] = {
  /* Keys twice: a field's (not simple), or one no field reads (simple). */
  { "asset", "Y1", "{" MIN_ASSET ("Y1") ",'id':'Y1'}", FALSE },
  { "asset", "Y2", "{" MIN_ASSET ("Y2") ",'extra':1,'extra':'two'}", TRUE },
  { "asset", "Y3", "{'notes':null," MIN_ASSET ("Y3") ",'notes':'late'}", FALSE },
  /* Escapes in keys: another key, or a field's key after an escaped quote. */
  { "asset", "Y4", "{" MIN_ASSET ("Y4") ",'no\\tes':'tab','\\/notes':'slash'}", TRUE },
  { "asset", "Y5", "{" MIN_ASSET ("Y5") ",'x\\'notes':'quoted key'}", TRUE },
  { "asset", "Y6", "{" MIN_ASSET ("Y6") ",'x\\'id':'looks like id'}", FALSE },
  { "asset", "Y7", "{" MIN_ASSET ("Y7") ",'\\u0069d':'Y7'}", FALSE },
  /* Escapes in values: kept (json_extract() and json-glib decode them alike), or declined. */
  { "asset", "Y8", "{'id':'Y\\/8','created_datetime':'2023-03-14T09:30:00',"
                   "'modified_datetime':'2023-03-14T09:30:00',"
                   "'notes':'\\'id\\': \\'x\\', \\\\ \\b\\f\\n\\r\\t'}", TRUE },
  { "asset", "Y9", "{" MIN_ASSET ("Y9") ",'notes':'ends in \\'id'}", FALSE },
  { "asset", "Y10", "{" MIN_ASSET ("Y10") ",'notes':'id'}", FALSE },
  { "asset", "Y11", "{" MIN_ASSET ("Y11") ",'notes':'a \\\\u0041 b'}", FALSE },
  { "asset", "Y12", "{" MIN_ASSET ("Y12") ",'notes':'bad \\x escape'}", FALSE },
  { "asset", "Y13", "{" MIN_ASSET ("Y13") ",'notes':'raw \x01 control'}", FALSE },
  { "asset", "Y14", "{" MIN_ASSET ("Y14") ",'notes':'raw \t tab'}", FALSE },
  { "asset", "Y15", "{" MIN_ASSET ("Y15") ",'installation_date':'2023-03-14\\t'}", FALSE },
  { "asset", "Y16", "{'id':'Y16','created_datetime':'2023-03-14T09:30:00',"
                    "'modified_datetime':'2023\\/03\\/14T09:30:00'}", FALSE },
  /* Quotes and "key": sequences inside strings. */
  { "asset", "Y17", "{" MIN_ASSET ("Y17") ",'notes':'\\',\\'id\\':\\'Z\\',\\'notes\\':\\''}",
    TRUE },
  { "asset", "Y18", "{" MIN_ASSET ("Y18") ",'serial_number':'\\'store_id\\':','store_id':'S'}",
    TRUE },
  /* Nested objects and arrays with the fields' names. */
  { "asset", "Y19", "{" MIN_ASSET ("Y19") ",'extra':['id']}", FALSE },
  { "asset", "Y20", "{" MIN_ASSET ("Y20") ",'notes':'top','extra':{'x':[{'notes':1}]}}",
    FALSE },
  { "asset", "Y20b", "{" MIN_ASSET ("Y20b") ",'extra':{'x':[{'notes':1}]}}", TRUE },
  { "asset", "Y21", "{" MIN_ASSET ("Y21") ",'extra':{'a':[1,-2.5e3,true,false,null,{},[],"
                    "{'b':{'c':[[[]]]}}],'d':''}}", TRUE },
  { "asset", "Y22", "{" MIN_ASSET ("Y22") ",'extra':"
                    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1"
                    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
    FALSE, NULL, TRUE },
  /* A key that is the start or the end of another. */
  { "asset", "Y23", "{" MIN_ASSET ("Y23") ",'ids':'x','i':'y','store_id_old':'z',"
                    "'store':'w','notes ':'n','otes':'o','':'empty key'}", TRUE },
  /* Whitespace everywhere, and whitespace JSON does not have. */
  { "asset", "Y24", " \t\r\n{ \t\r\n'id' \t\r\n: \t\r\n'Y24' \t\r\n, \n'created_datetime'\n:\n"
                    "'2023-03-14T09:30:00'\r,\r'modified_datetime'\t:\t'2023-03-14T09:30:00'"
                    " , 'notes' : [ 1 , { } ] \t}\r\n ", FALSE },
  { "asset", "Y25", " \t\r\n{ \t\r\n'id' \t\r\n: \t\r\n'Y25' \t\r\n, \n'created_datetime'\n:\n"
                    "'2023-03-14T09:30:00'\r,\r'modified_datetime'\t:\t'2023-03-14T09:30:00'"
                    " , 'extra' : [ 1 , { } ] \t}\r\n ", TRUE },
  { "asset", "Y26", "{" MIN_ASSET ("Y26") ",\f'extra':1}", FALSE },
  { "asset", "Y27", "{" MIN_ASSET ("Y27") ",\v'extra':1}", FALSE },
  /* Invalid UTF-8: overlong, truncated, a surrogate, past U+10FFFF. */
  { "asset", "Y28", "{" MIN_ASSET ("Y28") ",'notes':'\xc0\xaf'}", FALSE },
  { "asset", "Y29", "{" MIN_ASSET ("Y29") ",'notes':'\xe2\x9d'}", FALSE },
  { "asset", "Y30", "{" MIN_ASSET ("Y30") ",'notes':'\xed\xa0\x80'}", FALSE },
  { "asset", "Y31", "{" MIN_ASSET ("Y31") ",'notes':'\xf4\x90\x80\x80'}", FALSE },
  { "asset", "Y32", "{" MIN_ASSET ("Y32") ",'notes':'\xf0\x9f\x92\x89 \xe2\x9d\x84'}", TRUE },
  /* Truncated and malformed texts. */
  { "asset", "Y33", "{" MIN_ASSET ("Y33"), FALSE },
  { "asset", "Y34", "{" MIN_ASSET ("Y34") ",", FALSE },
  { "asset", "Y35", "{" MIN_ASSET ("Y35") ",'notes':'open", FALSE },
  { "asset", "Y36", "{" MIN_ASSET ("Y36") ",'extra':1.}", FALSE },
  { "asset", "Y37", "{" MIN_ASSET ("Y37") ",'extra':-}", FALSE },
  { "asset", "Y38", "{" MIN_ASSET ("Y38") ",'extra':1e}", FALSE },
  { "asset", "Y39", "{" MIN_ASSET ("Y39") ",'extra':01}", FALSE },
  { "asset", "Y40", "{" MIN_ASSET ("Y40") ",'extra':.5}", FALSE },
  { "asset", "Y41", "{" MIN_ASSET ("Y41") ",'extra':+1}", FALSE },
  { "asset", "Y42", "{" MIN_ASSET ("Y42") ",}", FALSE },
  { "asset", "Y43", "{" MIN_ASSET ("Y43") " 'notes':'no comma'}", FALSE },
  { "asset", "Y44", "{" MIN_ASSET ("Y44") ",'notes' 'no colon'}", FALSE },
  { "asset", "Y45", "{" MIN_ASSET ("Y45") "}{}", FALSE },
  { "asset", "Y46", "{" MIN_ASSET ("Y46") ",'extra':truex}", FALSE },
  { "asset", "Y47", "{" MIN_ASSET ("Y47") ",'extra':nul}", FALSE },
  { "asset", "Y48", "{" MIN_ASSET ("Y48") ",'extra':[1,]}", FALSE },
  { "asset", "Y49", "{" MIN_ASSET ("Y49") ",'extra':{'a'}}", FALSE },
  { "asset", "Y50", "'Y50'", FALSE },
  { "asset", "Y51", "null", FALSE },
  { "asset", "Y52", "", FALSE },
  { "asset", "Y53", "{" MIN_ASSET ("Y53") ",'extra':1E+400,'more':-0.0e-0}", TRUE },
  /* Booleans and strings of the wrong case or type. */
  { "asset", "Y54", "{" MIN_ASSET ("Y54") ",'needs_replacement':True}", FALSE },
  { "asset", "Y55", "{" MIN_ASSET ("Y55") ",'needs_replacement':0}", FALSE },
  { "asset", "Y56", "{" MIN_ASSET ("Y56") ",'notes':[]}", FALSE },

  /* Integers at the edges of i32 and i64, exponents, -0. */
  { "temperature_breach", "W1", BREACH ("W1", "2147483647"), TRUE },
  { "temperature_breach", "W2", BREACH ("W2", "-2147483648"), TRUE },
  { "temperature_breach", "W3", BREACH ("W3", "-2147483649"), FALSE },
  { "temperature_breach", "W4", BREACH ("W4", "-0"), TRUE },
  { "temperature_breach", "W5", BREACH ("W5", "1e2"), FALSE },
  { "temperature_breach", "W6", BREACH ("W6", "1E+2"), FALSE },
  { "temperature_breach", "W7", BREACH ("W7", "21474836470"), FALSE },
  { "temperature_breach", "W8", BREACH ("W8", "-9223372036854775808"), FALSE },
  { "temperature_breach", "W9", BREACH ("W9", "0.0"), FALSE },
  { "temperature_log", "V1", TLOG ("V1", "-0", "-0"), TRUE },
  { "temperature_log", "V2", TLOG ("V2", "1E-5", "1e3"), TRUE },
  { "temperature_log", "V3", TLOG ("V3", "-9223372036854775808", "86399"), TRUE },
  { "temperature_log", "V4", TLOG ("V4", "-9223372036854775809", "0"), FALSE },
  { "temperature_log", "V5", TLOG ("V5", "2.5e+3", "9223372036854775807"), TRUE },
  { "temperature_log", "V6", TLOG ("V6", "1", "-9223372036854775808"), TRUE },
  { "temperature_log", "V7", TLOG ("V7", "1", "-9223372036854775809"), FALSE },
  { "temperature_log", "V8", TLOG ("V8", "1", "true"), TRUE },
  { "temperature_log", "V9", TLOG ("V9", "1", "{'time':1}"), FALSE },
  { "temperature_log", "V10", TLOG ("V10", "1", "{'a':[1]}"), TRUE },
  { "temperature_log", "V11", TLOG ("V11", "12345678901234567890", "0"), FALSE },
  { "temperature_log", "V12", TLOG ("V12", "-0.0", "null"), TRUE },
  { "temperature_log", "V13", TLOG ("V13", "1e400", "0"), TRUE },
  { "temperature_log", "V14", TLOG ("V14", "-2.2250738585072011e-308", "0"), TRUE },
  { "Location", "U1", "{'ID':'U1','Description':'a','code':'U1','hold':false,"
                      "'store_ID':'STORE_A','Volume':1E2}", TRUE },
  { "Location", "U2", "{'ID':'U2','Description':'b','code':'U2','hold':false,"
                      "'store_ID':'STORE_A','Volume':-0,'type_ID':null}", TRUE },
  /* Enums: exact, or declined when escaped though the value would match. */
  { "asset_log", "Q1", "{'id':'Q1','asset_id':'A1','user_id':'U1','status':'NOT_IN_USE',"
                       "'log_datetime':'2025-11-02T10:15:00'}", TRUE },
  { "asset_log", "Q2", "{'id':'Q2','asset_id':'A1','user_id':'U1','status':'FUNCTIONING\\/',"
                       "'log_datetime':'2025-11-02T10:15:00'}", FALSE },
  { "asset_log", "Q3", "{'id':'Q3','asset_id':'A1','user_id':'U1','status':'functioning',"
                       "'log_datetime':'2025-11-02T10:15:00'}", FALSE },
  { "asset_log", "Q4", "{'id':'Q4','asset_id':'A1','user_id':'U1','status':'FUNCTIONIN',"
                       "'log_datetime':'2025-11-02T10:15:00'}", FALSE },
};

#undef MIN_ASSET
#undef BREACH
#undef TLOG

static void
fill_buffer (OmsStore   *store,
             const Case *records,
             guint       n_records)
{
  sqlite3_stmt *stmt = NULL;

  oms_test_exec_sql (store, "BEGIN");
  g_assert_cmpint (sqlite3_prepare_v2 (oms_store_get_db (store),
                                       "INSERT INTO sync_buffer (record_id, received_datetime, "
                                       "table_name, action, data, source_site_id) "
                                       "VALUES (?1, ?2, ?3, ?4, ?5, 7)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);

  for (guint i = 0; i < n_records; i++)
    {
      g_autofree char *data = g_strdelimit (g_strdup (records[i].data), "'", '"');
      /* Two records per received time, so that the buffer's rowid orders them too. */
      g_autofree char *received = g_strdup_printf ("2026-01-01T%02u:%02u:%02u.000000",
                                                   i / 2 / 3600, i / 2 / 60 % 60, i / 2 % 60);

      sqlite3_bind_text (stmt, 1, records[i].record_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, received, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, records[i].table, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, records[i].action ? records[i].action : "UPSERT", -1,
                         SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, data, -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_reset (stmt);
    }

  sqlite3_finalize (stmt);
  oms_test_exec_sql (store, "COMMIT");
}

typedef struct
{
  gboolean      done;
  gboolean      ok;
  GError       *error;
  gint64        total;
  GCancellable *cancel_on_progress;
} Run;

static void
integrate_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Run *run = user_data;

  run->ok = oms_integrator_run_finish (result, &run->error);
  run->done = TRUE;
}

/* The first report gives the total; the first after it comes from a page written. */
static void
progress_cb (gint64   remaining,
             gpointer user_data)
{
  Run *run = user_data;

  if (run->total < 0)
    run->total = remaining;
  else if (remaining < run->total && run->cancel_on_progress != NULL)
    g_cancellable_cancel (run->cancel_on_progress);
}

static void
run_integrator (const char   *dir,
                GCancellable *cancel_on_progress,
                GError      **error)
{
  Run run = { FALSE, FALSE, NULL, -1, cancel_on_progress };

  oms_integrator_run_async (dir, TRUE, 7, progress_cb, &run, cancel_on_progress, integrate_cb,
                            &run);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (run.ok == (run.error == NULL));
  if (run.error != NULL)
    g_propagate_error (error, run.error);
}

static void
integrate (const char *dir)
{
  g_autoptr(GError) error = NULL;

  run_integrator (dir, NULL, &error);
  g_assert_no_error (error);
}

/* Every value with its storage class; reals bit for bit. */
static void
append_value (GString      *out,
              sqlite3_stmt *stmt,
              int           column)
{
  switch (sqlite3_column_type (stmt, column))
    {
    case SQLITE_NULL:
      g_string_append (out, "NULL");
      break;

    case SQLITE_INTEGER:
      g_string_append_printf (out, "int:%" G_GINT64_FORMAT,
                              (gint64) sqlite3_column_int64 (stmt, column));
      break;

    case SQLITE_FLOAT:
      g_string_append_printf (out, "real:%a", sqlite3_column_double (stmt, column));
      break;

    case SQLITE_TEXT:
    case SQLITE_BLOB:
    default:
      {
        g_autofree char *escaped = g_strescape ((const char *) sqlite3_column_text (stmt, column),
                                                NULL);

        g_string_append_printf (out, "%s:\"%s\"",
                                sqlite3_column_type (stmt, column) == SQLITE_TEXT ? "text"
                                                                                  : "blob",
                                escaped);
      }
      break;
    }
}

static void
dump_query (OmsStore   *store,
            const char *title,
            const char *sql,
            GPtrArray  *lines)
{
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (oms_store_get_db (store), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      GString *line = g_string_new (title);

      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        {
          g_string_append_printf (line, " %s=", sqlite3_column_name (stmt, i));
          append_value (line, stmt, i);
        }
      g_ptr_array_add (lines, g_string_free (line, FALSE));
    }
  sqlite3_finalize (stmt);
}

/* What integration leaves, less row ids and timestamps. */
static GPtrArray *
dump_store (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsStore) store = oms_store_open (dir, &error);
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  const OmsTableInfo *tables;
  const OmsLinkInfo *links;
  guint n_tables;
  guint n_links;

  g_assert_no_error (error);

  tables = oms_store_schema_get_tables (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM \"%s\" ORDER BY id", tables[i].name);

      dump_query (store, tables[i].name, sql, lines);
    }
  dump_query (store, "record",
              "SELECT table_name, id, store_id, data FROM record ORDER BY table_name, id", lines);
  links = oms_store_schema_get_links (&n_links);
  for (guint i = 0; i < n_links; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM %s ORDER BY id", links[i].link_table);

      dump_query (store, links[i].link_table, sql, lines);
    }
  dump_query (store, "changelog",
              "SELECT table_name, record_id, row_action, name_link_id, store_id, is_sync_update, "
              "source_site_id, superseded FROM changelog ORDER BY cursor", lines);
  dump_query (store, "sync_buffer",
              "SELECT record_id, integration_datetime IS NOT NULL AS integrated, "
              "integration_error FROM sync_buffer ORDER BY record_id", lines);

  return lines;
}

static void
assert_same (GPtrArray *expected,
             GPtrArray *got)
{
  for (guint i = 0; i < MIN (expected->len, got->len); i++)
    g_assert_cmpstr (g_ptr_array_index (got, i), ==, g_ptr_array_index (expected, i));
  g_assert_cmpuint (got->len, ==, expected->len);
}

static guint
count_lines (GPtrArray  *lines,
             const char *prefix,
             const char *part)
{
  guint n = 0;

  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);

      n += g_str_has_prefix (line, prefix) && strstr (line, part) != NULL;
    }

  return n;
}

static guint
count_simple (const Case *records,
              guint       n_records)
{
  guint n = 0;

  for (guint i = 0; i < n_records; i++)
    n += records[i].simple;

  return n;
}

/* A store with one row of its own to be replaced, a link a merge repointed, and @records in
 * its buffer.
 */
static char *
prepare_store (const Case *records,
               guint       n_records)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("oms-integrate-typed-XXXXXX", &error);
  g_autoptr(OmsStore) store = NULL;

  g_assert_no_error (error);
  store = oms_store_open (dir, &error);
  g_assert_no_error (error);

  oms_test_exec_sql (store,
                     "INSERT INTO asset (id, notes, store_id, created_datetime, modified_datetime) "
                     "VALUES ('A1', 'local notes', 'STORE_OLD', '2020-01-01T00:00:00', "
                     "'2020-01-01T00:00:00')");
  oms_test_exec_sql (store, "INSERT INTO item_link (id, item_id) VALUES ('I1', 'I_KEPT')");
  oms_test_exec_sql (store,
                     "INSERT INTO sync_file_reference (id, table_name, record_id, file_name, "
                     "uploaded_bytes, total_bytes, direction, status, created_datetime) "
                     "VALUES ('F3', 'asset', 'A2', 'photo.jpg', 10, 10, 'UPLOAD', 'DONE', "
                     "'2024-01-05T10:00:00')");
  fill_buffer (store, records, n_records);

  return g_steal_pointer (&dir);
}

/* Integrates @records once each way and returns what the per-record path left. */
static GPtrArray *
assert_same_both_ways (const Case *records,
                       guint       n_records)
{
  g_autofree char *bulk_dir = prepare_store (records, n_records);
  g_autofree char *per_record_dir = prepare_store (records, n_records);
  g_autoptr(GPtrArray) bulk = NULL;
  g_autoptr(GPtrArray) per_record = NULL;
  guint before;

  before = oms_integrator_get_n_typed_in_bulk ();
  oms_integrator_set_typed_in_bulk (FALSE);
  integrate (per_record_dir);
  g_assert_cmpuint (oms_integrator_get_n_typed_in_bulk () - before, ==, 0);

  before = oms_integrator_get_n_typed_in_bulk ();
  oms_integrator_set_typed_in_bulk (TRUE);
  integrate (bulk_dir);
  /* The canonical records took the set-based path, and only they did. */
  g_assert_cmpuint (oms_integrator_get_n_typed_in_bulk () - before, ==,
                    count_simple (records, n_records));

  per_record = dump_store (per_record_dir);
  bulk = dump_store (bulk_dir);
  assert_same (per_record, bulk);

  oms_test_remove_dir_unchecked (bulk_dir);
  oms_test_remove_dir_unchecked (per_record_dir);

  return g_steal_pointer (&per_record);
}

static void
test_same_as_per_record (void)
{
  g_autoptr(GPtrArray) per_record = assert_same_both_ways (cases, G_N_ELEMENTS (cases));

  /* The comparison covers something: errors recorded, typed rows written or replaced. */
  g_assert_cmpuint (count_lines (per_record, "sync_buffer ", "integration_error=text:"), >=, 30);
  g_assert_cmpuint (count_lines (per_record, "asset ", "id=text:\"A1\" notes=text:\"Benchmark"),
                    ==, 1);
  g_assert_cmpuint (count_lines (per_record, "asset_log ", "id=text:\"G1\""), ==, 1);
  g_assert_cmpuint (count_lines (per_record, "temperature_log ", "datetime="), >=, 10);
  g_assert_cmpuint (count_lines (per_record, "changelog ", "source_site_id=int:7"), >=, 40);
  /* Names, items and clinicians are linked to themselves, and a repointed link stays. */
  g_assert_cmpuint (count_lines (per_record, "name_link ", "id=text:\"N1\" name_id=text:\"N1\""),
                    ==, 1);
  g_assert_cmpuint (count_lines (per_record, "item_link ",
                                 "id=text:\"I1\" item_id=text:\"I_KEPT\""), ==, 1);
  g_assert_cmpuint (count_lines (per_record, "item_link ",
                                 "id=text:\"I2\" item_id=text:\"I2\""), ==, 1);
  g_assert_cmpuint (count_lines (per_record, "clinician_link ",
                                 "id=text:\"C1\" clinician_id=text:\"C1\""), ==, 1);
  g_assert_cmpuint (count_lines (per_record, "name_link ", ""), ==, 1);
  g_assert_cmpuint (count_lines (per_record, "item_link ", ""), ==, 2);
  /* A pulled file reference starts as a download; this site's own upload keeps its state. */
  g_assert_cmpuint (count_lines (per_record, "sync_file_reference ",
                                 "id=text:\"F1\" table_name=text:\"asset\""), ==, 1);
  g_assert_cmpuint (count_lines (per_record, "sync_file_reference ",
                                 "direction=text:\"DOWNLOAD\" status=text:\"NEW\""), ==, 1);
  g_assert_cmpuint (count_lines (per_record, "sync_file_reference ",
                                 "file_name=text:\"renamed.jpg\" mime_type=NULL "
                                 "uploaded_bytes=int:10"), ==, 1);
  g_assert_cmpuint (count_lines (per_record, "sync_file_reference ",
                                 "direction=text:\"UPLOAD\" status=text:\"DONE\""), ==, 1);
  g_assert_cmpuint (count_lines (per_record, "sync_buffer ",
                                 "record_id=text:\"F2\" integrated=int:1 "
                                 "integration_error=text:"), ==, 1);
}

/* The awkward records integrated both ways. */
static void
test_adversarial (void)
{
  g_autoptr(GPtrArray) per_record = assert_same_both_ways (adversarial,
                                                           G_N_ELEMENTS (adversarial));

  g_assert_cmpuint (count_lines (per_record, "asset ", "id=text:\"Y/8\""), ==, 1);
  g_assert_cmpuint (count_lines (per_record, "temperature_breach ", "id=text:\"W2\""), ==, 1);
}

/* Runs oms_pull_simple() and the JSON1 condition it replaced side by side on one record's
 * text; returns oms_pull_simple()'s answer.
 */
static gboolean
assert_simple_in_c (sqlite3    *db,
                    const char *table,
                    const char *data,
                    gsize       length,
                    gboolean    only_json1)
{
  g_auto(OmsTranslateSql) sql = { 0 };
  g_autofree char *query = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean in_c;
  gboolean in_json1;

  if (!oms_translate_sql_pull (table, "?1", "NULL", &sql))
    return FALSE;

  query = g_strdup_printf ("SELECT coalesce (%s, 0), coalesce (%s, 0)",
                           sql.simple, sql.simple_json1);
  g_assert_cmpint (sqlite3_prepare_v2 (db, query, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, data, length, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  in_c = sqlite3_column_int (stmt, 0) != 0;
  in_json1 = sqlite3_column_int (stmt, 1) != 0;
  sqlite3_finalize (stmt);

  /* At least as strict, and stricter only where the case says so. */
  if (in_c != in_json1 || only_json1)
    g_test_message ("%s %s: oms_pull_simple %d, JSON1 %d", table, data, in_c, in_json1);
  g_assert_true (!in_c || in_json1);
  g_assert_cmpint (in_c != in_json1, ==, only_json1);

  return in_c;
}

static void
assert_cases_simple_in_c (sqlite3    *db,
                          const Case *records,
                          guint       n_records)
{
  for (guint i = 0; i < n_records; i++)
    {
      g_autofree char *data = g_strdelimit (g_strdup (records[i].data), "'", '"');
      gboolean simple;

      if (records[i].action != NULL)
        continue;
      simple = assert_simple_in_c (db, records[i].table, data, strlen (data),
                                   records[i].only_json1);
      if (simple != records[i].simple)
        g_test_message ("%s: simple %d, expected %d", records[i].record_id, simple,
                        records[i].simple);
      g_assert_cmpint (simple, ==, records[i].simple);
    }
}

/* oms_pull_simple() against the JSON1 condition it replaced, record by record. */
static void
test_simple_in_c (void)
{
  static const char with_nul[] = "{\"id\":\"N\0UL\",\"created_datetime\":\"2023-03-14T09:30:00\","
                                 "\"modified_datetime\":\"2023-03-14T09:30:00\"}";
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (":memory:", &db, SQLITE_OPEN_READWRITE, NULL), ==,
                   SQLITE_OK);
  g_assert_true (oms_translate_sql_add_functions (db));

  assert_cases_simple_in_c (db, cases, G_N_ELEMENTS (cases));
  assert_cases_simple_in_c (db, adversarial, G_N_ELEMENTS (adversarial));

  /* A NUL inside the text, and no text at all. */
  g_assert_false (assert_simple_in_c (db, "asset", with_nul, sizeof with_nul - 1, FALSE));
  g_assert_false (assert_simple_in_c (db, "asset", "", 0, FALSE));

  sqlite3_close (db);
}

static Case
make_asset (const char *record_id,
            const char *id,
            const char *notes,
            gboolean    simple)
{
  Case record = { "asset", g_strdup (record_id), NULL, simple, NULL };

  /* Not simple: a repeated key (integrated) or a bad date (an error), in turn. */
  if (simple)
    record.data = g_strdup_printf ("{'id':'%s','created_datetime':'2023-03-14T09:30:00',"
                                   "'modified_datetime':'2023-03-14T09:30:00','notes':'%s',"
                                   "'store_id':'STORE_A'}", id, notes);
  else if (g_str_hash (record_id) % 2 == 0)
    record.data = g_strdup_printf ("{'id':'%s','created_datetime':'2023-03-14T09:30:00',"
                                   "'modified_datetime':'2023-03-14T09:30:00','notes':'x',"
                                   "'notes':'%s'}", id, notes);
  else
    record.data = g_strdup_printf ("{'id':'%s','created_datetime':'2023-03-14T9:30:00',"
                                   "'modified_datetime':'2023-03-14T09:30:00','notes':'%s'}",
                                   id, notes);

  return record;
}

static void
case_clear (gpointer data)
{
  Case *record = data;

  g_free ((char *) record->record_id);
  g_free ((char *) record->data);
}

/* Runs of each kind across page boundaries, and one record twice on both sides of one. */
static void
test_pages (void)
{
  const guint page = OMS_INTEGRATOR_BULK_PAGE_SIZE;
  const guint n = 2 * page + 300;
  g_autoptr(GArray) records = g_array_sized_new (FALSE, TRUE, sizeof (Case), n);
  g_autoptr(GPtrArray) per_record = NULL;

  g_array_set_clear_func (records, case_clear);

  for (guint position = 1; position <= n; position++)
    {
      g_autofree char *record_id = g_strdup_printf ("P%05u", position);
      const char *id = record_id;
      gboolean simple;
      Case record;

      simple = !(position == 1 || position == n ||
                 (position >= page - 1 && position <= page + 1) ||
                 (position >= page + 100 && position < page + 120) ||
                 position == 2 * page || position == 2 * page + 1 ||
                 position % 997 == 0 || position == page + 3 || position == 2 * page - 5);

      /* The same record twice, a page apart: the later copy wins whichever path each takes. */
      if (position == page - 2 || position == page + 3)
        id = "DUP1";
      if (position == 2 * page - 5 || position == 2 * page + 5)
        id = "DUP2";

      record = make_asset (record_id, id, record_id, simple);
      g_array_append_val (records, record);
    }

  per_record = assert_same_both_ways ((const Case *) (gpointer) records->data, records->len);

  g_assert_cmpuint (count_lines (per_record, "asset ", "id=text:\"DUP1\" notes=text:\"P"),
                    ==, 1);
  g_assert_cmpuint (count_lines (per_record, "changelog ", "record_id=text:\"DUP2\""), ==, 2);
}

/* A cancelled pass writes nothing: the records stay pending for the next run. */
static void
test_cancel (void)
{
  const guint n = 4 * OMS_INTEGRATOR_BULK_PAGE_SIZE;
  g_autoptr(GArray) records = g_array_sized_new (FALSE, TRUE, sizeof (Case), n);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsStore) store = NULL;
  g_autofree char *dir = NULL;
  guint before;

  g_array_set_clear_func (records, case_clear);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *record_id = g_strdup_printf ("C%05u", i);
      Case record = make_asset (record_id, record_id, "cancelled", TRUE);

      g_array_append_val (records, record);
    }
  dir = prepare_store ((const Case *) (gpointer) records->data, records->len);

  before = oms_integrator_get_n_typed_in_bulk ();
  oms_integrator_set_typed_in_bulk (TRUE);
  run_integrator (dir, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* It stopped at a page boundary, not at the end. */
  g_assert_cmpuint (oms_integrator_get_n_typed_in_bulk () - before, <, n);
  g_clear_error (&error);

  store = oms_store_open (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM sync_buffer "
                                              "WHERE " OMS_SYNC_BUFFER_PENDING_SQL), ==, n);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM asset"), ==, 1);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM changelog"), ==, 0);
  g_clear_object (&store);
  oms_test_remove_dir_unchecked (dir);
}

/* Tables kept generically are integrated in the order of their names, so the changelog of two
 * runs over the same buffer is the same.
 */
static void
test_generic_order (void)
{
  static const Case records[] = {
    { "zeta", "Z1", "{'ID':'Z1'}", FALSE },
    { "alpha", "A1", "{'ID':'A1'}", FALSE },
    { "mid", "M1", "{'ID':'M1'}", FALSE },
    { "beta", "B1", "{'ID':'B1'}", FALSE },
    { "gamma", "G1", "{'ID':'G1'}", FALSE },
  };
  g_autoptr(GPtrArray) lines = assert_same_both_ways (records, G_N_ELEMENTS (records));
  const char *order[] = { "alpha", "beta", "gamma", "mid", "zeta" };
  guint n = 0;

  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);
      g_autofree char *prefix = NULL;

      if (!g_str_has_prefix (line, "changelog "))
        continue;
      g_assert_cmpuint (n, <, G_N_ELEMENTS (order));
      prefix = g_strdup_printf ("changelog table_name=text:\"%s\"", order[n++]);
      g_assert_true (g_str_has_prefix (line, prefix));
    }
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (order));
}

/* Generic tables always take the set-based path; their per-record path is
 * oms_store_upsert_raw_record(), which the integrator falls back on. Both must leave the same
 * records, changelog and links. The records are in integration order: tables by name.
 */
static void
test_generic_links (void)
{
  static const Case records[] = {
    { "clinician", "C1", "{'ID':'C1','first_name':'Ada'}", FALSE },
    { "item", "I1", "{'ID':'I1','item_name':'Vaccine','store_ID':''}", FALSE },
    { "item", "I3", "{'ID':'I3','item_name':'Gloves','store_ID':'STORE_A'}", FALSE },
    { "item", "I4", "not json at all", FALSE },
    { "unit", "U1", "{'ID':'U1','units':'box'}", FALSE },
  };
  const OmsChangeOrigin origin = { TRUE, TRUE, 7 };
  g_autofree char *bulk_dir = prepare_store (records, G_N_ELEMENTS (records));
  g_autofree char *per_record_dir = prepare_store (records, 0);
  g_autoptr(GPtrArray) bulk = NULL;
  g_autoptr(GPtrArray) per_record = NULL;
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();
  g_autoptr(OmsStore) store = NULL;
  g_autoptr(GError) error = NULL;

  integrate (bulk_dir);

  store = oms_store_open (per_record_dir, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (records); i++)
    {
      g_autofree char *data = g_strdelimit (g_strdup (records[i].data), "'", '"');
      gboolean ok = oms_store_upsert_raw_record (store, records[i].table, records[i].record_id,
                                                 data, &origin, &error);

      /* Only the record that is not JSON fails. */
      g_assert_true (ok == (error == NULL));
      g_assert_true (ok == !g_str_equal (records[i].record_id, "I4"));
      g_clear_error (&error);
    }
  g_clear_object (&store);

  bulk = dump_store (bulk_dir);
  per_record = dump_store (per_record_dir);
  for (guint i = 0; i < bulk->len; i++)
    {
      if (!g_str_has_prefix (g_ptr_array_index (bulk, i), "sync_buffer "))
        g_ptr_array_add (expected, g_ptr_array_index (bulk, i));
    }
  assert_same (expected, per_record);

  g_assert_cmpuint (count_lines (per_record, "clinician_link ",
                                 "id=text:\"C1\" clinician_id=text:\"C1\""), ==, 1);
  g_assert_cmpuint (count_lines (per_record, "item_link ",
                                 "id=text:\"I1\" item_id=text:\"I_KEPT\""), ==, 1);
  g_assert_cmpuint (count_lines (per_record, "item_link ",
                                 "id=text:\"I3\" item_id=text:\"I3\""), ==, 1);
  g_assert_cmpuint (count_lines (per_record, "item_link ", "id=text:\"I4\""), ==, 0);
  g_assert_cmpuint (count_lines (per_record, "changelog ", "source_site_id=int:7"), ==, 4);

  oms_test_remove_dir_unchecked (bulk_dir);
  oms_test_remove_dir_unchecked (per_record_dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/oms/integrate-typed/same-as-per-record", test_same_as_per_record);
  g_test_add_func ("/oms/integrate-typed/adversarial", test_adversarial);
  g_test_add_func ("/oms/integrate-typed/simple-in-c", test_simple_in_c);
  g_test_add_func ("/oms/integrate-typed/pages", test_pages);
  g_test_add_func ("/oms/integrate-typed/cancel", test_cancel);
  g_test_add_func ("/oms/integrate-typed/generic-order", test_generic_order);
  g_test_add_func ("/oms/integrate-typed/generic-links", test_generic_links);

  return g_test_run ();
}
