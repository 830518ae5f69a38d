"""The benchmarks still run (tiny sizes): a benchmark that rots measures nothing."""

from __future__ import annotations

import pytest

from benchmarks import ack_latency, acks, floor, paging_latency, storm


async def test_the_ack_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    await ack_latency.main(requests=5, concurrency=2, forms=2)
    out = capsys.readouterr().out
    assert "/incident help      ack: p50" in out
    assert "all 5 notes stored in Incident Manager" in out
    assert "/incident declare → form filled: p50" in out


async def test_the_paging_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    await paging_latency.main(pages=2)
    out = capsys.readouterr().out
    assert "2 pages, one at a time" in out
    assert "Acknowledge → AcceptPage in AWS:" in out


async def test_the_storm_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    await storm.main(incidents=2, plans=2, batches=2, minute_seconds=1, lead_seconds=3)
    out = capsys.readouterr().out
    assert "4 escalations (2 incidents x 2 two-stage plans)" in out
    assert "stage 2 due within" in out
    assert "stage 2 lateness (due → StartEngagement): p50" in out
    assert "every stage exactly once: True (8 StartEngagement calls, 0 repeated)" in out
    assert "bot peak RSS:" in out
    assert "/incident help ack during the storm: p50" in out


async def test_the_acks_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    await acks.main(requests=6, in_flight=3, rounds=2)
    out = capsys.readouterr().out
    assert "incident-bot ack: p50" in out
    assert "bare Bolt ack:    p50" in out
    assert "p99 ratio (incident-bot / bare Bolt):" in out
    assert "round  2: p50 / p99 incident-bot" in out
    assert "2 interleaved rounds, on " in out and ", load average " in out
    assert "per-round p99 ratio: median" in out
    assert "per-round p50 ratio: median" in out


async def test_the_floor_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    await floor.main(calls=4, concurrency=2)
    out = capsys.readouterr().out
    assert "stage 1: 4 start_engagement through 2 threads: first sent → last answered" in out
    assert "stage 2: 4 start_engagement through 2 threads" in out
    assert "4 list_pages_by_engagement through 2 threads" in out
    assert "ms in the caller" in out
