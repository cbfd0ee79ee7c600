"""``people_who_could_help(needs)`` for templates: who could help with each need, ranked at
build time by ``joinedup.match``, each list worked out once per build and kept in the cache
folder for the next one."""

from __future__ import annotations


class Helpers:
    """``people_who_could_help(needs)`` for templates: build-time matching, git read once per build."""

    MEMO = "matches"

    def __init__(self, repository, limit: int, dates: dict):
        self.repository = repository
        self.limit = limit
        self.dates = dates  # each profile's last commit, read once for the whole build
        self._pool = None
        self._candidates: list | None = None
        self._everyone: list | None = None
        self._found: dict = {}
        # Lists kept from the last build, by a hash of all they depend on (CandidatePool.inputs_of):
        # editing one profile changes only the needs that person could help with.
        self._kept: dict | None = None
        self._used: dict = {}

    def __call__(self, needs, limit: int | None = None):
        if not needs:
            return []
        found = []
        for need in needs:  # many proposals and groups ask for the same help
            key = (need, limit or self.limit)
            if key not in self._found:
                self._match(key)
            found.append(self._found[key])
        return found

    def candidates(self) -> list:
        """Every published volunteer as a matching candidate, made once per build: for these
        lists and for the needs each person could help with (joinedup.match.where_to_help)."""
        from joinedup.match.needs import candidates_of

        if self._candidates is None:
            self._candidates = candidates_of(self.repository, self.dates)
        return self._candidates

    def everyone(self) -> list:
        """The candidates, then the people of the site's pools (joinedup.load.pools): whoever
        could be offered to a need."""
        from joinedup.match.matching import Candidate

        if self._everyone is None:
            self._everyone = self.candidates() + [Candidate.pooled(p) for p in self.repository.pooled.people]
        return self._everyone

    def _match(self, key) -> None:
        from joinedup.core.buildcache import load_memo
        from joinedup.match.matching import CandidatePool
        from joinedup.match.needs import NeedMatches, match_needs

        if self._pool is None:
            self._pool = CandidatePool(self.everyone())
            self._kept = load_memo(self.repository.root, self.MEMO)
        need, limit = key
        inputs = self._pool.inputs_of(need, self.repository.build_date, limit)
        kept = self._kept.get(inputs)
        if kept is None:
            [kept] = match_needs(self.repository, [need], limit, pool=self._pool)
        else:  # the same ranking; names and headlines as they are now
            kept = NeedMatches(need, tuple(self._pool.refreshed(kept.matches, need, self.repository.build_date)))
        self._found[key] = self._used[inputs] = kept

    def keep(self) -> None:
        """Keep this build's lists in the cache folder for the next build (only those used this time)."""
        from joinedup.core.buildcache import save_memo

        if self._used and (self._kept is None or self._used.keys() != self._kept.keys()):
            save_memo(self.repository.root, self.MEMO, self._used)
