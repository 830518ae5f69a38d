"""One async facade over botocore's ssm-incidents and ssm-contacts clients."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoRegionError
from botocore.loaders import Loader, create_loader
from prometheus_client import Counter, Histogram

from bot.aws.errors import domain_error
from bot.config import ConfigError
from bot.turns import Turns

log = logging.getLogger(__name__)

Service = Literal["ssm-incidents", "ssm-contacts"]
INCIDENTS: Service = "ssm-incidents"
CONTACTS: Service = "ssm-contacts"

AWS_CALLS = Counter("incident_bot_aws_calls_total", "AWS API calls", ["operation", "outcome"])
AWS_LATENCY = Histogram("incident_bot_aws_call_seconds", "AWS API call latency", ["operation"])

CLIENT_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 4},
    connect_timeout=3,
    read_timeout=15,
    max_pool_connections=64,
)
# botocore's JSON models, read once per process: a new session reads them again (50 ms a client),
# and a process that builds more than one gateway (the tests, the demo) shares them.
MODELS: Loader = create_loader()


class AwsGateway:
    """Runs boto3 calls off the event loop, in a bounded pool, with AWS errors made domain errors.
    An urgent call (a page's ``StartEngagement``) takes the next free thread before the others.

    Endpoints come from botocore's own ``AWS_ENDPOINT_URL_SSM_INCIDENTS`` /
    ``AWS_ENDPOINT_URL_SSM_CONTACTS`` / ``AWS_ENDPOINT_URL`` and credentials from the
    standard chain, so nothing here knows whether it talks to AWS or the emulator.
    """

    def __init__(self, region: str | None = None, max_concurrency: int = 8) -> None:
        session = botocore.session.get_session()
        session.register_component("data_loader", MODELS)
        try:
            self._clients = {
                name: session.create_client(name, region_name=region, config=CLIENT_CONFIG)
                for name in ("ssm-incidents", "ssm-contacts")
            }
        except NoRegionError:
            raise ConfigError(
                "AWS_REGION is not set: set it to the region of your Incident Manager "
                "replication set (for example us-east-1)."
            ) from None
        self._pool = ThreadPoolExecutor(max_workers=max_concurrency, thread_name_prefix="aws")
        self._threads = Turns(max_concurrency)

    @property
    def region(self) -> str:
        return self._clients["ssm-incidents"].meta.region_name

    async def call(
        self, service: Service, operation: str, urgent: bool = False, **params: Any
    ) -> dict[str, Any]:
        """Call ``operation`` (boto3's snake_case name) and return its answer."""
        method: Callable[..., dict[str, Any]] = getattr(self._clients[service], operation)
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        try:
            async with self._threads.turn(urgent):
                answer = await loop.run_in_executor(self._pool, lambda: method(**params))
        except (ClientError, BotoCoreError) as exc:
            AWS_CALLS.labels(operation, "error").inc()
            error = domain_error(service, operation, exc)
            log.warning("%s.%s failed: %s (AWS: %s)", service, operation, error.message, exc)
            raise error from exc
        finally:
            AWS_LATENCY.labels(operation).observe(time.perf_counter() - started)
        AWS_CALLS.labels(operation, "ok").inc()
        answer.pop("ResponseMetadata", None)
        return answer

    async def pages(
        self,
        service: Service,
        operation: str,
        key: str,
        limit: int | None = None,
        urgent: bool = False,
        **params: Any,
    ) -> list[dict[str, Any]]:
        """The items under ``key`` across the pages of a paginated operation: every one, or
        the first ``limit`` (no page past them is fetched)."""
        items: list[dict[str, Any]] = []
        token_name = "nextToken" if service == INCIDENTS else "NextToken"
        while True:
            answer = await self.call(service, operation, urgent, **params)
            items.extend(answer.get(key, []))
            token = answer.get(token_name)
            if not token or (limit is not None and len(items) >= limit):
                return items[:limit]
            params[token_name] = token

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
