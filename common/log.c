#include "log.h"

#include <stdarg.h>
#include <stdio.h>

static const char *log_ident = "ipsecgw";
static int log_level = GW_LOG_INFO;

void gw_log_init(const char *ident, int level)
{
	log_ident = ident;
	log_level = level;
}

void gw_log(int level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "<%d>%s: %s\n", level, log_ident, line);
}
