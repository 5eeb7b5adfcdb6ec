#!/usr/bin/env python3
"""ipsecctl against a real ipsecgw-config: the seed page's configuration
(seed.cli) applied two ways -- by `ipsecctl -f` and as the service's
startup file -- must give the same shows, and those must match the golden
files in golden/ (text and --json, with and without -k). Also: keys never
printed without -k, and exit codes 2, 3 and 4.

GW_BIN: the build's bin directory; GW_UPDATE_GOLDEN=1 rewrites the golden
files (read them before committing). Exits 77 (skipped) when
ipsecgw-config has not been built."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "golden")
BIN = os.environ.get("GW_BIN", os.path.join(os.getcwd(), "bin"))
CTL = os.path.join(BIN, "ipsecctl")
CFG = os.path.join(BIN, "ipsecgw-config")
UPDATE = os.environ.get("GW_UPDATE_GOLDEN") == "1"

SECRETS = [
    "4a506a794f574265564551694d653768", "4339314b55523947594d6d3547666b45764e6a58",
    "9fc168defbe2c8934657b78ad42b02933421d05822ebd11fff8d945fac65f7af",
    "34c4c60c0b5e34217f37e97ddb3a0254d1f854811707980f5d4a463068df01c3",
    "96d5301bdb3fc80594908a18fafd8efadedbc063", "133d30c34d874230ddc99ca06f855ea154004b30", "Vpp123",
]
# (golden name, command, also with -k)
SHOWS = [
    ("show_ipsec", "show ipsec", False),
    ("show_ipsec_sa_10", "show ipsec sa 10", True),
    ("show_ipsec_spd_1", "show ipsec spd 1", False),
    ("show_ikev2_profile", "show ikev2 profile", True),
    ("show_interface", "show interface", False),
    ("show_interface_address", "show interface address", False),
    ("show_ip_fib", "show ip fib", False),
    ("show_ip6_fib", "show ip6 fib", False),
    ("show_ip_neighbors", "show ip neighbors", False),
    ("show_ipsec_tunnel", "show ipsec tunnel interfaces", True),
    ("show_crypto_engines", "show crypto engines", False),  # no dataplane: selections only
]

passed = failed = 0


def check(cond, what, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {what}\n{detail}", file=sys.stderr)


class Service:
    def __init__(self, env, instance, startup, logdir):
        self.instance = instance
        self.sock = os.path.join(env["IPSECGW_RUNDIR"], instance, "config.sock")
        self.log = open(os.path.join(logdir, f"{instance}.log"), "w")
        self.proc = subprocess.Popen([CFG, "--instance", instance, "--startup", startup], env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        end = time.time() + 15
        while not os.path.exists(self.sock) and self.proc.poll() is None and time.time() < end:
            time.sleep(0.05)
        if not os.path.exists(self.sock):
            self.stop()
            raise RuntimeError(f"ipsecgw-config --instance {instance} did not create {self.sock}; log: "
                               + open(self.log.name).read())

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def ctl(env, *args, stdin=None):
    p = subprocess.run([CTL, *args], env=env, input=stdin, capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout, p.stderr


def golden(name, got):
    path = os.path.join(GOLDEN, name)
    if UPDATE:
        with open(path, "w") as f:
            f.write(got)
        print(f"wrote {path}")
        return
    want = open(path).read() if os.path.exists(path) else None
    check(got == want, f"{name} differs from golden (GW_UPDATE_GOLDEN=1 rewrites it)",
          f"--- got\n{got}--- want\n{want}")


def shows(env, instance):
    """Every show of SHOWS on INSTANCE: {(name, variant): stdout}."""
    out = {}
    for name, cmd, keyed in SHOWS:
        variants = [("", []), (".json", ["--json"])]
        if keyed:
            variants += [("_k", ["-k"]), ("_k.json", ["-k", "--json"])]
        for suffix, opts in variants:
            rc, so, se = ctl(env, "--instance", instance, *opts, *cmd.split())
            check(rc == 0, f"{instance}: ipsecctl {' '.join(opts)} {cmd} exits 0", f"rc {rc}: {se}")
            out[(name, suffix)] = so
    return out


def main():
    if not os.path.exists(CFG):
        print(f"SKIP: {CFG} not built")
        return 77
    tmp = tempfile.mkdtemp(prefix="ipsecctl-golden-")
    env = dict(os.environ, IPSECGW_RUNDIR=os.path.join(tmp, "run"), IPSECGW_SHM_DIR=os.path.join(tmp, "shm"),
               HOME=tmp)
    os.makedirs(env["IPSECGW_RUNDIR"])
    os.makedirs(env["IPSECGW_SHM_DIR"])
    ports, seed = os.path.join(HERE, "ports.cli"), os.path.join(HERE, "seed.cli")
    startup = os.path.join(tmp, "startup.cli")
    with open(startup, "w") as f:
        f.write(open(ports).read() + open(seed).read())
    services = []
    try:
        # A: ports at startup, the seed's lines through ipsecctl -f
        services.append(Service(env, "clia", ports, tmp))
        rc, so, se = ctl(env, "--instance", "clia", "-f", seed)
        check(rc == 0, "ipsecctl -f seed.cli exits 0", f"rc {rc}\n{so}{se}")
        check(so == "loop0\nipsec0\n", "created names are printed", so)
        # B: everything as the startup file
        services.append(Service(env, "clib", startup, tmp))

        a, b = shows(env, "clia"), shows(env, "clib")
        for (name, suffix), text in a.items():
            golden(f"svc_{name}{suffix.replace('.json', '')}{'.json' if suffix.endswith('.json') else '.txt'}",
                   text)
            check(b[(name, suffix)] == text, f"{name}{suffix}: startup file and ipsecctl -f agree",
                  f"--- ipsecctl -f\n{text}--- startup\n{b[(name, suffix)]}")
            leaked = [s for s in SECRETS if s in text]
            if "_k" not in suffix:
                check(not leaked, f"{name}{suffix}: no key without -k", f"leaked {leaked}\n{text}")
        check(SECRETS[0] in a[("show_ipsec_sa_10", "_k")] and SECRETS[1] in a[("show_ipsec_sa_10", "_k")],
              "show ipsec sa 10 -k prints both keys", a[("show_ipsec_sa_10", "_k")])
        check(SECRETS[0] in a[("show_ipsec_sa_10", "_k.json")], "show ipsec sa 10 -k --json prints the key")
        check("auth data Vpp123" in a[("show_ikev2_profile", "_k")], "show ikev2 profile -k prints the PSK")
        check("auth data <hidden>" in a[("show_ikev2_profile", "")], "show ikev2 profile hides the PSK")
        check(SECRETS[2] in a[("show_ipsec_tunnel", "_k")], "tunnel -k prints the keys")

        # stdin that is not a terminal: one command a line
        rc, so, se = ctl(env, "--instance", "clia", stdin="show ipsec spd 1\n")
        check(rc == 0 and so == a[("show_ipsec_spd_1", "")], "commands from stdin", f"rc {rc}\n{so}{se}")

        # exit 2: does not parse
        rc, so, se = ctl(env, "--instance", "clia", "ipsec", "sa", "add", "10", "spi", "x")
        check(rc == 2 and "ipsec sa add: expected 'spi' value, got 'x'" in se, "exit 2 on a parse error",
              f"rc {rc}: {se}")
        rc, so, se = ctl(env, "--bogus")
        check(rc == 2, "exit 2 on a bad option", f"rc {rc}: {se}")
        # exit 3: rejected, with the code's name
        for cmd in ("ipsec spd add 1", "ipsec sa del 999", "show ipsec sa 999", "ping 192.0.2.2"):
            rc, so, se = ctl(env, "--instance", "clia", *cmd.split())
            check(rc == 3 and re.match(r"ipsecctl: [A-Z_]+: .+|ipsecctl: ping needs the dataplane", se),
                  f"exit 3 for '{cmd}'", f"rc {rc}: {se}")
        # -f stops at the first error and names FILE:LINE
        bad = os.path.join(tmp, "bad.cli")
        with open(bad, "w") as f:
            f.write("ipsec spd add 50\n# comment\nipsec spd add 50\nipsec spd add 51\n")
        rc, so, se = ctl(env, "--instance", "clia", "-f", bad)
        check(rc == 3 and f"{bad}:3: " in se, "-f stops at the first error with FILE:LINE", f"rc {rc}: {se}")
        rc, so, se = ctl(env, "--instance", "clia", "show", "ipsec", "spd", "51")
        check(rc == 3, "lines after the error are not run", f"rc {rc}: {so}{se}")
        with open(bad, "w") as f:
            f.write("ipsec spd add 60\nipsec spd add sixty\n")
        rc, so, se = ctl(env, "--instance", "clia", "-f", bad)
        check(rc == 2 and f"{bad}:2: ipsec spd add: expected 'spd' value, got 'sixty'" in se,
              "-f: a parse error names FILE:LINE", f"rc {rc}: {se}")
        rc, so, se = ctl(env, "--instance", "clia", "show", "ipsec", "spd", "60")
        check(rc == 0, "-f: the lines before a parse error are applied", f"rc {rc}: {so}{se}")
        # exit 4: no service, or no answer
        rc, so, se = ctl(env, "--instance", "nosuch", "show", "ipsec")
        check(rc == 4 and "'nosuch'" in se and "nosuch/config.sock" in se, "exit 4 without a service",
              f"rc {rc}: {se}")
        os.makedirs(os.path.join(env["IPSECGW_RUNDIR"], "mute"))
        open(os.path.join(env["IPSECGW_RUNDIR"], "mute", "config.sock"), "w").close()
        rc, so, se = ctl(env, "--instance", "mute", "-t", "300", "show", "ipsec")
        check(rc == 4 and "did not answer within 300 ms" in se, "exit 4 on a timeout", f"rc {rc}: {se}")
        # a dump longer than one reply comes in pages (Reply.next_cursor)
        many = os.path.join(tmp, "many.cli")
        n_sa = 12000
        with open(many, "w") as f:
            for i in range(1, n_sa + 1):
                f.write(f"ipsec sa add {i} spi {100000 + i} crypto-alg aes-gcm-128 integ-alg none "
                        "crypto-key 00112233445566778899aabbccddeeff01020304 "
                        "tunnel-src 203.0.113.1 tunnel-dst 203.0.113.2\n")
        services.append(Service(env, "clic", many, tmp))
        rc, so, se = ctl(env, "--instance", "clic", "--json", "show", "ipsec", "sa")
        ids = [sa["spec"]["sa_id"] for sa in json.loads(so)["sas"]] if rc == 0 else []
        check(ids == list(range(1, n_sa + 1)), f"a paged dump of {n_sa} SAs arrives whole and sorted",
              f"rc {rc}: {se} ({len(ids)} SAs)")
        rc, so, se = ctl(env, "--instance", "clic", "show", "ipsec", "sa")
        check(rc == 0 and so.count(" mode tunnel protocol esp\n") == n_sa, "paged dump as text", f"rc {rc}: {se}")

        # -n needs no service
        rc, so, se = ctl(env, "--instance", "nosuch", "-n", "-f", seed)
        check(rc == 0 and "sa_add" in so and not any(s in so for s in SECRETS), "-n without a service, keys hidden",
              f"rc {rc}: {se}")
        rc, so, se = ctl(env, "--instance", "nosuch", "-n", "-k", "--json", "ipsec", "sa", "add", "1", "spi", "1",
                         "crypto-key", SECRETS[0])
        check(rc == 0 and SECRETS[0] in so, "-n -k shows the key", so)
    except RuntimeError as e:
        check(False, "service start", str(e))
    finally:
        for s in services:
            s.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
