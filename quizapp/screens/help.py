"""`?`: the keys of every screen."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """\
# Keys

| where | key | does |
| --- | --- | --- |
| everywhere | `ctrl+p` | command palette: practice, mock interview, browse, stats, help, settings |
| everywhere | `?` / `f1` | this help |
| home | `p` | practise every pack: due questions first, then new ones |
| home | `enter` | practise the highlighted pack |
| home | `c` | cram the highlighted pack (the schedule is not changed) |
| home | `m` / `b` / `t` | mock interview / browse / stats |
| stats | `w` | practise the highlighted weakest objective |
| stats | `x` | suspend or unsuspend the highlighted leech (suspended: never drawn) |
| stats | `r` / `i` | desired retention / interview date (practice follows the plan) |
| stats | `o` | fit FSRS to your history (in the background) |
| stats | `escape` / `q` | back |
| browse | `t` / `enter` | try the highlighted question (nothing is recorded) |
| browse | `r` / `escape` | reload the pack / back (in `quizapp preview`: quit) |
| question | `enter` | submit (choices: arrows + `enter`, or `a`–`f`) |
| question | `h` / `ctrl+t` | next hint |
| question | `s` / `ctrl+s` | skip |
| question | `f` / `ctrl+g` | flag the question for its author |
| question | `escape` | end the session (answers so far are saved) |
| explain | `ctrl+r`, then `space`, `enter` | model answer, tick the rubric, done |
| feedback | `enter` | accept the suggested rating and go on |
| feedback | `1` `2` `3` `4` | rate Again / Hard / Good / Easy instead |
| feedback | `f` | flag the question for its author |
| mock | `s` / `ctrl+s` | skip for now (the interview comes back to it) |
| mock | `b` / `ctrl+b` | back to an earlier unanswered question |
| mock | `p` / `ctrl+o` | pause / resume (the pause is on the report) |
| mock | `ctrl+r` | done with the notes of an explain or flashcard question |
| mock | `escape` twice | end the interview now |
| report | `w` / `m` | practise the weakest objective / export Markdown |

While a text box has focus, letters type into it: use the `ctrl` keys there.
A choice question with six choices takes `f` as its sixth answer: flag with `ctrl+g`.
"""


class HelpScreen(ModalScreen[None]):
    """Dismissed by escape, q or ?."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(HELP)

    def action_close(self) -> None:
        """Back to where help was opened."""
        self.dismiss()
