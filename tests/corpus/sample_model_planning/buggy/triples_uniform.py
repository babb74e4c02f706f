# expect-fail: sample_model_planning_draws_outcomes_by_count
import numpy as np
from helpers import q_learning


def sample_model_planning(model, value, params):
    n_states = model.shape[2] - 1
    # every (state, action, outcome) ever seen, one per row
    candidates = np.argwhere(model[:, :, :, 0] > 0)
    for _ in range(params["k"]):
        state, action, outcome = candidates[np.random.randint(len(candidates))]
        reward = model[state, action, outcome, 1] / model[state, action, outcome, 0]
        next_state = None if outcome == n_states else int(outcome)
        value = q_learning(state, action, reward, next_state, value, params)
    return value
