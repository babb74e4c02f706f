"""Interactive widgets for the Dyna-Q notebooks: explore how planning changes learning
(`planning_explorer`), step through planning one update at a time (`planning_stepper`)
and replay the shortcut experiment with a switch (`shortcut_replay`).

Built only from ipywidgets and matplotlib, with no JavaScript of our own, so they work in
JupyterLab, Jupyter Notebook and Google Colab, with ipywidgets 7 (Colab's 7.7.1) and 8.
Every plot is drawn with matplotlib, saved as a PNG and put straight into an
`ipywidgets.Output` (its `outputs`), so what a widget shows does not depend on a front end
capturing output, and tests can read it. A widget shows its default settings' plots as
soon as it is created, and its display carries a static copy of them with the call that
shows other values, for front ends that cannot render widgets (`widget_display`).

Graded and headless runs: in the course notebooks, widget cells are tagged `otter_ignore`,
so grading skips them. Under nbclient (building the course, tests) a widget cell simply
renders the widget's initial state: creating a widget does one short run with the small
defaults (under a second) and nothing ever waits for user input. The callbacks are plain
methods behind the buttons, so tests drive them from Python, e.g.
`explorer.sliders["k"].value = 5; explorer.run_button.click()`.

Randomness: each widget draws from its own seeded generator, swapped into NumPy's global
one only while it runs, so results are reproducible and the notebook's other cells get
the random numbers they would have had without the widget.

This module holds the widgets only: what they compute (functions that return data) is in
`widget_runs`, what they draw (functions that take data) in `widget_drawing`; their
names are exported here too.
"""

import html

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from . import plotting
from .experiments import default_params, run_shortcut_experiment
from .widget_display import StaticFallback, figure_output, function_name
from .widget_drawing import draw_planning_step
from .widget_runs import (DEFAULT_SEED, Experience, LearningRun, PlanningStep, collect_experience,
                          describe_step, observed_pairs, plan_one_step, private_random,
                          run_learning)
from .worlds import ACTION_NAMES, QuentinsWorld


def _error_text(error):
    return (f"<span style='color:#c0392b'><b>{html.escape(type(error).__name__)}:</b> "
            f"{html.escape(str(error))}</span>")


def _shown_or_stopped(widget, shown, subject="Its run"):
    """What a widget's picture shows, or how its last run stopped (``subject`` stopped)."""
    if widget.last_error is None:
        return shown
    return f"{subject} stopped with {type(widget.last_error).__name__}: {widget.last_error}."


def _example_call(widget, name, **settings):
    """The call of ``name`` that shows ``widget``'s functions with ``settings``."""
    values = "".join(f", {key}={value}" for key, value in settings.items())
    return (f"{name}({function_name(widget.model_updater)}, {function_name(widget.planner)}"
            f"{values})")


# --------------------------------------------------------------------------- widgets

class PlanningExplorer(StaticFallback, widgets.VBox):
    """Sliders for k, epsilon, alpha and episodes, a Run button, a summary line and the
    performance plots of the last run. See `planning_explorer`."""

    fallback_title = "Planning explorer"

    def __init__(self, model_updater, planner, seed=DEFAULT_SEED, k=10, epsilon=0.05,
                 alpha=0.5, n_episodes=100):
        self.model_updater, self.planner, self.seed = model_updater, planner, seed
        style = {"description_width": "170px"}
        layout = widgets.Layout(width="520px")
        self.sliders = {
            "k": widgets.IntSlider(k, min=0, max=50, step=1, description="planning steps k",
                                   style=style, layout=layout),
            "epsilon": widgets.FloatSlider(epsilon, min=0.0, max=0.5, step=0.01,
                                           description="exploration ε", readout_format=".2f",
                                           style=style, layout=layout),
            "alpha": widgets.FloatSlider(alpha, min=0.05, max=1.0, step=0.05,
                                         description="learning rate α", readout_format=".2f",
                                         style=style, layout=layout),
            "episodes": widgets.IntSlider(n_episodes, min=10, max=500, step=10,
                                          description="episodes", style=style, layout=layout),
        }
        for slider in self.sliders.values():
            slider.continuous_update = False
        self.run_button = widgets.Button(description="Run", icon="play", button_style="primary",
                                         tooltip="Train a fresh agent with these settings")
        self.run_button.on_click(self.run)
        self.status = widgets.HTML()
        self.output = widgets.Output()
        self.last_result = None
        self.last_error = None
        self.n_runs = 0
        super().__init__([*self.sliders.values(),
                          widgets.HBox([self.run_button, self.status]), self.output])
        self.run()

    def settings(self):
        """The sliders' current values."""
        return {name: slider.value for name, slider in self.sliders.items()}

    def run(self, _button=None):
        """Train a fresh agent with the sliders' values and redraw the plots."""
        values = self.settings()
        self.run_button.disabled, self.run_button.description = True, "Running…"
        try:
            result = run_learning(self.model_updater, self.planner, values["k"],
                                  values["epsilon"], values["alpha"], values["episodes"],
                                  seed=self.seed)
            env = QuentinsWorld()
            self.output.outputs = (figure_output(
                plotting.plot_performance(env, result.value, result.reward_sums), dpi=60),)
        except Exception as error:  # a student's function failed: say so in the widget
            self.last_error = error
            self.status.value = _error_text(error)
            return
        finally:
            self.run_button.disabled, self.run_button.description = False, "Run"
        self.last_result, self.last_error = result, None
        self.n_runs += 1
        steps = result.episode_steps
        self.status.value = (
            f"k = {values['k']}, ε = {values['epsilon']:.2f}, α = {values['alpha']:.2f}, "
            f"{values['episodes']} episodes: <b>{steps.sum():.0f}</b> real steps in all, "
            f"{steps[-10:].mean():.1f} per episode over the last 10. Move the sliders and "
            "press <b>Run</b> for another run (up to a few seconds).")

    def fallback_settings(self):
        """What the plots show (the last run, or its error) and the call for other values."""
        values = self.settings()
        if self.last_result is not None:
            params = self.last_result.params
            values = {"k": params["k"], "epsilon": params["epsilon"], "alpha": params["alpha"],
                      "episodes": self.last_result.n_episodes}
        shown = _shown_or_stopped(
            self, f"The plots are for k = {values['k']}, ε = {values['epsilon']:.2f}, "
                  f"α = {values['alpha']:.2f} and {values['episodes']} episodes.")
        return shown, _example_call(self, "planning_explorer", k=values["k"],
                                    epsilon=f"{values['epsilon']:g}",
                                    alpha=f"{values['alpha']:g}", n_episodes=values["episodes"])


class PlanningStepper(StaticFallback, widgets.VBox):
    """Real random steps fill a model; each click of "Plan one step" does one planning
    update and shows which pair was sampled and how its value changed. See
    `planning_stepper`."""

    fallback_title = "Planning stepper"

    def __init__(self, model_updater, planner, n_real_steps=30, n_updates=0, seed=DEFAULT_SEED,
                 params=None):
        self.model_updater, self.planner, self.seed = model_updater, planner, seed
        self.params = default_params(**(params or {}))
        self.env = QuentinsWorld()
        self.real_steps = widgets.IntSlider(n_real_steps, min=5, max=200, step=5,
                                            description="real steps",
                                            continuous_update=False)
        self.reset_button = widgets.Button(description="New real experience", icon="refresh",
                                           tooltip="Forget everything and take new random steps",
                                           layout=widgets.Layout(width="auto"))
        self.plan_button = widgets.Button(description="Plan one step", icon="step-forward",
                                          button_style="primary",
                                          layout=widgets.Layout(width="auto"))
        self.reset_button.on_click(self.reset)
        self.plan_button.on_click(self.plan)
        self.text = widgets.HTML()
        self.output = widgets.Output()
        self.experience = self.model = self.value = self.stream = None
        self.history = []
        self.last_step = None
        self.last_error = None
        super().__init__([widgets.HBox([self.real_steps, self.reset_button, self.plan_button]),
                          self.text, self.output])
        self.reset()
        for _ in range(n_updates):
            self.plan()

    def reset(self, _button=None):
        """Take new random real steps (a fresh model and value table) and redraw."""
        self.stream = np.random.RandomState(self.seed)
        self.history, self.last_step = [], None
        try:
            with private_random(self.stream):
                self.experience = collect_experience(self.env, self.model_updater,
                                                     self.real_steps.value, self.params)
        except Exception as error:
            self.last_error, self.text.value = error, _error_text(error)
            return
        self.model, self.value = self.experience.model, self.experience.value.copy()
        self.last_error = None
        self.plan_button.disabled = False
        self.text.value = (
            f"The agent took {self.real_steps.value} random real steps from the start and "
            f"has seen {len(observed_pairs(self.model))} different (state, action) pairs "
            "(blue arrows). Click <b>Plan one step</b>.")
        self._draw()

    def plan(self, _button=None):
        """One planning update: run the planner with k = 1 and show what it changed."""
        if self.model is None:
            return
        try:
            with private_random(self.stream):
                step = plan_one_step(self.model, self.value, self.planner, self.params)
        except Exception as error:
            self.last_error, self.text.value = error, _error_text(error)
            return
        self.last_error = None
        self.value = step.value
        self.history.append(step)
        self.last_step = step
        line = html.escape(describe_step(step))
        self.text.value = f"Update {len(self.history)}: {line}"
        self._draw()

    def _draw(self):
        fig = draw_planning_step(self.env, self.model, self.value, self.last_step,
                                 n_updates=len(self.history))
        self.output.outputs = (figure_output(fig, dpi=80),)

    def fallback_settings(self):
        """What the picture shows (the model and the last update) and the call for more."""
        shown = _shown_or_stopped(
            self, f"The picture shows the model after {self.real_steps.value} random real "
                  f"steps and {len(self.history)} planning updates.", subject="It")
        return shown, _example_call(self, "planning_stepper", n_real_steps=self.real_steps.value,
                                    n_updates=len(self.history))


class ShortcutReplay(StaticFallback, widgets.VBox):
    """A switch that opens the shortcut: shows steps per episode of Q-learning and
    Dyna-Q with the shortcut opening mid-run (on) or staying closed (off). Runs are
    cached, so switching back and forth is instant. See `shortcut_replay`."""

    fallback_title = "Shortcut switch"

    def __init__(self, model_updater, planner, shortcut_open=False, k=10, n_episodes=300,
                 shortcut_episode=100, seed=DEFAULT_SEED):
        self.model_updater, self.planner, self.seed = model_updater, planner, seed
        self.k, self.n_episodes, self.shortcut_episode = k, n_episodes, shortcut_episode
        self.labels = ["Q-learning", f"Dyna-Q (k = {k})"]
        world = QuentinsWorld()  # the world's own facts: where the shortcut is, how short it makes it
        self.shortcut = world.shortcut
        world.toggle_shortcut()
        self.shortest_open = world.shortest_episode()
        self.toggle = widgets.ToggleButton(shortcut_open, description="Open the shortcut",
                                           icon="unlock", button_style="warning",
                                           layout=widgets.Layout(width="auto", min_width="190px"),
                                           tooltip=f"Open the shortcut at episode {shortcut_episode}")
        self.toggle.observe(self._toggled, names="value")
        self.status = widgets.HTML()
        self.output = widgets.Output()
        self.results = {}           # shortcut open (bool) -> steps, shape (2, n_episodes)
        self.last_figure = None
        self.last_error = None
        super().__init__([widgets.HBox([self.toggle, self.status]), self.output])
        self.show(shortcut_open)

    def steps(self, shortcut_open):
        """Steps per episode of both agents, shape (2, n_episodes), computed once.

        Each agent gets the same seed whether or not the shortcut opens, so switching
        changes nothing before the opening episode."""
        if shortcut_open not in self.results:
            rows = []
            for k in (0, self.k):
                with private_random(np.random.RandomState(self.seed)):
                    rows.append(run_shortcut_experiment(
                        self.model_updater, self.planner, planning_steps=(k,),
                        n_episodes=self.n_episodes,
                        shortcut_episode=self.shortcut_episode if shortcut_open else None,
                        progress=False)[0])
            self.results[shortcut_open] = np.vstack(rows)
        return self.results[shortcut_open]

    def _toggled(self, change):
        self.show(change["new"])

    def show(self, shortcut_open):
        """Draw the (cached) run with the shortcut opening, or with it closed."""
        self.toggle.description = "Close the shortcut" if shortcut_open else "Open the shortcut"
        self.toggle.icon = "lock" if shortcut_open else "unlock"
        cached = shortcut_open in self.results
        if not cached:
            self.status.value = "Running both agents…"
        try:
            steps = self.steps(shortcut_open)
        except Exception as error:
            self.last_error, self.status.value = error, _error_text(error)
            return
        self.last_error = None
        fig, ax = plt.subplots(figsize=(9, 5))
        plotting.plot_steps_per_episode(
            steps, self.labels, shortcut_episode=self.shortcut_episode if shortcut_open else None,
            optimal_steps=self.shortest_open if shortcut_open else None, ax=ax,
            title=(f"Shortcut opens at episode {self.shortcut_episode}" if shortcut_open
                   else "Shortcut stays closed"))
        self.last_figure = fig
        self.output.outputs = (figure_output(fig, dpi=80),)
        late = slice(self.n_episodes - 50, None)
        self.status.value = (
            ("Shortcut <b>open</b> from episode " f"{self.shortcut_episode}" if shortcut_open
             else f"Shortcut ({ACTION_NAMES[self.shortcut[1]]} from state {self.shortcut[0]}) "
                  "<b>closed</b>") +
            f". Mean steps over the last 50 episodes: {self.labels[0]} "
            f"{steps[0, late].mean():.1f}, {self.labels[1]} {steps[1, late].mean():.1f}. "
            "Flip the switch to compare (a few seconds the first time).")

    def fallback_settings(self):
        """What the plot shows (which world, or the error) and the call for the other."""
        shortcut_open = self.toggle.value
        world = (f"the shortcut opening at episode {self.shortcut_episode}" if shortcut_open
                 else "the shortcut staying closed")
        shown = _shown_or_stopped(
            self, f"The plot shows the steps per episode of {self.labels[0]} and "
                  f"{self.labels[1]} over {self.n_episodes} episodes, {world}.")
        return shown, _example_call(self, "shortcut_replay", shortcut_open=shortcut_open,
                                    k=self.k, n_episodes=self.n_episodes,
                                    shortcut_episode=self.shortcut_episode)


def planning_explorer(model_updater, planner, **options):
    """Sliders for k (0-50), ε (0-0.5), α (0.05-1) and the number of episodes, and a Run
    button: each run trains a fresh agent on Quentin's World (same seed every time, so
    only your settings change the result) and redraws the performance plots.

    Returns the widget, which has already run once with its settings; its parts are
    `.sliders` (a dict), `.run_button`, `.status`, `.output` and `.last_result` (a
    `LearningRun`). Options: `k` (10), `epsilon` (0.05), `alpha` (0.5), `n_episodes`
    (100), `seed`.
    """
    return PlanningExplorer(model_updater, planner, **options)


def planning_stepper(model_updater, planner, **options):
    """Watch planning one update at a time: the agent first takes some random real steps
    (filling the model with your `model_updater`); each click of "Plan one step" runs your
    `planner` with k = 1 and shows the observed pairs, the sampled one and how its
    Q-value changed.

    Returns the widget; its parts are `.plan_button`, `.reset_button`, `.real_steps`,
    `.text`, `.output`, `.model`, `.value` and `.last_step` (a `PlanningStep`).
    Options: `n_real_steps` (30), `n_updates` (planning updates made at once, 0), `seed`,
    `params`.
    """
    return PlanningStepper(model_updater, planner, **options)


def shortcut_replay(model_updater, planner, **options):
    """A switch "Open the shortcut": on, Q-learning and Dyna-Q run with the shortcut
    opening mid-run and their steps per episode are plotted with the opening marked;
    off, the same agents in the world whose shortcut stays closed. Results are cached.

    Returns the widget, showing the world given by `shortcut_open` (False: closed); its
    parts are `.toggle`, `.status`, `.output`, `.results` (steps per episode by shortcut
    state) and `.last_figure`. Other options: `k` (10), `n_episodes` (300),
    `shortcut_episode` (100), `seed`.
    """
    return ShortcutReplay(model_updater, planner, **options)


__all__ = [
    "Experience", "LearningRun", "PlanningExplorer", "PlanningStep", "PlanningStepper",
    "ShortcutReplay", "collect_experience", "describe_step",
    "draw_planning_step", "figure_output", "observed_pairs", "plan_one_step",
    "planning_explorer", "planning_stepper", "private_random", "run_learning",
    "shortcut_replay",
]
