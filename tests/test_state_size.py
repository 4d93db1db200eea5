"""Tests of :meth:`optlib.optimizers.Optimizer.state_size`: the floats stored between steps.

The expected counts are those of torch's ``optimizer.state`` for one parameter tensor of n
entries (without ``step``): SGD keeps nothing, or a momentum buffer; RMSprop its average of
squares (and the average gradient when centered); Adam and AdamW two moments (three with
amsgrad); Adagrad its sum; NAdam two moments and the scalar ``mu_product``; RAdam two moments; Lion
one momentum (optax's ``mu``); Adafactor, for an n x m matrix, its row and column factors (n + m); Muon one momentum buffer.
The chapters build their memory tables from these numbers.
"""

import numpy as np
import pytest

from optlib import SGD, Adafactor, Adagrad, Adam, AdamW, Lion, Muon, NAdam, RAdam, RMSprop

SHAPE = (3, 4)
N = 12

CASES = [
    (SGD(), 0),
    (SGD(momentum=0.9), N),
    (SGD(momentum=0.9, nesterov=True, weight_decay=0.1), N),
    (Adagrad(), N),
    (RMSprop(), N),
    (RMSprop(centered=True), 2 * N),
    (RMSprop(centered=True, momentum=0.5), 3 * N),
    (Adam(), 2 * N),
    (Adam(amsgrad=True), 3 * N),
    (AdamW(), 2 * N),
    (NAdam(), 2 * N + 1),  # m, v and the product mu_1 ... mu_t (torch's mu_product)
    (NAdam(weight_decay=0.1, decoupled_weight_decay=True), 2 * N + 1),
    (RAdam(), 2 * N),
    (Lion(), N),  # one momentum, half of Adam's state
    (Adafactor(), 3 + 4),  # row_var (3, 1) and col_var (1, 4) of the (3, 4) matrix: n + m
    (Muon(), N),  # momentum_buffer
    (Muon(nesterov=False, weight_decay=0), N),
]


@pytest.mark.parametrize("opt, expected", CASES, ids=[repr(o) for o, _ in CASES])
def test_state_size_counts_the_stored_buffers(opt, expected):
    assert opt.state_size() == 0  # state is allocated at the first step, as in torch
    theta = np.linspace(-1, 1, N).reshape(SHAPE)
    for _ in range(3):
        theta = opt.step(theta, np.sin(3 * theta) + theta)
    assert opt.state_size() == expected
    derived = {"m_hat", "v_hat", "rho_t", "rectification", "variance_estimate", "step"}  # computed on demand, not stored
    assert opt.state_size() == sum(np.size(v) for k, v in opt.state.items() if k not in derived)


def test_state_size_of_a_grid_is_that_of_the_whole_grid():
    opt = Adam(lr=np.array([0.1, 0.01, 0.001]).reshape(3, 1))
    opt.step(np.zeros(5), np.ones(5))
    assert opt.state_size() == 2 * 3 * 5


def test_adafactor_state_is_n_plus_m_per_matrix_and_n_for_a_vector():
    for shape, expected in (((7,), 7), ((100, 30), 130), ((2, 100, 30), 260), ((5, 1), 6)):
        opt = Adafactor()
        opt.step(np.ones(shape), np.ones(shape))
        assert opt.state_size() == expected, shape
