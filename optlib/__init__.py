"""optlib: the optimizers of deep learning, small, tested against PyTorch, and drawn.

The core (optimizers, objectives, runner, data, models) imports NumPy alone;
``optlib.plotting`` needs matplotlib and ``optlib.widgets`` ipywidgets.
"""

from optlib.objectives import (Beale, DoubleWell, Himmelblau, MonkeySaddle, Objective,
                               Quadratic, Rosenbrock, Saddle)
from optlib.optimizers import SGD, Adafactor, Adagrad, Adam, AdamW, Lion, Muon, NAdam, Optimizer, RAdam, RMSprop
from optlib.runner import Trajectory, run

__all__ = ["SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "NAdam", "RAdam", "Lion", "Adafactor", "Muon", "Optimizer", "run", "Trajectory", "Objective",
           "Quadratic", "Saddle", "MonkeySaddle", "Rosenbrock", "Beale", "Himmelblau", "DoubleWell"]
from optlib.data import book_seed, make_classification, make_regression, minibatches, train_test_split
from optlib.models import MLP, LinearRegression, LogisticRegression, full_batch_objective, minibatch_objective
__all__ += ["book_seed", "make_regression", "make_classification", "train_test_split", "minibatches", "LinearRegression",
            "LogisticRegression", "MLP", "full_batch_objective", "minibatch_objective"]
from optlib import schedules
__all__ += ["schedules"]
