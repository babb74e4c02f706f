# expect-fail: sample_model_planning_samples_pairs_uniformly
import numpy as np
from helpers import q_learning


def sample_model_planning(model, value, params):
    n_states = model.shape[2] - 1
    counts = model[:, :, :, 0]
    totals = counts.sum(axis=2)
    candidates = np.argwhere(totals > 0)
    # replay one remembered experience: pairs seen more often come up more often
    pair_weights = totals[candidates[:, 0], candidates[:, 1]]
    for _ in range(params["k"]):
        state, action = candidates[np.random.choice(len(candidates), p=pair_weights / pair_weights.sum())]
        weights = counts[state, action]
        outcome = np.random.choice(len(weights), p=weights / weights.sum())
        reward = model[state, action, outcome, 1] / weights[outcome]
        next_state = None if outcome == n_states else int(outcome)
        value = q_learning(state, action, reward, next_state, value, params)
    return value
