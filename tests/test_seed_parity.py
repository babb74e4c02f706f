"""With np.random.seed(1) and the reference solutions, the helpers reproduce the
original tutorial's numbers (tests/data/tutorial_reference.json) and its exact runs; the
original code still produces those numbers."""

import numpy as np
import pytest

from benchmarks import original_tutorial as original
from helpers import (QuentinsWorld, default_params, learn_environment, run_planning_sweep,
                     run_shortcut_experiment)


def test_section_2_run_matches_the_tutorial(reference, seed_parity):
    expected = seed_parity["sec2"]
    np.random.seed(1)
    value, rewards, steps = learn_environment(QuentinsWorld(), reference.model_update,
                                              reference.planning, default_params(), 1000, 500)
    assert steps[:20].astype(int).tolist() == expected["episode_steps_first20"]
    assert steps.sum() == expected["steps_total"]
    assert rewards.sum() == expected["reward_total"]
    assert round(float(value.sum()), 6) == expected["value_sum"]
    assert value.argmax(axis=1).tolist() == expected["greedy_action_per_state"]


def test_section_3_sweep_matches_the_tutorial(reference, seed_parity):
    expected = seed_parity["sec3"]
    np.random.seed(1)
    steps = run_planning_sweep(reference.model_update, reference.planning, progress=False)
    assert steps.sum(axis=(1, 2)).astype(int).tolist() == expected["total_steps_per_k"]
    mean_steps = steps.mean(axis=1)[:, 20:100].mean(axis=1)
    np.testing.assert_allclose(mean_steps, expected["mean_steps_ep20_100_per_k"], atol=6e-4)


def test_section_4_shortcut_matches_the_tutorial(reference, seed_parity):
    expected = seed_parity["sec4"]
    np.random.seed(1)
    steps = run_shortcut_experiment(reference.model_update, reference.planning, progress=False)
    assert steps.sum(axis=1).astype(int).tolist() == [expected["total_steps_qlearning"],
                                                      expected["total_steps_dynaq"]]
    np.testing.assert_allclose(steps[:, 200:250].mean(axis=1), expected["mean_steps_ep200_250"])


@pytest.mark.parametrize("seed, k, shortcut", [(2, 10, None), (7, 3, 30), (11, 0, 20)])
def test_runs_equal_the_original_code_for_other_seeds(reference, seed, k, shortcut):
    params = default_params(k=k)
    np.random.seed(seed)
    ours = learn_environment(QuentinsWorld(), reference.model_update, reference.planning,
                             params, 1000, 60, shortcut_episode=shortcut)
    np.random.seed(seed)
    theirs = original.learn_environment(original.OriginalQuentinsWorld(), original.model_update,
                                        original.planning, params, 1000, 60,
                                        shortcut_episode=shortcut)
    for mine, tutorial in zip(ours, theirs):
        np.testing.assert_array_equal(mine, tutorial)


def test_the_original_code_still_derives_the_reference_numbers(seed_parity):
    recorded = {section: figures for section, figures in seed_parity.items() if section != "source"}
    assert original.reference_numbers() == recorded
