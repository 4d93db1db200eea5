"""Explorers of the chapter "After AdamW" (``book/modern.ipynb``).

* :func:`newton_schulz_explorer` -- an odd polynomial iterated on the singular values in [0, 1]: Muon's tuned
  quintic against the Newton–Schulz cubic and quintic that converge to 1.
"""

import numpy as np

from optlib.plotting import PALETTE, figure
from optlib.theory import newton_schulz_attractor, quintic
from optlib.widgets import Control, Explorer

POLYNOMIALS = {
    "Muon's quintic (3.4445, -4.775, 2.0315)": (3.4445, -4.7750, 2.0315),
    "cubic (1.5, -0.5, 0)": (1.5, -0.5, 0.0),
    "quintic (1.875, -1.25, 0.375)": (15 / 8, -10 / 8, 3 / 8),
}


def newton_schulz_explorer(n_values=24):
    r"""The polynomial :math:`p(s) = as + bs^3 + cs^5` iterated ``steps`` times.

    Left: :math:`p^{\circ k}(s)` for :math:`s \in [0, 1]` (a singular value of :math:`G/\lVert G\rVert_F`),
    with the polynomial's attracting interval shaded (:func:`optlib.theory.newton_schulz_attractor`;
    the point 1 for the two that converge). Right: ``n_values`` singular values spread evenly in
    :math:`\log` from :math:`10^{-3}` to 1, before (grey) and after the iteration (coloured).
    """
    s = np.linspace(0, 1, 401)
    start = np.geomspace(1e-3, 1, n_values)
    fig, (ax_p, ax_s) = figure(2, width=4.0, height=3.2)
    curve, = ax_p.plot(s, s, lw=1.8, color=PALETTE[3])
    ax_p.plot(s, s, ":", lw=0.8, color="#777777")
    ax_s.plot(np.arange(n_values), start, "o", ms=3, color="#bbbbbb", label="before")
    dots, = ax_s.plot(np.arange(n_values), start, "o", ms=4, color=PALETTE[3], label="after")
    band = [ax.axhspan(0.0, 0.0, color="#dddddd", zorder=0) for ax in (ax_p, ax_s)]
    ax_p.set_xlim(0, 1)
    ax_p.set_ylim(0, 1.3)
    ax_p.set_xlabel("singular value $s$ of $G/\\|G\\|_F$")
    ax_p.set_ylabel("after $k$ steps")
    ax_s.set_yscale("log")
    ax_s.set_ylim(5e-4, 2)
    ax_s.set_xlabel("index of the singular value")
    ax_s.set_ylabel("singular value")
    for ax in (ax_p, ax_s):
        ax.axhline(1.0, color="#777777", lw=0.8)
        ax.grid(True, alpha=0.3)

    def update(polynomial, steps):
        coefficients = POLYNOMIALS[polynomial]
        lo, hi = newton_schulz_attractor(coefficients)
        for patch in band:                         # the background: depends on the polynomial alone
            patch.set_y(lo)
            patch.set_height(max(hi - lo, 0.01))
        curve.set_ydata(quintic(s, coefficients, steps))
        dots.set_ydata(quintic(start, coefficients, steps))

    controls = [Control("polynomial", "polynomial", tuple(POLYNOMIALS), "Muon's quintic (3.4445, -4.775, 2.0315)"),
                Control("steps", "steps k", tuple(range(0, 11)), 5, fmt="{:d}", play=True)]
    return Explorer(fig, update, controls,
                    alt="An odd polynomial iterated on singular values between 0 and 1: Muon's quintic sends them "
                        "into a band around 1, the cubic and the converging quintic towards 1 itself, more slowly.",
                    animated=[curve, dots], redraw_on={"polynomial"})
