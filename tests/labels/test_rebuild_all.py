"""``scripts/rebuild_all.py``: one command, every labelling artifact, in dependency order."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "rebuild_all.py"


@pytest.fixture()
def rebuild() -> ModuleType:
    spec = importlib.util.spec_from_file_location("rebuild_all", SCRIPT)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _plan(mod: ModuleType, capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    assert mod.main(["--dry-run", *args]) == 0
    return [line.split("] ", 1)[1] for line in capsys.readouterr().out.splitlines()]


def test_from_nothing_every_step_runs_after_what_it_needs(
    rebuild: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = _plan(rebuild, capsys, "--work", "/w", "--corrections", "c.jsonl")

    def at(prefix: str) -> int:
        return next(i for i, s in enumerate(plan) if s.startswith(prefix))

    assert plan[0] == "python scripts/build_word_vectors.py"
    assert plan[1] == "python scripts/finetune_accurate.py prepare /w --corrections c.jsonl"
    trains = [s for s in plan if " train " in s]
    # three rounds, the shipped lineage: each is taught by the one before's fold models
    assert trains == [
        "python scripts/finetune_accurate.py train /w /w/round1 --jobs 6",
        "python scripts/finetune_accurate.py train /w /w/round2 --jobs 6 --distill 1",
        "python scripts/finetune_accurate.py train /w /w/round3 --jobs 6 --distill 2",
    ]
    for n in (1, 2):  # a round's folds are installed before the next round trains on them
        assert at(f"python scripts/finetune_accurate.py install /w/round{n}") < at(
            f"python scripts/finetune_accurate.py train /w /w/round{n + 1}"
        )
    assert at("rm -rf /w/round3") < at("python scripts/finetune_accurate.py train /w /w/round3")
    assert at("python scripts/finetune_accurate.py install /w/round3") < at(
        "python scripts/distill_teacher.py"
    )
    assert at("python scripts/distill_teacher.py") < at("python scripts/train_labels.py")
    assert "python scripts/train_labels.py --corrections c.jsonl" in plan
    assert at("python scripts/train_labels.py") < at("python scripts/finetune_accurate.py thresh")
    assert plan[-1] == "python scripts/quality_report.py --accurate"


def test_keep_teacher_and_fast_only(
    rebuild: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = _plan(rebuild, capsys, "--keep-teacher", "--work", "/w")
    assert [s for s in plan if " train " in s] == [
        "python scripts/finetune_accurate.py train /w /w/round3 --jobs 6 --distill 2"
    ]
    assert _plan(rebuild, capsys, "--fast-only") == [
        "python scripts/train_labels.py",
        "python scripts/quality_report.py",
    ]


def test_a_failing_step_stops_the_rebuild(
    rebuild: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "report-ran"
    (tmp_path / "train_labels.py").write_text("import sys; sys.exit(3)\n")
    (tmp_path / "quality_report.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    monkeypatch.setattr(rebuild, "HERE", tmp_path)
    assert rebuild.main(["--fast-only"]) == 3
    assert not marker.exists()
    (tmp_path / "train_labels.py").write_text("pass\n")
    assert rebuild.main(["--fast-only"]) == 0
    assert marker.exists()
