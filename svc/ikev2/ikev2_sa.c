/* IKE SAs: allocation, lookup, and the one function that changes their state. */
#include "ikev2_sa.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ikev2_child.h"
#include "ikev2_core.h"
#include "ike_wire.h"
#include "log.h"

static const char *const sa_state_names[] = {
#define IKEV2_SA_STATE_NAME(n, s) s,
	IKEV2_SA_STATES(IKEV2_SA_STATE_NAME)
#undef IKEV2_SA_STATE_NAME
};

const char *ikev2_sa_state_name(enum ikev2_sa_state s)
{
	return (unsigned)s < sizeof(sa_state_names) / sizeof(sa_state_names[0]) ? sa_state_names[s] : "?";
}

uint64_t ikev2_spi_u64(const uint8_t spi[8])
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | spi[i];
	return v;
}

static uint32_t hash_spi(const uint8_t spi[8])
{
	return (uint32_t)((ikev2_spi_u64(spi) * 0x9E3779B97F4A7C15ull) >> 40) & (IKEV2_HASH_SIZE - 1);
}

static uint32_t hash_half(const uint8_t spi_i[8], const struct ikev2_addr *a)
{
	uint64_t v = ikev2_spi_u64(spi_i);

	for (size_t i = 0; i < ikev2_addr_len(a); i++)
		v = (v ^ a->ip[i]) * 0x100000001B3ull;
	v ^= a->port;
	return (uint32_t)((v * 0x9E3779B97F4A7C15ull) >> 40) & (IKEV2_HASH_SIZE - 1);
}

const uint8_t *ikev2_sa_local_spi(const struct ikev2_sa *sa)
{
	return sa->initiator ? sa->spi_i : sa->spi_r;
}

const uint8_t *ikev2_sa_remote_spi(const struct ikev2_sa *sa)
{
	return sa->initiator ? sa->spi_r : sa->spi_i;
}

void ikev2_sa_set_remote_spi(struct ikev2_sa *sa, const uint8_t spi[8])
{
	memcpy(sa->initiator ? sa->spi_r : sa->spi_i, spi, 8);
}

struct ikev2_sa *ikev2_sa_find(const struct ikev2_engine *e, const uint8_t spi[8])
{
	for (struct ikev2_sa *sa = e->hash[hash_spi(spi)]; sa; sa = sa->hnext)
		if (memcmp(ikev2_sa_local_spi(sa), spi, 8) == 0)
			return sa;
	return NULL;
}

struct ikev2_sa *ikev2_sa_find_half(const struct ikev2_engine *e, const uint8_t spi_i[8],
				    const struct ikev2_addr *remote)
{
	for (struct ikev2_sa *sa = e->half[hash_half(spi_i, remote)]; sa; sa = sa->half_next)
		if (memcmp(sa->spi_i, spi_i, 8) == 0 && ikev2_addr_eq(&sa->path.remote, remote))
			return sa;
	return NULL;
}

static void hash_in(struct ikev2_engine *e, struct ikev2_sa *sa)
{
	uint32_t h = hash_spi(ikev2_sa_local_spi(sa));

	sa->hnext = e->hash[h];
	e->hash[h] = sa;
	sa->hashed = true;
}

static void hash_out(struct ikev2_engine *e, struct ikev2_sa *sa)
{
	struct ikev2_sa **pp = &e->hash[hash_spi(ikev2_sa_local_spi(sa))];

	if (!sa->hashed)
		return;
	for (; *pp; pp = &(*pp)->hnext)
		if (*pp == sa) {
			*pp = sa->hnext;
			break;
		}
	sa->hashed = false;
}

void ikev2_sa_hash_half(struct ikev2_engine *e, struct ikev2_sa *sa)
{
	uint32_t h = hash_half(sa->spi_i, &sa->path.remote);

	if (sa->half_hashed)
		return;
	sa->half_next = e->half[h];
	e->half[h] = sa;
	sa->half_hashed = true;
}

void ikev2_sa_unhash_half(struct ikev2_engine *e, struct ikev2_sa *sa)
{
	struct ikev2_sa **pp = &e->half[hash_half(sa->spi_i, &sa->path.remote)];

	if (!sa->half_hashed)
		return;
	for (; *pp; pp = &(*pp)->half_next)
		if (*pp == sa) {
			*pp = sa->half_next;
			break;
		}
	sa->half_hashed = false;
}

void ikev2_sa_set_local_spi(struct ikev2_engine *e, struct ikev2_sa *sa, const uint8_t spi[8])
{
	hash_out(e, sa);
	memcpy(sa->initiator ? sa->spi_i : sa->spi_r, spi, 8);
	hash_in(e, sa);
}

static void random_spi(const struct ikev2_engine *e, uint8_t spi[8])
{
	do
		RAND_bytes(spi, 8);
	while (ikev2_spi_u64(spi) == 0 || ikev2_sa_find(e, spi));
}

struct ikev2_sa *ikev2_sa_new(struct ikev2_engine *e, bool initiator)
{
	struct ikev2_sa *sa = calloc(1, sizeof(*sa));
	uint8_t spi[8];

	if (!sa)
		return NULL;
	sa->initiator = initiator;
	sa->state = IKEV2_SA_CONNECTING;
	sa->store_slot = UINT32_MAX;
	sa->created_ms = sa->last_rx_ms = ikev2_now(e);
	sa->created_rt = ikev2_realtime_s();
	ikev2_timers_sa_init(sa);
	random_spi(e, spi);
	memcpy(initiator ? sa->spi_i : sa->spi_r, spi, 8);
	hash_in(e, sa);
	sa->prev = e->last;
	if (e->last)
		e->last->next = sa;
	else
		e->first = sa;
	e->last = sa;
	if (!initiator) {
		sa->counted_half = true;
		e->ctr->half_open++;
	}
	return sa;
}

void ikev2_sa_free(struct ikev2_engine *e, struct ikev2_sa *sa)
{
	if (!sa)
		return;
	while (sa->children)
		ikev2_child_free(e, sa->children);
	ikev2_timers_sa_removed(e, sa);
	ikev2_tm_flush(e, sa);
	hash_out(e, sa);
	ikev2_sa_unhash_half(e, sa);
	if (sa->counted_half)
		e->ctr->half_open--;
	if (sa->prev)
		sa->prev->next = sa->next;
	else
		e->first = sa->next;
	if (sa->next)
		sa->next->prev = sa->prev;
	else
		e->last = sa->prev;
	ike_dh_free(sa->dh);
	ike_sk_wipe(&sa->sk_in);
	ike_sk_wipe(&sa->sk_out);
	free(sa->init_req);
	free(sa->init_resp);
	OPENSSL_cleanse(sa, sizeof(*sa)); /* keys, nonces, the profile's PSK */
	free(sa);
}

const char *ikev2_sa_name(const struct ikev2_sa *sa, char *buf, size_t len)
{
	snprintf(buf, len, "%016llx/%016llx", (unsigned long long)ikev2_spi_u64(sa->spi_i),
		 (unsigned long long)ikev2_spi_u64(sa->spi_r));
	return buf;
}

/* The single place an IKE SA changes state. */
void ikev2_sa_set_state(struct ikev2_engine *e, struct ikev2_sa *sa, enum ikev2_sa_state s)
{
	enum ikev2_sa_state old = sa->state;
	char n[40];

	if (old == s)
		return;
	gw_info("IKE SA %s (%s): %s -> %s", ikev2_sa_name(sa, n, sizeof(n)),
		sa->initiator ? "initiator" : "responder", ikev2_sa_state_name(old),
		ikev2_sa_state_name(s));
	sa->state = s;
	if (old == IKEV2_SA_CONNECTING && sa->counted_half) {
		sa->counted_half = false;
		e->ctr->half_open--;
		ikev2_sa_unhash_half(e, sa);
	}
	switch (s) {
	case IKEV2_SA_ESTABLISHED:
		if (old != IKEV2_SA_CONNECTING)
			break;
		sa->established_ms = ikev2_now(e);
		e->ctr->ike_sas++;
		if (sa->rekeyed_from)
			e->ctr->ike_rekeys++;
		else
			e->ctr->ike_up++;
		ikev2_timers_ike_established(e, sa);
		ikev2_engine_event(e, sa->rekeyed_from ? IKEV2_EV_REKEYED : IKEV2_EV_UP, sa, NULL);
		break;
	case IKEV2_SA_DEAD:
		if (old != IKEV2_SA_CONNECTING) {
			e->ctr->ike_sas--;
			if (old != IKEV2_SA_REKEYED) {
				e->ctr->ike_down++;
				ikev2_engine_event(e, IKEV2_EV_DOWN, sa, NULL);
			}
		}
		ikev2_store_remove(e, sa);
		ikev2_tm_flush(e, sa);
		ikev2_timers_sa_dead(e, sa);
		return;
	default:
		break;
	}
	if (s != IKEV2_SA_CONNECTING)
		ikev2_store_save(e, sa);
}

unsigned ikev2_sa_n_children(const struct ikev2_sa *sa)
{
	unsigned n = 0;

	for (const struct ikev2_child *c = sa->children; c; c = c->next)
		n++;
	return n;
}

void ikev2_sa_auth_done(struct ikev2_sa *sa)
{
	free(sa->init_req);
	free(sa->init_resp);
	sa->init_req = sa->init_resp = NULL;
	sa->init_req_len = sa->init_resp_len = 0;
	ike_dh_free(sa->dh);
	sa->dh = NULL;
}

void ikev2_sa_kill(struct ikev2_engine *e, struct ikev2_sa *sa, const char *why)
{
	char n[40];

	if (sa->state == IKEV2_SA_DEAD)
		return;
	gw_info("IKE SA %s: closing (%s)", ikev2_sa_name(sa, n, sizeof(n)), why);
	while (sa->children)
		ikev2_child_remove(e, sa->children);
	ikev2_sa_set_state(e, sa, IKEV2_SA_DEAD);
}

void ikev2_sa_start_delete(struct ikev2_engine *e, struct ikev2_sa *sa)
{
	if (sa->state == IKEV2_SA_DEAD || (sa->state == IKEV2_SA_DELETING && ikev2_tm_has(sa, &task_delete_ops)))
		return;
	if (sa->state == IKEV2_SA_CONNECTING) {
		ikev2_sa_kill(e, sa, "deleted before it was established");
		return;
	}
	while (sa->tm.queue) {
		struct ikev2_exch *x = sa->tm.queue;
		sa->tm.queue = x->next;
		ikev2_tm_exch_free(x);
	}
	ikev2_sa_set_state(e, sa, IKEV2_SA_DELETING);
	ikev2_tm_queue(e, sa, ikev2_tm_exch(IKE_EXCH_INFORMATIONAL, task_delete_new(true, NULL, 0), NULL),
		       true);
}

int ikev2_sa_start_initiate(struct ikev2_engine *e, struct ikev2_sa *sa)
{
	struct ikev2_exch *x1 = ikev2_tm_exch(IKE_EXCH_SA_INIT, task_sa_init_new(), task_natd_new());
	struct ikev2_exch *x2 = ikev2_tm_exch(IKE_EXCH_AUTH, task_auth_new(), task_child_create_new(true));

	if (!x1 || !x2) {
		ikev2_tm_exch_free(x1);
		ikev2_tm_exch_free(x2);
		return -ENOMEM;
	}
	ikev2_tm_queue(e, sa, x2, false);
	ikev2_tm_queue(e, sa, x1, true);
	return 0;
}
