/*
 * Task IKE_AUTH (RFC 7296 1.2, 2.15): IDi [IDr] AUTH from the initiator,
 * IDr AUTH back; AUTH by shared key or RSA signature (ikev2_auth.h). The
 * responder picks the profile whose remote identity matches IDi (and local
 * identity IDr, when sent) and whose key (or certificate) verifies the AUTH
 * value, then prepares its own AUTH before answering, so a local key that
 * cannot sign is refused with AUTHENTICATION_FAILED rather than a missing
 * answer. CERT and CERTREQ payloads from the peer are tolerated and ignored
 * (the peer's certificate is the profile's); we send neither. The IKE SA is
 * ESTABLISHED here; the child SA of the exchange is task_child_create's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ike_wire.h"
#include "ikev2_auth.h"
#include "ikev2_core.h"
#include "ikev2_prop.h"
#include "log.h"

struct task_auth {
	struct ikev2_task t;
	uint8_t method;                 /* our AUTH, made by auth_prepare */
	uint8_t *auth;
	size_t auth_len;
};

static struct task_auth *ta(struct ikev2_task *t)
{
	return (struct task_auth *)t;
}

/* Our identity: the profile's, or our address. */
static void auth_local_id(const struct ikev2_sa *sa, uint8_t *type, uint8_t *data, uint16_t *len)
{
	if (sa->has_prof && sa->prof.local_id_type) {
		*type = sa->prof.local_id_type;
		*len = sa->prof.local_id_len > IKEV2_ID_MAX ? IKEV2_ID_MAX : sa->prof.local_id_len;
		memcpy(data, sa->prof.local_id, *len);
		return;
	}
	*type = sa->path.local.af == SHM_AF_INET6 ? IKE_ID_IPV6_ADDR : IKE_ID_IPV4_ADDR;
	*len = (uint16_t)ikev2_addr_len(&sa->path.local);
	memcpy(data, sa->path.local.ip, *len);
}

/* ID Type | RESERVED | data: the octets prf(SK_p, ...) covers. */
static size_t auth_id_body(uint8_t type, const uint8_t *data, size_t len, uint8_t *out)
{
	out[0] = type;
	out[1] = out[2] = out[3] = 0;
	memcpy(out + 4, data, len);
	return len + 4;
}

static void auth_store_peer_id(struct ikev2_sa *sa, const struct ike_id_pl *id)
{
	size_t n = id->data.len > IKEV2_ID_MAX ? IKEV2_ID_MAX : id->data.len;

	if (sa->initiator) {
		sa->id_r_type = id->type;
		sa->id_r_len = (uint16_t)n;
		memcpy(sa->id_r, id->data.ptr, n);
	} else {
		sa->id_i_type = id->type;
		sa->id_i_len = (uint16_t)n;
		memcpy(sa->id_i, id->data.ptr, n);
	}
}

/* Our identity into the SA and our AUTH over it into the task. */
static int auth_prepare(struct ikev2_engine *e, struct ikev2_sa *sa, struct task_auth *s)
{
	uint8_t type, data[IKEV2_ID_MAX], body[IKEV2_ID_MAX + 4];
	uint16_t len;
	struct ike_bytes id;

	auth_local_id(sa, &type, data, &len);
	if (sa->initiator) {
		sa->id_i_type = type, sa->id_i_len = len;
		memcpy(sa->id_i, data, len);
	} else {
		sa->id_r_type = type, sa->id_r_len = len;
		memcpy(sa->id_r, data, len);
	}
	id = (struct ike_bytes){ body, auth_id_body(type, data, len, body) };
	if (s->auth) {
		OPENSSL_cleanse(s->auth, s->auth_len);
		free(s->auth);
	}
	return ikev2_auth_make(e, sa, &id, &s->method, &s->auth, &s->auth_len);
}

/* IDx and AUTH, as prepared. */
static void auth_add(struct ikev2_sa *sa, struct task_auth *s, struct ike_build *b, uint8_t pl)
{
	if (sa->initiator)
		ike_build_id(b, pl, sa->id_i_type, sa->id_i, sa->id_i_len);
	else
		ike_build_id(b, pl, sa->id_r_type, sa->id_r, sa->id_r_len);
	ike_build_auth(b, s->method, s->auth, s->auth_len);
}

static int auth_build_i(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
			struct ike_build *b)
{
	struct task_auth *s = ta(t);
	int rc;

	if ((rc = auth_prepare(e, sa, s)) < 0) {
		gw_warn("IKE_AUTH: cannot make our AUTH (profile %s): %s", sa->prof.name,
			rc == -ENOKEY ? "the local key is unusable" : strerror(-rc));
		ikev2_count_fail(e, SHM_IKE_FAIL_AUTH);
		return IKEV2_TASK_FAILED;
	}
	auth_add(sa, s, b, IKE_PL_IDI);
	/* Move IDr after IDi, before AUTH? RFC 7296 orders IDi, [CERT], [IDr], AUTH;
	 * the order is not significant (3.2), so IDr follows AUTH here. */
	if (sa->prof.remote_id_type)
		ike_build_id(b, IKE_PL_IDR, sa->prof.remote_id_type, sa->prof.remote_id,
			     sa->prof.remote_id_len);
	return b->err ? IKEV2_TASK_FAILED : IKEV2_TASK_DONE;
}

static int auth_process_i(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
			  const struct ikev2_rx *rx)
{
	const struct ike_msg *m = rx->m;

	(void)t;
	for (unsigned i = 0; i < m->n_notify; i++)
		if (m->notify[i].type <= IKE_N_ERROR_MAX && !ike_msg_has(m, IKE_PL_AUTH)) {
			gw_warn("IKE_AUTH refused by the peer: %s", ike_wire_notify_name(m->notify[i].type));
			ikev2_count_fail(e, m->notify[i].type == IKE_N_AUTHENTICATION_FAILED ?
					 SHM_IKE_FAIL_AUTH : SHM_IKE_FAIL_PEER_ERROR);
			return IKEV2_TASK_FAILED;
		}
	if (!ike_msg_has(m, IKE_PL_IDR) || !ike_msg_has(m, IKE_PL_AUTH) ||
	    !ikev2_profile_id_match(sa->prof.remote_id_type, sa->prof.remote_id, sa->prof.remote_id_len,
				    m->idr.type, m->idr.data.ptr, m->idr.data.len) ||
	    ikev2_auth_verify(e, sa, &sa->prof, m, &m->idr) < 0) {
		gw_warn("IKE_AUTH: the responder's identity or AUTH does not verify");
		ikev2_count_fail(e, SHM_IKE_FAIL_AUTH);
		/* The responder thinks the SA is up: tell it (2.21.2). */
		ikev2_tm_notify_once(e, sa, IKE_N_AUTHENTICATION_FAILED);
		return IKEV2_TASK_FAILED;
	}
	auth_store_peer_id(sa, &m->idr);
	ikev2_sa_set_state(e, sa, IKEV2_SA_ESTABLISHED);
	return IKEV2_TASK_DONE;
}

static int auth_process_r(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
			  const struct ikev2_rx *rx, struct ikev2_nerr *err)
{
	const struct ike_msg *m = rx->m;
	struct shm_profile *p = malloc(sizeof(*p));
	bool candidate = false, ok = false;
	uint32_t cur = 0;
	char a[64];
	int rc;

	if (!p)
		return IKEV2_TASK_DROP;
	if (!ike_msg_has(m, IKE_PL_IDI) || !ike_msg_has(m, IKE_PL_AUTH)) {
		ikev2_count_fail(e, SHM_IKE_FAIL_MALFORMED);
		ikev2_nerr_set(err, IKE_N_INVALID_SYNTAX, NULL, 0);
		goto out;
	}
	while (!ok && e->env.profile_next(e->env.arg, &cur, p) > 0) {
		if (!ikev2_auth_profile_method(p) ||
		    !ikev2_profile_id_match(p->remote_id_type, p->remote_id, p->remote_id_len, m->idi.type,
					    m->idi.data.ptr, m->idi.data.len) ||
		    (ike_msg_has(m, IKE_PL_IDR) &&
		     !ikev2_profile_id_match(p->local_id_type, p->local_id, p->local_id_len, m->idr.type,
					     m->idr.data.ptr, m->idr.data.len)) ||
		    !ikev2_prop_ike_allowed(p, &sa->xf))
			continue;
		candidate = true;
		ok = ikev2_auth_verify(e, sa, p, m, &m->idi) == 0;
	}
	if (!ok) {
		gw_warn("IKE_AUTH from %s: %s (AUTH method %u)", ikev2_addr_str(&rx->path.remote, a, sizeof(a)),
			candidate ? "AUTH does not verify" : "no profile matches the identities", m->auth.method);
		ikev2_count_fail(e, candidate ? SHM_IKE_FAIL_AUTH : SHM_IKE_FAIL_NO_PROFILE);
		ikev2_nerr_set(err, IKE_N_AUTHENTICATION_FAILED, NULL, 0);
		goto out;
	}
	sa->prof = *p;
	sa->has_prof = true;
	if ((rc = auth_prepare(e, sa, ta(t))) < 0) {
		gw_warn("IKE_AUTH from %s: cannot make our AUTH (profile %s): %s",
			ikev2_addr_str(&rx->path.remote, a, sizeof(a)), p->name,
			rc == -ENOKEY ? "the local key is unusable" : strerror(-rc));
		ikev2_count_fail(e, SHM_IKE_FAIL_AUTH);
		ikev2_nerr_set(err, IKE_N_AUTHENTICATION_FAILED, NULL, 0);
		goto out;
	}
	auth_store_peer_id(sa, &m->idi);
	ikev2_sa_set_state(e, sa, IKEV2_SA_ESTABLISHED);
out:
	OPENSSL_cleanse(p, sizeof(*p));
	free(p);
	return err->type ? IKEV2_TASK_NOTIFY : IKEV2_TASK_DONE;
}

static int auth_build_r(struct ikev2_engine *e, struct ikev2_sa *sa, struct ikev2_task *t,
			struct ike_build *b)
{
	(void)e;
	auth_add(sa, ta(t), b, IKE_PL_IDR);
	return b->err;
}

static void auth_destroy(struct ikev2_task *t)
{
	struct task_auth *s = ta(t);

	if (s->auth) {
		OPENSSL_cleanse(s->auth, s->auth_len);
		free(s->auth);
	}
	free(s);
}

const struct ikev2_task_ops task_auth_ops = {
	.name = "ike-auth",
	.build_i = auth_build_i,
	.process_i = auth_process_i,
	.process_r = auth_process_r,
	.build_r = auth_build_r,
	.destroy = auth_destroy,
};

struct ikev2_task *task_auth_new(void)
{
	struct task_auth *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->t.ops = &task_auth_ops;
	return &s->t;
}
