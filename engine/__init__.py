"""kb's exercise engine: runs learner code in a sandboxed child process and checks it
numerically against a reference solution. Stands alone: never imports kb or Textual."""

from engine.spec import ExerciseSpec

__all__ = ["ExerciseSpec"]
