"""Find an entity by id, name or alias, case- and accent-insensitively, typos forgiven.

``resolve`` answers one entity or raises: :class:`AmbiguousEntity` listing the candidates, or
:class:`EntityNotFound` suggesting the closest names. ``search`` ranks matches for a type-ahead.

Both read an :class:`EntityIndex` built once per network, so that a keystroke costs about the
same on ten entities as on 67,000: the words of every name sit in a sorted list (a prefix is a
range of it, found by bisection), each word lists its entities most important first, and the
three-letter pieces of each word point back to the words that hold them (to find words inside
names, and words spelt a letter or two differently). A prefix shared by more entities than
:data:`MAX_CANDIDATES` ("u", "uni") keeps a list of its most important entities instead.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from ecosystem.errors import EcosystemError
from ecosystem.schema import ALIAS_SEPARATOR

if TYPE_CHECKING:
    import numpy as np

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")

# Entities one query word may bring in before its prefix is answered from a precomputed list of
# the most important ones: the bound on the work of a keystroke.
MAX_CANDIDATES = 2000
TOP_PER_PREFIX = 200
# Words sent to the index and their length: a type-ahead query is a few short words.
MAX_WORDS = 6
MAX_WORD_CHARS = 40
# Three-letter pieces are taken from the start of each word (a longer word is still found by
# its prefix); a 10,000-character name adds no more than this.
GRAM_CHARS = 48
# Typos: one edit in words of five to eight letters, two in longer ones; shorter words and
# numbers must be spelt right (one edit in "leon" reaches "lyon", "neon" and "leo"). At most
# MAX_FUZZY_WORDS words are compared letter by letter per keystroke.
FUZZY_MIN = 5
TWO_EDITS_MIN = 9
MAX_FUZZY_WORDS = 1000
# Entities a word found inside words or misspelt brings in (they rank below the others).
MAX_LOOSE_CANDIDATES = 300

EXACT, WORD_START, INSIDE_WORD, CLOSE_SPELLING = 0, 1, 2, 3


def fold(text: str) -> str:
    """Lowercase, strip accents and punctuation, fold spaces: the key names are compared on.

    >>> fold("Junta de Castilla y León")
    'junta de castilla y leon'
    >>> fold("MINE.THE.GAP") == fold("mine-the-gap")
    True
    """
    if text.isascii():  # most names: nothing to decompose
        return _NOT_ALNUM.sub(" ", text.lower()).strip()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_ALNUM.sub(" ", stripped.casefold()).strip()


class EntityNotFound(EcosystemError):
    """No entity has that id, name or alias."""

    def __init__(self, query: str, suggestions: list[dict]):
        self.query = query
        self.suggestions = suggestions
        hint = (
            "; did you mean " + ", ".join(f"{s['name']} ({s['id']})" for s in suggestions) + "?"
            if suggestions
            else ""
        )
        super().__init__(f"no entity called {query!r}{hint}")


class AmbiguousEntity(EcosystemError):
    """Several entities share that name or alias."""

    def __init__(self, query: str, candidates: list[dict]):
        self.query = query
        self.candidates = candidates
        listed = ", ".join(f"{c['name']} ({c['type']}, id {c['id']})" for c in candidates)
        super().__init__(f"{query!r} could mean {listed}: name one by its id")


class FlatLists(Mapping[str, tuple]):
    """A read-only mapping of each of ``names`` to its list, the lists held flat: the ``i``-th
    name's list is ``flat[starts[i]:starts[i + 1]]``, each place turned into ``decode[place]``
    (kept as places without ``decode``) when the list is asked for. How an index read from the
    cache holds its parts: no Python object is made per place until a query needs it.

    >>> import numpy as np
    >>> lists = FlatLists(["a", "b"], np.array([1, 0, 1]), np.array([0, 1, 3]), ["x", "y"])
    >>> lists["b"], dict(lists) == {"a": ("y",), "b": ("x", "y")}
    (('x', 'y'), True)
    """

    __slots__ = ("_decode", "_flat", "_slot", "_starts")

    def __init__(
        self,
        names: Sequence[str],
        flat: np.ndarray,
        starts: np.ndarray,
        decode: Sequence[str] | None = None,
    ):
        self._slot = dict(zip(names, range(len(names)), strict=True))
        self._flat = flat
        self._starts = starts.tolist()
        self._decode = decode

    def __getitem__(self, name: str) -> tuple:
        slot = self._slot[name]
        places = self._flat[self._starts[slot] : self._starts[slot + 1]].tolist()
        return (
            tuple(places) if self._decode is None else tuple(map(self._decode.__getitem__, places))
        )

    def __iter__(self) -> Iterator[str]:
        return iter(self._slot)

    def __len__(self) -> int:
        return len(self._slot)

    def __contains__(self, name: object) -> bool:
        return name in self._slot


@dataclass(frozen=True)
class EntityIndex:
    """What :func:`resolve` and :func:`search` look entities up in. Read-only.

    ``keys``: each folded id, name and alias -> the entities it names; ``labels``: each entity's
    folded labels; ``rank``: each entity's place by importance (0 the most linked);
    ``words``: the distinct words of every label, sorted; ``postings``: a word's entities, most
    important first; ``counts``: running totals of the postings' lengths over ``words``, so the
    entities a prefix reaches are counted without visiting them; ``top``: for a prefix that
    reaches more than :data:`MAX_CANDIDATES` entities, its :data:`TOP_PER_PREFIX` most important;
    ``grams``: each three-letter piece -> the positions in ``words`` of the words holding it.
    """

    keys: Mapping[str, tuple[str, ...]]
    labels: Mapping[str, tuple[str, ...]]
    rank: Mapping[str, int]
    words: tuple[str, ...]
    postings: Mapping[str, tuple[str, ...]]
    counts: tuple[int, ...]
    top: Mapping[str, tuple[str, ...]]
    grams: Mapping[str, tuple[int, ...]]

    def entity_words(self, node: str) -> set[str]:
        return {word for label in self.labels[node] for word in label.split()}


def build_index(graph: nx.Graph, *, importance: Mapping[str, float] | None = None) -> EntityIndex:
    """Index ids, names and aliases of every node for :func:`resolve` and :func:`search`.

    ``importance`` orders entities that match equally well (by default how many entities each
    is linked to); ties go by name.
    """
    scores = importance if importance is not None else dict(graph.degree())
    attributes = dict(graph.nodes(data=True))
    order = sorted(
        attributes,
        key=lambda node: (
            -scores.get(node, 0),
            str(attributes[node].get("name", node)).casefold(),
            str(node),
        ),
    )
    rank = {node: place for place, node in enumerate(order)}
    keys: dict[str, list[str]] = {}
    labels: dict[str, tuple[str, ...]] = {}
    postings: dict[str, list[str]] = {}
    for node in order:  # postings then list entities most important first
        folded = _labels(node, attributes[node])
        for key in folded:
            keys.setdefault(key, []).append(node)
        labels[node] = folded
        for word in set(" ".join(folded).split()):
            postings.setdefault(word, []).append(node)
    words = tuple(sorted(postings))
    counts = [0]
    for word in words:
        counts.append(counts[-1] + len(postings[word]))
    grams: dict[str, list[int]] = {}
    for position, word in enumerate(words):
        for gram in _grams(word[:GRAM_CHARS]):
            grams.setdefault(gram, []).append(position)
    return EntityIndex(
        keys={key: tuple(sorted(ids)) for key, ids in keys.items()},
        labels=labels,
        rank=rank,
        words=words,
        postings={word: tuple(ids) for word, ids in postings.items()},
        counts=tuple(counts),
        top=_top_lists(words, order, counts, labels),
        grams={gram: tuple(places) for gram, places in grams.items()},
    )


def _labels(node: object, data: Mapping) -> tuple[str, ...]:
    """An entity's folded id, name and aliases, each once, in that order."""
    folded: list[str] = []
    for name in (str(node), data.get("name", ""), *data.get("aliases", "").split(ALIAS_SEPARATOR)):
        key = fold(name)
        if key and key not in folded:
            folded.append(key)
    return tuple(folded)


def exact_matches(graph: nx.Graph, texts: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Each of ``texts`` -> the entities whose folded id, name or alias is its folded form, in
    id order: what the ``keys`` of :func:`build_index` answer for it, without folding every
    name of the network.

    An ASCII name folds to a key only if its lowercase holds the key's longest word (folding
    lowercases it and cuts it into its runs of letters and digits), so only such names, and
    the few that are not ASCII, are folded and compared.
    """
    wanted = {text: fold(text) for text in texts}
    words = {key: max(key.split(" "), key=len) for key in set(wanted.values()) if key}
    found: dict[str, list[str]] = {key: [] for key in words}
    if found:
        for node, data in graph.nodes(data=True):
            for name in (str(node), data.get("name", ""), *_aliases(data)):
                ascii_name = name.isascii()
                lower = name.lower() if ascii_name else ""
                for key, word in words.items():
                    named = (not ascii_name or word in lower) and fold(name) == key
                    if named and (not found[key] or found[key][-1] != node):
                        found[key].append(node)
    return {text: tuple(sorted(found.get(key, ()))) for text, key in wanted.items()}


def _aliases(data: Mapping) -> list[str]:
    aliases = data.get("aliases", "")
    return aliases.split(ALIAS_SEPARATOR) if aliases else []


def _top_lists(
    words: tuple[str, ...],
    order: Iterable[str],
    counts: list[int],
    labels: Mapping[str, tuple[str, ...]],
) -> dict[str, tuple[str, ...]]:
    """The :data:`TOP_PER_PREFIX` most important entities of each prefix that reaches more than
    :data:`MAX_CANDIDATES` entities."""
    heavy: set[str] = set()
    for word in words:
        for length in range(1, len(word) + 1):
            prefix = word[:length]
            if prefix not in heavy:
                if _reach(words, counts, prefix) <= MAX_CANDIDATES:
                    break  # a longer prefix reaches fewer
                heavy.add(prefix)
    lists: dict[str, list[str]] = {prefix: [] for prefix in heavy}
    if not heavy:
        return {}
    open_lists = len(heavy)
    for node in order:  # most important first, so each list fills with the best
        seen: set[str] = set()
        for label in labels[node]:
            for word in label.split():
                for length in range(1, len(word) + 1):
                    prefix = word[:length]
                    if prefix not in heavy:
                        break
                    if prefix in seen:
                        continue
                    seen.add(prefix)
                    members = lists[prefix]
                    if len(members) < TOP_PER_PREFIX:
                        members.append(node)
                        open_lists -= len(members) == TOP_PER_PREFIX
        if not open_lists:
            break
    return {prefix: tuple(nodes) for prefix, nodes in lists.items()}


def _grams(word: str) -> set[str]:
    """Three-letter pieces of a word, the first marked as its start.

    >>> sorted(_grams("leon"))
    [' le', 'eon', 'leo']
    """
    padded = f" {word}"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _prefix_range(words: tuple[str, ...], prefix: str) -> tuple[int, int]:
    start = bisect.bisect_left(words, prefix)
    return start, bisect.bisect_left(words, prefix + "\uffff", lo=start)


def _reach(words: tuple[str, ...], counts, prefix: str) -> int:
    """How many (word, entity) pairs the words starting with ``prefix`` list."""
    start, end = _prefix_range(words, prefix)
    return counts[end] - counts[start]


def _brief(graph: nx.Graph, node: str) -> dict:
    data = graph.nodes[node]
    return {"id": node, "name": data.get("name", node), "type": data.get("type", "")}


def resolve(graph: nx.Graph, query: str, *, index: EntityIndex | None = None) -> str:
    """The id of the one entity that ``query`` names.

    >>> g = nx.Graph()
    >>> g.add_node("jcyl", name="Government of Castilla y León", aliases="Junta de Castilla y León")
    >>> resolve(g, "junta de castilla y leon")
    'jcyl'
    """
    if str(query) in graph:
        return str(query)
    index = index or build_index(graph)
    ids = index.keys.get(fold(str(query)), ())
    if len(ids) == 1:
        return ids[0]
    if ids:
        raise AmbiguousEntity(query, [_brief(graph, node) for node in ids])
    suggestions = [hit["id"] for hit in search(graph, query, limit=3, index=index)]
    raise EntityNotFound(
        query, [_brief(graph, node) for node in suggestions or _closest(index, query)]
    )


def _closest(index: EntityIndex, query: str, limit: int = 3) -> list[str]:
    """Entities whose whole label reads most like ``query`` (for a query whose words do not all
    match, such as "Pizarras la Bana S.A."): a pass over every label, which a one-off question
    can afford and a keystroke could not."""
    folded = fold(str(query))
    found: list[str] = []
    for key, _score, _place in process.extract(
        folded, list(index.keys), scorer=fuzz.ratio, score_cutoff=60, limit=limit * 2
    ):
        found.extend(node for node in index.keys[key] if node not in found)
    return found[:limit]


def search(
    graph: nx.Graph, query: str, *, limit: int = 10, index: EntityIndex | None = None
) -> list[dict]:
    """Entities whose id, name or alias matches ``query``, best first (for a type-ahead).

    Every word of the query must match a word of one of the entity's labels. An entity ranks by
    how well its worst word matches: a label equal to the whole query first (``rank`` 0), then
    words that start the way the query's words are typed (1), then query words found inside a
    word (2), then words spelt one or two letters differently (3, fewer edits first). Equal
    matches go by importance (the index's ``rank``: the most linked first), then by name; so
    the list does not jump about while a word is being typed. Empty query: no results.

    >>> g = nx.Graph([("ptl", "leon"), ("ptl", "x"), ("pl", "leon")])
    >>> nx.set_node_attributes(g, {"leon": "León", "ptl": "León Technology Park",
    ...                            "pl": "Province of León", "x": "X"}, "name")
    >>> [hit["id"] for hit in search(g, "leon")]
    ['leon', 'ptl', 'pl']
    >>> [hit["id"] for hit in search(g, "tehcnology")]
    ['ptl']
    """
    words = fold(str(query)[: MAX_WORDS * (MAX_WORD_CHARS + 1)]).split()[:MAX_WORDS]
    words = [word[:MAX_WORD_CHARS] for word in words]
    if not words or limit <= 0:
        return []
    index = index or build_index(graph)
    exact = index.keys.get(" ".join(words), ())
    found: dict[str, tuple[int, int]] = dict.fromkeys(exact, (EXACT, 0))
    reach = {word: _reach(index.words, index.counts, word) for word in words}
    typed = sorted((word for word in words if reach[word]), key=reach.__getitem__)
    if typed:  # the rarest word as typed brings the candidates; the others are checked on each
        seed = typed[0]
        _score(index, _prefixed(index, seed), (WORD_START, 0), _without(words, seed), found)
    if len(found) < limit:  # too few: a word found inside words, or spelt differently
        untyped = [word for word in words if not reach[word]]
        loose = max(untyped, key=len) if untyped else typed[0]
        for node, match in _loose(index, loose).items():
            _score(index, (node,), match, _without(words, loose), found)
    ranked = sorted(found.items(), key=lambda item: (*item[1], index.rank[item[0]]))
    return [{**_brief(graph, node), "rank": match[0]} for node, match in ranked[:limit]]


def _without(words: list[str], word: str) -> list[str]:
    rest = list(words)
    rest.remove(word)
    return rest


def _prefixed(index: EntityIndex, prefix: str) -> Iterable[str]:
    """Entities with a word starting with ``prefix``: all of them, or the most important ones
    where the prefix reaches more than MAX_CANDIDATES."""
    if prefix in index.top:
        return index.top[prefix]
    start, end = _prefix_range(index.words, prefix)
    return dict.fromkeys(node for word in index.words[start:end] for node in index.postings[word])


def _score(
    index: EntityIndex,
    nodes: Iterable[str],
    match: tuple[int, int],
    others: list[str],
    found: dict[str, tuple[int, int]],
) -> None:
    """Add ``nodes`` that match every word of ``others`` too, each at its worst word's match."""
    for node in nodes:
        if node in found and found[node] <= match:
            continue
        worst = match
        own = index.entity_words(node) if others else set()
        for word in others:
            this = _word_match(word, own)
            if this is None:
                break
            worst = max(worst, this)
        else:
            if node not in found or worst < found[node]:
                found[node] = worst


def _word_match(word: str, own: set[str]) -> tuple[int, int] | None:
    """How one query word matches the best of an entity's words, or None."""
    if any(candidate.startswith(word) for candidate in own):
        return (WORD_START, 0)
    if len(word) >= 3 and any(word in candidate for candidate in own):
        return (INSIDE_WORD, 0)
    edits = _edits_allowed(word)
    if edits:
        best = min((_prefix_distance(word, candidate, edits) for candidate in own), default=None)
        if best is not None and best <= edits:
            return (CLOSE_SPELLING, best)
    return None


def _edits_allowed(word: str) -> int:
    if word.isdigit():
        return 0  # a number spelt differently is another number
    if len(word) >= TWO_EDITS_MIN:
        return 2
    return 1 if len(word) >= FUZZY_MIN else 0


def _prefix_distance(word: str, candidate: str, edits: int) -> int:
    """The fewest edits (a letter changed, added or dropped, two neighbours swapped) that turn
    ``word`` into the start of ``candidate`` (or all of it); more than ``edits`` when it takes
    more.

    >>> _prefix_distance("icamcil", "icamcyl", 1), _prefix_distance("icamci", "icamcyl", 1)
    (1, 1)
    >>> _prefix_distance("oxfrod", "oxford", 1)
    1
    """
    size = len(word)
    return min(
        OSA.distance(word, candidate[:length], score_cutoff=edits)
        for length in range(max(1, size - edits), size + edits + 1)
    )


def _loose(index: EntityIndex, word: str) -> dict[str, tuple[int, int]]:
    """Entities with a word holding ``word`` inside it, or spelt within a few edits of it."""
    if len(word) < 3:
        return {}
    pieces = sorted(_grams(word), key=lambda gram: len(index.grams.get(gram, ())))
    edits = _edits_allowed(word)
    # An edit (a letter changed, added or dropped, or two swapped) changes at most four pieces,
    # so a word within ``edits`` edits shares one of the 4 * edits + 1 rarest pieces; a word
    # holding ``word`` inside shares all its inner pieces.
    inner = [gram for gram in pieces if not gram.startswith(" ")]
    places: set[int] = set(index.grams.get(inner[0], ())) if inner else set()
    for gram in inner[1:]:
        places &= set(index.grams.get(gram, ()))
    found: dict[str, tuple[int, int]] = {}
    for place in sorted(places)[:MAX_FUZZY_WORDS]:
        candidate = index.words[place]
        if word in candidate and not candidate.startswith(word):
            found[candidate] = (INSIDE_WORD, 0)
    if edits:
        near: set[int] = set()
        for gram in pieces[: 4 * edits + 1]:
            near.update(index.grams.get(gram, ()))
        for place in sorted(near)[:MAX_FUZZY_WORDS]:
            candidate = index.words[place]
            if candidate not in found:
                distance = _prefix_distance(word, candidate, edits)
                if distance <= edits:
                    found[candidate] = (CLOSE_SPELLING, distance)
    # The best words first, and of each word its most important entities: at most
    # MAX_LOOSE_CANDIDATES entities, so a misspelt common word ("projcct") stays cheap.
    matches: dict[str, tuple[int, int]] = {}
    for candidate, match in sorted(found.items(), key=lambda item: item[1]):
        for node in index.postings[candidate][: MAX_LOOSE_CANDIDATES - len(matches)]:
            if node not in matches:
                matches[node] = match
        if len(matches) >= MAX_LOOSE_CANDIDATES:
            break
    return matches
