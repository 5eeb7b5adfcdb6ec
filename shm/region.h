/*
 * The shared region: one file per instance (hugetlbfs in production, tmpfs
 * allowed for tests), mapped by every ipsecgw process at its own address.
 *
 * Rules (see docs/architecture.md):
 *  - No pointers: tables are arrays of fixed-size records addressed by index.
 *  - One writer per field group, named above each struct.
 *  - Configuration records carry a seqlock (struct shm_rec_hdr); readers never
 *    lock, they copy the record and retry if the sequence moved or was odd.
 *  - The config service applies every change through the journal
 *    (shm/journal.h) so a crash never leaves a half-written record visible.
 *
 * Error convention: constructors return a pointer or NULL (with a message in
 * the caller's buffer); control functions return 0 or -errno.
 */
#ifndef IPSECGW_SHM_REGION_H
#define IPSECGW_SHM_REGION_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define SHM_MAGIC 0x31574753434e5049ull /* "IPNCSGW1" little-endian */
#define SHM_ABI_VERSION 2u

/* Capacities. Part of the layout hash: changing one changes the ABI. */
#define SHM_MAX_IFC 16384   /* ports, loopbacks and one ipsecN per IKE child: 10,000+ tunnels */
#define SHM_MAX_ADDR 1024
#define SHM_MAX_ROUTE 8192
#define SHM_MAX_NEIGH 1024   /* static neighbors (config) */
#define SHM_MAX_LNEIGH 4096  /* learned neighbors (dataplane) */
#define SHM_MAX_SA 32768
#define SHM_MAX_SPD 256
#define SHM_MAX_POLICY 16384
#define SHM_MAX_TUNNEL 16384
#define SHM_MAX_PROFILE 64
#define SHM_MAX_WORKERS 4
#define SHM_MAX_SA_IN 4       /* inbound SAs per tunnel (make-before-break) */
#define SHM_REPLAY_MAX 4096   /* bits */

#define SHM_NAME_MAX 32
#define SHM_DEVARGS_MAX 128
#define SHM_PATH_MAX 256
#define SHM_IKE_DATA_MAX 256
#define SHM_CRYPTO_KEY_MAX 32
#define SHM_INTEG_KEY_MAX 64

/* Address families as stored in records. */
enum { SHM_AF_NONE = 0, SHM_AF_INET = 4, SHM_AF_INET6 = 6 };

/* Numeric values equal the API enums in proto/ipsecgw.proto. */
enum shm_crypto_alg {
	SHM_CRYPTO_NONE = 0,
	SHM_CRYPTO_AES_CBC_128, SHM_CRYPTO_AES_CBC_192, SHM_CRYPTO_AES_CBC_256,
	SHM_CRYPTO_AES_CTR_128, SHM_CRYPTO_AES_CTR_192, SHM_CRYPTO_AES_CTR_256,
	SHM_CRYPTO_AES_GCM_128, SHM_CRYPTO_AES_GCM_192, SHM_CRYPTO_AES_GCM_256,
	SHM_CRYPTO_DES_CBC, SHM_CRYPTO_3DES_CBC,
	SHM_CRYPTO_N
};
enum shm_integ_alg {
	SHM_INTEG_NONE = 0, SHM_INTEG_MD5_96, SHM_INTEG_SHA1_96, SHM_INTEG_SHA_256_96,
	SHM_INTEG_SHA_256_128, SHM_INTEG_SHA_384_192, SHM_INTEG_SHA_512_256,
	SHM_INTEG_N
};
enum shm_ifc_kind { SHM_IFC_PORT = 0, SHM_IFC_LOOPBACK = 1, SHM_IFC_IPSEC = 2 };
enum shm_policy_action { SHM_POL_BYPASS = 0, SHM_POL_DISCARD = 1, SHM_POL_PROTECT = 2 };
enum shm_dir { SHM_DIR_IN = 0, SHM_DIR_OUT = 1 };

/* Every configuration record starts with this. `seq` is the seqlock: odd
 * while the config service writes the record. `in_use` is protected by it. */
struct shm_rec_hdr {
	_Atomic uint32_t seq;
	uint32_t in_use;
};

/* ---- configuration tables; writer: config service ---------------------- */

struct shm_ifc {
	struct shm_rec_hdr h;
	char name[SHM_NAME_MAX];
	uint8_t kind;           /* enum shm_ifc_kind */
	uint8_t admin_up;
	uint8_t has_spd;
	uint8_t has_mac;
	uint32_t instance;      /* N of loopN / ipsecN; port ordinal for ports */
	int32_t unnumbered;     /* index of the interface lent its address, -1 none */
	uint32_t spd_id;
	uint32_t mtu;
	uint8_t mac[6];
	uint8_t pad[2];
	char devargs[SHM_DEVARGS_MAX]; /* ports only: PCI address or vdev spec */
};

struct shm_addr {
	struct shm_rec_hdr h;
	int32_t ifc;
	uint8_t af;
	uint8_t plen;
	uint8_t pad[2];
	uint8_t addr[16];
};

struct shm_route {
	struct shm_rec_hdr h;
	uint8_t af;
	uint8_t plen;
	uint8_t has_via;
	uint8_t pad;
	int32_t ifc;            /* -1: resolve through the FIB */
	uint8_t prefix[16];
	uint8_t via[16];
};

struct shm_neigh {          /* static neighbors */
	struct shm_rec_hdr h;
	int32_t ifc;
	uint8_t af;
	uint8_t mac[6];
	uint8_t pad;
	uint8_t ip[16];
};

#define SHM_SA_TUNNEL (1u << 0)
#define SHM_SA_TUNNEL_V6 (1u << 1)
#define SHM_SA_UDP_ENCAP (1u << 2)
#define SHM_SA_ESN (1u << 3)
#define SHM_SA_ANTI_REPLAY (1u << 4)

struct shm_sa {             /* SAD control record */
	struct shm_rec_hdr h;
	uint32_t sa_id;
	uint32_t spi;
	uint8_t crypto_alg;     /* enum shm_crypto_alg */
	uint8_t integ_alg;      /* enum shm_integ_alg */
	uint8_t crypto_key_len; /* bytes, without salt */
	uint8_t integ_key_len;
	uint32_t flags;         /* SHM_SA_* */
	uint32_t salt;          /* CTR/GCM nonce salt, network order bytes */
	uint32_t replay_window; /* bits */
	uint16_t udp_src_port;
	uint16_t udp_dst_port;
	uint32_t key_gen;       /* bumped by every key update */
	uint64_t create_gen;    /* region generation at creation: runtime resets when it changes */
	uint8_t tunnel_src[16];
	uint8_t tunnel_dst[16];
	uint8_t crypto_key[SHM_CRYPTO_KEY_MAX];
	uint8_t integ_key[SHM_INTEG_KEY_MAX];
};

struct shm_spd {
	struct shm_rec_hdr h;
	uint32_t spd_id;
	uint32_t pad;
};

struct shm_policy {
	struct shm_rec_hdr h;
	uint32_t spd_id;
	uint8_t dir;            /* enum shm_dir */
	uint8_t af;
	uint8_t action;         /* enum shm_policy_action */
	uint8_t has_protocol;
	uint8_t protocol;
	uint8_t pad[3];
	int32_t priority;
	uint32_t sa_id;
	uint16_t lport_start, lport_end;
	uint16_t rport_start, rport_end;
	uint8_t laddr_start[16], laddr_end[16];
	uint8_t raddr_start[16], raddr_end[16];
};

struct shm_tunnel {
	struct shm_rec_hdr h;
	uint32_t instance;      /* ipsecN */
	int32_t ifc;            /* its interface record */
	uint8_t has_sa_out;
	uint8_t n_sa_in;
	uint8_t pad[2];
	uint32_t sa_out;
	uint32_t sa_in[SHM_MAX_SA_IN];
};

struct shm_ike_ts {
	uint8_t set;
	uint8_t af;
	uint8_t protocol;
	uint8_t pad;
	uint16_t port_start, port_end;
	uint8_t start[16], end[16];
};

struct shm_ike_transforms {
	uint8_t set;
	uint8_t encr;           /* IANA IKEv2 ENCR id */
	uint8_t integ;          /* IANA IKEv2 INTEG id */
	uint8_t dh_group;       /* IANA DH group */
	uint16_t key_bits;
	uint16_t pad;
};

struct shm_profile {        /* IKEv2 profile */
	struct shm_rec_hdr h;
	char name[SHM_NAME_MAX * 2];
	uint8_t auth_method;    /* 0 none, 1 rsa-sig, 2 shared-key-mic */
	uint8_t auth_hex;
	uint8_t local_id_type, remote_id_type;
	uint16_t auth_len, local_id_len, remote_id_len;
	uint8_t resp_af;
	uint8_t pad;
	uint8_t auth_data[SHM_IKE_DATA_MAX];
	char cert_file[SHM_PATH_MAX];
	uint8_t local_id[SHM_IKE_DATA_MAX];
	uint8_t remote_id[SHM_IKE_DATA_MAX];
	struct shm_ike_ts local_ts, remote_ts;
	char resp_ifc[SHM_NAME_MAX];
	uint8_t resp_addr[16];
	struct shm_ike_transforms ike, esp;
	uint64_t lifetime, max_data;
	uint32_t jitter, handover;
	uint8_t lifetime_set;
	uint8_t pad2[7];
};

struct shm_global {
	struct shm_rec_hdr h;
	char ikev2_local_key[SHM_PATH_MAX];
	uint64_t startup_gen;   /* config service's startup file on this region: 0 = not
				 * run yet, UINT64_MAX = being applied (a start that died
				 * there), else the generation at which it finished */
	/* Crypto engine per algorithm (`set crypto handler`): 0 = automatic,
	 * else 1 + engine id (ESP_ENGINE_*), and 0 = automatic, else 1 + code
	 * path (ESP_ARCH_*) for intel-ipsec-mb. Indexed by enum shm_crypto_alg /
	 * enum shm_integ_alg. */
	uint8_t crypto_engine[16], crypto_arch[16];
	uint8_t integ_engine[8], integ_arch[8];
	/* `ikev2 set liveness PERIOD MAX-FAILURES` (read by ipsecgw-ikev2, which
	 * then ignores its --liveness): set 0 = never given. */
	uint32_t ikev2_liveness_period;         /* seconds, 0 = no liveness checks */
	uint32_t ikev2_liveness_max_failures;   /* unanswered checks before the peer is dead */
	uint8_t ikev2_liveness_set;
	uint8_t pad_liveness[7];
};

/* ---- runtime tables; writer: dataplane ---------------------------------- */

struct shm_ifc_rt {
	_Atomic uint32_t seq;
	uint8_t link_up;
	uint8_t mac[6];
	uint8_t pad;
	uint16_t port_id;       /* DPDK port, UINT16_MAX none */
	uint16_t pad2;
};

struct shm_lneigh {         /* learned neighbor */
	struct shm_rec_hdr h;
	int32_t ifc;
	uint8_t af;
	uint8_t mac[6];
	uint8_t pad;
	uint8_t ip[16];
	uint64_t updated_ns;    /* CLOCK_MONOTONIC of the last confirmation */
};

/* One per SA. Outbound and inbound halves sit on separate cache lines. A
 * dataplane that finds owner_gen != shm_sa.create_gen resets the record:
 * that SA id was deleted and added again. */
struct shm_sa_rt {
	alignas(64) _Atomic uint64_t seq_out;  /* last sequence number sent */
	uint64_t owner_gen;
	uint32_t flags;                        /* SHM_SA_RT_* */
	alignas(64) _Atomic uint32_t in_seqlock;
	uint32_t pad;
	uint64_t in_top;                       /* highest authenticated sequence number */
	uint64_t in_bitmap[SHM_REPLAY_MAX / 64];
};
#define SHM_SA_RT_CYCLED (1u << 0)

/* Crypto engines as the dataplane measured and chose them (`show crypto
 * engines`); one record per algorithm: enum shm_crypto_alg values first,
 * then SHM_CRYPTO_N + enum shm_integ_alg. Writer: dataplane, at start-up
 * and after every selection change. */
#define SHM_ENGINE_ROWS (SHM_CRYPTO_N + SHM_INTEG_N)
struct shm_engine_rt {
	struct shm_rec_hdr h;           /* in_use: the dataplane filled it */
	uint8_t integ;                  /* 1 integrity algorithm, 0 cipher */
	uint8_t alg;                    /* enum shm_crypto_alg / shm_integ_alg */
	uint8_t engine;                 /* engine new SAs use (ESP_ENGINE_*) */
	uint8_t arch;                   /* its intel-ipsec-mb code path (ESP_ARCH_*) */
	uint8_t pinned;                 /* chosen by the operator */
	uint8_t pad[3];
	float ns_per_pkt[3];            /* measured per intel-ipsec-mb path, 0 = unavailable */
	float ns_ossl;                  /* measured with OpenSSL, 0 = unavailable */
	float ns_native;                /* measured with the native engine, 0 = unavailable */
};

/* ---- counters; writer: dataplane (one block per worker) ---------------- */

/* Per-SA error reasons (`show ipsec sa N` and the stats service). */
#define SHM_FOREACH_SA_ERR(_) \
	_(REPLAY, "replay") \
	_(INTEGRITY, "integrity check failed") \
	_(DECRYPT, "decryption failed") \
	_(BAD_PADDING, "bad padding") \
	_(SEQ_CYCLED, "sequence number cycled") \
	_(POLICY_MISMATCH, "policy mismatch") \
	_(MALFORMED, "malformed packet") \
	_(TOO_BIG, "packet too big after encapsulation")

enum shm_sa_err {
#define _SHM_SA_ERR_ENUM(n, s) SHM_SA_ERR_##n,
	SHM_FOREACH_SA_ERR(_SHM_SA_ERR_ENUM)
#undef _SHM_SA_ERR_ENUM
	SHM_SA_ERR_N
};

/* Drop reasons: one X-macro list. Name, then the text `show error` prints. */
#define SHM_FOREACH_DROP(_) \
	_(RUNT, "runt frame") \
	_(UNKNOWN_ETHERTYPE, "unknown ethertype") \
	_(IP4_BAD_HEADER, "ip4 bad header") \
	_(IP4_BAD_CHECKSUM, "ip4 bad checksum") \
	_(IP4_BAD_LENGTH, "ip4 length larger than frame") \
	_(IP6_BAD_HEADER, "ip6 bad header") \
	_(TTL_EXPIRED, "ttl expired") \
	_(NO_ROUTE, "no route") \
	_(NEIGH_QUEUE_FULL, "neighbor queue full") \
	_(MTU_EXCEEDED, "mtu exceeded") \
	_(IFC_DOWN, "interface down") \
	_(PUNT_QUEUE_FULL, "punt queue full") \
	_(NO_SA, "no sa for spi") \
	_(REPLAY, "replay") \
	_(INTEGRITY, "integrity check failed") \
	_(DECRYPT, "decryption failed") \
	_(BAD_PADDING, "bad padding") \
	_(SEQ_CYCLED, "sequence number cycled") \
	_(POLICY_MISMATCH, "policy mismatch") \
	_(POLICY_DISCARD, "policy discard") \
	_(TX_FULL, "tx queue full") \
	_(L2_NOT_FOR_US, "destination mac not ours") \
	_(MCAST, "multicast or broadcast not handled") \
	_(MARTIAN, "martian address") \
	_(IP6_BAD_LENGTH, "ip6 length larger than frame") \
	_(ARP_BAD, "arp malformed") \
	_(NEIGH_NOT_FOR_US, "arp or nd for another address") \
	_(ND_BAD, "nd malformed") \
	_(ICMP_BAD, "icmp malformed or bad checksum") \
	_(UDP_BAD, "udp malformed") \
	_(LOCAL_UNHANDLED, "local protocol not handled") \
	_(LOCAL_FRAGMENT, "fragment to local address") \
	_(NEIGH_UNRESOLVED, "neighbor not resolved") \
	_(PUNT_NO_LISTENER, "ike daemon not listening") \
	_(NATT_KEEPALIVE, "nat-t keepalive") \
	_(NO_BUFFER, "no buffer") \
	_(NO_POLICY, "no matching policy in the spd") \
	_(FRAG_NO_BUFFER, "no buffer for a fragment") \
	_(REASS_TIMEOUT, "reassembly timeout") \
	_(REASS_OVERLAP, "reassembly overlapping fragments") \
	_(REASS_TOO_MANY, "reassembly too many fragments") \
	_(REASS_TOO_BIG, "reassembled packet too big") \
	_(REASS_TABLE_FULL, "reassembly table full") \
	_(IP6_BAD_EXT, "ip6 extension headers malformed") \
	_(IP6_ROUTING, "ip6 routing header not processed")

enum shm_drop {
#define _SHM_DROP_ENUM(n, s) SHM_DROP_##n,
	SHM_FOREACH_DROP(_SHM_DROP_ENUM)
#undef _SHM_DROP_ENUM
	SHM_DROP_N
};

struct shm_counter {
	uint64_t packets;
	uint64_t bytes;
};

struct shm_ifc_counters {
	uint64_t rx_packets, rx_bytes;
	uint64_t tx_packets, tx_bytes;
	uint64_t drops;
	uint64_t punts;
	uint64_t pad[2];
};

struct shm_counters {
	struct shm_counter sa[SHM_MAX_SA];
	struct shm_counter policy[SHM_MAX_POLICY];
	uint64_t sa_err[SHM_MAX_SA][SHM_SA_ERR_N];
	struct shm_ifc_counters ifc[SHM_MAX_IFC];
	uint64_t drop[SHM_DROP_N];
};

/* ---- processes; each field group written by the process it names -------- */
enum shm_proc_id { SHM_PROC_CONFIG, SHM_PROC_DATAPLANE, SHM_PROC_IKEV2, SHM_PROC_STATS, SHM_PROC_N };
struct shm_proc {
	_Atomic int32_t pid;
	_Atomic uint32_t ready;
	_Atomic uint64_t started_ns;    /* CLOCK_REALTIME */
	_Atomic uint64_t restarts;
	_Atomic uint64_t applied_gen;   /* dataplane: the configuration generation its
					 * packet path runs on (the IKE daemon waits for it
					 * before answering, so the peer never uses an SA
					 * the dataplane does not have yet) */
};

/* ---- IKE SAs and IKE counters; writer: ikev2 ------------------------------
 * ipsecgw-ikev2 persists every IKE SA it holds, with the keys it needs to go
 * on (SK_d, SK_a*, SK_e*, SK_p*), its message IDs and its child SAs (the SAD
 * ids and the tunnel that carry them), so a restart of the IKE daemon (even
 * kill -9) neither drops the tunnels nor renegotiates: the new process reads
 * the table and continues each SA. Exchanges in flight are not persisted
 * (docs/ikev2.md). Records use the seqlock of struct shm_rec_hdr; the IKE
 * daemon is their only writer. Like the SAD, the table holds key material:
 * the region is root/ipsecgw-only. */
#define SHM_MAX_IKE_SA 12288
#define SHM_IKE_CHILD_MAX 4
#define SHM_IKE_NONCE_MAX 64    /* nonces kept for `show ikev2 sa -k` (longer: cut) */
#define SHM_IKE_ID_MAX 128      /* identities kept for display (longer: cut) */
#define SHM_IKE_KEY_MAX 64

enum shm_ike_state {
	SHM_IKE_ESTABLISHED = 1, SHM_IKE_REKEYING = 2, SHM_IKE_DELETING = 3
};

#define SHM_IKE_F_INITIATOR (1u << 0)   /* we are the original initiator */
#define SHM_IKE_F_NAT_LOCAL (1u << 1)   /* we are behind a NAT */
#define SHM_IKE_F_NAT_REMOTE (1u << 2)  /* the peer is behind a NAT */
#define SHM_IKE_F_NATT (1u << 3)        /* IKE moved to the NAT-T port (non-ESP marker) */
#define SHM_IKE_F_REQ_OUT (1u << 4)     /* a request with msgid tx_next - 1 was in flight */

#define SHM_IKE_CHILD_F_INITIATOR (1u << 0) /* we initiated this child (its spi_in is spi_i) */
#define SHM_IKE_CHILD_F_ESN (1u << 1)
#define SHM_IKE_CHILD_F_UDP_ENCAP (1u << 2)
#define SHM_IKE_CHILD_F_OUT_ACTIVE (1u << 3) /* the tunnel sends on its outbound SA */

enum shm_ike_child_state {
	SHM_IKE_CHILD_INSTALLED = 1, SHM_IKE_CHILD_REKEYING = 2, SHM_IKE_CHILD_REKEYED = 3
};

struct shm_ike_child {
	uint32_t spi_in, spi_out;       /* host order */
	uint32_t sa_in, sa_out;         /* SAD ids */
	uint32_t tunnel;                /* ipsecN instance, UINT32_MAX none */
	uint32_t successor;             /* spi_in of the child that replaced it (rekey), 0 none */
	uint8_t in_use;
	uint8_t state;                  /* enum shm_ike_child_state */
	uint8_t flags;                  /* SHM_IKE_CHILD_F_* */
	uint8_t encr, integ;            /* IANA IKEv2 ids */
	uint8_t dh_group;               /* PFS group of its last exchange, 0 none */
	uint16_t key_bits;
	struct shm_ike_ts ts_local, ts_remote;
	uint64_t created_s;             /* CLOCK_REALTIME seconds */
	uint64_t rekey_s, expire_s;     /* CLOCK_REALTIME seconds, 0 never */
};

struct shm_ike_sa {
	struct shm_rec_hdr h;
	uint8_t spi_i[8], spi_r[8];
	uint8_t state;                  /* enum shm_ike_state */
	uint8_t af;                     /* SHM_AF_* of the addresses */
	uint8_t flags;                  /* SHM_IKE_F_* */
	uint8_t pad;
	uint16_t local_port, remote_port;
	uint8_t local[16], remote[16];
	char profile[SHM_NAME_MAX * 2];
	uint8_t encr, integ, prf, dh_group;  /* IANA IKEv2 ids */
	uint16_t key_bits;
	uint8_t id_i_type, id_r_type;
	uint16_t id_i_len, id_r_len;    /* real lengths (stored: at most SHM_IKE_ID_MAX) */
	uint16_t ni_len, nr_len;        /* real lengths (stored: at most SHM_IKE_NONCE_MAX) */
	uint32_t tx_next, rx_next;      /* next request msgid to send / to accept */
	uint16_t prf_len, a_len, e_len; /* key lengths */
	uint16_t pad2;
	uint64_t created_s, rekey_s, expire_s; /* CLOCK_REALTIME seconds, 0 never */
	uint8_t sk_d[SHM_IKE_KEY_MAX], sk_pi[SHM_IKE_KEY_MAX], sk_pr[SHM_IKE_KEY_MAX];
	uint8_t sk_ai[SHM_IKE_KEY_MAX], sk_ar[SHM_IKE_KEY_MAX];
	uint8_t sk_ei[40], sk_er[40];   /* AEAD: key then salt */
	uint8_t ni[SHM_IKE_NONCE_MAX], nr[SHM_IKE_NONCE_MAX];
	uint8_t id_i[SHM_IKE_ID_MAX], id_r[SHM_IKE_ID_MAX];
	struct shm_ike_child child[SHM_IKE_CHILD_MAX];
};

/* Failure reasons the IKE daemon counts: one X-macro list, name then text. */
#define SHM_FOREACH_IKE_FAIL(_) \
	_(MALFORMED, "malformed message") \
	_(NO_SA, "no IKE SA for the SPIs") \
	_(INTEGRITY, "integrity check failed") \
	_(MSG_ID, "message id outside the window") \
	_(UNEXPECTED, "response to no request") \
	_(NO_PROPOSAL, "no proposal chosen") \
	_(INVALID_KE, "invalid KE payload") \
	_(NO_PROFILE, "no matching profile") \
	_(AUTH, "authentication failed") \
	_(TS, "traffic selectors unacceptable") \
	_(TIMEOUT, "peer not responding") \
	_(INSTALL, "SA installation failed") \
	_(PEER_ERROR, "error notify from the peer") \
	_(TEMPORARY, "temporary failure") \
	_(RESOURCES, "out of resources")

enum shm_ike_fail {
#define _SHM_IKE_FAIL_ENUM(n, s) SHM_IKE_FAIL_##n,
	SHM_FOREACH_IKE_FAIL(_SHM_IKE_FAIL_ENUM)
#undef _SHM_IKE_FAIL_ENUM
	SHM_IKE_FAIL_N
};

/* Per exchange type: IKE_SA_INIT, IKE_AUTH, CREATE_CHILD_SA, INFORMATIONAL. */
#define SHM_IKE_EXCH_N 4
struct shm_ike_exch_counters {
	uint64_t req_tx, req_rx, resp_tx, resp_rx;
};

/* Monotonic counters (64-bit aligned, single writer: read without a lock)
 * and gauges. */
struct shm_ike_counters {
	struct shm_ike_exch_counters exch[SHM_IKE_EXCH_N];
	uint64_t retransmits;           /* requests sent again after a timeout */
	uint64_t resp_retransmits;      /* cached responses sent to a repeated request */
	uint64_t dropped;               /* messages dropped (any reason) */
	uint64_t fail[SHM_IKE_FAIL_N];
	uint64_t ike_up, ike_down, ike_rekeys;
	uint64_t child_up, child_down, child_rekeys;
	uint64_t dpd_sent, keepalives_sent;
	uint64_t ike_sas, half_open, child_sas; /* gauges: current numbers */
	uint64_t cookies_sent;          /* IKE_SA_INIT answered with a COOKIE (RFC 7296 2.6) */
	uint64_t cookies_invalid;       /* IKE_SA_INIT with a COOKIE that does not verify (forged, stale) */
	uint64_t cred_errors;           /* rsa-sig: local key or peer certificate needed but unusable */
};

/* ---- the journal; writer: config service --------------------------------- */
#define SHM_JOURNAL_MAX 4
#define SHM_JOURNAL_IMAGE_MAX 1536
enum shm_journal_state { SHM_J_EMPTY = 0, SHM_J_COMMITTED = 1 };
struct shm_journal {
	_Atomic uint32_t state;
	uint32_t n;
	uint64_t generation;            /* generation once applied */
	struct {
		uint32_t table;
		uint32_t index;
		uint8_t image[SHM_JOURNAL_IMAGE_MAX];
	} ent[SHM_JOURNAL_MAX];
};

/* ---- tables ----------------------------------------------------------- */
enum shm_table {
	SHM_T_IFC, SHM_T_ADDR, SHM_T_ROUTE, SHM_T_NEIGH, SHM_T_SA, SHM_T_SPD,
	SHM_T_POLICY, SHM_T_TUNNEL, SHM_T_PROFILE, SHM_T_GLOBAL,
	/* runtime and counters (not journaled) */
	SHM_T_IFC_RT, SHM_T_LNEIGH, SHM_T_SA_RT, SHM_T_COUNTERS, SHM_T_BASELINE, SHM_T_ENGINE_RT,
	/* writer: ikev2 (not journaled) */
	SHM_T_IKE_SA, SHM_T_IKE_COUNTERS,
	SHM_T_N
};
#define SHM_T_CONFIG_N SHM_T_IFC_RT /* tables below this are config records */

struct shm_table_desc {
	uint64_t offset;                /* from the start of the region */
	uint32_t rec_size;
	uint32_t capacity;
};

struct shm_header {
	uint64_t magic;
	uint32_t abi_version;
	uint32_t layout_hash;
	uint64_t size;
	char instance[SHM_NAME_MAX];
	_Atomic uint64_t generation;    /* writer: config; bumped after every commit */
	_Atomic uint64_t counters_cleared_gen; /* writer: config */
	struct shm_table_desc tables[SHM_T_N];
	struct shm_proc procs[SHM_PROC_N];
	struct shm_journal journal;     /* writer: config */
};

_Static_assert(sizeof(struct shm_rec_hdr) == 8, "record header");
_Static_assert(sizeof(struct shm_ifc) == 196, "shm_ifc");
_Static_assert(sizeof(struct shm_addr) == 32, "shm_addr");
_Static_assert(sizeof(struct shm_route) == 48, "shm_route");
_Static_assert(sizeof(struct shm_neigh) == 36, "shm_neigh");
_Static_assert(sizeof(struct shm_sa) == 176, "shm_sa");
_Static_assert(sizeof(struct shm_policy) == 100, "shm_policy");
_Static_assert(sizeof(struct shm_sa_rt) == 640, "shm_sa_rt");
_Static_assert(sizeof(struct shm_tunnel) == 40, "shm_tunnel");
_Static_assert(sizeof(struct shm_profile) <= SHM_JOURNAL_IMAGE_MAX, "profile fits the journal");
_Static_assert(sizeof(struct shm_ike_child) == 136, "shm_ike_child");
_Static_assert(sizeof(struct shm_ike_sa) == 1512, "shm_ike_sa");
_Static_assert(sizeof(struct shm_ike_counters) % 8 == 0, "shm_ike_counters");

/* A mapped region, private to each process. */
struct shm_region {
	struct shm_header *hdr;
	uint8_t *base;
	size_t size;
	int fd;
	int owner;                      /* 1 if this process created it */
};

/* The layout hash this binary was built with. */
uint32_t shm_layout_hash(void);
/* Total region size for this build. */
size_t shm_region_size(void);

/* Region file path for an instance: $IPSECGW_SHM_DIR (default /dev/hugepages)
 * + "/ipsecgw-" + instance. Returns 0 or -ENAMETOOLONG. */
int shm_region_path(const char *instance, char *buf, size_t len);

/* Create (or reopen after a restart) the region. An existing region of this
 * layout is reused as it is; one of another layout is refused unless
 * `reset` is set. Returns 0 or -errno with a reason in err. */
int shm_region_create(struct shm_region *r, const char *instance, int reset,
		      char *err, size_t errlen);
/* Attach to an existing region. Refuses a magic, ABI, layout or size
 * mismatch with a message that says which and both values. */
int shm_region_attach(struct shm_region *r, const char *instance, int writable,
		      char *err, size_t errlen);
/* Validate a header against this build. 0 or -EPROTO with a message. */
int shm_header_check(const struct shm_header *h, size_t mapped, char *err, size_t errlen);
void shm_region_detach(struct shm_region *r);

static inline void *shm_table_base(const struct shm_region *r, enum shm_table t)
{
	return r->base + r->hdr->tables[t].offset;
}
static inline void *shm_rec(const struct shm_region *r, enum shm_table t, uint32_t i)
{
	return r->base + r->hdr->tables[t].offset + (size_t)i * r->hdr->tables[t].rec_size;
}
static inline uint32_t shm_capacity(const struct shm_region *r, enum shm_table t)
{
	return r->hdr->tables[t].capacity;
}
static inline struct shm_counters *shm_counters(const struct shm_region *r, unsigned worker)
{
	return shm_rec(r, SHM_T_COUNTERS, worker);
}

/* Seqlock read of one record of `size` bytes into dst. Never blocks the
 * writer; retries while a write is in progress. Returns dst's in_use. */
int shm_rec_read(const void *rec, void *dst, size_t size);
/* Seqlock write of a whole record image (the image's seq field is ignored). */
void shm_rec_write(void *rec, const void *img, size_t size);

/* Reader-side: sum of counters over workers, less the cleared baseline. */
void shm_sum_sa(const struct shm_region *r, uint32_t i, struct shm_counter *out);
void shm_sum_policy(const struct shm_region *r, uint32_t i, struct shm_counter *out);
void shm_sum_sa_err(const struct shm_region *r, uint32_t i, uint64_t out[SHM_SA_ERR_N]);
const char *shm_sa_err_name(enum shm_sa_err e);  /* "REPLAY" style */
const char *shm_sa_err_text(enum shm_sa_err e);  /* "replay" style */
void shm_sum_ifc(const struct shm_region *r, uint32_t i, struct shm_ifc_counters *out);
uint64_t shm_sum_drop(const struct shm_region *r, enum shm_drop d);
const char *shm_drop_name(enum shm_drop d);   /* "NO_ROUTE" style */
const char *shm_drop_text(enum shm_drop d);   /* "no route" style */

#endif
