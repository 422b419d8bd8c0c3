"""Text helpers shared by the parser's modules: one normal form, numerals, sentences."""

from __future__ import annotations

import re

# Full-width ASCII forms (（）：；，．％ and digits) fold to half-width, so that a swap between
# the two never changes what the parser finds; ideographic punctuation (、。《》〔〕) is kept.
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: " ", 0x00A0: " ", 0x2002: " ", 0x2003: " ", 0x2009: " "})
_FOLD.update({0x200B: None, 0x200C: None, 0x200D: None, 0xFEFF: None})

CN_DIGITS = "一二三四五六七八九十"
_CN_VALUE = {ch: i + 1 for i, ch in enumerate(CN_DIGITS)}

_SENTENCE_END = re.compile(r"[。;!?]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalize_text(text: str) -> str:
    """The form every rule reads: half-width ASCII punctuation, plain spaces, \\n line ends."""
    text = text.translate(_FOLD).replace("\r\n", "\n").replace("\r", "\n")
    return text


def looks_binary(text: str) -> bool:
    """True when the text carries NULs or many control characters: not a directive's text."""
    if "\x00" in text:
        return True
    sample = text[:4000]
    return bool(sample) and len(_CONTROL.findall(sample)) > max(3, len(sample) // 100)


def cn_number(numeral: str) -> int | None:
    """一 → 1 … 十九 → 19, 二十三 → 23; None for anything else."""
    if not numeral or any(ch not in _CN_VALUE for ch in numeral):
        return None
    if len(numeral) == 1:
        return _CN_VALUE[numeral]
    if numeral[0] == "十" and len(numeral) == 2:
        return 10 + _CN_VALUE[numeral[1]]
    if len(numeral) == 2 and numeral[1] == "十":
        return _CN_VALUE[numeral[0]] * 10
    if len(numeral) == 3 and numeral[1] == "十":
        return _CN_VALUE[numeral[0]] * 10 + _CN_VALUE[numeral[2]]
    return None


def sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs, split after 。;!?; the terminator is not part of the sentence."""
    found = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        found.append((start, text[start : match.start()]))
        start = match.end()
    found.append((start, text[start:]))
    result = []
    for offset, sentence in found:
        stripped = sentence.strip()
        if stripped:
            result.append((offset + sentence.index(stripped[0]), stripped))
    return result
