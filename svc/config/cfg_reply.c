/* Replies: construction, the error convention, and allocation.
 *
 * Every string, byte buffer, array and sub-message hung off a Reply is its
 * own heap block, so protobuf-c's recursive free (cfg_reply_free) releases
 * a reply however far its construction got. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_priv.h"
#include "log.h"

static void cfg_reply_oom(void)
{
	gw_err("out of memory");
	abort();
}

void *cfg_reply_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		cfg_reply_oom();
	return p;
}

char *cfg_reply_strdup(const char *s)
{
	char *p = strdup(s ? s : "");

	if (!p)
		cfg_reply_oom();
	return p;
}

void cfg_reply_bytes(cfg_bytes *dst, const void *src, size_t len)
{
	dst->data = cfg_reply_calloc(1, len);
	memcpy(dst->data, src, len);
	dst->len = len;
}

cfg_reply *cfg_reply_new(void)
{
	cfg_reply *rep = cfg_reply_calloc(1, sizeof(*rep));

	ipsecgw__v1__reply__init(rep);
	rep->code = IPSECGW__V1__ERROR_CODE__OK;
	return rep;
}

int cfg_reply_fail(cfg_reply *rep, cfg_code code, const char *field, const char *fmt, ...)
{
	char text[512], msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	snprintf(msg, sizeof(msg), "%s: %s", field, text);
	free(rep->message);
	free(rep->field);
	rep->code = code;
	rep->message = cfg_reply_strdup(msg);
	rep->field = cfg_reply_strdup(field);
	return -1;
}

void cfg_reply_free(cfg_reply *rep)
{
	if (rep)
		ipsecgw__v1__reply__free_unpacked(rep, NULL);
}
