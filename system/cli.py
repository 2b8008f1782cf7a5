"""``iop``: the operators' command line (installed as a console script with the project).

    iop status                       readiness, queue depths, outbox backlogs, dead letters per service
    iop journey <enrollment id | request id>
    iop dead-letters list | show | replay | discard
    iop seed --sites N --patients M --seed S

Every command first says which database and broker it talks to: those of IOP_MONGO_URL and
IOP_AMQP_URL when set, else those of the ``make run`` that runs on IOP_DATA_DIR (./var), read
from its instance file. An empty answer says that it is empty.
"""
import json
import os
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import click

from shared.config import load_settings
from shared.messaging import dead_letters as letters
from shared.sites import load_sites
from system import instance, journey, pipeline, seed, services

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 110}


@dataclass
class Target:
    """What a command talks to, and how to say so."""

    settings: object
    found: dict | None
    base_url: str

    @classmethod
    def resolve(cls, data_dir: str | None, base_url: str | None) -> "Target":
        environ = dict(os.environ)
        if data_dir:
            environ["IOP_DATA_DIR"] = data_dir
        settings, found = instance.settings_of_running_instance(load_settings(environ), environ)
        return cls(settings, found, (base_url or f"http://127.0.0.1:{settings.http_port}").rstrip("/"))

    def database(self) -> str:
        url = pipeline.redacted(self.settings.mongo_url)
        if self.found and self.found.get("embedded_database") and self.settings.mongo_url == self.found.get("mongo_url"):
            return f"embedded MongoDB stand-in {url} of `make run` pid {self.found['pid']} (data in {self.settings.data_dir})"
        if url:
            return f"MongoDB {url}"
        return f"none: no `make run` runs on {self.settings.data_dir} and IOP_MONGO_URL is unset"

    def broker(self) -> str:
        if self.settings.amqp_url:
            return f"RabbitMQ {pipeline.redacted(self.settings.amqp_url)} (namespace {self.settings.broker_namespace})"
        return f"embedded broker (kombu filesystem transport) in {self.settings.data_dir / 'broker'}"

    def say_where(self, as_json: bool = False, api: bool = False) -> None:
        stream = sys.stderr if as_json else sys.stdout
        click.echo(f"database: {self.database()}", file=stream)
        click.echo(f"broker:   {self.broker()}", file=stream)
        if api:
            click.echo(f"API:      {self.base_url}", file=stream)

    def require_database(self) -> None:
        if not self.settings.mongo_url:
            raise click.ClickException(f"no database to read: {self.database()}. Start `make run`, pass --data-dir, "
                                       "or set IOP_MONGO_URL")


def _target(ctx) -> Target:
    return ctx.find_object(Target)


@click.group(context_settings=CONTEXT)
@click.option("--data-dir", envvar="IOP_DATA_DIR", default=None, metavar="DIR",
              help="Data folder of the `make run` to talk to (default ./var, or IOP_DATA_DIR).")
@click.option("--base-url", envvar="IOP_BASE_URL", default=None, metavar="URL",
              help="Base URL of the APIs (default http://127.0.0.1:IOP_HTTP_PORT, or the running instance's).")
@click.pass_context
def iop(ctx, data_dir, base_url):
    """Operators' commands for the IOP backend: health of every service, one patient's or one
    request's journey through the services, dead letters, and realistic demo data.

    \b
    Examples:
      iop status
      iop journey 6f1c...            # an enrollment id, or the X-Request-ID of a call
      iop dead-letters list
      iop dead-letters replay 0b7e... --dry-run
      iop seed --sites 2 --patients 200 --seed 7
      IOP_DATA_DIR=./var-2 iop status    # the second `make run` on this machine
    """
    ctx.obj = Target.resolve(data_dir, base_url)


# -- status ---------------------------------------------------------------------------------------

@iop.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of the table.")
@click.pass_context
def status(ctx, as_json):
    """Readiness of every service, its queue's depth (the consumer's lag), its outbox backlog and
    its dead letters.

    \b
    Examples:
      iop status
      iop status --json | jq '.services.aftercare'
      IOP_MONGO_URL=mongodb://db:27017 IOP_AMQP_URL=amqp://iop:***@mq:5672// iop --base-url http://gateway:8000 status
    """
    target = _target(ctx)
    target.say_where(as_json, api=True)
    report = collect_status(target)
    if as_json:
        click.echo(json.dumps(report, indent=2, default=str))
        return
    click.echo(render_status(report))


def collect_status(target: Target) -> dict:
    ready = pipeline.readiness_of_every_service(target.base_url)
    problems = []
    try:
        depths = pipeline.queue_depths(target.settings)
    except Exception as error:
        depths, problems = {}, [f"broker not answering ({type(error).__name__}: {error})"]
    rows = {}
    for service in services.SERVICES:
        outbox = None
        if target.settings.mongo_url:
            try:
                outbox = pipeline.outbox_backlog(target.settings, service)
            except Exception as error:
                problems.append(f"{service} database not answering ({type(error).__name__})")
        rows[service] = {**ready[service], **depths.get(service, {"queue": None, "dead_letters": None}),
                         "outbox": outbox,
                         "worker_metrics": ((target.found or {}).get("worker_metrics") or {}).get(service)}
    return {"services": rows, "problems": problems}


def render_status(report: dict) -> str:
    def shown(value):
        return "?" if value is None else str(value)

    lines = [f"{'service':<11} {'ready':<28} {'queue':>6} {'dead letters':>13} {'outbox':>7} {'oldest':>8}  worker metrics"]
    for service, row in report["services"].items():
        outbox = row["outbox"] or {}
        oldest = f"{outbox['oldest_age_seconds']:.0f}s" if outbox.get("events") else "-"
        lines.append(f"{service:<11} {row['detail'][:28]:<28} {shown(row['queue']):>6} {shown(row['dead_letters']):>13} "
                     f"{shown(outbox.get('events')):>7} {oldest:>8}  {row['worker_metrics'] or '-'}")
    rows = report["services"].values()
    ready = sum(row["ready"] for row in rows)
    dead = sum(row["dead_letters"] or 0 for row in rows)
    backlog = sum((row["outbox"] or {}).get("events") or 0 for row in rows)
    lines.append(f"{ready} of {len(rows)} services ready; "
                 + (f"{dead} dead letter(s)" if dead else "no dead letters") + "; "
                 + (f"{backlog} event(s) waiting in outboxes" if backlog else "outboxes empty"))
    lines += [f"problem: {problem}" for problem in report["problems"]]
    return "\n".join(lines)


# -- journey --------------------------------------------------------------------------------------

@iop.command(name="journey")
@click.argument("identifier")
@click.option("--json", "as_json", is_flag=True, help="The steps as JSON.")
@click.pass_context
def journey_command(ctx, identifier, as_json):
    """Every event of an enrollment (its id) or of a request (its X-Request-ID) in order across the
    services: who produced it, who handled it, what is pending or dead-lettered.

    \b
    Examples:
      iop journey 2b0c6a8e-3f6d-4c59-a1de-6f5f0a1b9c11     # an enrollment
      iop journey trace-me-4                                # the X-Request-ID of a discharge call
      iop journey 2b0c6a8e-... --json | jq '.[] | select(.awaited_by != [])'
    """
    target = _target(ctx)
    target.say_where(as_json)
    target.require_database()
    steps = journey.journey(target.settings, identifier)
    if as_json:
        click.echo(json.dumps([step.as_dict() for step in steps], indent=2, default=str))
        return
    click.echo(render_journey(identifier, steps))


def render_journey(identifier: str, steps: list) -> str:
    if not steps:
        return (f"no event found for {identifier}: no service produced or handled an event of this enrollment "
                "or request (yet)")
    pending = sum(bool(step.awaited_by or step.in_outbox) for step in steps)
    dead = sum(bool(step.dead_lettered) for step in steps)
    lines = [f"journey of {identifier}: {len(steps)} event(s), {pending} with work pending, {dead} dead-lettered"]
    for step in steps:
        lines.append(f"{step.occurred_at[:23]:<23}  {step.event_type:<38} by {step.producer:<10} "
                     f"event {step.event_id}")
        state = "waiting in the outbox" if step.in_outbox else (f"published {step.published_at[:23]}"
                                                               if step.published_at else "published")
        lines.append(f"{'':<25}{state}; correlation {step.correlation_id}")
        for service, at in sorted(step.handled_by.items(), key=lambda item: item[1]):
            lines.append(f"{'':<25}handled by {service:<10} at {at[:23]}")
        for service, why in step.dead_lettered.items():
            lines.append(f"{'':<25}DEAD-LETTERED at {service}: {why[:150]}")
        if step.awaited_by:
            lines.append(f"{'':<25}PENDING at {', '.join(step.awaited_by)}")
    return "\n".join(lines)


# -- dead letters ---------------------------------------------------------------------------------

SERVICE_OPTION = click.option("--service", "only", type=click.Choice(services.SERVICES), default=None,
                              help="Only this service's dead-letter queue (default: every service's).")


@iop.group(name="dead-letters")
def dead_letters():
    """Messages a service could not handle (undecodable, or failing every attempt), kept in its
    dead-letter queue: list, show, replay to that service only, or discard.

    \b
    Examples:
      iop dead-letters list
      iop dead-letters show 0b7e2c1a-...
      iop dead-letters replay 0b7e2c1a-... --dry-run
      iop dead-letters replay --all --service aftercare
      iop dead-letters discard 0b7e2c1a-...
    """


def _chosen(only: str | None) -> tuple[str, ...]:
    return (only,) if only else services.SERVICES


@dead_letters.command(name="list")
@SERVICE_OPTION
@click.option("--limit", type=int, default=100, show_default=True, help="At most this many per service.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def list_command(ctx, only, limit, as_json):
    """List dead letters: id, service, event type, site, when and why. Nothing is removed.

    \b
    Examples:
      iop dead-letters list
      iop dead-letters list --service aftercare --limit 20
      iop dead-letters list --json | jq -r .id
    """
    target = _target(ctx)
    target.say_where(as_json)
    found = 0
    for service in _chosen(only):
        for letter in letters.list_dead_letters(target.settings, service, limit):
            found += 1
            if as_json:
                click.echo(json.dumps({"service": service, **letter}))
            else:
                click.echo(f"{letter['id']}  {service:<10} {letter['event_type'] or '?':<36} site {letter['site_id'] or '?':<8}"
                           f" {letter['dead_lettered_at'] or '':<32} {(letter['reason'] or '')[:120]}")
    if not found:
        click.echo(f"no dead letters in {', '.join(_chosen(only))}", file=sys.stderr if as_json else sys.stdout)


@dead_letters.command()
@click.argument("letter_id")
@SERVICE_OPTION
@click.pass_context
def show(ctx, letter_id, only):
    """Show one dead letter by its id (or its event id): reason, envelope, payload (ids and codes).
    A body that holds no event is shown by size, type and digest, never its bytes.

    \b
    Examples:
      iop dead-letters show 0b7e2c1a-...
      iop dead-letters show 0b7e2c1a-... --service medication
    """
    target = _target(ctx)
    target.say_where()
    shown = 0
    for service in _chosen(only):
        for letter in letters.show_dead_letters(target.settings, service, [letter_id]):
            shown += 1
            click.echo(json.dumps({"service": service, **letter}, indent=2, default=str))
    if not shown:
        raise click.ClickException(f"no dead letter {letter_id} in {', '.join(_chosen(only))}")


def _act(ctx, action, ids, every, only, dry_run) -> None:
    if not ids and not every:
        raise click.UsageError("name the dead letters (their ids) or give --all")
    if ids and every:
        raise click.UsageError("give ids or --all, not both")
    target = _target(ctx)
    target.say_where()
    verb = {"replay": "replayed", "discard": "discarded"}[action]
    done = 0
    for service in _chosen(only):
        if action == "replay":
            acted = letters.replay_to_service(target.settings, service, None if every else ids, dry_run=dry_run)
            where = f" to {services.topology(target.settings).service_queue(service).name} only"
        else:
            acted = letters.discard_dead_letters(target.settings, service, None if every else ids, dry_run=dry_run)
            where = ""
        for letter in acted:
            done += 1
            click.echo(f"{'would be ' if dry_run else ''}{verb}: {letter['id']} ({service}, {letter['event_type'] or '?'})"
                       f"{where}")
    if not done:
        click.echo(f"nothing {verb}: no dead letter {'at all' if every else 'with these ids'} in "
                   f"{', '.join(_chosen(only))}")
    elif dry_run:
        click.echo(f"dry run: {done} dead letter(s) left where they were")


@dead_letters.command()
@click.argument("ids", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every dead letter (of --service, or of every service).")
@SERVICE_OPTION
@click.option("--dry-run", is_flag=True, help="Say what would be replayed; change nothing.")
@click.pass_context
def replay(ctx, ids, every, only, dry_run):
    """Replay dead letters to the service that failed them, and to it only: each is published to
    that service's own queue (default exchange, routing key = queue name), never to the topic
    exchange every subscriber sees, and leaves the dead-letter queue once the broker confirmed it.

    \b
    Examples:
      iop dead-letters replay 0b7e2c1a-... --dry-run
      iop dead-letters replay 0b7e2c1a-... 5d1f9e00-...
      iop dead-letters replay --all --service aftercare
    """
    _act(ctx, "replay", ids, every, only, dry_run)


@dead_letters.command()
@click.argument("ids", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every dead letter (of --service, or of every service).")
@SERVICE_OPTION
@click.option("--dry-run", is_flag=True, help="Say what would be discarded; change nothing.")
@click.option("--yes", is_flag=True, help="Do not ask before discarding --all.")
@click.pass_context
def discard(ctx, ids, every, only, dry_run, yes):
    """Remove dead letters for good (after their cause is understood and nothing is lost).

    \b
    Examples:
      iop dead-letters discard 0b7e2c1a-... --dry-run
      iop dead-letters discard 0b7e2c1a-...
      iop dead-letters discard --all --service medication --yes
    """
    if every and not dry_run and not yes:
        click.confirm(f"discard every dead letter of {', '.join(_chosen(only))} for good?", abort=True)
    _act(ctx, "discard", ids, every, only, dry_run)


# -- seed -----------------------------------------------------------------------------------------

def _keys_option(values: tuple[str, ...]) -> dict[str, str]:
    pairs = [value.split("=", 1) for value in values]
    if any(len(pair) != 2 for pair in pairs):
        raise click.BadParameter("give keys as SITE=KEY")
    return dict(pairs)


@iop.command(name="seed")
@click.option("--sites", type=click.IntRange(1), default=2, show_default=True, help="How many sites to spread patients over.")
@click.option("--patients", type=click.IntRange(0), default=40, show_default=True, help="How many patients in all.")
@click.option("--seed", "seed_value", type=int, default=1, show_default=True, help="The same seed makes the same network.")
@click.option("--key", "keys", multiple=True, metavar="SITE=KEY",
              help="A site's clinician key (default: the demo key demo-<site>-clinician, if the sites file knows it).")
@click.option("--workers", type=click.IntRange(1, 16), default=4, show_default=True, help="Patients seeded at once.")
@click.option("--write-sites-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Only write a demo sites file with --sites sites and the demo keys, for IOP_SITES_FILE.")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@click.pass_context
def seed_command(ctx, sites, patients, seed_value, keys, workers, write_sites_file, no_progress):
    """Create a realistic network through the public API: groups, patients at every stage,
    assessments, attendance, medications, completions and other discharges, follow-up visits and
    case-management work. Deterministic from --seed; running it again changes nothing.

    \b
    Examples:
      iop seed --sites 2 --patients 200 --seed 7
      iop seed --write-sites-file ./var/sites-5.json --sites 5
      IOP_SITES_FILE=./var/sites-5.json make run      # then, in another terminal:
      IOP_SITES_FILE=./var/sites-5.json iop seed --sites 5 --patients 500 --seed 7
    """
    if write_sites_file:
        seed.write_demo_sites_file(write_sites_file, sites)
        click.echo(f"wrote {write_sites_file}: {sites} site(s), keys demo-<site>-clinician and demo-operator; "
                   f"start with IOP_SITES_FILE={write_sites_file}")
        return
    target = _target(ctx)
    target.say_where(api=True)
    known = load_sites(target.settings.sites_file)
    usable = seed.sites_with_keys(known, _keys_option(keys))
    if len(usable) < sites:
        raise click.ClickException(
            f"{sites} site(s) asked for, but a clinician key is known for {len(usable)} of the sites in "
            f"{target.settings.sites_file} ({', '.join(usable) or 'none'}). Give --key SITE=KEY, or make a bigger "
            f"demo network: iop seed --write-sites-file ./var/sites-{sites}.json --sites {sites}, then start "
            f"make run with IOP_SITES_FILE=./var/sites-{sites}.json")
    chosen = {site_id: usable[site_id] for site_id in sorted(usable)[:sites]}
    today = min((known.get(site_id).today() for site_id in chosen), default=date.today())
    click.echo(f"seeding {patients} patient(s) over {', '.join(chosen)} with seed {seed_value}")
    from tqdm import tqdm

    with tqdm(total=patients, unit="patient", disable=no_progress, file=sys.stderr) as bar:
        try:
            totals = seed.run_seed(target.base_url, chosen, patients, seed_value, today, workers, bar.update)
        except seed.SeedFailed as error:
            raise click.ClickException(f"seeding stopped: {error}") from None
    click.echo("made: " + ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in totals.items()))


def main(argv: list[str] | None = None) -> int:
    """The console script ``iop``."""
    try:
        iop.main(args=argv, prog_name="iop", standalone_mode=True)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
