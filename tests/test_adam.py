"""The Adam chapter's explorer and figures: what they draw is what optlib computes."""

import warnings

import numpy as np

from optlib import Adam, Beale, Rosenbrock, Saddle, SGD, run
from optlib.figures.adam import bias_simulation, step_sizes, surface_comparison
from optlib.widgets.adam import bias_correction_explorer, moment_trace, noisy_gradients


def lines(explorer):
    m_ax, v_ax, s_ax = explorer.figure.axes
    return {"m": m_ax.lines[2], "m_hat": m_ax.lines[3], "v": v_ax.lines[2], "v_hat": v_ax.lines[3],
            "step_uncorrected": s_ax.lines[1], "step": s_ax.lines[2]}


def test_moment_trace_reads_optlib_state_step_by_step():
    grads = noisy_gradients(25, seed=7)
    trace = moment_trace(Adam(lr=0.3, betas=(0.8, 0.99)), grads)
    opt, theta = Adam(lr=0.3, betas=(0.8, 0.99)), np.zeros(())
    for t, g in enumerate(grads):
        new = opt.step(theta, np.asarray(g))
        for k in ("m", "v", "m_hat", "v_hat"):
            assert trace[k][t] == opt.state[k]
        assert trace["step"][t] == theta - new
        theta = new


def test_explorer_plots_optlib_state():
    e = bias_correction_explorer()
    grads = noisy_gradients(200)
    for beta1, beta2 in ((0.9, 0.999), (0.0, 0.9999), (0.99, 0.9)):
        e.update(beta1=beta1, beta2=beta2)
        trace = moment_trace(Adam(lr=1.0, betas=(beta1, beta2)), grads)
        drawn = lines(e)
        for k in ("m", "m_hat", "v", "v_hat"):
            assert np.array_equal(drawn[k].get_ydata(), trace[k])
        assert np.array_equal(drawn["step"].get_ydata(), np.abs(trace["step"]))
        assert np.array_equal(drawn["step_uncorrected"].get_ydata(), np.abs(trace["step_uncorrected"]))


def test_explorer_title_states_the_uncorrected_first_step():
    e = bias_correction_explorer()
    e.update(beta1=0.9, beta2=0.999)
    assert "3.16 η" in e.figure._suptitle.get_text()
    e.update(beta1=0.0, beta2=0.99)
    assert "would be 10 η" in e.figure._suptitle.get_text()


def test_corrected_first_step_is_eta_for_every_beta():
    e = bias_correction_explorer()
    for c1 in e.controls[0].values:
        for c2 in e.controls[1].values:
            e.update(beta1=c1, beta2=c2)
            assert np.isclose(lines(e)["step"].get_ydata()[0], 1.0, rtol=1e-6)


def test_figures_draw_without_warnings():
    t = np.arange(1, 11)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        avg = {k: np.linspace(0.1, 1, 10) for k in ("m", "m_hat", "v", "v_hat")}
        bias_simulation(t, avg, {"m": avg["m"], "v": avg["v"]}, {"m": 1.0, "v": 1.0}).canvas.draw()
        step_sizes(t, {"a": np.ones(10)}, {"b": 2 * np.ones(10)}).canvas.draw()
        surfaces = [Rosenbrock(), Beale(), Saddle()]
        runs = {f.name: {"SGD": run(SGD(lr=1e-3), f, f.x0, 20), "Adam": run(Adam(lr=0.1), f, f.x0, 20)}
                for f in surfaces}
        fig = surface_comparison(surfaces, runs, {f.name: 20 for f in surfaces}, saddle="saddle",
                                 windows={"Beale": ((0, 4), (-1.5, 2))})
        fig.canvas.draw()
        assert fig.axes[1].get_xlim() == (0.0, 4.0)
