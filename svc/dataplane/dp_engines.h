/*
 * Crypto engine selection in the dataplane (`set crypto handler`, `show
 * crypto engines`). The operator's choice per ESP algorithm lives in
 * shm_global (writer: config service; 0 = automatic, else 1 + ESP_ENGINE_* /
 * 1 + ESP_ARCH_*); dp_engines_apply hands it to the engine library
 * (esp_engine_select), and dp_engines_publish writes the library's choice and
 * measurements per algorithm into SHM_T_ENGINE_RT (writer: dataplane), which
 * the config service reads back for `show crypto engines`.
 *
 * Control thread only, after esp_engine_init; the module remembers what it
 * applied since the library started (one esp_engine_init per process).
 * Neither function allocates.
 */
#ifndef IPSECGW_DATAPLANE_DP_ENGINES_H
#define IPSECGW_DATAPLANE_DP_ENGINES_H

struct shm_region;

/* Write one SHM_T_ENGINE_RT row per algorithm from esp_engine_list(), under
 * each row's seqlock (shm_rec_write). The rows of "none" stay unused. */
void dp_engines_publish(struct shm_region *r);

/* Read the selection in shm_global (shm_rec_read) and call esp_engine_select
 * for every algorithm whose selection differs from the one this function
 * last saw; then republish (and publish on the first call in any case). A selection the library refuses (a code path
 * this CPU lacks, an algorithm OpenSSL or the native engine does not have, a
 * value out of range)
 * is logged once, in one line naming the algorithms, and leaves that
 * algorithm as it was; it is not retried until the region asks for
 * something else.
 * Returns 1 if any algorithm's selection changed, even if another was
 * refused: contexts prepared before now may use another engine, so prepare
 * the SAs again. 0 if nothing changed. -ENOTSUP or -EINVAL if nothing
 * changed and a new selection was refused (already logged). */
int dp_engines_apply(struct shm_region *r);

#endif
