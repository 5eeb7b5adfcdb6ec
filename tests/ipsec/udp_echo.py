#!/usr/bin/python3
"""The server of the IPsec namespace tests: a UDP echo service on port 7
(IPv4 and IPv6) that logs every datagram it receives, one JSON line each
(af, src, sport, dst, ttl/hop limit, tos/traffic class, data as hex), to
LOGFILE, and sends the data back to its sender with the same TOS / traffic
class.

Usage: udp_echo.py LOGFILE [PORT]
"""
import json
import select
import socket
import struct
import sys

# Linux values (not all are in Python's socket module)
IP_TOS, IP_TTL, IP_PKTINFO, IP_RECVTTL, IP_RECVTOS = 1, 2, 8, 12, 13
IPV6_RECVPKTINFO, IPV6_PKTINFO, IPV6_RECVHOPLIMIT, IPV6_HOPLIMIT, IPV6_RECVTCLASS, IPV6_TCLASS = 49, 50, 51, 52, 66, 67


def main():
    log = open(sys.argv[1], "a", buffering=1)
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s4.setsockopt(socket.SOL_IP, IP_RECVTTL, 1)
    s4.setsockopt(socket.SOL_IP, IP_RECVTOS, 1)
    s4.setsockopt(socket.SOL_IP, IP_PKTINFO, 1)
    s4.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s4.bind(("0.0.0.0", port))
    s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s6.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1)
    s6.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVTCLASS, 1)
    s6.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVPKTINFO, 1)
    s6.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s6.bind(("::", port))
    print("listening", flush=True)
    while True:
        r, _, _ = select.select([s4, s6], [], [])
        for s in r:
            data, anc, _, addr = s.recvmsg(65535, 256)
            rec = {"af": 6 if s is s6 else 4, "src": addr[0], "sport": addr[1], "data": data.hex()}
            for lvl, typ, val in anc:
                if lvl == socket.SOL_IP and typ == IP_TTL:
                    rec["ttl"] = struct.unpack("i", val[:4])[0]
                elif lvl == socket.SOL_IP and typ == IP_TOS:
                    rec["tos"] = val[0]
                elif lvl == socket.SOL_IP and typ == IP_PKTINFO:
                    rec["dst"] = socket.inet_ntop(socket.AF_INET, val[8:12])
                elif lvl == socket.IPPROTO_IPV6 and typ == IPV6_HOPLIMIT:
                    rec["ttl"] = struct.unpack("i", val[:4])[0]
                elif lvl == socket.IPPROTO_IPV6 and typ == IPV6_TCLASS:
                    rec["tos"] = struct.unpack("i", val[:4])[0]
                elif lvl == socket.IPPROTO_IPV6 and typ == IPV6_PKTINFO:
                    rec["dst"] = socket.inet_ntop(socket.AF_INET6, val[:16])
            log.write(json.dumps(rec) + "\n")
            # the answer carries the TOS / traffic class the request had
            if s is s4:
                s.setsockopt(socket.SOL_IP, IP_TOS, rec.get("tos", 0))
            else:
                s.setsockopt(socket.IPPROTO_IPV6, IPV6_TCLASS, rec.get("tos", 0))
            s.sendto(data, addr)


if __name__ == "__main__":
    main()
