"""The gazetteer: every known place, indexed by transliteration-tolerant keys.

Stored as one gzipped TSV (`sitrep/data/gazetteer.tsv.gz`, made by `sitrep gazetteer build`), extended at
load time by imported GeoNames files and alias files, so users add places with data, not code.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from sitrep.errors import GazetteerError
from sitrep.geo.translit import deletions, fold, is_arabic, phonetic, skeleton, split_generic
from sitrep.model import Place

PACKAGE_DATA = Path(__file__).resolve().parent.parent / "data"
DEFAULT_GAZETTEER = PACKAGE_DATA / "gazetteer.tsv.gz"
DEFAULT_ALIAS_DIR = PACKAGE_DATA / "aliases"

COLUMNS = ("place_id", "name", "lat", "lon", "kind", "admin1", "admin2", "parent_id", "population",
           "geo_precision", "sources", "names")
NAME_SEPARATOR = "|"

# Keys shorter than this many consonants are too ambiguous for one-edit (typo) retrieval: "md" (Mayda'a)
# is one deletion from dozens of unrelated names.
MIN_FUZZY_KEY = 4
EARTH_RADIUS_KM = 6371.0088
# Similarity credited to a Latin spelling whose skeleton equals an Arabic-script name's: good evidence
# (the Arabic pivot), but below an exact Latin match since vowels cannot be checked.
ARABIC_SKELETON_SIM = 0.85


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True, slots=True)
class NameHit:
    """A place reached through one of its names, and whether the key matched exactly or by one edit."""

    place: Place
    name: str
    exact: bool


@dataclass
class Gazetteer:
    """Places with an index from skeleton keys to (place, name). Build with `load_gazetteer`."""

    places: list[Place]
    _by_id: dict[str, Place] = field(default_factory=dict, repr=False)
    _by_key: dict[str, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list), repr=False)
    _by_deletion: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set), repr=False)
    _children: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list), repr=False)
    _lookups: dict[tuple[str, bool], list[NameHit]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for index, place in enumerate(self.places):
            self._index_place(index, place)

    def _index_place(self, index: int, place: Place) -> None:
        self._lookups.clear()  # a new name may change any earlier answer
        self._by_id[place.place_id] = place
        if place.parent_id:
            self._children[place.parent_id].append(place.place_id)
        for name in place.names or (place.name,):
            key = skeleton(name)
            if not key:
                continue
            bucket = self._by_key[key]
            if (index, name) not in bucket:
                bucket.append((index, name))
            if len(key) >= MIN_FUZZY_KEY:
                for variant in deletions(key):
                    self._by_deletion[variant].add(key)

    def __len__(self) -> int:
        return len(self.places)

    def get(self, place_id: str) -> Place | None:
        return self._by_id.get(place_id)

    def add(self, place: Place) -> None:
        """Add (or replace, by id) one place and index its names."""
        old = self._by_id.get(place.place_id)
        if old is not None:
            index = self.places.index(old)
            self.places[index] = place
        else:
            index = len(self.places)
            self.places.append(place)
        self._index_place(index, place)

    def has_key(self, key: str) -> bool:
        return key in self._by_key

    def lookup(self, surface: str, *, fuzzy: bool = True) -> list[NameHit]:
        """Places one of whose names has the same skeleton as `surface` (or, with `fuzzy`, one edit away).
        Each place appears once, through its best-matching name. Answers are remembered: reports repeat
        their place names, and the gazetteer changes only through `add`."""
        cached = self._lookups.get((surface, fuzzy))
        if cached is None:
            cached = self._lookups[(surface, fuzzy)] = self._lookup(surface, fuzzy)
        return list(cached)

    def _lookup(self, surface: str, fuzzy: bool) -> list[NameHit]:
        key = skeleton(surface)
        if not key:
            return []
        hits: dict[str, NameHit] = {}
        for index, name in self._by_key.get(key, ()):
            place = self.places[index]
            self._keep_best(hits, NameHit(place, name, True), surface)
        if fuzzy and len(key) >= MIN_FUZZY_KEY - 1:
            near_keys = self._near_keys(key) if len(key) >= MIN_FUZZY_KEY else transpositions(key)
            for near_key in near_keys:
                for index, name in self._by_key.get(near_key, ()):
                    place = self.places[index]
                    if place.place_id not in hits or not hits[place.place_id].exact:
                        self._keep_best(hits, NameHit(place, name, False), surface)
        return list(hits.values())

    def _near_keys(self, key: str) -> set[str]:
        near = set(self._by_deletion.get(key, ()))  # indexed keys one letter longer
        for variant in deletions(key):
            if variant in self._by_key:
                near.add(variant)  # indexed keys one letter shorter
            near |= self._by_deletion.get(variant, set())  # substitutions and transpositions
        near.discard(key)
        return near

    @staticmethod
    def _keep_best(hits: dict[str, NameHit], hit: NameHit, surface: str) -> None:
        old = hits.get(hit.place.place_id)
        if old is None or (hit.exact and not old.exact) or (
            hit.exact == old.exact and name_similarity(surface, hit.name) > name_similarity(surface, old.name)
        ):
            hits[hit.place.place_id] = hit

    def children(self, place_id: str) -> list[Place]:
        return [self._by_id[c] for c in self._children.get(place_id, ()) if c in self._by_id]

    def search(self, query: str, limit: int = 10) -> list[Place]:
        """Transliteration-tolerant name search, best first (for people, e.g. the API's place search)."""
        hits = self.lookup(query)
        hits.sort(key=lambda h: (-name_similarity(query, h.name), -h.place.population))
        return [h.place for h in hits[:limit]]


def transpositions(key: str) -> set[str]:
    """Keys with two neighbouring letters swapped ("sfr" ~ "srf"): the one typo safe on short keys."""
    return {key[:i] + key[i + 1] + key[i] + key[i + 2:] for i in range(len(key) - 1)} - {key}


def name_similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two spellings, on their phonetic keys (indel-normalised, rapidfuzz)."""
    from rapidfuzz.distance import Indel

    if is_arabic(b) or is_arabic(a):
        # Arabic script has no written vowels: only the consonant skeleton can be compared
        return ARABIC_SKELETON_SIM if skeleton(a) == skeleton(b) else 0.0
    pa, pb = phonetic(a), phonetic(b)
    if not pa or not pb:
        return 0.0
    if pa == pb:
        return 1.0
    similarity = float(Indel.normalized_similarity(pa, pb))
    (generic_a, rest_a), (generic_b, rest_b) = split_generic(a), split_generic(b)
    if generic_a and generic_b:  # "Hawsh al-Shalaq" vs "Hawsh as Salihiyah": compare what follows
        similarity = min(similarity, float(Indel.normalized_similarity(phonetic(rest_a), phonetic(rest_b))))
    return similarity


# --- reading and writing ---------------------------------------------------------------------------------


def place_to_row(place: Place) -> list[str]:
    return [place.place_id, place.name, f"{place.lat:.6f}", f"{place.lon:.6f}", place.kind, place.admin1,
            place.admin2, place.parent_id, str(place.population or 0), str(place.geo_precision),
            ",".join(place.sources), NAME_SEPARATOR.join(place.names)]


def row_to_place(row: Sequence[str]) -> Place:
    (place_id, name, lat, lon, kind, admin1, admin2, parent_id, population, precision, sources,
     names) = row
    return Place(place_id=place_id, name=name, lat=float(lat), lon=float(lon), kind=kind, admin1=admin1,
                 admin2=admin2, parent_id=parent_id, population=int(population or 0),
                 names=tuple(n for n in names.split(NAME_SEPARATOR) if n) or (name,),
                 sources=tuple(s for s in sources.split(",") if s), geo_precision=int(precision or 1))


def write_places(places: Iterable[Place], path: Path) -> int:
    """Write places as gzipped TSV (deterministic: same input, same bytes). Returns the count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for place in places:
        writer.writerow(place_to_row(place))
        count += 1
    with gzip.GzipFile(path, "wb", mtime=0) as f:
        f.write(buffer.getvalue().encode("utf-8"))
    return count


def read_places(path: Path) -> Iterator[Place]:
    try:
        with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
            reader = csv.reader(f, delimiter="\t")
            header = next(reader, None)
            if header is None or tuple(header) != COLUMNS:
                raise GazetteerError(f"{path}: not a sitrep gazetteer file (unexpected header)")
            for number, row in enumerate(reader, 2):
                try:
                    yield row_to_place(row)
                except ValueError as e:
                    raise GazetteerError(f"{path}:{number}: bad row: {e}") from e
    except (OSError, EOFError) as e:
        raise GazetteerError(f"{path}: cannot read gazetteer: {e}") from e


def load_gazetteer(path: Path | str | None = None, *, extra: Iterable[Path | str] = (),
                   alias_files: Iterable[Path | str] | None = None) -> Gazetteer:
    """Load the shipped gazetteer (or `path`), then `extra` gazetteer files (e.g. imported GeoNames
    dumps), then alias files (the shipped district aliases when `alias_files` is None)."""
    from sitrep.geo.aliases import apply_alias_file

    base = Path(path) if path else DEFAULT_GAZETTEER
    if not base.exists():
        raise GazetteerError(f"{base}: gazetteer not found (run `sitrep gazetteer build`)")
    places = list(read_places(base))
    for extra_path in extra:
        places.extend(read_places(Path(extra_path)))
    gazetteer = Gazetteer(places)
    files = sorted(DEFAULT_ALIAS_DIR.glob("*.tsv")) if alias_files is None else [Path(a) for a in alias_files]
    for alias_path in files:
        apply_alias_file(gazetteer, alias_path)
    return gazetteer


def with_names(place: Place, names: Iterable[str]) -> Place:
    """The place with `names` added (no duplicates, order kept)."""
    merged = list(place.names)
    seen = {fold(n) for n in merged}
    for name in names:
        if name and fold(name) not in seen:
            merged.append(name)
            seen.add(fold(name))
    return replace(place, names=tuple(merged))
