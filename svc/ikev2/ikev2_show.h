/*
 * The operator's view of IKE SAs (ikev2_show_*): struct ikev2_sa to the
 * API's IkeSaDetails (proto/ipsecgw.proto), for `show ikev2 sa [details]`
 * dumps and for events. Nonces and keys only when asked (Dump.with_keys).
 *
 * Ownership: the details returned are ADOPTED by the caller and released
 * with ikev2_show_free, which wipes the key fields first.
 */
#ifndef IPSECGW_IKEV2_SHOW_H
#define IPSECGW_IKEV2_SHOW_H

#include <stdbool.h>
#include <stdint.h>

#include "ikev2_engine.h"
#include "ipsecgw.pb-c.h"

struct ikev2_sa;
struct ikev2_child;

/* NULL when out of memory. only: the one child to describe (events), or
 * NULL for all of them. */
Ipsecgw__V1__IkeSaDetails *ikev2_show_sa(const struct ikev2_engine *e, const struct ikev2_sa *sa,
					 bool keys, const struct ikev2_child *only);
void ikev2_show_free(Ipsecgw__V1__IkeSaDetails *d);

#endif
