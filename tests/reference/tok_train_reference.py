import json, subprocess, sys
from tokenizers import Tokenizer, normalizers, pre_tokenizers, decoders, trainers, processors, models
tokpath, train, unseen = sys.argv[1:4]
vs = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
def texts(p):
    out = []
    for l in open(p, encoding='utf-8'):
        r = json.loads(l)
        for k in ('title', 'abstract'):
            if r.get(k): out.append(r[k])
    return out
tok = Tokenizer.from_file(tokpath)
for name, p in (('train', train), ('unseen', unseen)):
    tx = [t.replace('\n', ' ') for t in texts(p)]  # tok-encode --text reads one text a line
    open('/tmp/tt-txt', 'w', encoding='utf-8').write(''.join(t + '\n' for t in tx))
    ours = subprocess.run(['tok-encode', '-t', tokpath, '-f', 'ids', '/tmp/tt-txt'], capture_output=True, text=True, check=True).stdout.splitlines()
    theirs = [' '.join(map(str, e.ids)) for e in tok.encode_batch(tx, add_special_tokens=False)]
    same = sum(a == b for a, b in zip(ours, theirs))
    ntok = sum(len(e.split()) for e in theirs); nw = sum(len(t.split()) for t in tx)
    dec_ok = sum(tok.decode([int(i) for i in e.split()]) == t for e, t in zip(theirs, tx))
    print(f"{name}: {len(tx)} texts, ids equal {same}/{len(theirs)} (lines {len(ours)}), hf decode round-trip {dec_ok}, tokens/word {ntok/nw:.4f}")
    if name == 'train': traintx = tx
    else: unseentx = tx
# same-size vocab from tokenizers' BpeTrainer, same pipeline
t2 = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True, fuse_unk=True))
t2.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
t2.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="never", split=True)
specials = ["<unk>", "<s>", "</s>"] + ["<0x%02X>" % b for b in range(256)]
tr = trainers.BpeTrainer(vocab_size=vs, special_tokens=specials, min_frequency=2, show_progress=False)
t2.train_from_iterator(traintx, tr)
t2.pre_tokenizer = None
print("hf trainer vocab", t2.get_vocab_size())
for name, tx in (('train', traintx), ('unseen', unseentx)):
    ntok = sum(len(e.ids) for e in t2.encode_batch(tx, add_special_tokens=False)); nw = sum(len(t.split()) for t in tx)
    print(f"hf BpeTrainer {name}: tokens/word {ntok/nw:.4f}")
