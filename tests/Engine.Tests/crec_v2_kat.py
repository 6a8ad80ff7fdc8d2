import json, struct, hashlib, base64
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
master = bytes(range(1, 33)); data_key = bytes(0x40 + i for i in range(32))
key_nonce = bytes(0xA0 + i for i in range(12)); prefix = bytes(0xC0 + i for i in range(8))
CH = 1 << 20
def crec(plain, rid="rec-kat", fp="fp"):
    wrapped = key_nonce + AESGCM(master).encrypt(key_nonce, data_key, b"key:" + rid.encode())
    fields = {"algorithm": "AES-256-GCM", "chunkSize": CH, "format": "CallRecordingAdmin.Recording/2", "keyFingerprint": fp,
              "noncePrefix": base64.b64encode(prefix).decode(), "recordingId": rid, "wrappedKey": base64.b64encode(wrapped).decode()}
    js = json.dumps(fields, separators=(",", ":"), sort_keys=True).replace("+", "\\u002B").encode()
    block = b"CRAREC02" + struct.pack("<I", len(js)) + js
    out = bytearray(block)
    chunks = [plain[i:i + CH] for i in range(0, len(plain), CH)] or [b""]
    for i, c in enumerate(chunks):
        final = i == len(chunks) - 1
        aad = block + ("chunk:%s:%d:%s" % (rid, i, "final" if final else "more")).encode()
        ct = AESGCM(data_key).encrypt(prefix + struct.pack(">I", i), c, aad)
        out += struct.pack("<I", len(ct)) + ct
    return bytes(out), len(block)
plain = bytes(i % 251 for i in range(CH + 5))
f, hl = crec(plain)
print("file sha256", hashlib.sha256(f).hexdigest(), "len", len(f), "block", hl)
e, ehl = crec(b"")
print("empty body", e[ehl:].hex())
