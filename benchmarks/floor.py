"""The floor under the alarm storm: bare boto3 calls to the emulator, with no bot at all.

A stage start cannot be quicker than its ``StartEngagement``. This sends ``--calls`` of them
to the storm's responders in the local emulator from another process (as the bot is one),
through the same kind of pool the bot's AWS gateway uses (a thread pool of
``AWS_MAX_CONCURRENCY`` threads sharing one boto3 client with its settings): once as stage 1
of a storm, then as many again with those engagements there, as its stage 2, then as many
``ListPagesByEngagement`` (the check for a page answered in AWS). It prints for each burst the
time from the first call sent to the last answered, the calls a second, and the CPU each call
costs the caller (signing, serialising, parsing) and the emulator (whose work per call grows
with the engagements it holds: it runs every engagement's clock on every call). Whatever the
bot does around these calls comes on top.

    .venv/bin/python -m benchmarks.floor [--calls 1000] [--concurrency 8]
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import NamedTuple

import boto3

from benchmarks.common import command_line
from benchmarks.storm import storm_seed
from bot.aws.gateway import CLIENT_CONFIG
from emulator.seed import EXAMPLE, load_seed
from emulator.testing import RunningEmulator

INCIDENT = "arn:aws:ssm-incidents::111122223333:incident-record/floor/1"
PEOPLE = 50  # the storm's responders: one a plan and stage


class Burst(NamedTuple):
    """What one burst of calls cost the process that sent them."""

    seconds: float  # first call sent → last answered
    cpu: float  # the sender's CPU seconds over the burst
    answers: list[str]  # StartEngagement: the engagements started


def burst(url: str, operation: str, arguments: list[dict[str, str]], concurrency: int) -> Burst:
    """Every call of ``operation`` at once through ``concurrency`` threads; run in a process
    of its own."""
    client = boto3.session.Session(region_name="us-east-1").client(
        "ssm-contacts",
        endpoint_url=url,
        aws_access_key_id="x",
        aws_secret_access_key="y",
        config=CLIENT_CONFIG,
    )
    method = getattr(client, operation)
    method(**arguments[0])  # the client's first call loads its models: not part of the burst
    cpu, started = time.process_time(), time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="aws") as pool:
        answers = list(pool.map(lambda kwargs: method(**kwargs), arguments[1:]))
    return Burst(
        time.perf_counter() - started,
        time.process_time() - cpu,
        [str(a.get("EngagementArn", "")) for a in answers],
    )


async def measured(
    pool: ProcessPoolExecutor,
    url: str,
    operation: str,
    arguments: list[dict[str, str]],
    concurrency: int,
) -> Burst:
    """One burst, printed with the CPU it cost this process (the emulator) per call."""
    calls = len(arguments) - 1
    emulator_cpu = time.process_time()
    done = await asyncio.get_running_loop().run_in_executor(
        pool, burst, url, operation, arguments, concurrency
    )
    emulator_cpu = time.process_time() - emulator_cpu
    print(
        f"{calls} {operation} through {concurrency} threads: first sent → last answered "
        f"{done.seconds:.2f} s ({calls / done.seconds:.0f} calls/s); CPU per call: "
        f"{done.cpu / calls * 1000:.2f} ms in the caller, {emulator_cpu / calls * 1000:.2f} ms "
        "in the emulator"
    )
    return done


async def main(calls: int, concurrency: int) -> None:
    print(f"{os.cpu_count()} cores, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    with (
        tempfile.TemporaryDirectory(prefix="floor-") as tmp,
        RunningEmulator(seed=EXAMPLE) as aws,
        ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool,
    ):
        load_seed(aws.emulator, storm_seed(Path(tmp) / "storm.yml", PEOPLE, 1, 1))
        for stage in (1, 2):
            starts = [
                {
                    "ContactId": aws.contacts.contact_arn(f"responder-{n % PEOPLE}-{stage}"),
                    "Sender": "floor",
                    "Subject": "[Impact 1] Floor",
                    "Content": f"Floor call {n}",
                    "IncidentId": INCIDENT,
                    "IdempotencyToken": f"floor-{stage}-{n}",
                }
                for n in range(calls + 1)
            ]
            print(f"stage {stage}: ", end="")
            started = await measured(pool, aws.url, "start_engagement", starts, concurrency)
        reads = [{"EngagementId": arn} for arn in [started.answers[0], *started.answers]]
        await measured(pool, aws.url, "list_pages_by_engagement", reads, concurrency)


if __name__ == "__main__":
    parser = command_line(__doc__)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8, help="AWS_MAX_CONCURRENCY")
    args = parser.parse_args()
    asyncio.run(main(args.calls, args.concurrency))
