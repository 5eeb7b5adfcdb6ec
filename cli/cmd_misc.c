/* Counters, shows and the commands ipsecctl runs itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "req.h"
#include "value.h"

int cmd_misc_clear(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	Ipsecgw__V1__ClearCounters *b =
		req_body(out, IPSECGW__V1__ENVELOPE__BODY_CLEAR, &ipsecgw__v1__clear_counters__descriptor);

	(void)err, (void)errlen;
	if (!b)
		return -1;
	b->what = (Ipsecgw__V1__ClearCounters__What)m->arg;
	return 0;
}

int cmd_misc_show(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	const char *name = cmd_get(m, "interface");

	(void)err, (void)errlen;
	out->kind = CLI_SHOW;
	out->show.view = (enum cli_view)m->arg;
	out->show.has_id = cmd_u32(m, "id", &out->show.id);
	if (!name)
		name = cmd_get(m, "profile");
	if (name)
		snprintf(out->show.name, sizeof(out->show.name), "%s", name);
	return 0;
}

int cmd_misc_ping(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	const char *src = cmd_get(m, "source");

	(void)err, (void)errlen;
	out->kind = CLI_PING;
	value_ip(cmd_get(m, "address"), out->ping.addr, &out->ping.addr_len);
	if (src)
		snprintf(out->ping.source, sizeof(out->ping.source), "%s", src);
	if (!cmd_u32(m, "repeat", &out->ping.repeat))
		out->ping.repeat = 5;
	if (!cmd_u32(m, "size", &out->ping.size))
		out->ping.size = 56;
	return 0;
}

int cmd_misc_help(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	size_t len = 1, off = 0;
	int n = cmd_count(m, "topic");

	(void)err, (void)errlen;
	for (int i = 0; i < n; i++)
		len += strlen(cmd_nth(m, "topic", i)) + 1;
	out->kind = CLI_HELP;
	out->arg = malloc(len);
	if (!out->arg)
		return -1;
	out->arg[0] = '\0';
	for (int i = 0; i < n; i++)
		off += (size_t)snprintf(out->arg + off, len - off, "%s%s", i ? " " : "", cmd_nth(m, "topic", i));
	return 0;
}

int cmd_misc_exec(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	out->kind = CLI_EXEC;
	out->arg = strdup(cmd_get(m, "file"));
	return out->arg ? 0 : -1;
}

int cmd_misc_quit(const struct cli_match *m, struct cli_line *out, char *err, size_t errlen)
{
	(void)m, (void)err, (void)errlen;
	out->kind = CLI_QUIT;
	return 0;
}
