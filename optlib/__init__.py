"""optlib: the optimizers of deep learning, small, tested against PyTorch, and drawn.

The core (optimizers, objectives, runner, data, models) imports NumPy alone;
``optlib.plotting`` needs matplotlib and ``optlib.widgets`` ipywidgets.
"""

from optlib.objectives import (Beale, DoubleWell, Himmelblau, MonkeySaddle, Objective,
                               Quadratic, Rosenbrock, Saddle)
from optlib.optimizers import SGD, Adam, AdamW, Optimizer, RMSprop
from optlib.runner import Trajectory, run

__all__ = ["SGD", "RMSprop", "Adam", "AdamW", "Optimizer", "run", "Trajectory", "Objective",
           "Quadratic", "Saddle", "MonkeySaddle", "Rosenbrock", "Beale", "Himmelblau", "DoubleWell"]
