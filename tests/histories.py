"""Synthetic collaboration histories for the ranker, synergy and evaluation tests."""

from __future__ import annotations

from datetime import date

import numpy as np

from ecosystem.analysis import ranker as R


def synthetic(seed: int = 3, actors: int = 120, years: range = range(2014, 2021)) -> R.History:
    """60 projects of 2 to 5 actors a year; partners drawn mostly from partners' partners, else
    mostly from the lead's community (one of six)."""
    rng = np.random.default_rng(seed)
    kinds = ["company", "research", "government"]
    rows_a = [(f"o{i}", kinds[i % 3], ["ES", "FR", "DE", "IT"][i % 4]) for i in range(actors)]
    venues, parts, partners = [], [], {i: set() for i in range(actors)}
    for year in years:
        for p in range(60):
            vid = f"p{year}-{p}"
            venues.append((vid, "project"))
            lead = int(rng.integers(actors))
            team = {lead}
            size = int(rng.integers(2, 6))
            while len(team) < size:
                near = sorted({z for t in team for z in partners[t]} - team)
                if near and rng.random() < 0.5:
                    team.add(int(rng.choice(near)))
                elif rng.random() < 0.9:
                    team.add(int(rng.choice(np.arange(lead % 6, actors, 6))))
                else:
                    team.add(int(rng.integers(actors)))
            day = date(year, int(rng.integers(1, 13)), 1).toordinal()
            for t in sorted(team):
                parts.append((f"o{t}", vid, day, t == lead, float(rng.integers(1, 100))))
                partners[t] |= team - {t}
    return R.build_history(rows_a, venues, parts)
