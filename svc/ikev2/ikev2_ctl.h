/*
 * The IKE daemon's peers on ZeroMQ (ikev2_ctl_*), each with one dispatch
 * switch over the envelope's oneof:
 *   - the config service's event bus (SUB to RUNDIR/events.sock): accepted
 *     Ikev2Initiate requests arrive as Event{initiate}; changes of the
 *     global record (Event{GLOBAL}) are passed on;
 *   - its own API (ROUTER at RUNDIR/ikev2.sock): Dump{IKEV2_SAS} and
 *     SnapshotRequest, answered with Reply{ike_sas} (paged with cursors);
 *   - its own event bus (PUB at RUNDIR/ikev2-events.sock): Event{IKE_SA,
 *     CHILD_SA} for SAs going up (ADDED), down (DELETED) and rekeyed
 *     (CHANGED), gap-free seq per run, never with keys.
 * ZMQ_FD is edge-triggered: every wake-up and every send is followed by a
 * drain while ZMQ_EVENTS says POLLIN.
 *
 * Ownership: ikev2_ctl_open returns an object the caller releases with
 * ikev2_ctl_close (handles close on the loop). The engine is BORROWED.
 */
#ifndef IPSECGW_IKEV2_CTL_H
#define IPSECGW_IKEV2_CTL_H

#include <stddef.h>
#include <uv.h>

#include "ikev2_engine.h"
#include "ipsecgw.pb-c.h"

struct ikev2_ctl;

typedef void ikev2_ctl_initiate_fn(void *arg, const Ipsecgw__V1__Ikev2Initiate *m);
/* The region's global record changed (e.g. `ikev2 set liveness`). */
typedef void ikev2_ctl_global_fn(void *arg);

struct ikev2_ctl *ikev2_ctl_open(uv_loop_t *loop, const char *instance, struct ikev2_engine *e,
				 ikev2_ctl_initiate_fn *initiate, ikev2_ctl_global_fn *global, void *arg,
				 char *err, size_t errlen);
void ikev2_ctl_close(struct ikev2_ctl *c);
/* Publish an engine event (the env's event callback). */
void ikev2_ctl_event(struct ikev2_ctl *c, enum ikev2_event_kind k, const struct ikev2_sa *sa,
		     const struct ikev2_child *ch);

#endif
