r"""Closed-form predictions that the chapters compare with measured optlib runs.

Each function is a formula derived in the book; the chapters' hidden checks and
the tests hold the runs of :mod:`optlib.optimizers` to them. NumPy only.

The formulas live in one module per topic; every name is importable from here.
"""

from optlib.theory.quadratics import (  # noqa: F401
    gd_rate, gd_optimal, gd_iterations, loss_rate, critical_point_kind, saddle_escape_steps,
    goe_positive_bound, goe_positive_fraction, least_squares_quadratic, momentum_iteration_matrix,
    nesterov_iteration_matrix, spectral_radius_2x2, momentum_rate, momentum_regime, momentum_max_lr,
    momentum_optimal, momentum_optimal_error, momentum_gain, exponential_average, nesterov_optimal,
    lessard_counterexample, first_order_lower_bound, chebyshev_error_factor, preconditioned_gd_rate)

from optlib.theory.adaptive import (  # noqa: F401
    rms_effective_lr, rms_steady_step, rms_first_step, rms_steps_to_settle, rms_step_bound,
    rms_momentum_steady_step, rms_step_eps_inside, rms_sign_cycle_radius, adagrad_steady_step,
    rms_step_after_change, rms_forget_steps, diagonal_scaling_condition_number,
    adam_bias_factor, adam_uncorrected_first_step, adam_sparse_step, adam_step_bound, adam_burst_step,
    adam_step_bound_limit, adam_mean_step, gaussian_rms_mean, ema_variance_factor, radam_rho,
    adam_log_rate_variance)

from optlib.theory.noise import (  # noqa: F401
    per_example_gradients, gradient_noise_covariance, minibatch_gradient_variance, sgd_noise_floor,
    least_squares_sgd_moment_map, least_squares_sgd_max_lr, least_squares_sgd_floor, momentum_noise_floor)

from optlib.theory.weight_decay import (  # noqa: F401
    sgd_weight_decay_step, adam_l2_terms, adam_l2_effective_decay, adamw_pure_decay,
    adam_l2_pure_decay_first_step, adamw_equivalent_l2, weight_decay_half_life)

from optlib.theory.schedules import (  # noqa: F401
    scheduled_sgd_excess_loss, cosine_rate_sum, scheduled_decay_factor)

from optlib.theory.modern import (  # noqa: F401
    radam_rectification, radam_rate_variance, radam_rate_variance_approx, adafactor_factors, adafactor_estimate,
    i_divergence, adam_update_rms, polar_factor, quintic, newton_schulz_interval, newton_schulz_attractor,
    newton_schulz_threshold)
