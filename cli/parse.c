/* The contract of parse.h, on top of the grammar. */
#include "parse.h"

#include "grammar.h"
#include "req.h"

int cli_parse_request(const char *line, gw_env **req, char *err, size_t errlen)
{
	struct cli_line l;

	*req = NULL;
	if (grammar_parse(line, &l, err, errlen) < 0)
		return -1;
	if (l.kind != CLI_REQUEST) {
		grammar_line_free(&l);
		return 0;
	}
	*req = l.req;
	l.req = NULL;
	grammar_line_free(&l);
	return 1;
}

void cli_request_free(gw_env *req)
{
	req_free(req);
}
