/*
 * The region content the stats tests expect: configuration records written
 * through shm_rec_write, counters in worker blocks 0 and 1, and a cleared
 * baseline. FX_* are the values a correct exporter reports.
 */
#ifndef IPSECGW_TESTS_FIXTURE_H
#define IPSECGW_TESTS_FIXTURE_H

#include "region.h"

#define FX_GENERATION 42u
#define FX_CONFIG_STARTED_NS 1700000000500000000ull /* 1700000000.5 s */

/* Distinctive SPIs and key bytes: none may appear in any output. */
#define FX_SPI_A 0xdeadbeefu            /* SA id 10 */
#define FX_SPI_B 0x0badcafeu            /* SA id 11 */
#define FX_CKEY_BYTE 0xc3
#define FX_IKEY_BYTE 0x5a

/* Interface "lan0" (index 0) and one whose name needs escaping (index 3). */
#define FX_ODD_NAME "odd\"one\\x\n"
#define FX_ODD_LABEL "odd\\\"one\\\\x\\n"

/* Expected sums: workers 0 + 1 - baseline. */
#define FX_LAN0_RX_PACKETS 103u
#define FX_LAN0_RX_BYTES 10300u
#define FX_LAN0_TX_PACKETS 52u
#define FX_LAN0_TX_BYTES 6100u
#define FX_LAN0_DROPS 4u
#define FX_LAN0_PUNTS 1u
#define FX_SA10_PACKETS 1400u
#define FX_SA10_BYTES 200000u
#define FX_SA10_ERR_REPLAY 4u           /* 2 + 3 - 1 */
#define FX_SA10_ERR_INTEGRITY 1u
#define FX_SA10_ERR_TOO_BIG 0u          /* 6 - 6: cleared, so not exported */
#define FX_UNUSED_SA_ERR 99u            /* counted in an SA slot not in use: never exported */
#define FX_POL3_PACKETS 500u            /* SPD 1, index 3, outbound protect */
#define FX_POL3_BYTES 50000u
#define FX_POL7_PACKETS 5u              /* SPD 1, index 7, inbound bypass */
#define FX_POL7_BYTES 500u
#define FX_DROP_NO_ROUTE 10u
#define FX_DROP_REPLAY 3u

/* Writes everything above into a freshly created region. config_pid is
 * recorded as the running config service (ready), dead_pid as a dataplane
 * that died. */
void fixture_fill(struct shm_region *r, int config_pid, int dead_pid);

/* The strings that must never appear in exporter output (SPIs in decimal
 * and hex, key bytes in hex), NULL-terminated. */
extern const char *const fixture_secrets[];

#endif
