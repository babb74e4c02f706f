"""The notebook widgets, driven from Python as a student drives them with the mouse:
change a slider, click a button, flip a switch, and check what the callbacks did; what
they display (the widget and its static fallback); and the experiments' progress bars.

These tests run under the project's ipywidgets 8 and again, in tests/test_colab.py,
under Colab's ipywidgets 7.7.1 (the report header names the version).
"""

import base64
import html
import re

import ipywidgets
import numpy as np
import pytest

from helpers import widget_display, widgets
from helpers.experiments import default_params, run_planning_sweep, run_shortcut_experiment
from helpers.answers import changed_pairs
from helpers.widgets import (describe_step, observed_pairs, plan_one_step,
                             planning_explorer, planning_stepper, shortcut_replay)


def shown_png(widget):
    """The PNG bytes the widget's Output currently shows."""
    (output,) = widget.output.outputs
    assert output["output_type"] == "display_data"
    png = base64.b64decode(output["data"]["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return png


def test_explorer_runs_with_the_slider_values_and_redraws(reference):
    explorer = planning_explorer(reference.model_update, reference.planning)
    assert isinstance(explorer, ipywidgets.VBox)
    assert set(explorer.sliders) == {"k", "epsilon", "alpha", "episodes"}
    limits = {name: (s.min, s.max) for name, s in explorer.sliders.items()}
    assert limits == {"k": (0, 50), "epsilon": (0, 0.5), "alpha": (0.05, 1), "episodes": (10, 500)}
    assert explorer.n_runs == 1, "the default settings run at creation"
    assert explorer.last_result.n_episodes == 100
    assert explorer.last_result.params == default_params(k=10)
    assert "press <b>Run</b>" in explorer.status.value
    before = shown_png(explorer)

    explorer.sliders["k"].value = 5
    explorer.sliders["epsilon"].value = 0.1
    explorer.sliders["alpha"].value = 0.25
    explorer.sliders["episodes"].value = 60
    assert explorer.n_runs == 1, "moving a slider must not start a run"
    assert shown_png(explorer) == before
    explorer.run_button.click()

    result = explorer.last_result
    assert explorer.n_runs == 2 and explorer.last_error is None
    assert result.params == default_params(k=5, epsilon=0.1, alpha=0.25)
    assert result.n_episodes == 60 and result.episode_steps.shape == (60,)
    assert shown_png(explorer) != before, "the plots must be redrawn for the new run"
    assert f"{result.episode_steps.sum():.0f}</b> real steps" in explorer.status.value
    assert not explorer.run_button.disabled and explorer.run_button.description == "Run"


def test_explorer_reproduces_the_tutorial_run_and_leaves_global_randomness_alone(reference):
    np.random.seed(123)
    expected_next = np.random.random()
    np.random.seed(123)
    explorer = planning_explorer(reference.model_update, reference.planning)
    explorer.sliders["episodes"].value = 500
    explorer.run_button.click()
    # the tutorial's figure: seed 1, k = 10, 500 episodes, 11641 steps
    assert explorer.last_result.episode_steps.sum() == 11641
    assert np.random.random() == expected_next, "the widget must not consume the notebook's numbers"


def test_explorer_shows_a_students_error_instead_of_raising(reference):
    def unfinished(model, value, params):
        raise NotImplementedError("Student exercise: implement Dyna-Q planning")

    explorer = planning_explorer(reference.model_update, unfinished)
    assert isinstance(explorer.last_error, NotImplementedError)
    assert "NotImplementedError" in explorer.status.value and "Student exercise" in explorer.status.value
    assert not explorer.run_button.disabled


def test_stepper_changes_exactly_one_observed_value_per_click(reference):
    stepper = planning_stepper(reference.model_update, reference.planning, n_real_steps=30)
    seen = set(observed_pairs(stepper.model))
    assert len(stepper.experience.path) == 30 and 1 <= len(seen) <= 30
    assert {(s, a) for s, a, _, _ in stepper.experience.path} == seen
    model_before = stepper.model.copy()
    pictures = {shown_png(stepper)}
    for click in range(1, 6):
        value_before = stepper.value.copy()
        stepper.plan_button.click()
        step = stepper.last_step
        assert changed_pairs(value_before, stepper.value) == [(step.state, step.action)]
        assert (step.state, step.action) in seen, "planning samples only observed pairs"
        assert step.before == value_before[step.state, step.action]
        assert step.after == stepper.value[step.state, step.action]
        reward, next_state = model_before[step.state, step.action]
        assert step.reward == reward and step.next_state == next_state
        assert step.problem is None
        assert stepper.text.value.startswith(f"Update {click}: sampled (state {step.state}, "
                                             f"action {step.action} = ")
        assert f"Q[{step.state}, {step.action}] changed from" in stepper.text.value
        pictures.add(shown_png(stepper))
    assert len(stepper.history) == 5 and len(pictures) == 6, "every click redraws"
    np.testing.assert_array_equal(stepper.model, model_before)

    stepper.real_steps.value = 10
    stepper.reset_button.click()
    assert stepper.history == [] and len(stepper.experience.path) == 10


def test_plan_one_step_reports_the_pair_that_changed():
    model = np.full((5, 4, 2), np.nan)
    model[1, 0] = (1.0, 2.0)
    value = np.zeros((5, 4))
    value[2] = [0.0, 0.5, 0.0, 0.0]
    from helpers.learning import q_learning

    def planner(model, value, params):
        for _ in range(params["k"]):
            value = q_learning(1, 0, 1.0, 2.0, value, params)
        return value

    step = plan_one_step(model, value, planner, {"alpha": 0.5, "gamma": 0.8})
    assert (step.state, step.action, step.reward, step.next_state) == (1, 0, 1.0, 2)
    assert step.before == 0.0 and np.isclose(step.after, 0.5 * (1.0 + 0.8 * 0.5))
    assert value[1, 0] == 0.0, "the caller's table is left as it was"
    assert describe_step(step) == ("sampled (state 1, action 0 = right): model says reward 1, "
                                   "next state 2; Q[1, 0] changed from 0 to 0.7")


def test_plan_one_step_names_planner_bugs():
    model = np.full((5, 4, 2), np.nan)
    model[1, 0] = (1.0, np.nan)                  # a terminal next state

    def too_many(model, value, params):
        value[:] += 1
        return value

    def touches_model(model, value, params):
        model[3, 3] = (0.0, 0.0)
        value[1, 0] = 0.5
        return value

    def unobserved(model, value, params):
        value[4, 2] = 0.5
        return value

    assert "changed 20 values" in describe_step(plan_one_step(model, np.zeros((5, 4)), too_many))
    assert "changed the model" in describe_step(plan_one_step(model, np.zeros((5, 4)), touches_model))
    step = plan_one_step(model, np.zeros((5, 4)), unobserved)
    assert "never seen" in describe_step(step)
    nothing = plan_one_step(model, np.zeros((5, 4)), lambda m, v, p: v)
    assert nothing.state is None and describe_step(nothing).startswith("No Q-value changed")
    with pytest.raises(TypeError, match="the planner must return a NumPy array"):
        plan_one_step(model, np.zeros((5, 4)), lambda m, v, p: None)


def test_shortcut_toggle_runs_once_per_setting_and_marks_the_opening(reference):
    replay = shortcut_replay(reference.model_update, reference.planning)
    assert list(replay.results) == [False], "the closed world is shown at creation"
    closed_png = shown_png(replay)
    assert replay.toggle.description == "Open the shortcut"
    assert "<b>closed</b>" in replay.status.value

    replay.toggle.value = True
    opened = replay.results[True]
    assert opened.shape == (2, 300) and (opened >= 1).all()
    labels = [line.get_label() for line in replay.last_figure.axes[0].get_lines()]
    assert "shortcut opens" in labels and labels[:2] == ["Q-learning", "Dyna-Q (k = 10)"]
    assert replay.last_figure.axes[0].get_lines()[2].get_xdata()[0] == 100
    open_png = shown_png(replay)
    assert replay.toggle.description == "Close the shortcut"

    replay.toggle.value = False
    closed = replay.results[False]
    assert closed.shape == (2, 300)
    assert "shortcut opens" not in [line.get_label() for line in replay.last_figure.axes[0].get_lines()]
    # same seed for each agent: identical until the opening, then the open world is shorter
    np.testing.assert_array_equal(opened[:, :100], closed[:, :100])
    assert opened[:, -50:].mean() < closed[:, -50:].mean()
    assert shown_png(replay) != open_png and shown_png(replay) == closed_png

    def must_not_run(*args, **kwargs):
        raise AssertionError("a cached result was computed again")

    replay.model_updater = replay.planner = must_not_run
    replay.toggle.value = True
    assert shown_png(replay) == open_png and replay.last_error is None


def test_creating_the_widgets_is_quick_and_needs_no_input(reference, monkeypatch):
    import time

    monkeypatch.setattr("builtins.input", lambda *a: pytest.fail("a widget asked for input"))
    start = time.perf_counter()
    for make in (planning_explorer, planning_stepper, shortcut_replay):
        make(reference.model_update, reference.planning)
    assert time.perf_counter() - start < 5


def test_module_documents_headless_and_graded_runs():
    assert "otter_ignore" in widgets.__doc__ and "nbclient" in widgets.__doc__


def displayed_bundles(widget, monkeypatch):
    """What IPython sends when it displays `widget` (ipywidgets 7 calls
    `_ipython_display_`, 8 reads `_repr_mimebundle_`): the bundles, via both routes."""
    sent = []
    monkeypatch.setattr(widget_display, "display", lambda data, raw: sent.append(data))
    widget._ipython_display_()
    return sent + [widget._repr_mimebundle_()]


def fallback_picture(bundle):
    """The PNG bytes inside the fallback HTML of a display bundle."""
    (encoded,) = re.findall(r'<img src="data:image/png;base64,([^"]+)">', bundle["text/html"])
    return base64.b64decode(encoded)


@pytest.mark.parametrize("make, act, shown", [
    (planning_explorer, lambda w: w.run_button.click(),
     "The plots are for k = 10, ε = 0.05, α = 0.50 and 100 episodes."),
    (planning_stepper, lambda w: [w.plan_button.click() for _ in range(2)],
     "The picture shows the model after 30 random real steps and 2 planning updates."),
    (shortcut_replay, lambda w: setattr(w.toggle, "value", True),
     "The plot shows the steps per episode of Q-learning and Dyna-Q (k = 10) over 300 "
     "episodes, the shortcut opening at episode 100."),
])
def test_a_widget_displays_its_picture_and_the_call_for_other_values_as_a_fallback(
        reference, monkeypatch, make, act, shown):
    widget = make(reference.model_update, reference.planning)
    act(widget)
    bundles = displayed_bundles(widget, monkeypatch)
    assert len(bundles) == 2 and bundles[0] == bundles[1]
    bundle = bundles[0]
    assert bundle[widget_display.WIDGET_VIEW]["model_id"] == widget.model_id
    assert fallback_picture(bundle) == shown_png(widget), "the fallback shows the widget's picture"
    text, call = bundle["text/plain"].rsplit("\n", 1)
    assert "an interactive widget, which this page cannot show" in text and shown in text
    assert html.escape(call) in bundle["text/html"]
    rerun = eval(call, {make.__name__: make, "dyna_q_model_update": reference.model_update,
                        "dyna_q_planning": reference.planning})
    assert shown_png(rerun) == shown_png(widget), "the call shows the same picture again"


def test_the_fallback_call_runs_other_values_and_names_a_failure(reference):
    explorer = planning_explorer(reference.model_update, reference.planning, k=0, n_episodes=50,
                                 alpha=0.25)
    _, call = explorer.fallback_settings()
    assert call == ("planning_explorer(dyna_q_model_update, dyna_q_planning, k=0, "
                    "epsilon=0.05, alpha=0.25, n_episodes=50)")

    def unfinished(model, value, params):
        raise NotImplementedError("Student exercise: implement Dyna-Q planning")

    shown, _ = planning_explorer(reference.model_update, unfinished).fallback_settings()
    assert shown == ("Its run stopped with NotImplementedError: Student exercise: implement "
                     "Dyna-Q planning.")


def test_experiment_progress_bars_are_notebook_widgets(reference, monkeypatch):
    """In a notebook `tqdm.auto` gives tqdm's widget bar (an HBox holding a
    FloatProgress), which must work with the installed ipywidgets."""
    from tqdm import notebook

    bars = []

    class Recorded(notebook.tqdm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            bars.append(self)

    monkeypatch.setattr("tqdm.auto.tqdm", Recorded)
    run_planning_sweep(reference.model_update, reference.planning, planning_steps=(0, 1),
                       n_experiments=2, n_episodes=3)
    run_shortcut_experiment(reference.model_update, reference.planning, n_episodes=4,
                            shortcut_episode=2)
    assert [bar.desc for bar in bars] == ["planning sweep", "shortcut experiment"]
    for bar, total in zip(bars, (4, 2)):
        assert isinstance(bar.container, ipywidgets.HBox)
        progress = [w for w in bar.container.children if isinstance(w, ipywidgets.FloatProgress)]
        assert len(progress) == 1 and progress[0].value == progress[0].max == total
