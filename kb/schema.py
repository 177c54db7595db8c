"""The content model: one pydantic model per kind of YAML document in ``content/``.

Every model forbids unknown fields, so a typo in a key is an error with a location,
not a silently ignored line. Learner-facing text is a :class:`Text` (``{en, zh}``).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from engine.spec import ExerciseSpec
from kb.index.current import FOLDERS as _INDEX_FOLDERS
from kb.text import Bilingual

SLUG_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[str, Field(pattern=SLUG_RE, max_length=80)]
LANGS = ("en", "zh")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, defer_build=True)


class Text(Strict, Bilingual):
    """A learner-facing text in English and Simplified Chinese. Shipped content has
    both; a user pack may have one, shown with a fallback marker."""

    en: str | None = None
    zh: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_plain_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            raise ValueError("must be a mapping with 'en' and/or 'zh', not a plain string")
        return value

    @model_validator(mode="after")
    def _at_least_one(self) -> "Text":
        if not (self.en or "").strip() and not (self.zh or "").strip():
            raise ValueError("needs text in 'en' or 'zh'")
        return self



class EntryBase(Strict):
    id: Slug
    title: Text
    summary: Text
    body: Text | None = None  # Markdown
    tags: list[Slug] = []
    related: list[Slug] = []
    prerequisites: list[Slug] = []


# --- concept -------------------------------------------------------------------------

PlotFunction = Literal[
    "sigmoid", "tanh", "relu", "leaky-relu", "elu", "gelu", "softplus", "swish",
    "step", "identity", "mse", "mae", "huber", "bce", "hinge", "log-loss",
]


class Formula(Strict):
    expr: str = Field(min_length=1)  # Unicode, e.g. σ(x) = 1 / (1 + e⁻ˣ)
    name: Text | None = None
    note: Text | None = None


class Plot(Strict):
    """A plot of a named function (never an expression: nothing in content runs)."""

    function: PlotFunction
    x_min: float = -6.0
    x_max: float = 6.0

    @model_validator(mode="after")
    def _range(self) -> "Plot":
        if self.x_min >= self.x_max:
            raise ValueError("x_min must be less than x_max")
        return self


class Concept(EntryBase):
    kind: Literal["concept"]
    formulas: list[Formula] = []
    key_points: list[Text] = []
    when_to_use: Text | None = None
    common_mistakes: list[Text] = []
    plot: Plot | None = None


# --- faq -----------------------------------------------------------------------------


def _title_and_summary_optional(schema: dict[str, Any]) -> None:
    schema["required"] = [f for f in schema.get("required", []) if f not in ("title", "summary")]


class Faq(EntryBase):
    """A question answered in its first sentence. ``title`` defaults to the question
    and ``summary`` to the answer, so an FAQ file need not repeat itself."""

    # The defaults are filled in before validation; the JSON Schema must not demand them.
    model_config = ConfigDict(json_schema_extra=_title_and_summary_optional)

    kind: Literal["faq"]
    question: Text
    answer: Text  # Markdown; the first sentence answers the question

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            if "title" not in data and "question" in data:
                data["title"] = data["question"]
            if "summary" not in data and "answer" in data:
                data["summary"] = data["answer"]
        return data


# --- tool ----------------------------------------------------------------------------

ToolCategory = Literal[
    "framework", "library", "model-hub", "dataset-hub", "experiment-tracking",
    "serving", "research", "platform", "notebook", "data", "evaluation", "other",
]


class Tool(EntryBase):
    kind: Literal["tool"]
    category: ToolCategory
    homepage: str = Field(pattern=r"^https?://\S+$")
    status: Literal["active", "discontinued", "superseded"]
    status_year: int = Field(ge=1990, le=2100)  # the year the status was true
    successor: Slug | None = Field(default=None, validate_default=True)  # an entry id
    status_note: Text | None = None

    @field_validator("successor")
    @classmethod
    def _successor(cls, successor: str | None, info: ValidationInfo) -> str | None:
        status = info.data.get("status")
        if status in ("discontinued", "superseded") and not successor:
            raise ValueError(f"a {status} tool names its successor (the id of an entry)")
        return successor


# --- application ---------------------------------------------------------------------


class Application(EntryBase):
    kind: Literal["application"]
    domain: Literal[
        "nlp", "vision", "speech", "multimodal", "science", "recommendation",
        "robotics", "code", "other",
    ]
    tasks: list[Text] = Field(min_length=1)
    concepts: list[Slug] = []  # the concepts it rests on


# --- quiz ----------------------------------------------------------------------------


class _ItemBase(Strict):
    id: Slug
    concepts: list[Slug] = Field(min_length=1)
    question: Text
    explanation: Text


class SingleChoice(_ItemBase):
    type: Literal["single"]
    choices: list[Text] = Field(min_length=2, max_length=8)
    answer: int = Field(ge=0)

    # Field validators (not model validators) so that a problem points at the answer.
    @field_validator("answer")
    @classmethod
    def _in_range(cls, answer: int, info: ValidationInfo) -> int:
        choices = info.data.get("choices")
        if choices is not None and answer >= len(choices):
            raise ValueError(f"answer {answer} is not a choice index (0..{len(choices) - 1})")
        return answer


class MultipleChoice(_ItemBase):
    type: Literal["multiple"]
    choices: list[Text] = Field(min_length=2, max_length=8)
    answers: list[int] = Field(min_length=1)

    @field_validator("answers")
    @classmethod
    def _in_range(cls, answers: list[int], info: ValidationInfo) -> list[int]:
        choices = info.data.get("choices")
        bad = [a for a in answers if choices is not None and not 0 <= a < len(choices)]
        if bad and choices is not None:
            raise ValueError(f"answers {bad} are not choice indexes (0..{len(choices) - 1})")
        if len(set(answers)) != len(answers):
            raise ValueError("answers repeat an index")
        return answers


class TrueFalse(_ItemBase):
    type: Literal["true_false"]
    answer: bool


class Numeric(_ItemBase):
    type: Literal["numeric"]
    answer: float
    tolerance: float = Field(ge=0)  # absolute


class AcceptedAnswers(Strict):
    en: list[str] = []
    zh: list[str] = []


class ShortAnswer(_ItemBase):
    type: Literal["short"]
    accepted: AcceptedAnswers

    @field_validator("accepted")
    @classmethod
    def _some(cls, accepted: AcceptedAnswers) -> AcceptedAnswers:
        if not accepted.en and not accepted.zh:
            raise ValueError("needs at least one accepted answer")
        return accepted


QuizItem = Annotated[
    Union[SingleChoice, MultipleChoice, TrueFalse, Numeric, ShortAnswer],
    Field(discriminator="type"),
]


class Quiz(EntryBase):
    kind: Literal["quiz"]
    items: list[QuizItem] = Field(min_length=1)


# --- exercise ------------------------------------------------------------------------


class Exercise(EntryBase, ExerciseSpec):
    """``body`` holds the instructions; the engine fields come from ExerciseSpec."""

    kind: Literal["exercise"]
    concepts: list[Slug] = Field(min_length=1)
    difficulty: int = Field(ge=1, le=5)
    # The course's four tracks, in the order a learner meets them (kb.exercises.TRACK_ORDER,
    # named by kb.app.labels.track_name).
    track: Literal["foundations", "networks", "autograd", "large-models"] = "foundations"
    hints: list[Text] = Field(min_length=1, max_length=5)  # idea, NumPy tool, partial line


# --- path ----------------------------------------------------------------------------


class Step(Strict):
    do: Literal["read", "quiz", "exercise"]
    ref: Slug  # read: any entry; quiz: a concept (its items) or a quiz id; exercise: an id
    note: Text | None = None


class LearningPath(EntryBase):
    kind: Literal["path"]
    steps: list[Step] = Field(min_length=1)


KINDS: dict[str, type[Entry]] = {
    "concept": Concept,
    "faq": Faq,
    "tool": Tool,
    "application": Application,
    "quiz": Quiz,
    "exercise": Exercise,
    "path": LearningPath,
}

# The folder each kind lives in, under a content root: the index's map (standard library
# only, so a lookup can list the files without pydantic); kb.app.labels names the kinds.
FOLDERS = _INDEX_FOLDERS

Entry = Union[Concept, Faq, Tool, Application, Quiz, Exercise, LearningPath]

AnyEntry = Annotated[Entry, Field(discriminator="kind")]


def json_schema() -> dict[str, Any]:
    from pydantic import TypeAdapter

    schema = TypeAdapter(AnyEntry).json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "kb content file"
    return schema


def is_slug(value: str) -> bool:
    return re.fullmatch(SLUG_RE.rstrip("$"), value) is not None  # "$" would allow a final newline
