/* The startup file: CLI lines (the grammar of cli/parse.h), applied one by
 * one through cfg_dispatch, each its own committed change. The first bad
 * line stops the service before it serves anything. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_priv.h"
#include "instance.h"
#include "log.h"
#include "parse.h"

/* A parse error may quote the offending token; on a line that carries key
 * material that token may be most of a secret. */
static int cfg_startup_secret_line(const char *line)
{
	return strstr(line, "crypto-key") || strstr(line, "integ-key") || strstr(line, "shared-key-mic");
}

int cfg_startup_apply(struct cfg *c, const char *path)
{
	FILE *f = fopen(path, "re");
	char *line = NULL, err[512];
	size_t cap = 0;
	unsigned lineno = 0, applied = 0;
	ssize_t n;
	int rc = 0;

	if (!f) {
		gw_err("startup file %s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
		gw_env *req = NULL;
		cfg_reply *rep;
		int p;

		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		err[0] = 0;
		p = cli_parse_request(line, &req, err, sizeof(err));
		if (p < 0) {
			if (cfg_startup_secret_line(line))
				gw_err("%s:%u: usage error in a line that carries a key (details withheld)",
				       path, lineno);
			else
				gw_err("%s:%u: %s", path, lineno, err);
			rc = -1;
			break;
		}
		if (p == 0 || !req)
			continue;
		req->api_version = GW_API_VERSION;
		req->request_id = lineno;
		rep = cfg_dispatch(c, req);
		if (rep->code != IPSECGW__V1__ERROR_CODE__OK) {
			const ProtobufCEnumValue *v =
				protobuf_c_enum_descriptor_get_value(&ipsecgw__v1__error_code__descriptor, rep->code);
			gw_err("%s:%u: %s: %s", path, lineno, v ? v->name : "ERROR",
			       rep->message ? rep->message : "");
			rc = -1;
		} else {
			applied++;
		}
		cfg_reply_free(rep);
		cli_request_free(req);
	}
	if (rc == 0 && ferror(f)) {
		gw_err("startup file %s: read error", path);
		rc = -1;
	}
	free(line);
	fclose(f);
	if (rc == 0)
		gw_info("startup file %s: %u requests applied", path, applied);
	return rc;
}
