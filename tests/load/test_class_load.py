"""The class-room load test's own machinery against real servers: two app replicas behind the shipped HAProxy
config sharing one Redis (started with the shipped options), the lecturer's projector on one of them.

A small class (6 students, 2 sketches each over 10 s): every acknowledged send must be in the store once and on
the projector once, and nothing may break. Speed is measured by `python -m explorer loadtest --mode class`, not
asserted here (this machine is shared).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from explorer.cli.loadtest import classroom, servers

pytestmark = pytest.mark.load
ROOT = Path(__file__).resolve().parents[2]


def test_a_small_class_room_on_two_replicas_and_redis_loses_and_duplicates_nothing():
    students, sketches = 6, 2
    report = classroom.run(None, replicas=2, students_n=students, sketches=sketches, duration=10.0, ramp=1.0)
    sends = students * sketches
    assert report["store"] == "redis" and report["errors"] == 0, report["problems"]
    assert report["join"]["count"] == students and report["send"]["count"] == sends
    assert report["stroke"]["count"] == sends * classroom.STROKES
    assert report["acknowledged"] == sends and report["in_store"] == sends and report["projector_count"] == sends
    assert report["lost"] == 0 and report["duplicated"] == 0 and report["never_on_wall"] == 0
    assert report["visible"]["count"] == sends  # every send seen on the projector's wall, each timed
    assert report["refresh"]["count"] >= 5 and report["refresh_server_ms"]["count"] == report["refresh"]["count"]
    assert set(report["students_by_replica"]) == {"app1", "app2"}, report["students_by_replica"]  # spread
    assert report["projector_replica"] in ("app1", "app2") and len(report["memory"]) == 2


def test_the_load_tests_redis_runs_with_the_shipped_options():
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    assert compose["services"]["redis"]["command"] == ["redis-server", *servers.REDIS_OPTIONS]
