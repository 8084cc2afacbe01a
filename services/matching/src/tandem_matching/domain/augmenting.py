"""Maximum cardinality by Edmonds' augmenting paths with blossom shrinking, from any matching."""

from __future__ import annotations

import numpy as np

UNMATCHED = -1


class _Search:
    """State of alternating-tree searches, reset only where a search touched it.

    Blossoms are kept as a union-find over vertices whose root is the blossom's base, so a
    shrink costs the length of its cycle, not the size of the tree.
    """

    def __init__(self, n: int, indptr: list[int], neighbours: np.ndarray, mate: list[int]) -> None:
        self.indptr = indptr
        self.ends = indptr[1:]
        self.neighbours = neighbours
        self.mate = mate
        self.parent = [UNMATCHED] * n
        self.link = list(range(n))
        self.outer = [False] * n
        self.mark = [0] * n
        self.stamp = 0
        self.dead = [False] * n
        self.touched: list[int] = []

    def base(self, x: int) -> int:
        """Base of the outermost blossom containing x (path halving)."""
        link = self.link
        while link[x] != x:
            link[x] = link[link[x]]
            x = link[x]
        return x

    def grow(self, root: int) -> bool:
        """Search an augmenting path from exposed `root`; augment and return True if found."""
        parent, link, mate, outer = self.parent, self.link, self.mate, self.outer
        indptr, ends, neighbours, dead = self.indptr, self.ends, self.neighbours, self.dead
        base, touched = self.base, self.touched
        outer[root] = True
        touched.append(root)
        queue = [root]
        head = 0
        while head < len(queue):
            v = queue[head]
            head += 1
            # Slicing the numpy array per visited vertex: searches touch few vertices, and a
            # Python list of all arcs would cost hundreds of MB at 100k people.
            for to in neighbours[indptr[v] : ends[v]].tolist():
                if dead[to] or mate[v] == to:
                    continue
                if outer[to] or (mate[to] != UNMATCHED and parent[mate[to]] != UNMATCHED):
                    if (v if link[v] == v else base(v)) != (to if link[to] == to else base(to)):
                        # Both ends outer in this tree: an odd cycle, shrink it into a blossom.
                        self._shrink(v, to, queue)
                elif parent[to] == UNMATCHED:
                    parent[to] = v
                    touched.append(to)
                    if mate[to] == UNMATCHED:
                        self._augment(to)
                        self._reset()
                        return True
                    outer[mate[to]] = True
                    touched.append(mate[to])
                    queue.append(mate[to])
        # A Hungarian tree: no augmenting path will ever cross it again (Edmonds), drop it.
        for v in touched:
            dead[v] = True
        self._reset()
        return False

    def _shrink(self, v: int, to: int, queue: list[int]) -> None:
        """Contract the blossom closed by edge v-to; its inner vertices become outer."""
        top = self._common_base(v, to)
        merged: list[int] = []
        self._mark_path(v, top, to, queue, merged)
        self._mark_path(to, top, v, queue, merged)
        # Merge only after both walks: merging during a walk would make a sub-blossom look like
        # `top` and end the walk before it reaches (and makes outer) the sub-blossom's mate.
        for r in merged:
            self.link[r] = top

    def _mark_path(self, v: int, top: int, child: int, queue: list[int], merged: list[int]) -> None:
        """Walk the blossom's side from v down to `top`, re-pointing parents along the cycle."""
        mate, parent, outer, base = self.mate, self.parent, self.outer, self.base
        while base(v) != top:
            m = mate[v]
            merged.append(base(v))
            merged.append(base(m))
            if not outer[m]:
                outer[m] = True
                queue.append(m)
            parent[v] = child
            child = m
            v = parent[m]

    def _common_base(self, a: int, b: int) -> int:
        """Lowest common ancestor base of a and b in the alternating tree."""
        mate, parent, mark, base = self.mate, self.parent, self.mark, self.base
        self.stamp += 1
        stamp = self.stamp
        while True:
            a = base(a)
            mark[a] = stamp
            if mate[a] == UNMATCHED:
                break
            a = parent[mate[a]]
        while True:
            b = base(b)
            if mark[b] == stamp:
                return b
            b = parent[mate[b]]

    def _augment(self, v: int) -> None:
        """Flip the alternating path ending at exposed v."""
        mate, parent = self.mate, self.parent
        while v != UNMATCHED:
            pv = parent[v]
            nxt = mate[pv]
            mate[v] = pv
            mate[pv] = v
            v = nxt

    def _reset(self) -> None:
        """Undo the labels of the last search on the vertices it touched."""
        for v in self.touched:
            self.parent[v] = UNMATCHED
            self.link[v] = v
            self.outer[v] = False
        self.touched.clear()


def maximise_cardinality(
    n: int,
    indptr: np.ndarray,
    neighbours: np.ndarray,
    mate: np.ndarray,
    level_ends: list[np.ndarray] | None = None,
) -> np.ndarray:
    """Grow `mate` (mate[v] or -1) into a maximum-cardinality matching of the CSR graph.

    With `level_ends`, each vertex's neighbours are sorted by cost and searches first use only
    neighbours up to `level_ends[k][v]`, level by level, so augmenting paths run along cheap
    (nearly tight) edges and keep most of the weight; the last level must be the whole list.
    """
    mates: list[int] = mate.tolist()
    degree = np.diff(indptr)
    if not np.any((mate == UNMATCHED) & (degree > 0)):
        return mate.copy()
    search = _Search(n, indptr.tolist(), neighbours, mates)
    for ends in level_ends or [indptr[1:]]:
        search.ends = ends.tolist()
        search.dead = [False] * n
        exposed = np.flatnonzero((np.asarray(mates) == UNMATCHED) & (degree > 0)).tolist()
        for root in exposed:
            if mates[root] == UNMATCHED and not search.dead[root]:
                search.grow(root)
    return np.asarray(mates, dtype=np.int64)
