"""The benchmarks still run (tiny sizes): a benchmark that rots measures nothing."""

from __future__ import annotations

import pytest

from benchmarks import ack_latency, paging_latency


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
