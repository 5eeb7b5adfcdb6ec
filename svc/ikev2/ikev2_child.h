/*
 * Child SAs (ikev2_child_*): the object, its one state-change function,
 * key derivation (RFC 7296 2.17) and installation through the installer
 * (ikev2_install.h) the way an operator would: two SAs, an ipsecN tunnel,
 * its protection, admin up.
 *
 * Make-before-break: a tunnel's inbound SAs are those of every installed
 * child on it (old and new during a rekey); its outbound SA is that of the
 * child marked out_active. A rekey initiator moves the outbound to the new
 * child as soon as the new child is installed (the responder already has
 * it); a rekey responder moves it when the old child is deleted. The old
 * SAs leave the SAD only after the protection no longer names them.
 *
 * Errors: 0 or -errno (installer errors pass through).
 */
#ifndef IPSECGW_IKEV2_CHILD_H
#define IPSECGW_IKEV2_CHILD_H

#include <stdbool.h>
#include <stdint.h>

#include "ikev2_sa.h"

struct ikev2_engine;

const char *ikev2_child_state_name(enum ikev2_child_state s);

/* A child of sa in CREATING (linked last); NULL when out of memory. */
struct ikev2_child *ikev2_child_new(struct ikev2_engine *e, struct ikev2_sa *sa);
/* Unlink, cancel timers, wipe keys, free. Uninstalls nothing. */
void ikev2_child_free(struct ikev2_engine *e, struct ikev2_child *c);
/* THE state change of a child SA. */
void ikev2_child_set_state(struct ikev2_engine *e, struct ikev2_child *c, enum ikev2_child_state s);

struct ikev2_child *ikev2_child_by_in(const struct ikev2_sa *sa, uint32_t spi_in);
struct ikev2_child *ikev2_child_by_out(const struct ikev2_sa *sa, uint32_t spi_out);
/* A child by its inbound SPI, whichever IKE SA holds it now (an IKE rekey
 * moves children while their exchanges run on the old SA). */
struct ikev2_child *ikev2_child_get(const struct ikev2_engine *e, uint32_t spi_in);
/* Any child of the engine by its inbound or outbound SPI. */
struct ikev2_child *ikev2_child_find(const struct ikev2_engine *e, uint32_t spi);
/* Set spi_in to a fresh random SPI (> 255) no other child uses, and hash it. */
void ikev2_child_alloc_spi(struct ikev2_engine *e, struct ikev2_child *c);

/* Restore: set and hash a persisted inbound SPI. */
void ikev2_child_restore_spi(struct ikev2_engine *e, struct ikev2_child *c, uint32_t spi_in);

/* KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr) split into c->keys (2.17);
 * SK_d of sa, the IKE SA that carried the exchange. */
int ikev2_child_derive(struct ikev2_engine *e, const struct ikev2_sa *sa, struct ikev2_child *c,
		       const struct ike_bytes *ni, const struct ike_bytes *nr, const struct ike_bytes *g_ir);
/* Add both SAs; a new ipsecN tunnel (pred NULL) or pred's; protect; up. */
int ikev2_child_install(struct ikev2_engine *e, struct ikev2_child *c, const struct ikev2_child *pred);
/* Re-apply the protection of a tunnel from the installed children on it. */
int ikev2_child_sync(struct ikev2_engine *e, struct ikev2_sa *sa, uint32_t tunnel);
/* Delete a child here: state DELETED, protection without it, its SAs out of
 * the SAD, the tunnel deleted when nothing else uses it; frees c. */
void ikev2_child_remove(struct ikev2_engine *e, struct ikev2_child *c);
/* Move a child to another IKE SA (IKE rekey). */
void ikev2_child_adopt(struct ikev2_sa *to, struct ikev2_child *c);

#endif
