"""Where a chart's label may go: the boxes to try around its markers, nearest first.

A label's candidate places depend only on its size, its markers' size and the side it would
rather be on, so they are worked out once per size and kept (a chart frame is the same for every
organisation). Most labels take one of the first few places, so the places are also made lazily,
one gap at a time: a box at gap g is at least g from its markers, so every box already made
that is nearer than the next gap comes first whatever that gap holds. The order is exactly that
of sorting every box at once (tests/test_charts.py holds the two to the same sequence).
"""

from __future__ import annotations

import functools
import math

SIDES = {
    "right": 0,
    "below-right": 45,
    "below": 90,
    "below-left": 135,
    "left": 180,
    "above-left": 225,
    "above": 270,
    "above-right": 315,
}  # degrees, clockwise from the right as SVG's y axis points down
# Points of free space between the markers and their label. Whole numbers: a box's distance,
# rounded to a tenth, is then never below its gap (see Candidates._more).
GAPS = (2.0, 6.0, 11.0, 17.0, 24.0, 32.0, 41.0, 51.0, 62.0, 74.0)


def boxes_at(gap: float, width: float, height: float, half_w: float, half_h: float) -> list[tuple]:
    """The boxes for a label of this size at one gap from markers that cover ±half_w, ±half_h around
    (0, 0): columns to the right and left, rows above and below."""
    out = []
    for k in range(-10, 11):  # columns: the box's middle a half-height step up or down
        top = k * height / 2 - height / 2
        out.append((half_w + gap, top, half_w + gap + width, top + height))
        out.append((-half_w - gap - width, top, -half_w - gap, top + height))
    for j in range(-8, 9):  # rows: the box's middle an eighth of its width left or right
        left = j * width / 8 - width / 2
        out.append((left, -half_h - gap - height, left + width, -half_h - gap))
        out.append((left, half_h + gap, left + width, half_h + gap + height))
    return out


def order_key(box: tuple, half_w: float, half_h: float, first: float) -> tuple:
    """Nearest first (to a tenth of a point), then the nearest to the preferred direction, then the box."""
    dx, dy = max(box[0] - half_w, 0.0, -half_w - box[2]), max(box[1] - half_h, 0.0, -half_h - box[3])
    angle = math.degrees(math.atan2((box[1] + box[3]) / 2, (box[0] + box[2]) / 2)) % 360
    return round(math.hypot(dx, dy), 1), min((angle - first) % 360, (first - angle) % 360), box


class Candidates:
    """Every box to try for one label size, as (left, top, right, bottom, distance from the markers),
    in order_key's order; made as far as anyone has iterated, and kept."""

    def __init__(self, width: float, height: float, half_w: float, half_h: float, side: str):
        self._size = (width, height, half_w, half_h)
        self._first = SIDES[side]
        self._next = 0  # the index in GAPS of the first gap whose boxes are not made yet
        self._seen: set[tuple] = set()
        self._waiting: list[tuple] = []  # (key, box) made, not yet in order: a later gap may hold a nearer box
        self._ready: list[tuple] = []

    def __iter__(self):
        i = 0
        while True:
            while i == len(self._ready):
                if not self._more():
                    return
            yield self._ready[i]
            i += 1

    def _more(self) -> bool:
        """Make the next gap's boxes and move every box nearer than the gap after it into order;
        False when there is nothing left."""
        if self._next == len(GAPS) and not self._waiting:
            return False
        if self._next < len(GAPS):
            width, height, half_w, half_h = self._size
            for box in boxes_at(GAPS[self._next], width, height, half_w, half_h):
                if box not in self._seen:  # a box made twice is tried once
                    self._seen.add(box)
                    self._waiting.append((order_key(box, half_w, half_h, self._first), box))
            self._next += 1
        # Every box of a later gap is at least that gap away, rounded to a tenth: those nearer go first.
        bound = GAPS[self._next] if self._next < len(GAPS) else math.inf
        self._waiting.sort()
        n = next((k for k, (key, _) in enumerate(self._waiting) if key[0] >= bound), len(self._waiting))
        self._ready += [(*box, key[0]) for key, box in self._waiting[:n]]
        del self._waiting[:n]
        return True


@functools.lru_cache(maxsize=1024)
def candidates(width: float, height: float, half_w: float, half_h: float, side: str) -> Candidates:
    """The places to try for a label of this size beside markers that cover ±half_w, ±half_h
    around (0, 0), preferring `side` among equals: made once per size."""
    return Candidates(width, height, half_w, half_h, side)
