"""Browse one pack: its questions, each as a learner sees it, with its reference answer.

Opened from home (`b`) on a loaded pack, and by `quizapp preview PATH`, which watches the
file: every save reloads the pack, keeping the selection, and a pack that no longer
validates shows its errors (path:line:col: message) in place of the questions until fixed.

An executed question's reference is computed by the reference worker in a thread worker;
the answer comes back as a message tagged with the question it belongs to, so a late
answer for a question the author has since left is dropped.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from quizapp.grading.computed_traps import needs_resolving
from quizapp.grading.grader import Reference
from quizapp.grading.service import GradingService
from quizapp.packs.errors import PackError, PackLoadError
from quizapp.packs.families import describe, is_family, pin, variants
from quizapp.packs.loader import LoadedPack, load_pack
from quizapp.packs.models import AnyQuestion
from quizapp.screens.background_grading import BackgroundGrading
from quizapp.screens.try_question import TryScreen
from quizapp.widgets.question_card import QuestionCard
from quizapp.widgets.reference_view import COMPUTING, STARTING, ReferenceView

#: Seconds between two looks at the watched file.
POLL_SECONDS = 0.5
EXECUTED_MARK = "●"


def file_signature(path: Path) -> tuple[int, int] | None:
    """(mtime in ns, size) of `path`, or None when it cannot be read; a change means a save."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def error_text(path: Path, errors: list[PackError]) -> Text:
    """The errors as `quizapp validate` prints them, under a line saying what to do."""
    text = Text(f"{path} does not validate: {len(errors)} error(s)\n", style="bold")
    for error in errors:
        text.append(f"{error}\n", style="red")
    text.append("\nFix the file and save it: the questions come back.", style="dim")
    return text


class CardHolder(Vertical):
    """The question card of the shown question, rebuilt when the question changes."""

    DEFAULT_CSS = "CardHolder { height: auto; }"

    shown: reactive[tuple[AnyQuestion, str] | None] = reactive(None, recompose=True)

    def compose(self) -> ComposeResult:
        if self.shown is not None:
            question, progress = self.shown
            yield QuestionCard(question, progress, id="browse-card")


class BrowseScreen(Screen[None]):
    """The questions of one pack file; `t` tries the highlighted one.

    Args:
        path: The pack file.
        grading: Computes references of executed questions and grades tries.
        loaded: The pack, when already loaded (from home); else it is loaded on mount.
        watch: Reload the file whenever it changes on disk.
    """

    DEFAULT_CSS = """
    BrowseScreen #browse-status { height: 1; padding: 0 1; color: $text-muted; }
    BrowseScreen #browse-body { height: 1fr; }
    BrowseScreen #browse-list { width: 1fr; max-width: 64; height: 1fr; }
    BrowseScreen #browse-detail { width: 1fr; height: 1fr; padding: 0 1; }
    BrowseScreen #browse-covers { color: $text-muted; margin-top: 1; }
    BrowseScreen #browse-errors { height: 1fr; padding: 1 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "try", "Try it"),
        Binding("v", "next_variant", "Next variant"),
        Binding("r", "reload", "Reload"),
        Binding("escape", "close", "Back"),
    ]

    def __init__(
        self,
        path: Path,
        grading: GradingService,
        *,
        loaded: LoadedPack | None = None,
        watch: bool = False,
    ) -> None:
        super().__init__()
        self.path = path
        self.grading = grading
        self.references = BackgroundGrading(self, grading)
        self.loaded = loaded
        self.errors: list[PackError] = []
        self.watching = watch
        self.signature = file_signature(path)
        # Bumped on every reload, so that references computed for an old version are dropped.
        self.generation = 0
        self.selected_id: str | None = None
        # Which variant of each family is shown; `v` steps through them.
        self.variant_index: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="browse-status", markup=False)
        with Horizontal(id="browse-body"):
            yield DataTable(id="browse-list", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="browse-detail"):
                yield CardHolder()
                yield Static("", id="browse-covers", markup=False)
                yield ReferenceView(id="browse-reference")
        yield Static("", id="browse-errors")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#browse-list", DataTable)
        # The executed mark first: long topics and covers must not push it out of sight.
        table.add_column(EXECUTED_MARK, key="run")
        table.add_column("question", key="id")
        table.add_column("type", key="type")
        table.add_column("topic", key="topic")
        table.add_column("covers", key="covers")
        if self.loaded is None:
            self.load()  # shown when `Loaded` arrives
            self.query_one("#browse-status", Static).update(f"loading {self.path}…")
            self.query_one("#browse-body").display = False
            self.query_one("#browse-errors").display = False
        else:
            self.show_pack()
        if self.watching:
            self.set_interval(POLL_SECONDS, self.poll_file, name="watch-pack")

    # -- the file ------------------------------------------------------------------------

    class Loaded(Message):
        """The file was read (`loaded`) or found broken (`errors`), for reload `generation`."""

        def __init__(
            self, generation: int, loaded: LoadedPack | None, errors: list[PackError]
        ) -> None:
            super().__init__()
            self.generation = generation
            self.loaded = loaded
            self.errors = errors

    def load(self) -> None:
        """Read the file again off the UI thread; `Loaded` brings the pack or its errors."""
        self.generation += 1
        self.read_pack(self.generation)

    @work(thread=True, group="load-pack", exit_on_error=False)
    def read_pack(self, generation: int) -> None:
        """Load in a thread: a big file or a slow disk never freezes the screen."""
        try:
            loaded, errors = load_pack(self.path), []
        except PackLoadError as error:
            loaded, errors = None, error.errors
        self.post_message(self.Loaded(generation, loaded, errors))

    def on_browse_screen_loaded(self, event: Loaded) -> None:
        if event.generation != self.generation:
            return  # a newer save is being read
        # On failure the errors replace the questions (the last good pack is dropped).
        self.loaded, self.errors = event.loaded, event.errors
        self.show_pack()

    def poll_file(self) -> None:
        """Reload when the file's mtime or size changed since the last look."""
        signature = file_signature(self.path)
        if signature == self.signature:
            return
        self.signature = signature
        self.action_reload()

    def action_reload(self) -> None:
        """Load the file again; it is shown once read."""
        self.load()

    # -- showing -------------------------------------------------------------------------

    def show_pack(self) -> None:
        """Fill the list from the loaded pack, or show the errors in its place."""
        body = self.query_one("#browse-body")
        errors = self.query_one("#browse-errors", Static)
        status = self.query_one("#browse-status", Static)
        watching = " · watching for saves" if self.watching else ""
        loaded = self.loaded
        # `t` is offered only while there is a question to try.
        self.refresh_bindings()
        if loaded is None:
            body.display = False
            errors.display = True
            errors.update(error_text(self.path, self.errors))
            status.update(f"{self.path}{watching}")
            return
        body.display = True
        errors.display = False
        pack = loaded.pack
        executed = sum(question.executed for question in pack.questions)
        status.update(
            f"{loaded.id} · {pack.pack.title} · {len(pack.questions)} question(s), "
            f"{executed} executed ({EXECUTED_MARK}){watching}"
        )
        table = self.query_one("#browse-list", DataTable)
        keep = self.selected_id
        old_row = table.cursor_row
        table.clear()
        for question in pack.questions:
            table.add_row(
                EXECUTED_MARK if question.executed else "",
                question.id,
                question.type,
                question.topic,
                ", ".join(question.covers) or "-",
                key=question.id,
            )
        ids = [question.id for question in pack.questions]
        # The same question if it is still there, else the same place in the list.
        row = ids.index(keep) if keep in ids else min(max(old_row, 0), len(ids) - 1)
        table.move_cursor(row=row)
        # Hiding the list for errors took its focus away: the arrows must work again.
        if self.focused is None:
            table.focus()
        self.show_question(row)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        # Clearing and refilling the table posts highlights of rows the cursor has left.
        if (
            event.cursor_row == event.data_table.cursor_row
            and event.cursor_row != self.current_row()
        ):
            self.show_question(event.cursor_row)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_try()

    def current_row(self) -> int | None:
        """The index of the question shown in the detail pane."""
        if self.loaded is None or self.selected_id is None:
            return None
        ids = [question.id for question in self.loaded.pack.questions]
        return ids.index(self.selected_id) if self.selected_id in ids else None

    @property
    def question(self) -> AnyQuestion | None:
        """The question shown in the detail pane (a family pinned to its shown variant)."""
        row = self.current_row()
        if row is None or self.loaded is None:
            return None
        return self.pinned(self.loaded.pack.questions[row])

    def pinned(self, question: AnyQuestion) -> AnyQuestion:
        """A family as its shown variant; any other question as it is."""
        if not is_family(question):
            return question
        all_settings = variants(question)
        index = self.variant_index.get(question.id, 0) % len(all_settings)
        return pin(question, all_settings[index])

    def token(self) -> tuple[int, str]:
        """What a computed reference must match to be shown: the pack version, the question
        and its variant."""
        variant = self.variant_index.get(self.selected_id or "", 0)
        return (self.generation, f"{self.selected_id}#{variant}")

    def show_question(self, row: int) -> None:
        """Show question `row` as a learner sees it, with its reference answer."""
        loaded = self.loaded
        if loaded is None:
            return
        questions = loaded.pack.questions
        family = questions[row]
        question = self.pinned(family)
        self.selected_id = question.id
        self.refresh_bindings()  # `v` is offered on families only
        progress = f"{loaded.id} · {row + 1}/{len(questions)} · {question.id}"
        if is_family(family):
            all_settings = variants(family)
            index = self.variant_index.get(family.id, 0) % len(all_settings)
            progress += (
                f" · variant {index + 1}/{len(all_settings)}: {describe(all_settings[index])}"
            )
        self.query_one(CardHolder).shown = (question, progress)
        self.query_one("#browse-covers", Static).update(self.covers_text(question))
        view = self.query_one(ReferenceView)
        view.question = question
        # Tagged with the question, its variant and the file's version: a late answer for a
        # question (or variant) the author has since left is dropped.
        lookup = self.references.reference(
            self.token(), question, loaded.path.parent, exclusive=True
        )
        if lookup.failure is not None:
            view.show_failure(lookup.failure)
        elif lookup.pending:
            view.show_computing(COMPUTING if self.references.worker_ready else STARTING)
        else:
            self.show_reference(lookup.reference)

    def show_reference(self, reference: Reference | None) -> None:
        """Show the reference; computed traps follow once their probes have run."""
        view = self.query_one("#browse-reference", ReferenceView)
        view.show_reference(reference)
        question = view.question
        if reference is not None and question is not None and needs_resolving(question):
            self.resolve_traps(self.token(), question, reference)

    @work(thread=True, exclusive=True, group="browse-traps", exit_on_error=False)
    def resolve_traps(
        self, token: tuple[int, str], question: AnyQuestion, reference: Reference
    ) -> None:
        """Run the computed traps' probes for the variant shown (cached after the first)."""
        loaded = self.loaded
        pack_dir = loaded.path.parent if loaded is not None else None
        resolved = self.grading.with_computed_traps(question, reference, pack_dir)
        self.post_message(self.TrapsResolved(token, resolved, reference))

    class TrapsResolved(Message):
        """The shown question's computed traps have their values for its variant."""

        def __init__(
            self, token: tuple[int, str], question: AnyQuestion, reference: Reference
        ) -> None:
            super().__init__()
            self.token = token
            self.question = question
            self.reference = reference

    def on_browse_screen_traps_resolved(self, event: TrapsResolved) -> None:
        if event.token != self.token():
            return  # for a question (or variant) no longer shown
        view = self.query_one("#browse-reference", ReferenceView)
        view.question = event.question
        view.show_reference(event.reference)

    def covers_text(self, question: AnyQuestion) -> str:
        """The objectives the question covers, in words."""
        if self.loaded is None or not question.covers:
            return "Covers no objective."
        texts = {o.id: o.text for o in self.loaded.pack.pack.objectives}
        return "Covers: " + "; ".join(
            f"{objective} ({texts.get(objective, '?')})" for objective in question.covers
        )

    def on_background_grading_reference_ready(
        self, event: BackgroundGrading.ReferenceReady
    ) -> None:
        if event.tag != self.token():
            return  # for a question no longer shown: the service has cached it anyway
        view = self.query_one("#browse-reference", ReferenceView)
        if event.failure is not None:
            view.show_failure(event.failure)
        else:
            self.show_reference(event.reference)

    # -- actions -------------------------------------------------------------------------

    def action_try(self) -> None:
        """Answer the highlighted question as a learner would (nothing is recorded)."""
        question = self.question
        if question is None or self.loaded is None:
            return
        where = f"{self.loaded.id}/{question.id}"
        self.app.push_screen(TryScreen(question, self.loaded.path.parent, self.grading, where))

    def action_next_variant(self) -> None:
        """Show the next variant of the highlighted family (wrapping round)."""
        row = self.current_row()
        if row is None or self.loaded is None:
            return
        question = self.loaded.pack.questions[row]
        self.variant_index[question.id] = self.variant_index.get(question.id, 0) + 1
        self.show_question(row)

    def action_close(self) -> None:
        """Back to where the browser was opened."""
        self.dismiss()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "try":
            # Nothing to try while the file does not validate.
            return self.loaded is not None
        if action == "next_variant":
            row = self.current_row()
            # Offered only on a family.
            return (
                self.loaded is not None
                and row is not None
                and is_family(self.loaded.pack.questions[row])
            )
        return True
