"""Removing a revision or a plan from the store."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from pipeline.cli.base import _open_store, main, store_option

if TYPE_CHECKING:
    from pipeline.records.store import Removal


def _ask(removal: Removal) -> bool:
    from pipeline.removal import removal_heading, removal_to_lines

    click.echo(removal_heading(removal))
    for line in removal_to_lines(removal):
        click.echo(f"  {line}")
    return click.confirm("Remove all of this?", default=False)


@main.command()
@click.argument("revision", required=False)
@click.option("--plan", help="Plan name: the plan to remove, or the plan REVISION belongs to (default: the only plan).")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@store_option
def remove(revision: str | None, plan: str | None, yes: bool, store: str | None) -> None:
    """Remove a revision (REVISION) or a whole plan (--plan NAME alone) from the store.

    What is built on a revision goes with it: drafts of owner returns collected
    against it, and the closures recorded against it. Removing a plan's only
    revision removes the plan. It asks first (--yes: do not), removes it all in
    one transaction, and logs what went in the store.

    \b
    Examples:
      actionplan remove r3
      actionplan remove --plan "Appendix 1: Action Plan" --yes
    """
    from pipeline.removal import remove_from_store, removed_to_lines
    from pipeline.store import describe_url

    if revision is None and plan is None:
        raise click.UsageError("say what to remove: a REVISION, or --plan NAME for a whole plan")
    opened = _open_store(store)
    done, removed = remove_from_store(opened, revision, plan=plan, confirm=None if yes else _ask)
    if not removed:
        click.echo("nothing was removed")
        sys.exit(1)
    for line in removed_to_lines(done, describe_url(opened.url)):
        click.echo(line)
