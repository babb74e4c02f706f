"""How the course's widgets show themselves, the same under ipywidgets 7 (Colab ships
7.7.1) and 8: the widget view, and beside it a static fallback for front ends that
cannot render widgets (a notebook viewer, an editor without widget support, a Colab
whose widget manager fails): the picture the widget shows and a line saying what it
shows and how to see other values.

A front end picks one entry of a display bundle: the widget view where it can render
widgets, the HTML (picture and text) where it cannot, plain text in a terminal.
"""

import base64
import html
import io

import matplotlib.pyplot as plt
from IPython.display import display

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def figure_output(fig, dpi=80):
    """Render `fig` to a PNG display output for `ipywidgets.Output.outputs`, then close
    it (so the notebook does not show it a second time)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    width, height = fig.get_size_inches() * dpi
    plt.close(fig)
    return {"output_type": "display_data", "metadata": {},
            "data": {"image/png": base64.b64encode(buffer.getvalue()).decode("ascii"),
                     "text/plain": f"<Figure size {width:.0f}x{height:.0f}>"}}


def function_name(function):
    """The name a student's function goes by, for the example calls."""
    return getattr(function, "__name__", "your_function")


class StaticFallback:
    """Mixin for a course widget: an ipywidgets container whose `output` (an
    `ipywidgets.Output`) holds the picture it shows, and which defines `fallback_title`
    and `fallback_settings()`: what the picture shows, and a call that shows other values.

    ipywidgets 7 displays a widget through `_ipython_display_`, ipywidgets 8 through
    `_repr_mimebundle_`; both send `display_bundle()`.
    """

    def fallback_text(self):
        """The fallback's words: the widget, what its picture shows, how to see more."""
        shown, call = self.fallback_settings()
        return (f"{self.fallback_title}: an interactive widget, which this page cannot show. {shown} "
                f"For other values, change them in this call and run it:\n{call}")

    def display_bundle(self):
        """The widget view, the static fallback as HTML, and the fallback's words."""
        pictures = "".join(f'<img src="data:image/png;base64,{output["data"]["image/png"]}">'
                           for output in self.output.outputs
                           if "image/png" in output.get("data", {}))
        text, call = self.fallback_text().rsplit("\n", 1)
        return {WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": self.model_id},
                "text/html": f"<div>{pictures}<p>{html.escape(text)}</p>"
                             f"<pre>{html.escape(call)}</pre></div>",
                "text/plain": self.fallback_text()}

    def _repr_mimebundle_(self, **kwargs):
        return self.display_bundle()

    def _ipython_display_(self, **kwargs):
        display(self.display_bundle(), raw=True)
