"""Commands for the work beside the web: `assessment worker` and `assessment webhooks ...`.

Both read DATABASE_URL (default: the SQLite file) and REDIS_URL like the web does.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import click

from assessment.store.background import EVENTS


@contextmanager
def _session():
    from assessment.store import Database, default_url

    database = Database(default_url())
    try:
        with database.session() as session:
            yield session
    finally:
        database.dispose()


def _allow_private() -> bool:
    return os.environ.get("WEBHOOK_ALLOW_PRIVATE", "") in ("1", "true", "yes", "on")


def _send(key: str) -> None:
    """Queue what a command recorded: to the workers, or without Redis, run it here before exiting."""
    from assessment.jobs import DEFAULT_PREFIX, make_dispatcher
    from assessment.jobs.tasks import Settings
    from assessment.store import Database, default_url

    redis_url = os.environ.get("REDIS_URL")
    database = Database(default_url())
    try:
        dispatcher = make_dispatcher(
            database,
            redis_url,
            prefix=os.environ.get("JOB_QUEUE_PREFIX", DEFAULT_PREFIX),
            settings=Settings.from_env(),
        )
        dispatcher.kick()
        if not redis_url:
            dispatcher.wait(key, 60)
        dispatcher.close()
    finally:
        database.dispose()


@click.command()
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.option("--simple", is_flag=True, help="Run jobs in this process (no fork per job).")
@click.option("--name", default=None, help="The worker's name in Redis (default: RQ's).")
def worker(burst, simple, name):
    """Run a worker on REDIS_URL's queues: PDF renders, webhooks, e-mail (start any number)."""
    if not os.environ.get("REDIS_URL"):
        raise click.UsageError("set REDIS_URL (e.g. redis://127.0.0.1:6379/0): without it the web runs jobs itself")
    from assessment.jobs.worker import run_worker

    run_worker(burst=burst, simple=simple, name=name)


@click.group()
def webhooks():
    """Webhook endpoints (the CRM): add, list, enable, disable, remove, log, replay."""


def _fail(exc: Exception):
    raise click.ClickException(str(exc))


@webhooks.command("add")
@click.argument("url")
@click.option("--event", "events", multiple=True, type=click.Choice(EVENTS), help="Repeat for several (default: all).")
@click.option("--secret", default=None, help="A whsec_ secret to use (default: a new one, printed once).")
@click.option("--description", default=None)
def webhooks_add(url, events, secret, description):
    """Add an endpoint receiving EVENTS at URL (https; private addresses only with WEBHOOK_ALLOW_PRIVATE=1)."""
    from assessment.services import webhooks as hooks

    with _session() as session:
        try:
            endpoint = hooks.add_endpoint(
                session,
                url,
                events or EVENTS,
                secret=secret,
                description=description,
                allow_private=_allow_private(),
            )
        except hooks.WebhookError as exc:
            _fail(exc)
        click.echo(f"endpoint {endpoint.id}: {endpoint.url} ({', '.join(endpoint.events)})")
        click.echo(f"secret: {endpoint.secret}")


@webhooks.command("list")
def webhooks_list():
    """List the endpoints."""
    from assessment.services import webhooks as hooks

    with _session() as session:
        for e in hooks.endpoints(session):
            state = "enabled" if e.enabled else f"disabled ({e.disabled_reason})"
            click.echo(f"{e.id}\t{state}\t{e.url}\t{','.join(e.events)}")


def _toggle(endpoint_id: int, enabled: bool) -> None:
    from assessment.services import webhooks as hooks

    with _session() as session:
        try:
            e = hooks.set_enabled(session, endpoint_id, enabled)
        except hooks.WebhookError as exc:
            _fail(exc)
        click.echo(f"endpoint {e.id}: {'enabled' if e.enabled else 'disabled'}")


@webhooks.command("enable")
@click.argument("endpoint_id", type=int)
def webhooks_enable(endpoint_id):
    """Enable an endpoint again (after a 410, say)."""
    _toggle(endpoint_id, True)


@webhooks.command("disable")
@click.argument("endpoint_id", type=int)
def webhooks_disable(endpoint_id):
    """Stop sending to an endpoint."""
    _toggle(endpoint_id, False)


@webhooks.command("remove")
@click.argument("endpoint_id", type=int)
def webhooks_remove(endpoint_id):
    """Remove an endpoint and its log."""
    from assessment.services import webhooks as hooks

    with _session() as session:
        try:
            hooks.remove_endpoint(session, endpoint_id)
        except hooks.WebhookError as exc:
            _fail(exc)
    click.echo(f"endpoint {endpoint_id}: removed")


@webhooks.command("log")
@click.argument("endpoint_id", type=int)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
def webhooks_log(endpoint_id, limit):
    """The endpoint's deliveries, newest first: status, response code, duration, next try."""
    from assessment.services import webhooks as hooks

    with _session() as session:
        try:
            deliveries = hooks.log(session, endpoint_id, limit)
        except hooks.WebhookError as exc:
            _fail(exc)
        click.echo("delivery\tevent\tstatus\ttries\tcode\tms\tnext try\terror")
        for d in deliveries:
            last = d.tries[-1] if d.tries else None
            click.echo(
                "\t".join(
                    str(x)
                    for x in (
                        d.id,
                        d.event,
                        d.status,
                        d.attempts,
                        d.response_code if d.response_code is not None else "-",
                        last.duration_ms if last else "-",
                        f"{d.next_try_at:%Y-%m-%d %H:%M:%S}" if d.next_try_at else "-",
                        (last.error or "") if last else "",
                    )
                )
            )


@webhooks.command("replay")
@click.argument("delivery_id", type=int)
def webhooks_replay(delivery_id):
    """Send a logged delivery again (same webhook-id)."""
    from assessment.services import webhooks as hooks

    with _session() as session:
        try:
            d = hooks.replay(session, delivery_id)
        except hooks.WebhookError as exc:
            _fail(exc)
        key = hooks.next_job_key(d)
    _send(key)
    click.echo(f"delivery {d.id}: queued again")
