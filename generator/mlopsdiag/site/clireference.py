"""The CLI reference, read from click's command tree so that it cannot fall behind."""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import click


@dataclass(frozen=True)
class ParamDoc:
    """One option or argument of a command."""

    names: str
    """As `--help` shows it, e.g. `--format [text|json|github]`."""
    help: str
    required: bool
    is_argument: bool


@dataclass(frozen=True)
class CommandDoc:
    """One command: where it sits in the tree and what `--help` says about it."""

    path: str
    """The full command line prefix, e.g. `mlopsdiag validate`."""
    anchor: str
    usage: str
    summary: str
    help: str
    params: tuple[ParamDoc, ...]
    subcommands: tuple[str, ...]


def _help_text(command: click.Command) -> str:
    """The help text as Markdown paragraphs (click's `\\b` and `\\f` markers removed)."""
    text = inspect.cleandoc(command.help or "")
    text = text.split("\f", 1)[0]
    return "\n".join(line for line in text.splitlines() if line.strip() != "\b").strip()


def _params(command: click.Command, ctx: click.Context) -> tuple[ParamDoc, ...]:
    out: list[ParamDoc] = []
    for param in command.get_params(ctx):
        if isinstance(param, click.Argument):
            metavar = param.make_metavar(ctx)
            out.append(ParamDoc(metavar, "", param.required, True))
            continue
        record = param.get_help_record(ctx)
        if record is None:
            continue
        names, help_text = record
        out.append(ParamDoc(names, help_text, param.required, False))
    return tuple(out)


def command_docs(command: click.Command, name: str = "mlopsdiag") -> list[CommandDoc]:
    """The command and every subcommand below it, depth first, subcommands sorted by name."""
    docs: list[CommandDoc] = []

    def walk(cmd: click.Command, info_name: str, parent: click.Context | None) -> None:
        ctx = click.Context(cmd, info_name=info_name, parent=parent, **cmd.context_settings)
        path = ctx.command_path
        subcommands: list[str] = []
        if isinstance(cmd, click.Group):
            subcommands = [n for n in sorted(cmd.list_commands(ctx)) if not cmd.commands[n].hidden]
        docs.append(
            CommandDoc(
                path=path,
                anchor="cli-" + "-".join(path.split()[1:]) if " " in path else "cli",
                usage=cmd.get_usage(ctx).strip(),
                summary=cmd.get_short_help_str(limit=200),
                help=_help_text(cmd),
                params=_params(cmd, ctx),
                subcommands=tuple(subcommands),
            )
        )
        if isinstance(cmd, click.Group):
            for sub in subcommands:
                walk(cmd.commands[sub], sub, ctx)

    walk(command, name, None)
    return docs
