r"""Every figure is legible where it is printed: 6.7 in wide, every text >= 7 pt, titles in words.

Each figure is a full-width figure of the report (paper/main.tex includes it with ``width=\linewidth``), so it
is made 6.7 in wide with every text >= 7 pt, nothing drawn outside that width, no taller than the 0.72 of the
text height that ``\FigInclude`` allows (else LaTeX shrinks it), and its titles state the
claim in words, never a Python boolean or a file name.

Each test computes the figure's quick profile (caches redirected to ``tmp_path``, so nothing stale is plotted),
calls ``plot(data)`` and inspects the drawn Figure; then checks that plotting is deterministic (same bytes twice).
"""

from __future__ import annotations

import importlib
import io
from typing import Any

import matplotlib.pyplot as plt
import pytest
from analysis import FIGURE_MODULES, _common
from matplotlib.figure import Figure
from matplotlib.text import Text
from proofs import _search

FIGURES = (*FIGURE_MODULES, "fig_cost")
WIDTH_IN = 6.7  # the figure's width: the report's text width is 6.77 in (letter paper, 2.2 cm margins)
TEXT_WIDTH_IN = 6.77  # what LaTeX scales a \linewidth figure to: drawn content wider than this shrinks the text
HEIGHT_CAP_IN = 0.72 * (11.0 - 2 * 2.2 / 2.54)  # \FigInclude caps a figure at 0.72 \textheight (letter, 2.2 cm)
MIN_PT = 7.0  # smallest legible size on the printed page
PAD_IN = 0.02  # savefig.pad_inches of analysis/paper.mplstyle, added on each side of the drawn content
FORBIDDEN = ("True", "False", "fig_")  # a boolean or a file name in a title


def _quick(name: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, dict[str, Any]]:
    """The figure module and its quick-profile data, computed with fresh caches."""
    monkeypatch.setattr(_common, "CACHE", tmp_path / "cache")
    monkeypatch.setattr(_search, "CACHE", tmp_path / "search")
    module = importlib.import_module(f"analysis.{name}")
    return module, _common.compute_figure(module.NAME, module.compute, profile="quick")


def _texts(fig: Figure) -> list[Text]:
    """Every visible, non-empty text of a drawn figure: titles, labels, tick labels, legends, annotations."""
    fig.canvas.draw()  # tick labels exist only once drawn
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def _titles(fig: Figure) -> list[str]:
    """The suptitle, every axes title (left, centre, right) and every legend title."""
    titles = [fig.get_suptitle()]
    for ax in fig.axes:
        titles += [ax.get_title(loc=loc) for loc in ("left", "center", "right")]
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes)]
    titles += [lg.get_title().get_text() for lg in legends if lg is not None]
    return [t for t in titles if t]


@pytest.mark.parametrize("name", FIGURES)
def test_figure_printed_size_and_titles(name: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Width 6.7 in, every text >= 7 pt, the drawn content within the text width, no boolean/file name in titles."""
    module, data = _quick(name, tmp_path, monkeypatch)
    fig = module.plot(data)
    try:
        assert fig.get_size_inches()[0] == pytest.approx(WIDTH_IN, abs=1e-9), "figure not made at its printed width"
        texts = _texts(fig)
        assert texts, "a figure without any text (no axis labels?)"
        small = sorted({(float(t.get_fontsize()), t.get_text()[:40]) for t in texts
                        if float(t.get_fontsize()) < MIN_PT})
        assert not small, f"texts below {MIN_PT} pt: {small}"
        drawn = fig.get_tightbbox(fig.canvas.get_renderer())  # inches: what bbox_inches='tight' keeps
        assert drawn.width + 2 * PAD_IN <= TEXT_WIDTH_IN, f"{drawn.width:.2f} in wide: LaTeX would shrink the text"
        assert drawn.height + 2 * PAD_IN <= HEIGHT_CAP_IN, f"{drawn.height:.2f} in tall: LaTeX would shrink it"
        titles = _titles(fig)
        assert titles, "a figure without a title"
        bad = [t for t in titles if any(word in t for word in FORBIDDEN)]
        assert not bad, f"titles with a Python boolean or a file name: {bad}"
        for ax in fig.axes:  # a label (symbol, unit) on every axis whose tick labels are shown
            for which, axis, label in (("x", ax.xaxis, ax.get_xlabel()), ("y", ax.yaxis, ax.get_ylabel())):
                shown = any(t.get_visible() and t.get_text() for t in axis.get_ticklabels())
                assert label or not shown or not ax.has_data(), f"no {which} label on the axes {ax.get_title()!r}"
    finally:
        plt.close(fig)
    first, second = (_png(module.plot(data)) for _ in range(2))
    assert first == second, "plotting the same data twice gave different bytes"


def _png(fig: Figure) -> bytes:
    """The PNG save_figure would write (no metadata), closing the figure."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None}, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()
