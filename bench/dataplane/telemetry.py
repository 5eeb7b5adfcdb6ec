#!/usr/bin/env python3
"""Read one value from a DPDK process's telemetry socket.
   telemetry.py FILE_PREFIX COMMAND KEY   e.g.  l3fwd-bench /ethdev/stats,1 opackets"""
import json
import socket
import sys

prefix, cmd, key = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect("/var/run/dpdk/%s/dpdk_telemetry.v2" % prefix)
json.loads(s.recv(16384))          # the greeting
s.send(cmd.encode())
reply = json.loads(s.recv(65536))
print(reply[cmd.split(",")[0]][key])
