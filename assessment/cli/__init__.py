"""The `assessment` command line: one group, its commands in the modules beside this file."""

from __future__ import annotations

import click

from assessment.cli import background, bank, site, users


@click.group()
@click.version_option(package_name="cmo-assessment")
def main():
    """CMO思考診断 — diagnose how marketing is connected to management."""


for command in (
    bank.questions,
    bank.evaluate_cmd,
    bank.rules,
    site.serve,
    site.check,
    site.db,
    site.funnel,
    background.worker,
    background.webhooks,
    users.users,
):
    main.add_command(command)

if __name__ == "__main__":  # pragma: no cover
    main()
