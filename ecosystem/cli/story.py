"""`ecosystem story validate | export | list`: check a story against the data, play it offline
as one HTML file, and list a folder of stories."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from ecosystem.cli.support import EXIT_OK, _dump, format_table, progress_bar


def register(
    commands: Any, common: argparse.ArgumentParser, as_json: argparse.ArgumentParser
) -> None:
    story = commands.add_parser("story", help="check, export and list stories (docs/stories.md)")
    actions = story.add_subparsers(dest="story_command", required=True, metavar="ACTION")

    validate = actions.add_parser(
        "validate",
        parents=[common],
        help="check a story and that the data holds what it names",
    )
    validate.add_argument("story", type=Path, metavar="STORY", help="a story file (.json)")
    validate.set_defaults(handler=cmd_validate)

    export = actions.add_parser(
        "export", parents=[common], help="one HTML file that plays the story with no server"
    )
    export.add_argument("story", type=Path, metavar="STORY", help="a story file (.json)")
    export.add_argument("--out", type=Path, required=True, metavar="FILE", help="the HTML file")
    export.add_argument(
        "--cache",
        type=Path,
        metavar="DIR",
        help="where computed metrics are kept between runs "
        "(default: $ECOSYSTEM_CACHE, else ~/.cache/ecosystem)",
    )
    export.set_defaults(handler=cmd_export)

    listing = actions.add_parser("list", parents=[as_json], help="the stories in a folder")
    listing.add_argument(
        "--stories", type=Path, required=True, metavar="DIR", help="the folder of stories"
    )
    listing.set_defaults(handler=cmd_list)


def _checked_story(args: argparse.Namespace):
    """The story, read and checked against the data: raises StoryError naming what is wrong."""
    from ecosystem.graph import load_graph
    from ecosystem.stories import read_story, require_in_network

    story = read_story(args.story)
    graph = load_graph(args.data)
    require_in_network(story, graph, name=str(args.story))
    return story, graph


def cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    story, graph = _checked_story(args)
    print(
        f"{args.story}: {len(story.steps)} step{'s' if len(story.steps) != 1 else ''} valid, "
        f"every entity named is in {args.data} ({graph.number_of_nodes()} entities)",
        file=out,
    )
    return EXIT_OK


def cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    from ecosystem.explorer import build_model
    from ecosystem.storage import write_bytes_atomically
    from ecosystem.stories import StoryError, StoryProblem
    from ecosystem.web.story_html import render_offline

    story, graph = _checked_story(args)
    if not story.steps:
        problem = StoryProblem(str(args.story), 0, "", "steps", "has no steps", "add a step first")
        raise StoryError([problem])
    with progress_bar("Preparing the network") as progress:
        model = build_model(graph, cache=args.cache, progress=progress)
    page = render_offline(story, model, name=str(args.story)).encode("utf-8")
    write_bytes_atomically(args.out, page)
    print(
        f"{args.out}: {len(story.steps)} step{'s' if len(story.steps) != 1 else ''}, "
        f"{len(page):,} bytes; opens in a browser with no server and no network",
        file=out,
    )
    return EXIT_OK


def cmd_list(args: argparse.Namespace, out: TextIO) -> int:
    from ecosystem.stories import list_stories

    found = list_stories(args.stories)
    if args.json:
        _dump(found, out)
        return EXIT_OK
    if not found:
        print(f"{args.stories}: no stories", file=out)
        return EXIT_OK
    rows = [
        (entry["name"], entry["steps"] if entry["error"] is None else "-", entry["title"] or "")
        for entry in found
    ]
    print(format_table(["story", "steps", "title"], rows), file=out)
    for entry in found:
        if entry["error"]:
            print(f"cannot read {entry['name']}: {entry['error']}", file=out)
    return EXIT_OK
