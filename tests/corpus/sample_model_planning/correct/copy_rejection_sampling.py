import numpy as np
from helpers import q_learning


def sample_model_planning(model, value, params):
    value = value.copy()
    n_states, n_actions, n_outcomes, _ = model.shape
    done = 0
    while done < params["k"]:
        state, action = np.random.randint(n_states), np.random.randint(n_actions)
        counts = model[state, action, :, 0]
        if counts.sum() == 0:
            continue                      # never seen: draw again
        outcomes = np.repeat(np.arange(n_outcomes), counts.astype(int))
        outcome = outcomes[np.random.randint(len(outcomes))]
        reward = model[state, action, outcome, 1] / counts[outcome]
        next_state = None if outcome == n_outcomes - 1 else outcome
        value = q_learning(state, action, reward, next_state, value, params)
        done += 1
    return value
