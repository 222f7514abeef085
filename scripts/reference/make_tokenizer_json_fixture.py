"""Train small tokenizers with the `tokenizers` library and write the parity fixture for bermo's tokenizer.json,
vocab.json + merges.txt readers: the tokenizer files, a broad case set and the ids the reference gives each case.

The Swift tests (`TokenizerJSONParityTests`) load every tokenizer listed in `manifest.json`, replay every case and
expect identical `input_ids` and `token_type_ids`. Regenerate (from the repository root) with

    ~/.cache/bermo/refvenv/bin/python scripts/reference/make_tokenizer_json_fixture.py \
        --corpus ../shared/data/raw-english-corpus/gutenberg --out Tests/Fixtures/tokenizers [--keep-tokenizers]

Training is not reproducible to the bit: the tokenizers library breaks frequency ties in hash order, so the
WordPiece and character-BPE ids (and the latter's merge order) differ from run to run, each run as valid as the
other. The committed tokenizer files are therefore the fixture; `--keep-tokenizers` skips training and derives
every expected id again from them (deterministic: held-out lines are sampled with a fixed seed, the hand-written
cases are fixed), which is how to check the committed expectations or add cases. Versions are recorded in
manifest.json.

What is written to `--out`:
- `wordpiece/tokenizer.json`: BERT-style (BertNormalizer lower-casing, BertPreTokenizer, WordPiece, BertProcessing),
  with the five special tokens plus three added tokens that exercise the matching rules: "New York" (matched in
  normalized text), "<ent>" (lstrip + rstrip), "zzz" (single_word).
- `bpe/tokenizer.json`: RoBERTa-style (ByteLevel, byte-level BPE, RobertaProcessing, `<mask>` with lstrip as in
  roberta-base).
- `bpe-files/vocab.json` + `bpe-files/merges.txt`: the same BPE in the older layout, read by transformers'
  `RobertaTokenizer` (which, in transformers 5, registers `<mask>` without lstrip).
- `char-bpe/tokenizer.json`: a character BPE with `##` continuing-subword prefix, `</w>` end-of-word suffix, an unknown
  token and fuse_unk (the BPE options RoBERTa does not use).
- `manifest.json`: versions, training corpus, and every tokenizer the cases run on: a directory, or a base
  tokenizer.json with `overrides` ([dotted path, value] pairs replacing parts of the JSON) for the variants that
  cover the other normalizers (Sequence, NFC, NFD, NFKC, NFKD, Lowercase, StripAccents, Strip), pre-tokenizer settings
  (add_prefix_space, use_regex) and post-processors (TemplateProcessing, Sequence, none).
- `cases.jsonl`: one case a line, {"text", "pair", "max_length"}; every case uses truncation="longest_first", no
  padding, special tokens added.
- `expected/<tokenizer>.jsonl`: one line per case the tokenizer runs, [case number (0-based line of cases.jsonl),
  input_ids, token_type_ids as a string of digits].
- `unicode.tsv`: for every scalar, how the references classify it where Swift's Unicode tables could differ: the
  class GPT-2's pattern gives it (letter, number, whitespace, other; as the regex engine of tokenizers sees it) and
  whether the StripAccents normalizer removes it; run-length encoded. And, per Unicode normalization form, the
  ranges of scalars the form changes and a SHA-256 of all the changes (see `unicode_table`).

Expected ids come from transformers (`AutoTokenizer` on a folder holding only the tokenizer.json; `RobertaTokenizer`
on vocab.json + merges.txt), which is what users get; the script checks that the `tokenizers` library itself agrees
on every case where transformers does not change the input (it drops an empty pair, and it does not truncate when
max_length cannot hold the special tokens), so both references are proven to agree.
"""

import argparse
import copy
import hashlib
import json
import os
import random
import shutil
import sys
import tempfile
import unicodedata

import tokenizers
import transformers
from tokenizers import AddedToken, Tokenizer, models, normalizers, pre_tokenizers, processors, trainers
from transformers import AutoTokenizer, RobertaTokenizer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_tokenizer_fixture import NASTY_PAIRS, NASTY_SINGLES, tie_cases  # noqa: E402  (the BERT fixture's cases)

SEED = 20250115
TRAINING_BOOKS = ["pg11_alice-in-wonderland.txt", "pg84_frankenstein.txt", "pg1661_adventures-of-sherlock-holmes.txt"]
HELD_OUT_BOOK = "pg345_dracula.txt"
VOCAB_SIZE = 3000
CHAR_BPE_VOCAB_SIZE = 600
MAX_LENGTHS = [512, 64, 16, 8, 6]

# Byte-level and added-token cases the BERT fixture lacks.
EXTRA_SINGLES = [
    # byte-level: bytes >= 0x80, text that looks like the byte alphabet, C1 controls, long words
    "\u0120hello", "Ġhello ĠĠworld", "Ċ newline char", "âĢĻ mojibake", "ÿþý", "\x80\x81\x9f", "\u00ad\u00a0\u00a1",
    "\u0100\u0101\u0143", "Āā Ġ Ń", "e\u0301\u0302\u0303", "ab" * 150, "xyz" * 120, "😀" * 40, "1234567890" * 10,
    "3.14159265358979323846", "1,234,567", "½ ² ٣ ⅻ", "\u2028\u2029", "a\x00b\x01c",
    # GPT-2's pattern: contractions (lower case only), quotes, whitespace runs, leading spaces
    "I'm you're they've we'll he'd it's don't", "I'M YOU'RE IT'S", "'s 't 're 've 'm 'll 'd", "''s ''t", "'hello'",
    "rock'n'roll", "' s", "!'s", "a's", "9's", "it''s", "a  b", "a   b", "a    b", "a\t\tb", "a \tb", "a\t b",
    " \n hello", "hello \n", "hello  ", "  hello", " hello", "\n\nhello", "a\n\n\nb", "a\u3000b", "a \u3000b",
    "a\u00a0b", "a \u00a0 b", " ", "  ", "\t", "x\u2003 y", "$$$ %%% ^^^", "a!!b??c", "...hello...", "--> <--",
    "@user #tag", "e-mail: a@b.c", "C++ & C#", "«ταχίστη» αλώπηξ", "Ελληνικά κείμενα", "ﬁ ﬂ ﬀ",
    # added tokens: normalized "New York", lstrip/rstrip "<ent>", single_word "zzz", RoBERTa's specials
    "I love New York", "NEW YORK city", "new york new york", "newyork", "new  york", "New York's", "NewYork",
    "a <ent> b", "a<ent>b", "a   <ent>   b", "<ent>", "  <ent>", "<ent><ent>", "x <ent>\ty",
    "zzz", "zzz azzz zzz.", "zzz_x zzz-x", "zzzzz zzz", "(zzz)", "zzz1 1zzz", "é zzz é", "ézzz",
    "hello <mask> world", "hello<mask>world", "  <mask>", "<mask><mask>", "a <mask>", "<mask> b",
    "<s>hello</s>", "<pad><unk>", "</s> </s>", "<s >", "<MASK>", "[CLS] New York [SEP]", "[MASK]New York",
    "New York [SEP] <ent> zzz <mask>",
]

EXTRA_PAIRS = [
    ("New York", "new york"), ("<mask>", "<mask>"), ("a <ent> b", "zzz"), (" leading", "  two leading"),
    ("don't", "I'M"), ("Ġ", "\u0120"), ("ab" * 150, "cd" * 150), ("😀" * 20, "x"),
]


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return f.read().split("\n")


def held_out_cases(corpus, rng):
    """Sentences of a book the tokenizers were not trained on, singles and consecutive pairs."""
    lines = [line.strip() for line in read_lines(os.path.join(corpus, HELD_OUT_BOOK)) if len(line.strip()) > 20]
    cases = []
    for line in rng.sample(lines, 100):
        cases.append((line, None, rng.choice(MAX_LENGTHS)))
    for start in rng.sample(range(len(lines) - 1), 40):
        cases.append((lines[start], lines[start + 1], rng.choice(MAX_LENGTHS)))
    return cases


def all_cases(corpus):
    """(text, pair, max_length, group): the full set, which the main tokenizers run; `group` picks the subsets."""
    rng = random.Random(SEED)
    cases = [(t, p, m, "corpus") for t, p, m in held_out_cases(corpus, rng)]
    for text in NASTY_SINGLES + EXTRA_SINGLES:
        cases.append((text, None, 512, "single"))
    for text in NASTY_SINGLES + EXTRA_SINGLES:
        if rng.random() < 0.5:
            cases.append((text, None, rng.choice([6, 8, 16]), "short"))
        else:
            cases.append(("Is this right?", text, rng.choice([8, 16, 512]), "short"))
    for text, pair in NASTY_PAIRS + EXTRA_PAIRS:
        for max_length in (512, 8):
            cases.append((text, pair, max_length, "pair"))
    for text, pair, max_length in tie_cases():
        cases.append((text, pair, max_length, "tie"))
    return cases


# Which case groups each tokenizer runs: the main ones all, the variants the singles at full length.
FULL = {"corpus", "single", "short", "pair", "tie"}
VARIANT = {"single"}


def train_wordpiece(corpus_lines):
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordPieceTrainer(vocab_size=VOCAB_SIZE, special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
    tokenizer.train_from_iterator(corpus_lines, trainer)
    tokenizer.post_processor = processors.BertProcessing(("[SEP]", tokenizer.token_to_id("[SEP]")),
                                                         ("[CLS]", tokenizer.token_to_id("[CLS]")))
    tokenizer.add_tokens([AddedToken("New York", normalized=True), AddedToken("<ent>", lstrip=True, rstrip=True, normalized=False),
                          AddedToken("zzz", single_word=True, normalized=False)])
    return tokenizer


ROBERTA_SPECIALS = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]


def train_byte_level_bpe(corpus_lines):
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(vocab_size=VOCAB_SIZE, special_tokens=ROBERTA_SPECIALS,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tokenizer.train_from_iterator(corpus_lines, trainer)
    tokenizer.post_processor = processors.RobertaProcessing(("</s>", tokenizer.token_to_id("</s>")),
                                                            ("<s>", tokenizer.token_to_id("<s>")))
    # roberta-base's tokenizer.json: <mask> takes the whitespace before it along.
    tokenizer.add_special_tokens([AddedToken("<mask>", lstrip=True, rstrip=False, normalized=False, special=True)])
    return tokenizer


def train_char_bpe(corpus_lines):
    tokenizer = Tokenizer(models.BPE(unk_token="<unk>", continuing_subword_prefix="##", end_of_word_suffix="</w>",
                                     fuse_unk=True))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.BpeTrainer(vocab_size=CHAR_BPE_VOCAB_SIZE, special_tokens=["<unk>", "<cls>", "<sep>"],
                                  continuing_subword_prefix="##", end_of_word_suffix="</w>", limit_alphabet=100)
    tokenizer.train_from_iterator(corpus_lines, trainer)
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<cls>:0 $A:0 <sep>:0", pair="<cls>:0 $A:0 <sep>:0 $B:1 <sep>:1",
        special_tokens=[("<cls>", tokenizer.token_to_id("<cls>")), ("<sep>", tokenizer.token_to_id("<sep>"))])
    return tokenizer


def template(single, pair, specials):
    """A TemplateProcessing post-processor as tokenizer.json spells it."""
    return json.loads(processors.TemplateProcessing(single=single, pair=pair, special_tokens=specials).__getstate__())


def processors_special(name, tokens, tokenizer):
    """A TemplateProcessing special token that stands for several tokens."""
    return {"id": name, "ids": [tokenizer.token_to_id(t) for t in tokens], "tokens": tokens}


def variants(wordpiece, bpe, char_bpe):
    """(name, base, overrides): tokenizers made from a trained one by replacing parts of its JSON."""
    wp_specials = [("[CLS]", wordpiece.token_to_id("[CLS]")), ("[SEP]", wordpiece.token_to_id("[SEP]"))]
    bpe_specials = [("<s>", bpe.token_to_id("<s>")), ("</s>", bpe.token_to_id("</s>"))]
    def state(component):
        return json.loads(component.__getstate__())
    return [
        ("wordpiece-cased-template", "wordpiece", [
            ["normalizer", state(normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=False, strip_accents=True,
                                                            lowercase=False))],
            ["post_processor", template("[CLS]:0 $A:0 [SEP]:0", "[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1", wp_specials)]]),
        ("wordpiece-raw-text", "wordpiece", [
            ["normalizer", state(normalizers.BertNormalizer(clean_text=False, handle_chinese_chars=True, strip_accents=False,
                                                            lowercase=True))],
            ["post_processor", None]]),
        ("wordpiece-nfkd-strip-lowercase", "wordpiece", [
            ["normalizer", state(normalizers.Sequence([normalizers.NFKD(), normalizers.StripAccents(), normalizers.Lowercase()]))],
            ["post_processor", template("$A:0 [SEP]:2", "[CLS]:1 $B:1 [SEP]:0 $A:0 [SEP]:3", wp_specials)]]),
        ("wordpiece-nfc-strip", "wordpiece", [
            ["normalizer", state(normalizers.Sequence([normalizers.NFC(), normalizers.Strip(left=True, right=True)]))]]),
        ("wordpiece-nfd-nfkc", "wordpiece", [
            ["normalizer", state(normalizers.Sequence([normalizers.NFD(), normalizers.NFKC(),
                                                       normalizers.Strip(left=False, right=True)]))]]),
        ("bpe-prefix-space", "bpe", [
            ["pre_tokenizer", state(pre_tokenizers.ByteLevel(add_prefix_space=True, use_regex=True))]]),
        ("bpe-no-regex-template", "bpe", [
            ["pre_tokenizer", state(pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False))],
            ["post_processor", template("<s>:0 $A:0 </s>:0", "<s>:0 $A:0 </s>:0 </s>:1 $B:1 </s>:1", bpe_specials)]]),
        ("bpe-sequence-post-ignore-merges", "bpe", [
            ["model.ignore_merges", True],
            ["normalizer", state(normalizers.NFC())],
            ["post_processor", state(processors.Sequence([
                processors.ByteLevel(trim_offsets=False),
                processors.TemplateProcessing(single="<s>:0 $A:0 </s>:0", pair="<s>:0 $A:0 </s>:0 $B:1 </s>:1",
                                              special_tokens=bpe_specials)]))]]),
        ("bpe-no-post-processor", "bpe", [["post_processor", None]]),
        ("bpe-prefix-space-no-regex", "bpe", [
            ["pre_tokenizer", state(pre_tokenizers.ByteLevel(add_prefix_space=True, use_regex=False))]]),
        ("char-bpe-no-fuse-multi-id-template", "char-bpe", [
            ["model.fuse_unk", False],
            ["normalizer", state(normalizers.Sequence([normalizers.Strip(left=True, right=False), normalizers.Lowercase()]))],
            ["post_processor", template("<both>:0 $A:0 <sep>:1", "<both>:0 $A:0 <sep>:1 $B:2 <both>:3",
                                        [processors_special("<both>", ["<cls>", "<unk>"], char_bpe), ("<sep>", char_bpe.token_to_id("<sep>"))])]]),
    ]


def apply_overrides(tokenizer_json, overrides):
    result = copy.deepcopy(tokenizer_json)
    for path, value in overrides:
        keys = path.split(".")
        target = result
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value
    return result


def transformers_ids(tokenizer, text, pair, max_length):
    encoded = tokenizer(text, pair, truncation="longest_first", max_length=max_length, padding=False,
                        add_special_tokens=True, return_token_type_ids=True)
    assert all(m == 1 for m in encoded["attention_mask"])
    return encoded["input_ids"], encoded["token_type_ids"]


def library_ids(tokenizer, text, pair, max_length):
    """The `tokenizers` library alone, or None where transformers changes the input first."""
    n_added = tokenizer.post_processor.num_special_tokens_to_add(pair is not None) if tokenizer.post_processor else 0
    if pair == "" or max_length < n_added:
        return None
    tokenizer.enable_truncation(max_length, strategy="longest_first")
    encoding = tokenizer.encode(text, pair)
    return encoding.ids, encoding.type_ids


def types_string(types):
    assert all(0 <= t < 10 for t in types)
    return "".join(str(t) for t in types)


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")


def run_lengths(values):
    """[(first, last, value)] over consecutive scalars with the same value."""
    runs = []
    for cp, value in values:
        if runs and runs[-1][2] == value and runs[-1][1] == cp - 1:
            runs[-1][1] = cp
        else:
            runs.append([cp, cp, value])
    return runs


def unicode_table(path):
    """For every scalar c (surrogates excluded, ASCII included):

    - `class` lines: the class of GPT-2's pattern, probed through the ByteLevel pre-tokenizer: c is a letter when
      "a" + c stays one piece, a number when "1" + c does, "other" when "!" + c does, else whitespace.
    - `strip` lines: 1 when the StripAccents normalizer removes c.
    - `changes` lines per form (NFD, NFKD, NFC, NFKC): runs of 1 where the form maps c (alone) to something else,
      and one `digest` line per form: SHA-256 of "%X:%X %X…\\n" (c: its mapping) over the changed scalars in order.
    """
    byte_level = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    def one_piece(text):
        return len(byte_level.pre_tokenize_str(text)) == 1
    forms = {"NFD": normalizers.NFD(), "NFKD": normalizers.NFKD(), "NFC": normalizers.NFC(), "NFKC": normalizers.NFKC()}
    strip = normalizers.StripAccents()
    classes, stripped = [], []
    changes = {name: [] for name in forms}
    digests = {name: hashlib.sha256() for name in forms}
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        if one_piece("a" + c):
            cls = "letter"
        elif one_piece("1" + c):
            cls = "number"
        elif one_piece("!" + c):
            cls = "other"
        else:
            cls = "whitespace"
        classes.append((cp, cls))
        stripped.append((cp, 1 if strip.normalize_str("x" + c + "x") == "xx" else 0))
        for name, form in forms.items():
            mapped = form.normalize_str(c)
            changes[name].append((cp, 1 if mapped != c else 0))
            if mapped != c:
                digests[name].update(("%X:%s\n" % (cp, " ".join("%X" % ord(s) for s in mapped))).encode())
    with open(path, "w", encoding="utf-8") as f:
        for first, last, value in run_lengths(classes):
            f.write("class\t%X\t%X\t%s\n" % (first, last, value))
        for first, last, value in run_lengths(stripped):
            if value:
                f.write("strip\t%X\t%X\n" % (first, last))
        for name in forms:
            for first, last, value in run_lengths(changes[name]):
                if value:
                    f.write("changes\t%s\t%X\t%X\n" % (name, first, last))
            f.write("digest\t%s\t%s\n" % (name, digests[name].hexdigest()))
    print("wrote", path)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", required=True, help="the gutenberg folder of the raw English corpus")
    parser.add_argument("--out", required=True)
    parser.add_argument("--skip-unicode", action="store_true", help="keep the existing unicode.tsv (it takes minutes)")
    parser.add_argument("--keep-tokenizers", action="store_true",
                        help="read the tokenizers already in --out instead of training new ones")
    args = parser.parse_args()

    names = ["wordpiece", "bpe", "char-bpe"]
    files_dir = os.path.join(args.out, "bpe-files")
    if args.keep_tokenizers:
        trained = {name: Tokenizer.from_file(os.path.join(args.out, name, "tokenizer.json")) for name in names}
    else:
        corpus_lines = []
        for book in TRAINING_BOOKS:
            corpus_lines += read_lines(os.path.join(args.corpus, book))
        trained = dict(zip(names, [train_wordpiece(corpus_lines), train_byte_level_bpe(corpus_lines),
                                   train_char_bpe(corpus_lines)]))
        for name, tokenizer in trained.items():
            os.makedirs(os.path.join(args.out, name), exist_ok=True)
            tokenizer.save(os.path.join(args.out, name, "tokenizer.json"), pretty=False)
        os.makedirs(files_dir, exist_ok=True)
        trained["bpe"].model.save(files_dir)

    base_json = {name: json.load(open(os.path.join(args.out, name, "tokenizer.json"), encoding="utf-8")) for name in trained}
    runs = []  # (name, manifest entry, transformers tokenizer, library tokenizer or None, case groups)
    scratch = tempfile.mkdtemp()
    try:
        for name in trained:
            runs.append((name, {"directory": name}, AutoTokenizer.from_pretrained(os.path.join(args.out, name)),
                         Tokenizer.from_file(os.path.join(args.out, name, "tokenizer.json")), FULL))
        runs[2] = runs[2][:4] + ({"single", "pair"},)  # char-bpe: its long ids on the hand-written cases only
        runs.append(("bpe-files", {"directory": "bpe-files"}, RobertaTokenizer.from_pretrained(files_dir), None,
                     {"single", "short", "pair", "tie"}))
        for name, base, overrides in variants(trained["wordpiece"], trained["bpe"], trained["char-bpe"]):
            folder = os.path.join(scratch, name)
            os.makedirs(folder)
            write_json(os.path.join(folder, "tokenizer.json"), apply_overrides(base_json[base], overrides))
            runs.append((name, {"base": base, "overrides": overrides}, AutoTokenizer.from_pretrained(folder),
                         Tokenizer.from_file(os.path.join(folder, "tokenizer.json")), VARIANT))

        cases = all_cases(args.corpus)
        with open(os.path.join(args.out, "cases.jsonl"), "w", encoding="utf-8") as f:
            for text, pair, max_length, _ in cases:
                f.write(json.dumps({"text": text, "pair": pair, "max_length": max_length}, ensure_ascii=False) + "\n")
        os.makedirs(os.path.join(args.out, "expected"), exist_ok=True)
        agreements = 0
        for name, _, reference, library, groups in runs:
            with open(os.path.join(args.out, "expected", name + ".jsonl"), "w", encoding="utf-8") as f:
                for number, (text, pair, max_length, group) in enumerate(cases):
                    if group not in groups:
                        continue
                    ids, types = transformers_ids(reference, text, pair, max_length)
                    if library is not None:
                        alone = library_ids(library, text, pair, max_length)
                        if alone is not None:
                            assert alone == (ids, types), (name, text, pair, max_length, alone, ids, types)
                            agreements += 1
                    f.write(json.dumps([number, ids, types_string(types)], separators=(",", ":")) + "\n")
        print("wrote %d cases; the tokenizers library agreed with transformers on all %d runs it could make"
              % (len(cases), agreements))
    finally:
        shutil.rmtree(scratch)

    manifest = {
        "versions": {"tokenizers": tokenizers.__version__, "transformers": transformers.__version__,
                     "python": sys.version.split()[0], "unicodedata": unicodedata.unidata_version},
        "corpus": {"training": TRAINING_BOOKS, "held_out": HELD_OUT_BOOK, "seed": SEED,
                   "vocab_size": VOCAB_SIZE, "char_bpe_vocab_size": CHAR_BPE_VOCAB_SIZE},
        "tokenizers": {name: entry for name, entry, _, _, _ in runs},
    }
    write_json(os.path.join(args.out, "manifest.json"), manifest)
    if not args.skip_unicode:
        unicode_table(os.path.join(args.out, "unicode.tsv"))


if __name__ == "__main__":
    main()
