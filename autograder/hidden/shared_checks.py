"""The checks that the model-based functions share, built on ``check_kit``: a model
update returns the updated model, and the planning checks of Dyna-Q and sample-model
planning (it returns its value table, k = 0 changes nothing, the model is left alone,
only known pairs are updated), on worlds built on ``PlanningWorld``. Shipped in each
autograder zip whose check modules import it (``import shared_checks``).

Public API
    update_returns_model(f, fname, cases, unchanged)
    PlanningWorld                       a model and a value table for planning calls
    value_text(world, s, a, table)      how value[s, a] changed, in words
    planning_returns_value_table(f, worlds, k), planning_k_zero_changes_nothing(f, worlds, busy_world),
    planning_leaves_model_unchanged(f, runs, k, entry_text, shape_sep),
    planning_updates_only_known_pairs(f, worlds, wrong_pair, pair_words)

Each check raises AssertionError with a plain-words message when its property fails; its
docstring's first paragraph is what it checks, in plain words (see ``check_kit.Check``).
"""

from check_kit import (as_float_array, call_student, call_student_repeatedly, first_change,
                       np_array, number_text, result_or_argument, returned_table_or_fail,
                       shape_text)

__all__ = ["update_returns_model", "PlanningWorld", "value_text", "planning_returns_value_table",
           "planning_k_zero_changes_nothing", "planning_leaves_model_unchanged",
           "planning_updates_only_known_pairs"]


def update_returns_model(f, fname, cases, unchanged):
    """The updated model is returned.

    On each case (``case.fresh()``, the model it is called on; ``case.call_text()``, ``case.context()``, ``case.shape``).
    ``unchanged``: the message when it returns the model as passed in, with ``{call}``."""
    for case in cases:
        model = case.fresh()
        call = case.call_text()
        returned = call_student(f, fname, (model, case.state, case.action, case.reward,
                                           case.next_state), case.context())
        returned_table_or_fail(
            returned, model, case.fresh(), "model",
            f"{fname} must return the model (an array of shape {shape_text(case.shape)}), "
            f"but {call}",
            f"{call} updated the model it was given but returned a different array; return "
            "the model you updated.",
            unchanged.format(call=call))


class PlanningWorld:
    """A model and a value table for calls of a planning function (fresh copies per call).

    A subclass sets ``fname`` (the graded function), ``model`` and ``value`` (float
    arrays), ``alpha`` and ``gamma``, and defines ``context(k)`` (a call in words) and
    ``changed(table)`` (the (state, action) pairs whose value differs from ``value``)."""

    def arguments(self, k, value=None):
        """Fresh arguments of one planning call: (model, value table, params)."""
        value = self.value.copy() if value is None else np_array(value, dtype=float)
        return self.model.copy(), value, {"k": k, "alpha": self.alpha, "gamma": self.gamma}

    def call(self, func, k, value=None):
        """(returned object, the arguments (model, value, params) after the call)."""
        arguments = self.arguments(k, value)
        return call_student(func, self.fname, arguments, self.context(k)), arguments

    def table(self, returned, arguments, k):
        """The value table a call produced: the returned one, or else the value argument
        it updated in place (which must keep its shape)."""
        return result_or_argument(returned, arguments[1], self.value.shape, self.fname,
                                  "value table", self.context(k))

    def run(self, func, k, value=None):
        """(value table the call produced, model argument after the call, returned object)."""
        returned, arguments = self.call(func, k, value)
        return self.table(returned, arguments, k), arguments[0], returned

    def run_many(self, func, k, times):
        """The value tables of `times` calls with k, each on fresh arguments."""
        argument_lists = [self.arguments(k) for _ in range(times)]
        returned = call_student_repeatedly(func, self.fname, argument_lists, self.context(k))
        return [self.table(r, arguments, k) for r, arguments in zip(returned, argument_lists)]


def value_text(world, s, a, table):
    """How value[s, a] went from its value in ``world`` to the one in ``table``."""
    return (f"value[{s}, {a}] from {number_text(world.value[s][a])} to "
            f"{number_text(table[s][a])}")


def planning_returns_value_table(f, worlds, k=3):
    """Planning returns the value table it updated, or an updated copy, of the table's
    shape."""
    for world in worlds:
        before = world.value
        returned, (_, value, _) = world.call(f, k)
        fname, context = world.fname, world.context(k)
        returned_table_or_fail(
            returned, value, before, "value",
            f"{fname} must return the value table (an array of shape "
            f"{shape_text(before.shape)}), but when called {context} it",
            f"your {fname} updated the value table it was given but returned a different "
            "table; return the table you updated.",
            f"the value table returned by {fname} {context} is identical to the table passed "
            "in: it must contain the k planning updates.")


def planning_k_zero_changes_nothing(f, worlds, busy_world):
    """With k=0 no value changes, in the table returned nor in the argument.

    (And with k=2 on ``busy_world`` some value does: doing nothing earns nothing.)"""
    for world in worlds:
        returned, (_, value, _) = world.call(f, 0)
        for candidate in (returned, value):
            table, _ = as_float_array(candidate, world.value.shape)
            changed = [] if table is None else world.changed(table)
            if changed:
                s, a = changed[0]
                raise AssertionError(f"with k=0 planning must make no update, but it changed "
                                     f"{value_text(world, s, a, table)}.")
    table, _, _ = busy_world.run(f, 2)
    if not busy_world.changed(table):
        raise AssertionError(
            f"{busy_world.fname} did not change the value table with k=2 either: with k > 0 it "
            "must update values, so 'k=0 changes nothing' cannot be credited yet.")


def planning_leaves_model_unchanged(f, runs, k, entry_text, shape_sep=","):
    """Planning reads the model but never modifies it.

    ``repeats`` calls with ``k`` on each world of ``runs`` ((world, repeats) pairs), of which some change a value.
    ``entry_text`` writes one model entry; ``shape_sep`` goes before the words of a
    changed shape."""
    updated = False
    for world, repeats in runs:
        for _ in range(repeats):
            table, model, _ = world.run(f, k)
            updated = updated or bool(world.changed(table))
            after = f"planning must not modify the model, but after a call {world.context(k)}"
            if model.shape != world.model.shape:
                raise AssertionError(
                    f"{after}{shape_sep} the model's shape changed to {shape_text(model.shape)}.")
            index = first_change(world.model, model)
            if index is not None:
                raise AssertionError(
                    f"{after}, model[{', '.join(map(str, index))}] changed from "
                    f"{entry_text(world.model[index])} to {entry_text(model[index])}.")
    if not updated:
        raise AssertionError(
            f"{runs[0][0].fname} never changed the value table, so leaving the model alone cannot "
            "be credited yet: with k > 0 planning must update values.")


def planning_updates_only_known_pairs(f, worlds, wrong_pair, pair_words):
    """Only state-action pairs the model knows are updated.

    ``wrong_pair(world, s, a, table)`` says why changing value[s, a] is wrong, or None if the model knows the pair (k=5, 20 calls
    per world, of which some change a value); ``pair_words``: (one such pair, such pairs)."""
    updated = False
    for world in worlds:
        for _ in range(20):
            table, _, _ = world.run(f, 5)
            for s, a in world.changed(table):
                wrong = wrong_pair(world, s, a, table)
                if wrong:
                    raise AssertionError(wrong)
                updated = True
    if not updated:
        one, many = pair_words
        raise AssertionError(
            f"{worlds[0].fname} never changed the value of {one} (k=5, {20 * len(worlds)} calls), "
            f"so this property cannot be credited: planning must update {many}.")
