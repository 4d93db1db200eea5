"""What several test files share: starting a process that runs a Jupyter kernel."""

import subprocess

import pytest

KERNEL_START_TRIES = 3


def kernel_lost_its_port(done):
    """The kernel could not bind the port jupyter_client had picked: another process took it
    in between (many kernels start at once in the test run). Not the chapter's failure: retried."""
    return done.returncode != 0 and "zmq.error.ZMQError: Address already in use" in done.stderr


def run_kernel_process(command, **kwargs):
    """``subprocess.run(command, capture_output=True, text=True, **kwargs)`` of a process that starts a
    kernel, run again (up to :data:`KERNEL_START_TRIES` times) where the kernel lost its port."""
    for _ in range(KERNEL_START_TRIES):
        done = subprocess.run(command, capture_output=True, text=True, **kwargs)
        if not kernel_lost_its_port(done):
            return done
    return done


@pytest.fixture(scope="session")
def kernel_process():
    """:func:`run_kernel_process`, for the tests that run notebooks in processes of their own."""
    return run_kernel_process
