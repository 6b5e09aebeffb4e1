"""Partner suggestions: who an actor should work with next, and why, in a manager's words.

What is suggested
-----------------
- **Partners** are actors: organisations (companies, research centres and universities, clusters,
  associations, foundations, public bodies) and people. Places, countries, programmes, EU bodies,
  policies, media and past events are context: they can be reasons, never suggestions.
- **Opportunities** are a separate list: projects, platforms and events still open on the day
  asked about (no end date, or one after it) that the actor is not in.
- **Strengthen**: actors the entity already works with (a direct relation, or a shared project,
  event or platform by that day) are never suggested as new; they are listed apart.

How candidates are ranked
-------------------------
With enough dated history (a year of first collaborations to learn from) a learned ranker
(:mod:`ecosystem.analysis.ranker`) ranks every actor the entity never worked with; otherwise the
best heuristic on real history, Adamic-Adar over partners in common (shared places
break ties). ``method`` and ``method_text`` say which ranked the list. The score a person reads
is the rank among all candidates, as a percentile ("top 2% of 340").

Every suggestion carries a few reasons in words (partners in common and where they worked
together, the programme parts both are active in, the kind of partner, shared places), the
entities they name, and the connecting path with its evidence.
"""

from __future__ import annotations

from ecosystem.analysis.synergy.candidates import explain_pair, synergy_candidates
from ecosystem.analysis.synergy.history import (
    PROGRAMME_PARTS,
    history_from_view,
    programme_parts,
    view_until,
)
from ecosystem.analysis.synergy.index import GROUPS, RankerFactory, SynergyIndex, method_of, prepare
from ecosystem.analysis.synergy.pairs import synergy_pairs
from ecosystem.analysis.synergy.shapes import (
    MAX_PAIR_SOURCES,
    MAX_TOP,
    NAMED,
    PAIR_SHORTLIST,
    Brief,
    Highlight,
    Opportunity,
    PairsResult,
    PairSuggestion,
    Reason,
    Shared,
    Strengthen,
    Suggestion,
    SynergyQueryError,
    SynergyResult,
)

__all__ = [
    "GROUPS",
    "MAX_PAIR_SOURCES",
    "MAX_TOP",
    "NAMED",
    "PAIR_SHORTLIST",
    "PROGRAMME_PARTS",
    "Brief",
    "Highlight",
    "Opportunity",
    "PairSuggestion",
    "PairsResult",
    "RankerFactory",
    "Reason",
    "Shared",
    "Strengthen",
    "Suggestion",
    "SynergyIndex",
    "SynergyQueryError",
    "SynergyResult",
    "explain_pair",
    "history_from_view",
    "method_of",
    "prepare",
    "programme_parts",
    "synergy_candidates",
    "synergy_pairs",
    "view_until",
]
