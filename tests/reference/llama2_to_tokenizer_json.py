#!/usr/bin/env python3
"""llama2_to_tokenizer_json.py - convert a LLaMA-1/2 SentencePiece tokenizer.model
into the tokenizer.json that Hugging Face's LlamaTokenizerFast makes from it
(transformers' LlamaConverter, legacy mode, as in meta-llama/Llama-2-7b-hf):
vocab = the pieces in order, merges = every split of each piece into two pieces,
ordered by the piece's score (transformers' generate_merges with vocab_scores),
BPE(byte_fallback, fuse_unk, unk <unk>), normalizer Prepend("▁") + Replace(" ",
"▁"), no pre-tokenizer, decoder Replace/ByteFallback/Fuse/Strip, <unk> <s> </s>
special added tokens (not normalized), TemplateProcessing "<s> $A".
Needs only `tokenizers` and `protobuf`-free parsing: the pieces are read with
`sentencepiece`.
Usage: python3 llama2_to_tokenizer_json.py tokenizer.model tokenizer.json
"""
import json
import sys

import sentencepiece as spm
from tokenizers import AddedToken, Tokenizer, decoders, models, normalizers, processors


def main():
    sp = spm.SentencePieceProcessor(model_file=sys.argv[1])
    n = sp.get_piece_size()
    vocab = {sp.id_to_piece(i): i for i in range(n)}
    scores = {sp.id_to_piece(i): sp.get_score(i) for i in range(n)}
    merges = []
    for piece, score in scores.items():
        local = []
        for k in range(1, len(piece)):
            a, b = piece[:k], piece[k:]
            if a in vocab and b in vocab:
                local.append((a, b, score))
        local.sort(key=lambda x: (vocab[x[0]], vocab[x[1]]))
        merges.extend(local)
    merges.sort(key=lambda v: (v[2], len(v[0]), len(v[1])), reverse=True)
    merges = [(a, b) for a, b, _ in merges]
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges, unk_token="<unk>", fuse_unk=True, byte_fallback=True))
    tok.add_special_tokens([AddedToken(sp.id_to_piece(i), normalized=False, special=True) for i in range(3)])
    tok.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    tok.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(),
                                     decoders.Strip(" ", 1, 0)])
    tok.post_processor = processors.TemplateProcessing(single="<s> $A", pair="<s> $A <s> $B",
                                                       special_tokens=[("<s>", 1)])
    tok.save(sys.argv[2])
    print(n, "pieces,", len(merges), "merges")


if __name__ == "__main__":
    main()
