"""Limited child processes: values and errors travel back, limits end the child, nothing is
left behind when the parent dies."""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from lighthouse_docs.errors import InputError
from lighthouse_docs.limits import LimitExceeded, Limits, cap_jobs, map_limited, run_limited


def _sleep_forever() -> None:
    time.sleep(3600)


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def _fail() -> None:
    raise InputError("bad input", path="a.md", line=3)


def _crash() -> None:
    raise ZeroDivisionError("oops")


def test_a_value_comes_back_from_the_child() -> None:
    parent = os.getpid()
    outcome = run_limited(lambda: (os.getpid() != parent, "x" * 10), Limits())
    assert outcome.ok and outcome.value == (True, "x" * 10)


def test_errors_come_back_as_they_were_raised() -> None:
    outcome = run_limited(_fail, Limits())
    assert isinstance(outcome.error, InputError)
    assert str(outcome.error) == "a.md:3: bad input"
    crash = run_limited(_crash, Limits())
    assert crash.error is None and crash.crash is not None
    assert "ZeroDivisionError: oops" in crash.crash and "Traceback" in (crash.trace or "")


def test_wall_clock_limit_kills_the_child_and_names_the_limit() -> None:
    outcome = run_limited(_sleep_forever, Limits(seconds=0.3))
    assert isinstance(outcome.error, LimitExceeded)
    assert "time limit of 0.3 s" in str(outcome.error)


def test_time_already_spent_counts_against_the_limit() -> None:
    outcome = run_limited(_sleep_forever, Limits(seconds=3600), spent=3600)
    assert isinstance(outcome.error, LimitExceeded)


def test_memory_limit_fails_the_call_not_the_parent() -> None:
    outcome = run_limited(lambda: _allocate(1024), Limits(memory_mb=300))
    assert isinstance(outcome.error, LimitExceeded)
    assert "memory limit of 300 MiB" in str(outcome.error)
    assert run_limited(lambda: _allocate(16), Limits(memory_mb=300)).value == 16 * 2 ** 20


def test_one_call_over_a_limit_does_not_stop_the_others() -> None:
    calls = [("slow", _sleep_forever), ("a", lambda: "A"), ("b", lambda: "B")]
    results = dict(map_limited(calls, Limits(seconds=1), workers=2))
    assert results["a"].value == "A" and results["b"].value == "B"
    assert isinstance(results["slow"].error, LimitExceeded)


def test_jobs_are_capped_per_cpu() -> None:
    assert cap_jobs(99_999_999, cpus=2) == 4
    assert cap_jobs(3, cpus=2) == 3
    assert cap_jobs(0, cpus=2) == 1


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it is dead for our purpose.
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


def test_children_die_with_a_killed_parent(tmp_path: Path) -> None:
    script = tmp_path / "parent.py"
    script.write_text(textwrap.dedent("""
        import os, sys, time
        from lighthouse_docs.limits import Limits, map_limited

        def child():
            os.write(1, f"{os.getpid()}\\n".encode())
            time.sleep(3600)

        for _ in map_limited([(1, child), (2, child)], Limits(seconds=3600), workers=2):
            pass
    """))
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    children = [int(parent.stdout.readline()), int(parent.stdout.readline())]
    assert all(_alive(pid) for pid in children)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    for _ in range(500):  # the kernel kills them at once; allow a loaded machine 50 s
        if not any(_alive(pid) for pid in children):
            break
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in children)


def test_ctrl_c_during_a_fork_is_raised_after_it_not_lost(tmp_path: Path) -> None:
    """SIGINT arriving while ``fork()`` runs the interpreter's at-fork hooks (here: one of
    them sends it) is raised once the child is forked and recorded; it was raised in the
    hook, printed as "Exception ignored" and lost, and the build went on."""
    script = tmp_path / "parent.py"
    script.write_text(textwrap.dedent("""
        import os, signal, time
        from lighthouse_docs.limits import LimitedPool, Limits

        def child():
            time.sleep(3600)

        os.register_at_fork(after_in_parent=lambda: os.kill(os.getpid(), signal.SIGINT))
        pool = LimitedPool(Limits(seconds=3600))
        pool.submit(1, child)
        try:
            pool.start()
            print("not interrupted", flush=True)
        except KeyboardInterrupt:
            print("interrupted", len(pool._running), flush=True)
        finally:
            pool.close()
    """))
    # A suite started in the background (``cmd &``) has SIGINT ignored, and so would the
    # script: Python then installs no KeyboardInterrupt handler.
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=300, check=False,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert (run.stdout, run.returncode) == ("interrupted 1\n", 0), run.stderr
    assert "Exception ignored" not in run.stderr


@pytest.mark.parametrize("value", ["none", "2GB", "512", 4096])
def test_memory_limit_values(value: object) -> None:
    from lighthouse_docs.config import parse_memory_limit

    assert parse_memory_limit(value) in (None, 2048, 512, 4096)


@pytest.mark.parametrize("value", ["", "lots", -5, 10, True, "1TBB"])
def test_bad_memory_limit_values_are_config_errors(value: object) -> None:
    from lighthouse_docs.config import parse_memory_limit
    from lighthouse_docs.errors import ConfigError

    with pytest.raises(ConfigError, match="memory_limit"):
        parse_memory_limit(value)


def test_in_process_runs_here_without_limits() -> None:
    here = os.getpid()
    results = dict(map_limited([("a", os.getpid), ("b", _fail)], Limits(in_process=True)))
    assert results["a"].value == here
    assert isinstance(results["b"].error, InputError)


def test_a_pool_takes_more_work_while_it_runs_and_first_calls_start_first() -> None:
    from lighthouse_docs.limits import LimitedPool

    order: list[str] = []
    with LimitedPool[str, str](Limits(seconds=60), workers=1) as pool:
        pool.submit("parse-a", lambda: "a")
        pool.submit("parse-b", lambda: "b")
        for key, outcome in pool.results():
            order.append(key)
            if key.startswith("parse-"):
                # The next step of the same job goes before the other queued parse.
                pool.submit(f"render-{outcome.value}", lambda: "done", first=True)
    assert order == ["parse-a", "render-a", "parse-b", "render-b"]


def test_a_cancelled_call_is_killed_and_reports_nothing() -> None:
    from lighthouse_docs.limits import LimitedPool

    seen: list[str] = []
    with LimitedPool[str, object](Limits(seconds=60), workers=2) as pool:
        pool.submit("slow", _sleep_forever)
        pool.submit("quick", lambda: None)
        pool.submit("queued", lambda: None)
        for key, _ in pool.results():  # would wait for the hour if cancel did not kill
            seen.append(key)
            pool.cancel("slow", "queued")
    assert seen == ["quick"]


def _collector_state() -> tuple[int, int]:
    import gc

    return gc.get_freeze_count(), len(gc.get_objects())


def test_the_child_leaves_what_it_inherits_out_of_its_garbage_collections() -> None:
    import gc

    inherited = [object() for _ in range(1000)]  # noqa: F841  (objects the child inherits)
    assert gc.get_freeze_count() == 0
    outcome = run_limited(_collector_state, Limits())
    assert outcome.ok and outcome.value is not None
    frozen, tracked = outcome.value
    assert frozen >= 1000  # the parent's objects, frozen in the child only
    assert tracked < frozen
    assert gc.get_freeze_count() == 0


def _touch(path: Path) -> str:
    path.touch()
    return path.name


def test_poll_takes_in_what_finished_and_fills_the_freed_slot_without_waiting(
        tmp_path: Path) -> None:
    from lighthouse_docs.limits import LimitedPool

    marker = tmp_path / "second"
    with LimitedPool[str, object](Limits(seconds=60), workers=1) as pool:
        pool.poll()  # nothing started yet: nothing to do
        pool.submit("first", lambda: "one")
        pool.submit("second", functools.partial(_touch, marker))
        pool.submit("gone", lambda: "never")
        pool.start()
        for _ in range(6000):  # the caller is busy with its own work meanwhile
            pool.poll()
            if marker.exists():
                break
            time.sleep(0.01)
        # The second call ran in the slot the first freed, before results() was asked.
        assert marker.exists()
        pool.cancel("gone")
        seen = [(key, outcome.value) for key, outcome in pool.results()]
    assert seen == [("first", "one"), ("second", "second")]
