"""Grid worlds for the course: a general `GridWorld` built from a text layout, and
Quentin's World as one such layout with a shortcut that can be opened.

Holds the environments only; learning and plotting live in their own modules.
Every transition is computed once into a table, so a step is a dictionary lookup.
"""

import numpy as np

RIGHT, UP, LEFT, DOWN = 0, 1, 2, 3
ACTION_NAMES = ("right", "up", "left", "down")
ACTION_ARROWS = {RIGHT: (1, 0), UP: (0, 1), LEFT: (-1, 0), DOWN: (0, -1)}  # (dx, dy) of a move
_CELL_KINDS = {".": "free", "S": "start", "G": "goal", "x": "red", "#": "wall"}

QUENTINS_LAYOUT = """
.........G
..........
..xxxxx...
..x...x...
..x.S.x...
..x...x...
..x...x...
..x...x...
..xx.xx...
..........
"""


class GridWorld:
    """A deterministic (or slippery) grid world read from a text layout.

    ## Description
    The layout is one string, top row first, one character per cell:
    `S` start, `G` goal, `x` red cell, `#` wall, `.` free. States are numbered
    row-major from the bottom-left cell (state 0) to the top-right cell.

    ## Actions
    0 right, 1 up, 2 left, 3 down.

    ## Observations
    The state index, an int in `0 .. n_states - 1`.

    ## Rewards
    +1 for entering the goal, -1 for entering a red cell (the move still happens),
    0 otherwise. Bumping into the border or a wall leaves the agent in place with 0.

    ## Episode end
    Any action taken in the goal returns `(None, 0)`: the episode is over.

    ## Arguments
    - `layout`: the text layout described above.
    - `slip`: probability that the action is replaced by a uniformly random one
      (0 gives a deterministic world). Slips use the world's own generator, so they
      never disturb `np.random`.
    - `seed`: seed of that generator.
    - `shortcut`: an optional `(state, action)` move that `toggle_shortcut()` makes
      free of the red-cell cost (and costly again on the next toggle).
    """

    n_actions = 4

    def __init__(self, layout, slip=0.0, seed=None, shortcut=None, name="GridWorld"):
        rows = _parse_layout(layout)
        self.name = name
        self.dim_y, self.dim_x = len(rows), len(rows[0])
        self.n_states = self.dim_x * self.dim_y
        self.cells = {}
        for row_from_top, row in enumerate(rows):
            y = self.dim_y - 1 - row_from_top
            for x, char in enumerate(row):
                self.cells[y * self.dim_x + x] = _CELL_KINDS[char]
        self.init_state = self._only("start")
        self.goal_state = self._only("goal")
        self.red_states = self._all("red")
        self.wall_states = self._all("wall")
        if not 0.0 <= slip <= 1.0:
            raise ValueError(f"slip must be a probability between 0 and 1, got {slip}")
        self.slip = slip
        self._rng = np.random.default_rng(seed)
        self.shortcut = None if shortcut is None else self._check_move(*shortcut)
        self.shortcut_open = False
        # the one table of the dynamics: (state, action) -> (next_state, reward) of the move
        self._outcomes = {
            (s, a): self._compute_outcome(s, a)
            for s in range(self.n_states)
            for a in range(self.n_actions)
        }

    def taken_actions(self, action):
        """The slip rule, as `[(probability, action actually taken), ...]`: `action` with
        probability 1 - slip, and each action (`action` too) with slip / n_actions."""
        if not self.slip:
            return [(1.0, action)]
        return [(self.slip / self.n_actions + (1.0 - self.slip) * (taken == action), taken)
                for taken in range(self.n_actions)]

    def get_outcome(self, state, action):
        """Return `(next_state, reward)` for taking `action` in `state`: the table's move
        of the action actually taken, drawn from `taken_actions` with the world's own
        generator (a slip with probability `slip`, then a uniformly random action).

        `next_state` is None when the episode ends (any action in the goal).
        """
        if self.slip and self._rng.random() < self.slip:
            action = int(self._rng.integers(self.n_actions))
        try:
            return self._outcomes[state, action]
        except (KeyError, TypeError):
            self._check_move(state, action)
            raise

    def get_all_outcomes(self):
        """Return `{(state, action): [(probability, next_state, reward), ...]}`: the table's
        moves weighted by `taken_actions`, equal outcomes merged."""
        outcomes = {}
        for state, action in self._outcomes:
            merged = {}
            for probability, taken in self.taken_actions(action):
                key = self._outcomes[state, taken]
                merged[key] = merged.get(key, 0.0) + probability
            outcomes[state, action] = [(p, ns, r) for (ns, r), p in merged.items()]
        return outcomes

    def shortest_episode(self):
        """The fewest steps of an episode from the start that enters no red cell, with no
        slip: the moves of the shortest such path to the goal, plus the step taken in the
        goal, which ends it (as `learn_environment` counts an episode's steps)."""
        distance, frontier = {self.init_state: 0}, [self.init_state]
        while frontier:
            reached = []
            for state in frontier:
                for action in range(self.n_actions):
                    next_state, reward = self._outcomes[state, action]
                    if next_state is not None and reward >= 0 and next_state not in distance:
                        distance[next_state] = distance[state] + 1
                        reached.append(next_state)
            frontier = reached
        if self.goal_state not in distance:
            raise ValueError(f"{self.name}'s goal cannot be reached from its start")
        return distance[self.goal_state] + 1

    def toggle_shortcut(self):
        """Open the shortcut if it is closed, close it if it is open."""
        if self.shortcut is None:
            raise ValueError(f"{self.name} has no shortcut to toggle")
        self.shortcut_open = not self.shortcut_open
        self._outcomes[self.shortcut] = self._compute_outcome(*self.shortcut)

    def _compute_outcome(self, state, action):
        if state == self.goal_state:
            return None, 0
        dx, dy = ACTION_ARROWS[action]
        x, y = state % self.dim_x + dx, state // self.dim_x + dy
        if not (0 <= x < self.dim_x and 0 <= y < self.dim_y):
            return state, 0
        next_state = y * self.dim_x + x
        kind = self.cells[next_state]
        if kind == "wall":
            return state, 0
        if kind == "goal":
            return next_state, 1
        if kind == "red" and not (self.shortcut_open and (state, action) == self.shortcut):
            return next_state, -1
        return next_state, 0

    def _check_move(self, state, action):
        """Return `(state, action)` as ints, or raise a clear error."""
        for what, value, size in (("state", state, self.n_states),
                                  ("action", action, self.n_actions)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer, float, np.floating)) \
                    or value != int(value) or not 0 <= value < size:
                raise ValueError(
                    f"{what} must be an integer from 0 to {size - 1} in {self.name}, got {value!r}"
                )
        return int(state), int(action)

    def _only(self, kind):
        found = self._all(kind)
        if len(found) != 1:
            symbol = {"start": "S", "goal": "G"}[kind]
            raise ValueError(f"the layout needs exactly one {kind} cell '{symbol}', found {len(found)}")
        return found[0]

    def _all(self, kind):
        return [s for s, k in sorted(self.cells.items()) if k == kind]


class QuentinsWorld(GridWorld):
    """Quentin's World: the 10x10 grid of the tutorial.

    Start 54 inside a box of red cells whose only gap is state 14 (bottom side);
    goal 99 in the top-right corner. The shortcut is the move up from 64 into the
    red cell 74: `toggle_shortcut()` makes it free, which opens a 9-move path.
    """

    def __init__(self, slip=0.0, seed=None):
        super().__init__(QUENTINS_LAYOUT, slip=slip, seed=seed, shortcut=(64, UP),
                         name="QuentinsWorld")


def _parse_layout(layout):
    """Split a layout string into equal-length rows of known characters."""
    if not isinstance(layout, str):
        raise TypeError(f"layout must be a string, got {type(layout).__name__}")
    rows = [line.strip() for line in layout.strip().splitlines() if line.strip()]
    if not rows:
        raise ValueError("the layout is empty")
    widths = {len(row) for row in rows}
    if len(widths) != 1:
        raise ValueError(f"every layout row must have the same length, found lengths {sorted(widths)}")
    for number, row in enumerate(rows, start=1):
        unknown = sorted(set(row) - set(_CELL_KINDS))
        if unknown:
            raise ValueError(
                f"layout row {number} has unknown character(s) {unknown}; use one of S G x # ."
            )
    return rows
