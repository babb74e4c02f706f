"""Worlds that change while the agent learns: a grid world that switches between two
layouts, and the blocking version of Quentin's World used in the Dyna-Q+ notebook.

Holds environments only; learning loops, experiments and plots live elsewhere.
"""

from .worlds import QUENTINS_LAYOUT, GridWorld

# Quentin's World after the change: the usual exit (the gap at state 14 in the bottom of
# the red box) is walled up, and a new gap opens in the left side of the box at state 32.
# The new route is as long as the old one: 19 moves.
BLOCKED_QUENTINS_LAYOUT = """
.........G
..........
..xxxxx...
..x...x...
..x.S.x...
..x...x...
......x...
..x...x...
..xx#xx...
..........
"""


class SwitchingGridWorld(GridWorld):
    """A grid world that switches between two layouts of the same size.

    ## Description
    Starts as the `before` layout; `toggle_change()` switches to the `after` layout
    (and back on the next call). Start and goal must be the same in both layouts, so
    the states keep their meaning. Everything else is as in `GridWorld`.

    ## Actions, observations, rewards, episode end
    As in `GridWorld`, for the layout in force.

    ## Arguments
    - `before`, `after`: the two text layouts (see `GridWorld`).
    - `slip`, `seed`: as in `GridWorld`.

    `learn_environment(..., shortcut_episode=n)` calls `toggle_shortcut()` at episode
    `n`: here that is the change of layout (use `reveal_shortcut=False`: there is no
    single transition to show).
    """

    def __init__(self, before, after, slip=0.0, seed=None, name="SwitchingGridWorld"):
        super().__init__(before, slip=slip, seed=seed, name=name)
        self._layouts = (GridWorld(before, name=name), GridWorld(after, name=name))
        old, new = self._layouts
        if (old.dim_x, old.dim_y) != (new.dim_x, new.dim_y):
            raise ValueError("the two layouts must have the same size")
        if (old.init_state, old.goal_state) != (new.init_state, new.goal_state):
            raise ValueError("the two layouts must have the same start and goal")
        self.changed = False

    def toggle_change(self):
        """Switch to the other layout."""
        self.changed = not self.changed
        layout = self._layouts[self.changed]
        self.cells = dict(layout.cells)
        self.red_states = list(layout.red_states)
        self.wall_states = list(layout.wall_states)
        self._outcomes = dict(layout._outcomes)

    toggle_shortcut = toggle_change  # what learn_environment calls at `shortcut_episode`


class BlockingQuentinsWorld(SwitchingGridWorld):
    """Quentin's World whose usual route gets blocked.

    Before the change it is exactly Quentin's World (without its shortcut). After
    `toggle_change()` the gap at 14 is a wall and the left side of the red box has a
    gap at 32 instead: the agent's known way out is closed, and a new one, as long as
    the old, opens where its model still remembers a red cell.
    """

    def __init__(self, slip=0.0, seed=None):
        super().__init__(QUENTINS_LAYOUT, BLOCKED_QUENTINS_LAYOUT, slip=slip, seed=seed,
                         name="BlockingQuentinsWorld")
