"""Seeds for fuzz_lwip_frames.c: conversations a peer holds with the
harness's lwIP, as records [time][len_hi][len_lo][frame] (bit 15 of the
length: the frame goes to eth1, the DHCP interface).

They reach deep only if every check in lwIP passes, so checksums are right
and the TCP peer acknowledges the SYN-ACK's ISN, which isn.c makes: SipHash
of the 4-tuple under the harness's key (bytes 0 to 15) plus the 4 us clock
counted from the input's start.  The harness's LWIP_RAND starts over with
each input, so DHCP's first transaction id is its first value.
"""
import struct

US_MAC = bytes.fromhex("525400123456")
DHCP_MAC = bytes.fromhex("525400123457")
PEER_MAC = bytes.fromhex("52550a000264")
GW_MAC = bytes.fromhex("52550a000202")
BCAST = b"\xff" * 6
US, PEER, GW = bytes([10, 0, 2, 15]), bytes([10, 0, 2, 100]), bytes([10, 0, 2, 2])
PEER_PORT, ISN_PEER = 40000, 1000
DHCP_XID = 0x12345678                  # fuzz_lwip_rand()'s first value
DHCP_TO = 0x8000


# ---- SipHash-2-4, as lib/lwip/siphash.c --------------------------------------
def _rotl(x, b):
    return ((x << b) | (x >> (64 - b))) & (2**64 - 1)


def siphash24(key, data):
    k0, k1 = struct.unpack("<QQ", key)
    v = [k0 ^ 0x736f6d6570736575, k1 ^ 0x646f72616e646f6d,
         k0 ^ 0x6c7967656e657261, k1 ^ 0x7465646279746573]
    mask = 2**64 - 1

    def rounds(n):
        for _ in range(n):
            v[0] = (v[0] + v[1]) & mask; v[1] = _rotl(v[1], 13); v[1] ^= v[0]; v[0] = _rotl(v[0], 32)
            v[2] = (v[2] + v[3]) & mask; v[3] = _rotl(v[3], 16); v[3] ^= v[2]
            v[0] = (v[0] + v[3]) & mask; v[3] = _rotl(v[3], 21); v[3] ^= v[0]
            v[2] = (v[2] + v[1]) & mask; v[1] = _rotl(v[1], 17); v[1] ^= v[2]; v[2] = _rotl(v[2], 32)

    tail = len(data) & ~7
    for i in range(0, tail, 8):
        m, = struct.unpack_from("<Q", data, i)
        v[3] ^= m; rounds(2); v[0] ^= m
    m, = struct.unpack("<Q", data[tail:].ljust(7, b"\0") + bytes([len(data) & 0xff]))
    v[3] ^= m; rounds(2); v[0] ^= m
    v[2] ^= 0xff
    rounds(4)
    return v[0] ^ v[1] ^ v[2] ^ v[3]


KEY = bytes(range(16))
assert siphash24(KEY, b"") == 0x726fdb47dd0e0e31  # the paper's vector


def isn(ms_since_start, lport=80, rport=PEER_PORT, local=US, remote=PEER):
    """isn.c's tern_lwip_tcp_isn: the tuple as the struct lies in memory
    (addresses in network order, ports in host order)."""
    tup = local + remote + struct.pack("<HH", lport, rport)
    return (ms_since_start * 250 + siphash24(KEY, tup)) & 0xffffffff


# ---- frames ----------------------------------------------------------------
def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def eth(dst, src, etype, payload):
    return dst + src + struct.pack("!H", etype) + payload


def ipv4(src, dst, proto, payload, ident=1, flags_frag=0, total=None):
    total = total if total is not None else 20 + len(payload)
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, ident, flags_frag, 64,
                    proto, 0, src, dst)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def pseudo(src, dst, proto, seg):
    return src + dst + struct.pack("!BBH", 0, proto, len(seg))


def tcp(seq, ack, flags, data=b"", opts=b"", sport=PEER_PORT, dport=80,
        wnd=65535, src=PEER, dst=US):
    off = (20 + len(opts)) // 4
    h = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags,
                    wnd, 0, 0) + opts
    c = csum(pseudo(src, dst, 6, h + data) + h + data)
    seg = h[:16] + struct.pack("!H", c) + h[18:] + data
    return eth(US_MAC, PEER_MAC, 0x0800, ipv4(src, dst, 6, seg))


def udp(sport, dport, data, src=PEER, dst=US):
    h = struct.pack("!HHHH", sport, dport, 8 + len(data), 0)
    c = csum(pseudo(src, dst, 17, h + data) + h + data) or 0xffff
    return h[:6] + struct.pack("!H", c) + data


def icmp_echo(ident, seq, data):
    h = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    c = csum(h + data)
    return h[:2] + struct.pack("!H", c) + h[4:] + data


def arp(op, sha, spa, tha, tpa, dst):
    body = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, sha, spa, tha, tpa)
    return eth(dst, sha, 0x0806, body)


def record(frame, wait=0, to=0):
    return bytes([wait]) + struct.pack("!H", len(frame) | to) + frame


def wait_ms(ms):
    """The time byte nearest below ms (6 bits of count, 2 of unit)."""
    for unit, ms_per in ((3, 16384), (2, 1024), (1, 64), (0, 1)):
        if ms >= ms_per and ms // ms_per < 64:
            return unit << 6 | ms // ms_per
    return 0


# TCP flags
FIN, SYN, RST, PSH, ACK = 1, 2, 4, 8, 16
SYN_OPTS = bytes([2, 4, 0x05, 0xb4, 1, 3, 3, 7])  # MSS 1460, window scale 7

PEER_ARP = arp(2, PEER_MAC, PEER, US_MAC, US, US_MAC)


def handshake():
    """ARP reply for the peer, SYN, ACK of the SYN-ACK: 3 records at 0 ms."""
    ours = isn(0) + 1
    return (record(PEER_ARP) +
            record(tcp(ISN_PEER, 0, SYN, opts=SYN_OPTS)) +
            record(tcp(ISN_PEER + 1, ours, ACK, wnd=1024))), ours


def tcp_seeds():
    seeds = {}
    start, ours = handshake()
    s = ISN_PEER + 1
    # In order, out of order (a gap filled last), then FIN.
    seeds["tcp-echo-ooseq-fin"] = start + b"".join([
        record(tcp(s, ours, PSH | ACK, b"hello")),
        record(tcp(s + 15, ours + 5, ACK, b"world")),
        record(tcp(s + 25, ours + 5, ACK, b"again")),
        record(tcp(s + 5, ours + 5, ACK, b"0123456789")),
        record(tcp(s + 30, ours + 20, FIN | ACK), wait_ms(300)),
        record(tcp(s + 31, ours + 31, ACK), wait_ms(130000)),
    ])
    # The server closes ('C'), then TIME_WAIT runs out.
    seeds["tcp-server-close"] = start + b"".join([
        record(tcp(s, ours, PSH | ACK, b"Close")),
        record(tcp(s + 5, ours + 1, FIN | ACK), wait_ms(1000)),
        record(tcp(s + 6, ours + 1, ACK), wait_ms(200000)),
    ])
    # The server aborts ('A'); a RST from the peer; a held window ('H').
    seeds["tcp-abort"] = start + record(tcp(s, ours, PSH | ACK, b"Abort"))
    seeds["tcp-rst"] = start + record(tcp(s, ours, RST | ACK))
    seeds["tcp-hold-retransmit"] = start + b"".join([
        record(tcp(s, ours, PSH | ACK, b"H" + b"x" * 1400, wnd=2)),
        record(tcp(s + 1401, ours, PSH | ACK, b"echo me", wnd=2), wait_ms(3000)),
        record(tcp(s + 1408, ours + 1, ACK, wnd=0), wait_ms(60000)),
    ])
    # A SYN with no ARP entry: the SYN-ACK waits in ARP's queue.
    seeds["tcp-syn-unresolved"] = record(tcp(ISN_PEER, 0, SYN, opts=SYN_OPTS),
                                         wait_ms(5000))
    return seeds


def icmp_udp_seeds():
    ping = icmp_echo(0x1234, 1, bytes(range(56)))
    big = icmp_echo(0x1234, 2, bytes(i & 0xff for i in range(1400)))
    # ICMP echo in two fragments, the last one first (offsets in 8 bytes).
    first, rest = big[:800], big[800:]
    frag_last = ipv4(PEER, US, 1, rest, ident=7, flags_frag=800 // 8,
                     total=20 + len(rest))
    frag_first = ipv4(PEER, US, 1, first, ident=7, flags_frag=0x2000)
    u = udp(5555, 7, b"udp echo payload")
    # Larger than the MTU: the echo goes out in fragments too (ip4_frag).
    uf = udp(5556, 7, bytes(i * 7 & 0xff for i in range(3000)))
    return {
        "icmp-echo": record(PEER_ARP) + record(
            eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, US, 1, ping))),
        "ip-fragments": record(PEER_ARP) +
        record(eth(US_MAC, PEER_MAC, 0x0800, frag_last), wait_ms(100)) +
        record(eth(US_MAC, PEER_MAC, 0x0800, frag_first)),
        "ip-fragment-timeout": record(
            eth(US_MAC, PEER_MAC, 0x0800, frag_first), wait_ms(20000)),
        "udp-echo": record(PEER_ARP) + record(
            eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, US, 17, u))),
        "udp-fragments": record(PEER_ARP) + b"".join(
            record(eth(US_MAC, PEER_MAC, 0x0800,
                       ipv4(PEER, US, 17, uf[o:o + 1480], ident=9,
                            flags_frag=(0x2000 if o + 1480 < len(uf) else 0) | o // 8)))
            for o in (1480, 0, 2960)),
        "arp-request": record(arp(1, GW_MAC, GW, bytes(6), US, BCAST)),
        # 34 bytes: lwIP read the rest of the ARP packet past the frame
        # until the port padded frames to 60 (lib/lwip/rx_frame.c).
        "arp-short": record(arp(1, PEER_MAC, PEER, bytes(6), US, BCAST)[:34]),
        "arp-expiry": record(PEER_ARP, wait_ms(400000)),
    }


def dhcp_reply(msgtype, yiaddr=bytes([10, 0, 2, 16]), lease=86400):
    server = GW
    bootp = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 2, 1, 6, 0, DHCP_XID, 0,
                        0, bytes(4), yiaddr, server, bytes(4),
                        DHCP_MAC.ljust(16, b"\0"), b"", b"")
    opts = (b"\x63\x82\x53\x63" + bytes([53, 1, msgtype]) +
            bytes([54, 4]) + server + bytes([51, 4]) + struct.pack("!I", lease) +
            bytes([1, 4, 255, 255, 255, 0]) + bytes([3, 4]) + GW +
            bytes([6, 4, 10, 0, 2, 3]) + b"\xff")
    u = udp(67, 68, bootp + opts, src=server, dst=b"\xff" * 4)
    return eth(BCAST, GW_MAC, 0x0800, ipv4(server, b"\xff" * 4, 17, u))


def dhcp_seeds():
    offer, ack = dhcp_reply(2), dhcp_reply(5)
    return {
        "dhcp-offer-ack": record(offer, to=DHCP_TO) + record(ack, to=DHCP_TO),
        "dhcp-offer": record(offer, wait_ms(4000), to=DHCP_TO),
        "dhcp-nak": record(offer, to=DHCP_TO) + record(dhcp_reply(6), to=DHCP_TO),
        # A 2-minute lease: renewal at 1 minute, rebinding, then expiry.
        "dhcp-renew-expire": record(dhcp_reply(2, lease=120), to=DHCP_TO) +
        record(dhcp_reply(5, lease=120), wait_ms(200000), to=DHCP_TO),
    }


def lwip_frames_seeds():
    return {**tcp_seeds(), **icmp_udp_seeds(), **dhcp_seeds()}
