"""The templates' environment: every value escaped, and the library's words as filters (no vocabulary here)."""

from __future__ import annotations

import jinja2

from pipeline.web.state import HERE


def revision_name(revision: object) -> str:
    """Given a revision, return how a page names it: its label and revision date ("r3, 31 December 2015")."""
    from pipeline.meta import long_date

    label = getattr(revision, "label", "")
    when = long_date(getattr(revision, "as_of", None))
    draft = " (draft)" if getattr(revision, "draft", False) else ""
    return f"{label}, {when}{draft}" if when else f"{label}{draft}"


def make_templates() -> jinja2.Environment:
    """Return the Jinja2 environment of the app's templates: autoescaped, strict about missing names."""
    from pipeline.browse import days_slipped
    from pipeline.export.text import counts_to_text, sentence_case, status_word
    from pipeline.ingest import revision_date_words
    from pipeline.meta import long_date
    from pipeline.words import KIND_WORDS, plural, status_words, summarise

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        long_date=long_date,
        status_word=status_word,
        status_words=status_words,
        counts_words=counts_to_text,
        revision_name=revision_name,
        revision_date_words=revision_date_words,
        kind_words=lambda kind: sentence_case(KIND_WORDS.get(kind) or kind),
        summarise=summarise,
        sentence_case=sentence_case,
        days_slipped=days_slipped,
    )
    env.globals.update(plural=plural)
    return env
