#!/usr/bin/env python3
"""Independent cross-check of gw_ike values printed by ike_dump.

DH: MODP shared secrets with Python's pow(), the primes rebuilt from their
RFC 2409 / RFC 3526 definitions (2^b - 2^(b-64) - 1 + 2^64 * ([2^(b-130) pi]
+ k)) and the RFC 5114 parameters; ECP with the "cryptography" package.
AUTH: RFC 7296 section 2.15 with hmac. SK: RFC 7296 section 3.14 and
RFC 5282 with hmac and "cryptography". Exit status 0 when all agree; a
missing "cryptography" package skips the ECP and SK checks (exit 77 if
nothing else ran)."""
import hashlib
import hmac
import subprocess
import sys

try:
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    HAVE_CRYPTOGRAPHY = True
except ImportError:
    HAVE_CRYPTOGRAPHY = False


def pi_fixed(bits):
    """floor(pi * 2^bits) by Machin's formula with guard bits."""
    guard = 64
    one = 1 << (bits + guard)

    def arctan_inv(x):
        total, term, k, x2 = 0, one // x, 1, x * x
        while term:
            total += term // k if (k // 2) % 2 == 0 else -(term // k)
            term //= x2
            k += 2
        return total

    return (16 * arctan_inv(5) - 4 * arctan_inv(239)) >> guard


# (bits, k) of the Oakley / RFC 3526 primes
OAKLEY = {1: (768, 149686), 2: (1024, 129093), 5: (1536, 741804), 14: (2048, 124476),
          15: (3072, 1690314), 16: (4096, 240904), 17: (6144, 929484), 18: (8192, 4743158)}


def oakley_prime(bits, k):
    return 2**bits - 2**(bits - 64) - 1 + 2**64 * (pi_fixed(bits - 130) + k)


# RFC 5114 sections 2.1-2.3: p, g, q
RFC5114 = {
    22: (
    int(
        "B10B8F96A080E01DDE92DE5EAE5D54EC52C99FBCFB06A3C69A6A9DCA52D23B61"
        "6073E28675A23D189838EF1E2EE652C013ECB4AEA906112324975C3CD49B83BF"
        "ACCBDD7D90C4BD7098488E9C219A73724EFFD6FAE5644738FAA31A4FF55BCCC0"
        "A151AF5F0DC8B4BD45BF37DF365C1A65E68CFDA76D4DA708DF1FB2BC2E4A4371", 16),
    int(
        "A4D1CBD5C3FD34126765A442EFB99905F8104DD258AC507FD6406CFF14266D31"
        "266FEA1E5C41564B777E690F5504F213160217B4B01B886A5E91547F9E2749F4"
        "D7FBD7D3B9A92EE1909D0D2263F80A76A6A24C087A091F531DBF0A0169B6A28A"
        "D662A4D18E73AFA32D779D5918D08BC8858F4DCEF97C2A24855E6EEB22B3B2E5", 16),
    int(
        "F518AA8781A8DF278ABA4E7D64B7CB9D49462353", 16)),
    23: (
    int(
        "AD107E1E9123A9D0D660FAA79559C51FA20D64E5683B9FD1B54B1597B61D0A75"
        "E6FA141DF95A56DBAF9A3C407BA1DF15EB3D688A309C180E1DE6B85A1274A0A6"
        "6D3F8152AD6AC2129037C9EDEFDA4DF8D91E8FEF55B7394B7AD5B7D0B6C12207"
        "C9F98D11ED34DBF6C6BA0B2C8BBC27BE6A00E0A0B9C49708B3BF8A3170918836"
        "81286130BC8985DB1602E714415D9330278273C7DE31EFDC7310F7121FD5A074"
        "15987D9ADC0A486DCDF93ACC44328387315D75E198C641A480CD86A1B9E587E8"
        "BE60E69CC928B2B9C52172E413042E9B23F10B0E16E79763C9B53DCF4BA80A29"
        "E3FB73C16B8E75B97EF363E2FFA31F71CF9DE5384E71B81C0AC4DFFE0C10E64F", 16),
    int(
        "AC4032EF4F2D9AE39DF30B5C8FFDAC506CDEBE7B89998CAF74866A08CFE4FFE3"
        "A6824A4E10B9A6F0DD921F01A70C4AFAAB739D7700C29F52C57DB17C620A8652"
        "BE5E9001A8D66AD7C17669101999024AF4D027275AC1348BB8A762D0521BC98A"
        "E247150422EA1ED409939D54DA7460CDB5F6C6B250717CBEF180EB34118E98D1"
        "19529A45D6F834566E3025E316A330EFBB77A86F0C1AB15B051AE3D428C8F8AC"
        "B70A8137150B8EEB10E183EDD19963DDD9E263E4770589EF6AA21E7F5F2FF381"
        "B539CCE3409D13CD566AFBB48D6C019181E1BCFE94B30269EDFE72FE9B6AA4BD"
        "7B5A0F1C71CFFF4C19C418E1F6EC017981BC087F2A7065B384B890D3191F2BFA", 16),
    int(
        "801C0D34C58D93FE997177101F80535A4738CEBCBF389A99B36371EB", 16)),
    24: (
    int(
        "87A8E61DB4B6663CFFBBD19C651959998CEEF608660DD0F25D2CEED4435E3B00"
        "E00DF8F1D61957D4FAF7DF4561B2AA3016C3D91134096FAA3BF4296D830E9A7C"
        "209E0C6497517ABD5A8A9D306BCF67ED91F9E6725B4758C022E0B1EF4275BF7B"
        "6C5BFC11D45F9088B941F54EB1E59BB8BC39A0BF12307F5C4FDB70C581B23F76"
        "B63ACAE1CAA6B7902D52526735488A0EF13C6D9A51BFA4AB3AD8347796524D8E"
        "F6A167B5A41825D967E144E5140564251CCACB83E6B486F6B3CA3F7971506026"
        "C0B857F689962856DED4010ABD0BE621C3A3960A54E710C375F26375D7014103"
        "A4B54330C198AF126116D2276E11715F693877FAD7EF09CADB094AE91E1A1597", 16),
    int(
        "3FB32C9B73134D0B2E77506660EDBD484CA7B18F21EF205407F4793A1A0BA125"
        "10DBC15077BE463FFF4FED4AAC0BB555BE3A6C1B0C6B47B1BC3773BF7E8C6F62"
        "901228F8C28CBB18A55AE31341000A650196F931C77A57F2DDF463E5E9EC144B"
        "777DE62AAAB8A8628AC376D282D6ED3864E67982428EBC831D14348F6F2F9193"
        "B5045AF2767164E1DFC967C1FB3F2E55A4BD1BFFE83B9C80D052B985D182EA0A"
        "DB2A3B7313D3FE14C8484B1E052588B9B7D2BBD2DF016199ECD06E1557CD0915"
        "B3353BBB64E0EC377FD028370DF92B52C7891428CDC67EB6184B523D1DB246C3"
        "2F63078490F00EF8D647D148D47954515E2327CFEF98C582664B4C0F6CC41659", 16),
    int(
        "8CF83642A709A097B447997640129DA299B1A47D1EB3750BA308B0FE64F5FBD3", 16)),}

HASH = {2: hashlib.sha1, 5: hashlib.sha256, 6: hashlib.sha384, 7: hashlib.sha512}
INTEG = {2: (hashlib.sha1, 12), 12: (hashlib.sha256, 16), 13: (hashlib.sha384, 24),
         14: (hashlib.sha512, 32)}
CURVES = {}
if HAVE_CRYPTOGRAPHY:
    CURVES = {19: ec.SECP256R1(), 20: ec.SECP384R1(), 21: ec.SECP521R1(), 25: ec.SECP192R1()}


def modp_params(group):
    if group in OAKLEY:
        return oakley_prime(*OAKLEY[group]), 2, None
    return RFC5114[group]


def check_dh(f):
    group = int(f[0])
    x, pub, peer, z = (bytes.fromhex(v) for v in f[1:5])
    if group in CURVES or group in (19, 20, 21, 25):
        if not HAVE_CRYPTOGRAPHY:
            return None
        curve = CURVES[group]
        d = ec.derive_private_key(int.from_bytes(x, "big"), curve)
        n = len(pub) // 2
        nums = d.public_key().public_numbers()
        ok = nums.x.to_bytes(n, "big") + nums.y.to_bytes(n, "big") == pub
        peer_key = ec.EllipticCurvePublicKey.from_encoded_point(curve, b"\x04" + peer)
        return ok and d.exchange(ec.ECDH(), peer_key) == z
    p, g, q = modp_params(group)
    n = (p.bit_length() + 7) // 8
    xi, yi = int.from_bytes(x, "big"), int.from_bytes(peer, "big")
    ok = pow(g, xi, p).to_bytes(n, "big") == pub and len(z) == n
    ok = ok and pow(yi, xi, p).to_bytes(n, "big") == z
    if q is not None:
        ok = ok and pow(yi, q, p) == 1 and (p - 1) % q == 0
    return ok


def check_auth(f):
    prf = HASH[int(f[0])]
    psk, msg, nonce, skp, idb, auth = (bytes.fromhex(v) for v in f[1:7])
    maced = hmac.new(skp, idb, prf).digest()
    pad = hmac.new(psk, b"Key Pad for IKEv2", prf).digest()
    return hmac.new(pad, msg + nonce + maced, prf).digest() == auth


def check_sk(f):
    if not HAVE_CRYPTOGRAPHY:
        return None
    encr, bits, integ = int(f[0]), int(f[1]), int(f[2])
    ek = bytes.fromhex(f[3])
    ak = bytes.fromhex(f[4]) if f[4] != "-" else b""
    off = int(f[5])
    inner = bytes.fromhex(f[6]) if f[6] != "-" else b""
    msg = bytes.fromhex(f[7])
    if int.from_bytes(msg[24:28], "big") != len(msg) or msg[off] != 42:
        return False  # header length, and SK's Next Payload = Delete (42)
    body = msg[off + 4:]
    if encr == 20:  # AES-GCM-16: nonce = salt | IV, AAD = header .. SK header
        key, salt = ek[:-4], ek[-4:]
        iv, ct = body[:8], body[8:]
        try:
            plain = AESGCM(key).decrypt(salt + iv, ct, msg[:off + 4])
        except Exception:
            return False
    else:  # AES-CBC + HMAC: ICV over header .. end of ciphertext
        h, icv_len = INTEG[integ]
        if hmac.new(ak, msg[:-icv_len], h).digest()[:icv_len] != msg[-icv_len:]:
            return False
        iv, ct = body[:16], body[16:-icv_len]
        dec = Cipher(algorithms.AES(ek), modes.CBC(iv)).decryptor()
        plain = dec.update(ct) + dec.finalize()
    pad = plain[-1]
    return plain[:len(plain) - pad - 1] == inner


def main():
    if len(sys.argv) != 2:
        print("usage: verify_ike_dump.py PATH/TO/ike_dump", file=sys.stderr)
        return 2
    primes_ok = True
    for group, (bits, k) in OAKLEY.items():
        p = oakley_prime(bits, k)
        primes_ok &= p.bit_length() == bits and pow(2, p - 1, p) == 1
    out = subprocess.run([sys.argv[1]], capture_output=True, text=True, check=True).stdout
    checked = skipped = failed = 0
    for line in out.splitlines():
        kind, *fields = line.split()
        res = {"DH": check_dh, "AUTH": check_auth, "SK": check_sk}[kind](fields)
        if res is None:
            skipped += 1
            continue
        checked += 1
        if not res:
            failed += 1
            print("MISMATCH:", line[:120], file=sys.stderr)
    if not primes_ok:
        failed += 1
        print("MISMATCH: an Oakley prime from the RFC formula is not a prime", file=sys.stderr)
    print("%d values checked, %d skipped (no 'cryptography'), %d mismatches"
          % (checked, skipped, failed))
    if failed:
        return 1
    return 0 if checked else 77


if __name__ == "__main__":
    sys.exit(main())
