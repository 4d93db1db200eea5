"""The AdamW chapter's explorer: the facts it shows hold for the runs it draws."""


import numpy as np

from optlib.theory import adamw_pure_decay
from optlib.widgets.adamw import LAMBDAS, SIGMAS, decay_explorer, noisy_decay_runs

LR, STEPS, RUNS = 0.01, 600, 200
MEAN = noisy_decay_runs(LAMBDAS, SIGMAS, LR, STEPS, RUNS)
T = np.arange(STEPS + 1)


def test_adamw_mean_follows_the_geometric_decay_for_every_noise_scale():
    # E[θ_t] = (1 - ηλ)^t θ_0 exactly: AdamW's m̂/√v̂ depends on the noise alone, mean 0.
    # A run's θ wanders by about η√t (Adam's steps are ~η), so the mean of RUNS runs by η√(t/RUNS).
    tolerance = 5 * LR * np.sqrt(T / RUNS)[:, None] + 1e-12
    for i, lam in enumerate(LAMBDAS):
        predicted = adamw_pure_decay(1.0, LR, lam, T)[:, None]
        assert np.all(np.abs(MEAN["AdamW"][:, i, :] - predicted) <= tolerance)


def test_adam_l2_decays_large_gradients_less_and_small_gradients_more():
    adamw, l2 = MEAN["AdamW"][-1], MEAN["Adam + L2"][-1]
    large, small = SIGMAS.index(10.0), SIGMAS.index(0.01)
    assert np.all(l2[:, large] > adamw[:, large] + 0.05)   # σ = 10: λ/σ, ten times weaker
    assert np.all(np.abs(l2[:, small]) < 0.03)              # σ = 0.01: pulled to 0 within the run
    first_below = lambda curve: np.argmax(curve < 0.05, axis=0)  # first step below 0.05 (0: never)
    reached_l2 = first_below(MEAN["Adam + L2"][:, :, small])
    reached_w = first_below(MEAN["AdamW"][:, :, small])
    assert np.all(reached_l2 > 0) and np.all((reached_l2 < reached_w) | (reached_w == 0))


def test_adam_l2_with_unit_gradient_noise_is_close_to_adamw():
    # σ = 1: λ/√(σ² + λ²θ²) is within a factor √2 of λ for λθ ≤ 1
    j = SIGMAS.index(1.0)
    ratio = np.log(MEAN["Adam + L2"][-1, :, j]) / np.log(MEAN["AdamW"][-1, :, j])
    assert np.all((ratio > 1 / 1.6) & (ratio <= 1.05))


def test_explorer_labels_show_both_decay_rates_and_sigma():
    explorer = decay_explorer()
    explorer.update(lam=1.0, sigma1=10.0, sigma2=0.01)
    texts = [a.get_text() for a in explorer.animated if hasattr(a, "get_text")]
    assert "x: gradient noise σ1 = 10" in texts and "y: gradient noise σ2 = 0.01" in texts
    assert any("λ/√v̂ = 0.0995" in s for s in texts)  # 1/√(100 + 1)
    assert any("λ/√v̂ = 1" in s for s in texts)       # 1/√(1e-4 + 1), rounded


def test_explorer_draws_the_precomputed_runs():
    explorer = decay_explorer()
    explorer.update(lam=0.1, sigma1=1.0, sigma2=10.0)
    line = next(a for a in explorer.animated if a.get_label() == "AdamW")
    np.testing.assert_allclose(line.get_ydata(), MEAN["AdamW"][:, LAMBDAS.index(0.1), SIGMAS.index(1.0)])


def test_optlib_defaults_are_torchs():
    # torch's defaults as torch's own signatures give them (optlib/reference/torch_defaults.json,
    # written by make_torch_reference.write_defaults from torch 2.13), not as optlib says
    import inspect

    import optlib
    from optlib.reference import recorded as read_recorded

    recorded = read_recorded("torch_defaults")
    for name, defaults in recorded["defaults"].items():
        ours = inspect.signature(getattr(optlib, name)).parameters
        shared = set(ours) & set(defaults)
        assert {"lr", "weight_decay", "maximize"} <= shared
        for arg in shared:
            value = ours[arg].default
            assert (list(value) if isinstance(value, tuple) else value) == defaults[arg], (name, arg)
    assert recorded["adam_decoupled_minus_adamw"] == 0.0      # torch: Adam(decoupled_weight_decay=True) is AdamW
