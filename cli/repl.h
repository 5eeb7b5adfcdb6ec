/* Interactive ipsecctl: libedit line editing, history, '?' and TAB. */
#ifndef IPSECGW_CLI_REPL_H
#define IPSECGW_CLI_REPL_H

#include "ctl.h"

/* Runs until quit/exit or end of input; returns the last command's exit code. */
int repl_run(struct ctl *c);

#endif
