"""Every plotting function renders to a PNG (and the files are kept for a look)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import QuentinsWorld
from helpers import plotting

ARTIFACTS = "plots"


@pytest.fixture(scope="module")
def run():
    rng = np.random.default_rng(0)
    value = rng.normal(size=(100, 4))
    rewards = np.concatenate([rng.integers(-20, 1, 20), np.ones(80)])
    steps = np.vstack([rng.integers(20, 120, 100), rng.integers(10, 40, 100)])
    return QuentinsWorld(), value, rewards, steps


@pytest.fixture
def save_png(tmp_path_factory):
    folder = tmp_path_factory.getbasetemp() / ARTIFACTS
    folder.mkdir(exist_ok=True)

    def save(fig, name):
        path = folder / f"{name}.png"
        fig.savefig(path)
        plt.close(fig)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5000
        return path
    return save


def test_course_style_loads_from_the_package_and_sets_large_fonts():
    plotting.use_course_style()
    assert plt.rcParams["font.size"] == 13
    assert plt.rcParams["axes.spines.top"] is False


@pytest.mark.parametrize("name", ["plot_state_action_values", "plot_quiver_max_action",
                                  "plot_heatmap_max_val"])
def test_value_plots_render(run, save_png, name):
    env, value, _, _ = run
    fig, ax = plt.subplots()
    getattr(plotting, name)(env, value, ax=ax)
    save_png(fig, name)


def test_greedy_arrows_point_along_the_best_action(run):
    env, value, _, _ = run
    ax = plotting.plot_quiver_max_action(env, value)
    quiver = ax.collections[-1]
    best = value.argmax(axis=1)
    shown = [s for s in range(100) if s != env.goal_state]
    expected_u = np.array([{0: 1, 2: -1}.get(best[s], 0) for s in shown])
    np.testing.assert_array_equal(quiver.U, expected_u)
    assert len(ax.patches) == len(env.red_states) + 2, "red cells, start and goal are drawn"
    plt.close(ax.figure)


def test_reward_curve_and_performance_panel_render(run, save_png):
    env, value, rewards, _ = run
    fig, ax = plt.subplots()
    plotting.plot_rewards(rewards, ax=ax)
    save_png(fig, "plot_rewards")
    save_png(plotting.plot_performance(env, value, rewards), "plot_performance")


def test_steps_comparison_renders_with_shortcut_marker(run, save_png):
    _, _, _, steps = run
    fig, ax = plt.subplots()
    plotting.plot_steps_per_episode(steps, ["Q-learning", "Dyna-Q"], shortcut_episode=50,
                                    optimal_steps=10, ax=ax)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["Q-learning", "Dyna-Q", "shortcut opens", "shortest safe path (10 steps)"]
    save_png(fig, "plot_steps_per_episode")


def test_smoothing_keeps_the_mean_of_a_constant_signal():
    np.testing.assert_allclose(plotting.smooth(np.full(30, 2.0), 10), 2.0)
