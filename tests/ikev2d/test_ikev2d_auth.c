/*
 * RSA signature authentication between two engines over the mock transport
 * (rsa-sig profiles: the peer's certificate, our local key): RFC 7427
 * Digital Signature (method 14, PKCS#1 v1.5 and PSS, hash by key size),
 * RSA Digital Signature (method 1) when either end leaves RFC 7427 out, the
 * AUTH payloads seen on the wire (decrypted with the SA's keys), wrong keys
 * refused with AUTHENTICATION_FAILED, unusable files (missing, garbage,
 * encrypted, EC, none configured) with the operator's error line and the
 * counters, a replaced certificate file read again, and mixed methods.
 */
#include <openssl/x509.h>

#include "check.h"
#include "cred.h"
#include "ike_crypto.h"
#include "ike_sig.h"

static struct t_cred ca, cb, cc, ca3; /* a's key, b's key, an unrelated key, a's 3072-bit key */

/* ---- the AUTH payloads on the wire ---------------------------------------------- */

struct cap {
	uint8_t req[IKEV2_RX_MAX], resp[IKEV2_RX_MAX];
	size_t req_len, resp_len;
};

static bool cap_filter(struct t_world *w, struct t_pkt *k, void *arg)
{
	struct cap *c = arg;

	(void)w;
	if (k->len >= 28 && k->data[18] == IKE_EXCH_AUTH) {
		if (!(k->data[19] & IKE_HDR_F_RESPONSE) && k->to == 1) {
			memcpy(c->req, k->data, k->len);
			c->req_len = k->len;
		} else if ((k->data[19] & IKE_HDR_F_RESPONSE) && k->to == 0) {
			memcpy(c->resp, k->data, k->len);
			c->resp_len = k->len;
		}
	}
	return true;
}

/* The AUTH method of a captured IKE_AUTH message, decrypted with the
 * receiver's keys; *nid: the AlgorithmIdentifier's algorithm (method 14). */
static uint8_t wire_auth(struct ikev2_sa *receiver, const uint8_t *raw, size_t len, int *nid, size_t *auth_len)
{
	static struct ike_msg m;
	static uint8_t plain[IKEV2_RX_MAX];
	size_t plen;

	CHECK(len && ike_parse_msg(raw, len, &m) == IKE_PARSE_OK, "captured IKE_AUTH parses");
	CHECK(ike_sk_decrypt(&receiver->sk_in, raw, len, m.sk.hdr_off, plain, sizeof(plain), &plen) == 0, "decrypt");
	CHECK(ike_parse_inner(&m, plain, plen) == IKE_PARSE_OK && ike_msg_has(&m, IKE_PL_AUTH), "inner AUTH");
	CHECK(!ike_msg_has(&m, IKE_PL_CERT) && !ike_msg_has(&m, IKE_PL_CERTREQ), "we send no CERT or CERTREQ");
	*nid = NID_undef;
	*auth_len = m.auth.data.len;
	if (m.auth.method == IKE_AUTH_DIGITAL_SIG) {
		const unsigned char *p = m.auth.data.ptr + 1;
		X509_ALGOR *alg = d2i_X509_ALGOR(NULL, &p, m.auth.data.ptr[0]);
		CHECK(alg, "AlgorithmIdentifier");
		*nid = OBJ_obj2nid(alg->algorithm);
		X509_ALGOR_free(alg);
	}
	return m.auth.method;
}

/* ---- a world of two rsa-sig peers --------------------------------------------- */

static void rsa_world(struct t_world *w, const struct t_cred *a_key, const char *a_trusts, const struct t_cred *b_key,
		      const char *b_trusts)
{
	t_world_init(w);
	t_profile_rsa(t_profile(&w->p[0], "pr1", true, &w->p[1].addr), a_trusts);
	t_profile_rsa(t_profile(&w->p[1], "pr1", false, NULL), b_trusts);
	snprintf(w->p[0].local_key, sizeof(w->p[0].local_key), "%s", a_key ? a_key->key : "");
	snprintf(w->p[1].local_key, sizeof(w->p[1].local_key), "%s", b_key ? b_key->key : "");
	t_world_start(w);
}

static const struct shm_ike_counters *ctr(struct t_world *w, int i)
{
	return ikev2_engine_counters(w->p[i].e);
}

static void both_up(struct t_world *w)
{
	struct ikev2_sa *a = c_the_sa(&w->p[0]), *b = c_the_sa(&w->p[1]);

	c_ike_match(a, b);
	c_children_match(&w->p[0], a, &w->p[1], b);
	c_children_match(&w->p[1], b, &w->p[0], a);
	CHECK(c_n_child(a, IKEV2_CHILD_INSTALLED) == 1 && t_n_sad(&w->p[0]) == 2 && t_n_sad(&w->p[1]) == 2,
	      "child installed");
	for (int i = 0; i < 2; i++)
		CHECK(ctr(w, i)->fail[SHM_IKE_FAIL_AUTH] == 0 && ctr(w, i)->cred_errors == 0 && ctr(w, i)->ike_up == 1,
		      "%s: counters", w->p[i].name);
}

static void nothing_up(struct t_world *w)
{
	t_advance(w, 1);
	for (int i = 0; i < 2; i++)
		CHECK(c_n_sa(&w->p[i]) == 0 && t_n_sad(&w->p[i]) == 0 && t_n_tun(&w->p[i]) == 0 && ctr(w, i)->ike_up == 0,
		      "%s: nothing established", w->p[i].name);
}

/*
 * A successful negotiation; a_7427/b_7427: each end's cfg.sig_rfc7427;
 * pss on both. Expect each side's AUTH method and, for method 14, the
 * AlgorithmIdentifier (a_nid for a, b_nid for b).
 */
static void rsa_ok(const struct t_cred *a_key, bool a_7427, bool b_7427, bool pss, uint8_t method, int a_nid,
		   int b_nid)
{
	struct t_world w;
	struct cap *c = calloc(1, sizeof(*c));
	int nid;
	size_t len;

	rsa_world(&w, a_key, cb.cert, &cb, a_key->cert);
	w.p[0].e->cfg.sig_rfc7427 = a_7427;
	w.p[1].e->cfg.sig_rfc7427 = b_7427;
	w.p[0].e->cfg.sig_pss = w.p[1].e->cfg.sig_pss = pss;
	w.filter = cap_filter;
	w.filter_arg = c;
	CHECK(ikev2_engine_initiate(w.p[0].e, "pr1") == 0, "initiate");
	t_run(&w);
	both_up(&w);
	CHECK(c_the_sa(&w.p[0])->peer_sig_hashes == (a_7427 && b_7427 ? IKE_SIG_HASHES_OURS : 0) &&
	      c_the_sa(&w.p[1])->peer_sig_hashes == (a_7427 ? IKE_SIG_HASHES_OURS : 0),
	      "SIGNATURE_HASH_ALGORITHMS seen: a %x b %x", c_the_sa(&w.p[0])->peer_sig_hashes,
	      c_the_sa(&w.p[1])->peer_sig_hashes);
	CHECK(wire_auth(c_the_sa(&w.p[1]), c->req, c->req_len, &nid, &len) == method && nid == a_nid,
	      "a's AUTH: method %u nid %d, wanted %u %d", wire_auth(c_the_sa(&w.p[1]), c->req, c->req_len, &nid, &len),
	      nid, method, a_nid);
	if (method == IKE_AUTH_RSA_SIG)
		CHECK(len == (size_t)EVP_PKEY_get_size(a_key->pkey), "method 1 AUTH is the bare signature (%zu)", len);
	CHECK(wire_auth(c_the_sa(&w.p[0]), c->resp, c->resp_len, &nid, &len) == method && nid == b_nid,
	      "b's AUTH: nid %d, wanted %d", nid, b_nid);
	/* The SA works on: a child rekey and an IKE rekey need no new AUTH. */
	CHECK(ikev2_engine_rekey_ike(w.p[1].e, c_spi64(c_the_sa(&w.p[1]))) == 0, "rekey IKE");
	t_run(&w);
	t_advance(&w, 1);
	c_ike_match(c_the_sa(&w.p[0]), c_the_sa(&w.p[1]));
	free(c);
	t_world_fini(&w);
}

/* ---- refusals ------------------------------------------------------------------- */

/* b trusts an unrelated certificate: b refuses a's AUTH. */
static void t_wrong_key_responder(void)
{
	struct t_world w;

	rsa_world(&w, &ca, cb.cert, &cb, cc.cert);
	CHECK(ikev2_engine_initiate(w.p[0].e, "pr1") == 0, "initiate");
	t_run(&w);
	nothing_up(&w);
	CHECK(ctr(&w, 1)->fail[SHM_IKE_FAIL_AUTH] == 1 && ctr(&w, 1)->fail[SHM_IKE_FAIL_NO_PROFILE] == 0,
	      "b: one authentication failure");
	CHECK(ctr(&w, 0)->fail[SHM_IKE_FAIL_AUTH] == 1, "a: AUTHENTICATION_FAILED from b counted");
	CHECK(ctr(&w, 0)->cred_errors == 0 && ctr(&w, 1)->cred_errors == 0, "no credential error");
	t_world_fini(&w);
}

/* a trusts an unrelated certificate for b: a refuses b's AUTH and tells b
 * (INFORMATIONAL with AUTHENTICATION_FAILED), which then drops its SA. */
static void t_wrong_key_initiator(void)
{
	struct t_world w;

	rsa_world(&w, &ca, cc.cert, &cb, ca.cert);
	CHECK(ikev2_engine_initiate(w.p[0].e, "pr1") == 0, "initiate");
	t_run(&w);
	t_advance(&w, 1);
	CHECK(c_n_sa(&w.p[0]) == 0 && t_n_sad(&w.p[0]) == 0, "a: nothing kept");
	CHECK(ctr(&w, 0)->fail[SHM_IKE_FAIL_AUTH] == 1 && ctr(&w, 0)->ike_up == 0, "a: authentication failure");
	CHECK(ctr(&w, 0)->exch[3].req_tx == 1 && ctr(&w, 1)->exch[3].req_rx == 1, "a told b");
	CHECK(ctr(&w, 1)->ike_up == 1 && ctr(&w, 1)->fail[SHM_IKE_FAIL_AUTH] == 1, "b accepted a, then heard");
	CHECK(c_n_sa(&w.p[1]) == 0 && t_n_sad(&w.p[1]) == 0 && t_n_tun(&w.p[1]) == 0, "b: SA and child gone");
	t_world_fini(&w);
}

/* b's certificate file for a is unusable (content), then replaced by a's certificate. */
static void t_bad_cert_file(const char *content, const char *expect)
{
	struct t_world w;
	char path[300], log[8192];

	snprintf(path, sizeof(path), "%s/peer-a.crt", t_cred_dir);
	unlink(path);
	if (content)
		t_write_file(path, content, strlen(content), 0644);
	rsa_world(&w, &ca, cb.cert, &cb, path);
	t_log_begin();
	CHECK(ikev2_engine_initiate(w.p[0].e, "pr1") == 0, "initiate");
	t_run(&w);
	t_log_end(log, sizeof(log));
	nothing_up(&w);
	CHECK(strstr(log, "peer certificate ") && strstr(log, path) && strstr(log, expect),
	      "the error names the file and the reason (%s)", expect);
	CHECK(ctr(&w, 1)->cred_errors == 1 && ctr(&w, 1)->fail[SHM_IKE_FAIL_AUTH] == 1, "b counted %llu",
	      (unsigned long long)ctr(&w, 1)->cred_errors);
	CHECK(ctr(&w, 0)->fail[SHM_IKE_FAIL_AUTH] == 1, "a got AUTHENTICATION_FAILED");
	/* The same file again: counted again, logged once. */
	t_log_begin();
	CHECK(ikev2_engine_initiate(w.p[0].e, "pr1") == 0, "initiate");
	t_run(&w);
	t_log_end(log, sizeof(log));
	CHECK(ctr(&w, 1)->cred_errors == 2 && !strstr(log, expect), "counted twice, logged once");
	/* The operator puts the right certificate there: read again, accepted. */
	{
		FILE *f = fopen(ca.cert, "r");
		char pem[8192];
		size_t n = fread(pem, 1, sizeof(pem), f);
		fclose(f);
		t_write_file(path, pem, n, 0644);
	}
	CHECK(ikev2_engine_initiate(w.p[0].e, "pr1") == 0, "initiate");
	t_run(&w);
	t_advance(&w, 1);
	CHECK(c_n_sa(&w.p[0]) == 1 && c_n_sa(&w.p[1]) == 1, "up with the replaced file");
	c_ike_match(c_the_sa(&w.p[0]), c_the_sa(&w.p[1]));
	t_world_fini(&w);
}

/* a's own key is unusable: `ikev2 initiate` is refused with the reason, nothing sent. */
static void t_bad_local_key(const char *key_path, const char *expect)
{
	struct t_world w;
	char log[8192];
	struct t_cred none = { 0 };

	snprintf(none.key, sizeof(none.key), "%s", key_path);
	rsa_world(&w, &none, cb.cert, &cb, ca.cert);
	t_log_begin();
	CHECK(ikev2_engine_initiate(w.p[0].e, "pr1") == -EINVAL, "initiate refused");
	t_run(&w);
	t_log_end(log, sizeof(log));
	CHECK(strstr(log, expect) && (!key_path[0] || strstr(log, key_path)), "the error says: %s", expect);
	CHECK(w.sent[0] == 0 && c_n_sa(&w.p[0]) == 0, "nothing sent");
	CHECK(ctr(&w, 0)->cred_errors == 1 && ctr(&w, 0)->fail[SHM_IKE_FAIL_AUTH] == 1, "counted");
	t_world_fini(&w);
}

/* b (responder) cannot sign: AUTHENTICATION_FAILED instead of an answer it cannot make. */
static void t_responder_cannot_sign(const char *key_path, const char *expect)
{
	struct t_world w;
	char log[8192];
	struct t_cred bad = { 0 };

	snprintf(bad.key, sizeof(bad.key), "%s", key_path);
	rsa_world(&w, &ca, cb.cert, &bad, ca.cert);
	t_log_begin();
	CHECK(ikev2_engine_initiate(w.p[0].e, "pr1") == 0, "initiate");
	t_run(&w);
	t_log_end(log, sizeof(log));
	nothing_up(&w);
	CHECK(strstr(log, expect), "the error says: %s", expect);
	CHECK(ctr(&w, 1)->cred_errors == 1 && ctr(&w, 1)->fail[SHM_IKE_FAIL_AUTH] == 1, "b counted");
	CHECK(ctr(&w, 0)->fail[SHM_IKE_FAIL_AUTH] == 1, "a got AUTHENTICATION_FAILED");
	t_world_fini(&w);
}

/* One end shared key, the other rsa-sig: refused, never confused. */
static void t_mixed(bool a_psk)
{
	struct t_world w;

	rsa_world(&w, &ca, cb.cert, &cb, ca.cert);
	if (a_psk) {
		w.p[0].prof[0].auth_method = 2;
		w.p[0].prof[0].auth_len = 6;
		memcpy(w.p[0].prof[0].auth_data, "Vpp123", 6);
	} else {
		w.p[1].prof[0].auth_method = 2;
		w.p[1].prof[0].auth_len = 6;
		memcpy(w.p[1].prof[0].auth_data, "Vpp123", 6);
	}
	CHECK(ikev2_engine_initiate(w.p[0].e, "pr1") == 0, "initiate");
	t_run(&w);
	nothing_up(&w);
	CHECK(ctr(&w, 1)->fail[SHM_IKE_FAIL_AUTH] == 1, "b refused a's AUTH (method %s)", a_psk ? "2" : "14");
	t_world_fini(&w);
}

int main(void)
{
	char enc[300], garbage[300], ec_path[300];
	struct t_cred ec;

	gw_log_init("test_ikev2d_auth", getenv("T_DEBUG") ? GW_LOG_DEBUG : GW_LOG_WARNING);
	t_cred_dir_init();
	t_cred_make(&ca, "a", "roadwarrior.vpn.example.com", 2048);
	t_cred_make(&cb, "b", "vpp.home", 2048);
	t_cred_make(&cc, "c", "someone.else", 2048);
	t_cred_make(&ca3, "a3", "roadwarrior.vpn.example.com", 3072);
	t_cred_make(&ec, "ec", "ec.example", 0);

	/* RFC 7427 on both ends: method 14, hash by key size. */
	rsa_ok(&ca, true, true, false, IKE_AUTH_DIGITAL_SIG, NID_sha256WithRSAEncryption, NID_sha256WithRSAEncryption);
	rsa_ok(&ca3, true, true, false, IKE_AUTH_DIGITAL_SIG, NID_sha384WithRSAEncryption,
	       NID_sha256WithRSAEncryption);
	rsa_ok(&ca, true, true, true, IKE_AUTH_DIGITAL_SIG, NID_rsassaPss, NID_rsassaPss);
	/* Either end without RFC 7427: method 1 both ways. */
	rsa_ok(&ca, false, true, false, IKE_AUTH_RSA_SIG, NID_undef, NID_undef);
	rsa_ok(&ca, true, false, true, IKE_AUTH_RSA_SIG, NID_undef, NID_undef);

	t_wrong_key_responder();
	t_wrong_key_initiator();
	t_bad_cert_file(NULL, "No such file or directory");
	t_bad_cert_file("hello, not a certificate\n", "no PEM data");
	t_bad_cert_file("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
			"not a PEM certificate or public key");
	/* A bare public key is accepted in place of a certificate. */
	{
		struct t_world w;
		char pub[300];
		FILE *f;
		snprintf(pub, sizeof(pub), "%s/a.pub", t_cred_dir);
		CHECK((f = fopen(pub, "w")) && PEM_write_PUBKEY(f, ca.pkey) && !fclose(f), "public key file");
		rsa_world(&w, &ca, cb.cert, &cb, pub);
		CHECK(ikev2_engine_initiate(w.p[0].e, "pr1") == 0, "initiate");
		t_run(&w);
		both_up(&w);
		t_world_fini(&w);
	}
	/* Our key: missing, garbage, encrypted, EC, none configured. */
	t_bad_local_key("/nonexistent/ikev2d-test.key", "No such file or directory");
	snprintf(garbage, sizeof(garbage), "%s/garbage.key", t_cred_dir);
	{
		static const char junk[] = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
		t_write_file(garbage, junk, strlen(junk), 0600);
	}
	t_bad_local_key(garbage, "not a PEM private key");
	snprintf(enc, sizeof(enc), "%s/encrypted.key", t_cred_dir);
	{
		FILE *f = fopen(enc, "w");
		CHECK(f && PEM_write_PrivateKey(f, cb.pkey, EVP_aes_256_cbc(), (unsigned char *)"secret", 6, NULL,
						NULL) && !fclose(f), "encrypted key");
	}
	t_bad_local_key(enc, "or an encrypted one");
	snprintf(ec_path, sizeof(ec_path), "%s", ec.key);
	t_bad_local_key(ec_path, "key type EC: rsa-sig needs an RSA key");
	t_bad_local_key("", "no local key");
	t_responder_cannot_sign(enc, "or an encrypted one");
	t_responder_cannot_sign("/nonexistent/ikev2d-test.key", "No such file or directory");

	t_mixed(true);
	t_mixed(false);

	t_cred_free(&ca);
	t_cred_free(&cb);
	t_cred_free(&cc);
	t_cred_free(&ca3);
	t_cred_free(&ec);
	t_cred_dir_fini();
	printf("test_ikev2d_auth: ok\n");
	return 0;
}
