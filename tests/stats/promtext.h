/*
 * A checker for the Prometheus text exposition format 0.0.4, stricter than
 * Prometheus itself where ipsecgw promises more: every family has # HELP and
 * # TYPE before its first sample, families are not interleaved, counters end
 * in _total, label names are unique in a sample, series are unique.
 */
#ifndef IPSECGW_TESTS_PROMTEXT_H
#define IPSECGW_TESTS_PROMTEXT_H

#include <stddef.h>

/* 0 if text is valid; else -1 with "line N: reason" in err. *families and
 * *samples (if not NULL) receive the counts. */
int promtext_check(const char *text, char *err, size_t errlen, int *families, int *samples);

/* The value of the sample whose line starts with `series` followed by a
 * space (e.g. `x_total{a="b"}`). 0 if found, -1 if not. */
int promtext_value(const char *text, const char *series, double *v);

#endif
