/*
 * Logging for every process: one line per call on stderr, with the syslog
 * priority prefix systemd's journal understands ("<6>..."). Never pass key
 * material: secrets are logged by name only.
 */
#ifndef IPSECGW_COMMON_LOG_H
#define IPSECGW_COMMON_LOG_H

enum gw_log_level { GW_LOG_ERR = 3, GW_LOG_WARNING = 4, GW_LOG_NOTICE = 5, GW_LOG_INFO = 6, GW_LOG_DEBUG = 7 };

void gw_log_init(const char *ident, int level);
void gw_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define gw_err(...) gw_log(GW_LOG_ERR, __VA_ARGS__)
#define gw_warn(...) gw_log(GW_LOG_WARNING, __VA_ARGS__)
#define gw_info(...) gw_log(GW_LOG_INFO, __VA_ARGS__)
#define gw_debug(...) gw_log(GW_LOG_DEBUG, __VA_ARGS__)

#endif
