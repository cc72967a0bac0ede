"""Pinyin of a customer's name, stored beside it so reps can search 刘伟 as "liuwei", "liu wei" or "lw"."""

import os
import re
from functools import lru_cache

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
WORD = re.compile(r"[a-z0-9]+")
# Surnames read differently from the character's everyday reading (pypinyin gives 曾 "ceng", 单 "dan" ...).
SURNAMES = {
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "区": "ou", "查": "zha", "朴": "piao", "盖": "ge",
    "缪": "miao", "覃": "qin", "翟": "zhai", "种": "chong", "员": "yun", "重": "chong", "卜": "bu",
}  # fmt: skip
MAX_LENGTH = 255


@lru_cache(maxsize=100_000)
def name_pinyin(name: str) -> str:
    """The toneless pinyin run together, a space, the initials ("刘伟" → "liuwei lw"); "" for a name without Chinese."""
    if not HAN.search(name):
        return ""
    # Word phrases rarely fit a personal name and cost 40 MB more in every process (0.2 s instead of 0.9 s to load).
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "true")
    from pypinyin import lazy_pinyin

    name = name.strip()
    surname = SURNAMES.get(name[:1])
    syllables = [surname, *lazy_pinyin(name[1:])] if surname else lazy_pinyin(name)
    words = [word for part in syllables for word in WORD.findall(part.lower())]
    full, initials = "".join(words), "".join(word[0] for word in words)
    return f"{full[: MAX_LENGTH - len(initials) - 1]} {initials}"[:MAX_LENGTH]
