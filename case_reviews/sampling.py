"""The reproducible random draw of a review round (Art. 36 "定期选取…重点病例").

Per hospital and per category, in the order Art. 36 names the categories: the candidates are the hospital's
pool cases of that category discharged in the period, sorted by record number and without any case already
drawn for an earlier category; `random.Random("<seed>:<hospital code>:<category>")` picks
`min(size, candidates)` of them. The seed is stored with the round, so the same pool and seed give the
same sample on any machine and any rerun; the digest of each candidate list shows whether the pool changed.
"""
from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Mapping, Sequence

from django.utils.translation import gettext_noop

from case_reviews.workflow import Category

# Stored with each draw in Chinese; the round page shows it through the catalogue.
METHOD = gettext_noop(
    "每家医院、每类病例：取期间内出院的该类病例，按病案号排序，去除已被前一类抽中的病例，"
    "以 random.Random(\"种子:医院代码:类别\") 无放回抽取 min(例数, 病例数) 例（Python 3 Mersenne Twister）。"
)


def ordered_categories(categories: Iterable[str]) -> list[str]:
    wanted = set(categories)
    return [c for c in Category.values if c in wanted]


def candidates_digest(record_numbers: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(record_numbers).encode()).hexdigest()


def draw_hospital(
    *, seed: int, institution_code: str, categories: Iterable[str], size: int,
    candidates: Mapping[str, Iterable[str]],
) -> dict[str, dict]:
    """candidates: category -> record numbers of that category. Returns category -> {pool, digest, size, drawn}."""
    taken: set[str] = set()
    out: dict[str, dict] = {}
    for category in ordered_categories(categories):
        pool = sorted(set(candidates.get(category, ())) - taken)
        rng = random.Random(f"{seed}:{institution_code}:{category}")
        drawn = sorted(rng.sample(pool, min(size, len(pool)))) if size > 0 else []
        taken.update(drawn)
        out[category] = {"pool": len(pool), "digest": candidates_digest(pool), "size": size, "drawn": drawn}
    return out
