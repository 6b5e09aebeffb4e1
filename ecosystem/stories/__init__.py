"""Stories: a prepared sequence of views, each with a title and a caption, told step by step.

A story file is JSON (``docs/stories.md`` describes it; ``ecosystem/story.schema.json`` is its
JSON Schema)::

    {"format": "ecosystem-story", "version": 1, "title": "...",
     "steps": [{"title": "...", "caption": "...", "view": {"sel": "ismc"},
                "camera": {"zoom": 1.2, "pan": {"x": 10.0, "y": -4.5}}}]}

A step's ``view`` holds the view state in the keys and text forms of the app's URL
(:mod:`ecosystem.web.spec`), so a step is exactly a link: :attr:`Step.query` is its query string.

Files are read strictly (:func:`parse_story`): every problem is collected and reported with the
file, the step and the field, and the file is refused whole. Titles and captions are plain text,
never markup: whoever draws them escapes them. Stories are saved in a folder of their own, never
the data folder, atomically and keeping earlier versions (:func:`write_story`).

Nothing here imports Dash: the web stack reads stories, stories do not read it.
"""

from ecosystem.stories.files import (
    KEEP_VERSIONS,
    StoryListing,
    list_stories,
    previous_versions,
    story_file_name,
    write_story,
)
from ecosystem.stories.format import (
    AS_OF_KEY,
    FORMAT,
    MAX_AREA,
    MAX_CAPTION_CHARS,
    MAX_FILE_BYTES,
    MAX_STEPS,
    MAX_TITLE_CHARS,
    MAX_ZOOM,
    MIN_AREA,
    MIN_ZOOM,
    VERSION,
    Camera,
    Step,
    Story,
    StoryError,
    StoryProblem,
    to_json,
)
from ecosystem.stories.reading import (
    check_story,
    named_entities,
    parse_story,
    read_story,
    require_in_network,
)

__all__ = [
    "AS_OF_KEY",
    "FORMAT",
    "KEEP_VERSIONS",
    "MAX_AREA",
    "MAX_CAPTION_CHARS",
    "MAX_FILE_BYTES",
    "MAX_STEPS",
    "MAX_TITLE_CHARS",
    "MAX_ZOOM",
    "MIN_AREA",
    "MIN_ZOOM",
    "VERSION",
    "Camera",
    "Step",
    "Story",
    "StoryError",
    "StoryListing",
    "StoryProblem",
    "check_story",
    "list_stories",
    "named_entities",
    "parse_story",
    "previous_versions",
    "read_story",
    "require_in_network",
    "story_file_name",
    "to_json",
    "write_story",
]
