r"""LaTeX rendering for the report: escaping text, numbers at a stated rounding, words for small counts.

Text is escaped, never parsed: math reaches the report as LaTeX written by the proofs (``claims.json``'s
``*_tex`` fields, SymPy's printer for derived expressions), so nothing here turns ASCII into math.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

__all__ = ["EVIDENCE_WORDS", "MISSING", "NUMBER_WORDS", "VERDICT_COLORS", "VERDICT_WORDS", "figure_label",
           "fmt_number", "fmt_pct", "notice", "tex_escape", "word"]

MISSING = r"\NotGenerated"


def notice(label: str) -> str:
    r"""``\NotGenerated{label}``: the label escaped, breakable after ``_``, ``.`` and ``:`` (never overfull)."""
    text = tex_escape(label).replace(r"\_", r"\_\allowbreak{}").replace(".", r".\allowbreak{}")
    return MISSING + "{" + text.replace(": ", r":\allowbreak{} ") + "}"
VERDICT_COLORS = {"holds": "green!45!black", "holds-with-correction": "orange!85!black", "fails": "red"}
VERDICT_WORDS = {"holds": "holds", "holds-with-correction": "holds with correction", "fails": "fails"}
# The evidence kinds of claims.json, strongest first, as the report prints them.
EVIDENCE_WORDS = {
    "symbolic-general": "symbolic, general",
    "certified-interval": "certified interval",
    "symbolic-fixed-size": "symbolic, fixed sizes",
    "exact-enumeration": "exact enumeration",
    "numeric-search": "numeric search",
    "statistical-test": "statistical test",
    "prose-argument": "argument in prose",
}
# Figures the report includes that python -m analysis does not make (make bench makes fig_cost).
EXTRA_FIGURES = ("fig_cost",)
STRONG_KINDS = ("symbolic-general", "certified-interval")  # the only kinds that carry "for every n"
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve", "thirteen", "fourteen", "fifteen")
# Unicode that appears in findings and claims, as LaTeX that pdflatex with T1/utf8 handles.
UNICODE = {
    "Δ": r"\Delta", "γ": r"\gamma", "ε": r"\varepsilon", "η": r"\eta", "μ": r"\mu", "ℓ": r"\ell",
    "β": r"\beta", "ρ": r"\rho", "σ": r"\sigma", "κ": r"\kappa", "λ": r"\lambda", "φ": r"\varphi",
    "θ": r"\theta", "α": r"\alpha", "π": r"\pi", "Σ": r"\Sigma", "∇": r"\nabla", "‖": r"\|",
    "²": "^2", "³": "^3", "⁴": "^4", "⁺": "^+", "⁻": "^-", "₀": "_0", "₁": "_1", "₂": "_2", "₃": "_3",
    "ᵀ": r"^\top", "⪯": r"\preceq", "⪰": r"\succeq", "≤": r"\le", "≥": r"\ge", "≈": r"\approx", "≠": r"\ne",
    "−": "-", "×": r"\times", "·": r"\cdot", "→": r"\to", "←": r"\leftarrow", "∞": r"\infty", "√": r"\surd",
    "∈": r"\in", "∘": r"\circ", "⟨": r"\langle", "⟩": r"\rangle", "±": r"\pm", "∑": r"\sum", "⊙": r"\odot",
    "ₙ": "_n", "ᵢ": "_i", "ⱼ": "_j", "ₖ": "_k",
}
TEXT_UNICODE = {"…": r"\dots{}", "–": "--", "—": "---", "’": "'", "“": "``", "”": "''"}
SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
           "^": r"\textasciicircum{}", "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}", "<": r"\textless{}",
           ">": r"\textgreater{}", "|": r"\textbar{}"}


def tex_escape(text: Any) -> str:
    """``text`` as LaTeX text: specials escaped, known Unicode as math, any other non-ASCII character as ``?``."""
    out = []
    for ch in str(text):
        if ch in SPECIAL:
            out.append(SPECIAL[ch])
        elif ch in UNICODE:
            out.append(f"\\ensuremath{{{UNICODE[ch]}}}")
        elif ch in TEXT_UNICODE:
            out.append(TEXT_UNICODE[ch])
        elif ord(ch) < 128:
            out.append(ch)
        else:
            out.append("?")  # visible, never a pdflatex error
    return "".join(out)




def fmt_number(value: Any, spec: str) -> str:
    r"""One value as a LaTeX math body (no delimiters), rounded as ``spec`` says.

    ``dec<k>``: ``k`` decimals; ``sig<k>``: ``k`` significant digits, as :math:`a\times10^{b}` when
    :math:`|b|\ge4`; ``dec<k>up``, ``sig<k>up`` (``down``): rounded up (down), so a
    printed upper (lower) bound stays one; ``int``: an integer with
    thin-space groups; ``tex``: LaTeX the proofs wrote, as is; ``word``: a small integer as an English word;
    ``text``: the value as text (one unbreakable box: short phrases); ``prose``: the value as running text, which
    may break across lines (:mod:`analysis._vocabulary` prints it outside math).
    """
    if spec == "tex":  # LaTeX the proofs wrote (SymPy's printer): inserted as is, never parsed or converted
        if not isinstance(value, str) or not value:
            raise TypeError(f"value must be a LaTeX string for spec 'tex', got {value!r}")
        return value
    if spec == "text":
        return r"\text{" + tex_escape(value) + "}"
    if spec == "prose":  # a clause of running text: escaped, and breakable across lines (no box around it)
        return tex_escape(value)
    if spec == "everyn":  # an evidence kind: may the text say "for every n"?
        if value not in EVIDENCE_WORDS:
            raise ValueError(f"value must be an evidence kind for spec 'everyn', got {value!r}")
        if value in STRONG_KINDS:
            return r"\text{for every $n$}"
        if value == "prose-argument":  # machine-checked general steps, joined by a step argued in words
            return r"\text{for every $n$ (machine-checked steps joined by an argument in prose)}"
        return r"\text{" + f"in every check made ({EVIDENCE_WORDS[value]}, no general argument)" + "}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"value must be a number for spec {spec!r}, got {value!r}")
    if not math.isfinite(value):
        return "\\text{NaN}" if math.isnan(value) else ("\\infty" if value > 0 else "-\\infty")
    if spec == "int":
        return f"{round(value):,}".replace(",", r"\,")
    if spec == "word":
        n = round(value)
        return r"\text{" + (NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)) + "}"
    m = re.fullmatch(r"(dec|sig)(\d)(up|down)?", spec)
    if m is None:
        raise ValueError(f"spec must be dec<k>, sig<k> (each optionally +up/down), int, tex, word, text or prose, "
                         f"got {spec!r}")
    digits = int(m.group(2))
    # an upper bound (a width, a sup, the upper end of an interval) rounds up, a lower one down: outward, so the
    # printed value is still a bound; without a suffix, to nearest
    rounding = {"up": ROUND_CEILING, "down": ROUND_FLOOR}.get(m.group(3) or "")
    if m.group(1) == "dec":
        if rounding is not None:
            value = float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), rounding=rounding))
        text = f"{value:.{digits}f}"
        return "0" if float(text) == 0 else text  # no "-0.000"
    if rounding is not None and value != 0:
        exponent = math.floor(math.log10(abs(value))) - (digits - 1)
        mant = Decimal(repr(value)).scaleb(-exponent).to_integral_value(rounding=rounding)
        if abs(mant) >= 10**digits:  # 9.9 -> 10: one more digit
            mant, exponent = (mant / 10).to_integral_value(rounding=rounding), exponent + 1
        value = float(mant.scaleb(exponent))
    if value == 0:
        return "0"
    exponent = math.floor(math.log10(abs(value)))
    if abs(exponent) >= 4:
        mant = f"{value / 10 ** exponent:.{digits - 1}f}"
        if float(mant) in (10.0, -10.0):
            mant, exponent = f"{value / 10 ** (exponent + 1):.{digits - 1}f}", exponent + 1
        return f"{mant}\\times10^{{{exponent}}}"
    rounded = float(f"{value:.{digits - 1}e}")  # digits significant, then fixed decimals: 1000 not 1.0e+03
    exponent = math.floor(math.log10(abs(rounded)))
    return f"{rounded:.{max(digits - 1 - exponent, 0)}f}"



def word(n: int) -> str:
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)



def fmt_pct(value: float) -> str:
    r"""A fraction as a percentage in LaTeX text, two significant digits (``0.2078`` -> ``21\%``)."""
    pct = 100 * value
    text = f"{pct:.2g}" if pct < 100 else f"{pct:.0f}"
    if "e" in text:
        text = f"{pct:.2f}"
    return f"{text}\\%"



FIGURE_LABELS = {
    "fig_estimator_bias": "bias", "fig_second_moment": "second moment", "fig_descent": "descent",
    "fig_convergence": "convergence", "fig_dimension_free": "dimension-free", "fig_constants": "constants",
    "fig_effective_rank": "effective rank", "fig_prediction": "learning curve", "fig_cost": "cost",
}


def figure_label(name: str) -> str:
    return FIGURE_LABELS.get(name, name.removeprefix("fig_").replace("_", " "))

