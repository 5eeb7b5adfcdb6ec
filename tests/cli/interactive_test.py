#!/usr/bin/env python3
"""Interactive ipsecctl on a pseudo-terminal: the prompt, a command, '?'
completion lists, TAB completion, history (in the session and across
sessions through ~/.ipsecctl_history), secrets kept out of the history,
the instance name in the prompt. Runs with -n, so no service is needed."""
import os
import pty
import select
import shutil
import sys
import tempfile
import termios
import time

BIN = os.environ.get("GW_BIN", os.path.join(os.getcwd(), "bin"))
CTL = os.path.join(BIN, "ipsecctl")
passed = failed = 0


def check(cond, what, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {what}\n{detail}", file=sys.stderr)


class Term:
    def __init__(self, args, home):
        env = dict(os.environ, HOME=home, TERM="xterm")
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(CTL, [CTL] + args, env)
        self.buf = b""
        self.log = b""  # everything read, for failure reports

    def read_until(self, what, timeout=5.0):
        """Read until WHAT appears in the output since the last call."""
        end = time.time() + timeout
        want = what.encode()
        while want not in self.buf and time.time() < end:
            r, _, _ = select.select([self.fd], [], [], 0.1)
            if r:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    break
                self.buf += chunk
                self.log += chunk
        cut = self.buf.find(want)
        cut = len(self.buf) if cut < 0 else cut + len(want)
        out, self.buf = self.buf[:cut].decode(errors="replace"), self.buf[cut:]
        return want in out.encode(), out

    def send(self, s):
        """Type S once line editing has the terminal (raw mode): keys typed
        before that would be echoed and, for ^D, lost by the tty."""
        end = time.time() + 5
        while time.time() < end and termios.tcgetattr(self.fd)[3] & termios.ICANON:
            time.sleep(0.01)
        os.write(self.fd, s.encode())

    def wait(self, timeout=5.0):
        end = time.time() + timeout
        while time.time() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
            r, _, _ = select.select([self.fd], [], [], 0.05)
            if r:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    chunk = b""
                self.buf += chunk
                self.log += chunk
        print("ipsecctl did not exit; the session:\n" + repr(self.log.decode(errors="replace")), file=sys.stderr)
        os.kill(self.pid, 9)
        os.waitpid(self.pid, 0)
        return None


def main():
    home = tempfile.mkdtemp(prefix="ipsecctl-pty-")
    try:
        t = Term(["-n"], home)
        ok, out = t.read_until("ipsecgw# ")
        check(ok, "prompt 'ipsecgw# ' appears", out)

        t.send("ipsec spd add 7\r")
        ok, out = t.read_until("spd_id: 7")
        check(ok, "a command runs (-n prints the request)", out)
        t.read_until("ipsecgw# ")

        t.send("show ip?")
        ok, out = t.read_until("ipsecgw# show ip")
        check(ok and "  ip6\r\n" in out and "  ipsec\r\n" in out and "  ip\r\n" in out,
              "'?' lists the completions of 'show ip' and keeps the line", out)
        t.send("\x01\x0b")  # ^A ^K: clear the line

        t.send("show ipsec ?")
        ok, out = t.read_until("ipsecgw# show ipsec ")
        check(ok and "  sa\r\n" in out and "  spd\r\n" in out and "<cr>" in out,
              "'?' after a word lists the next words", out)
        t.send("\x01\x0b")

        t.send("ipsec tun\t\r")
        ok, out = t.read_until("ipsec tunnel: expected")
        check(ok, "TAB completes 'ipsec tun' to 'ipsec tunnel '", out)
        t.read_until("ipsecgw# ")

        t.send("frobnicate\r")
        ok, out = t.read_until("unknown command 'frobnicate'")
        check(ok, "errors are reported and the session goes on", out)
        t.read_until("ipsecgw# ")

        secret = "ipsec sa add 9 spi 9 crypto-alg aes-cbc-128 crypto-key 00112233445566778899aabbccddeeff\r"
        t.send(secret)
        t.read_until("ipsecgw# ")

        t.send("\x1b[A")  # up: the last line kept in the history
        ok, out = t.read_until("frobnicate")
        check(ok, "up-arrow recalls the previous line (secret lines are skipped)", out)
        t.send("\x01\x0b")

        t.send("quit\r")
        rc = t.wait()
        check(rc == 0, "quit leaves with status 0", f"status {rc}")

        hist_path = os.path.join(home, ".ipsecctl_history")
        # libedit stores lines vis(3)-encoded
        hist = open(hist_path).read().replace("\\040", " ") if os.path.exists(hist_path) else ""
        check("ipsec spd add 7" in hist, "history saved to ~/.ipsecctl_history", hist)
        check("00112233445566778899aabbccddeeff" not in hist, "a key never reaches the history file", hist)
        check(os.path.exists(hist_path) and (os.stat(hist_path).st_mode & 0o077) == 0,
              "history file is private (0600)")

        # a new session finds the history; a non-default instance shows in the prompt
        t = Term(["-n", "--instance", "gw2"], home)
        ok, out = t.read_until("ipsecgw[gw2]# ")
        check(ok, "prompt names a non-default instance", out)
        t.send("\x1b[A" * 4 + "\r")  # quit, frobnicate, ipsec tunnel, ipsec spd add 7
        ok, out = t.read_until("spd_id: 7")
        check(ok, "history is loaded in a new session", out)
        t.read_until("ipsecgw[gw2]# ")
        t.send("\x04")  # ^D on an empty line: end of input
        rc = t.wait()
        check(rc == 0, "end of input leaves with status 0", f"status {rc}")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
