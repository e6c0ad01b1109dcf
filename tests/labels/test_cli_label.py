from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import earful.cli.label  # noqa: F401  (registers the command)
from earful.cli.app import app

pytestmark = pytest.mark.usefixtures("fast_model")
runner = CliRunner()


def test_label_command(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": "1", "text": "I love the new Acme Pulse dashboard!"})
        + "\n"
        + json.dumps(
            {
                "id": "2",
                "text": "How do I reset my password?",
                "source": "x",
                "author": {"followers": 10, "following": 20},
            }
        )
        + "\n"
        + "\n"
        + json.dumps(
            {
                "id": 3,
                "text": "check out my channel http://a.example http://b.example http://c.example",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    res = runner.invoke(
        app,
        [
            "label",
            "--input",
            str(src),
            "--output",
            str(out),
            "--product",
            "Acme Pulse",
            "--aliases",
            "Pulse",
            "--about",
            "analytics app",
            "--jobs",
            "1",
        ],
    )
    assert res.exit_code == 0, res.output
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["1", "2", 3]  # an integer id stays an integer
    assert rows[0]["sentiment"] == "positive" and rows[0]["relevant"] is True
    assert rows[1]["question"] is True
    assert rows[2]["spam"] is True and rows[2]["spam_reasons"]


def test_without_product_has_no_relevant(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "fine"}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert runner.invoke(app, ["label", "-i", str(src), "-o", str(out)]).exit_code == 0
    assert "relevant" not in json.loads(out.read_text(encoding="utf-8"))


def test_bad_json_names_file_line_column(tmp_path: Path) -> None:
    src = tmp_path / "bad.jsonl"
    src.write_text('{"id": "a", "text": "fine"}\n{"id": "b", "text": nope}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, ["label", "--input", str(src), "--output", str(out)])
    assert res.exit_code != 0
    assert "bad.jsonl:2:" in res.output.replace("\n", "")
    assert not out.exists()


def test_label_stdin_to_stdout() -> None:
    lines = [json.dumps({"id": "a", "text": "love it"}), json.dumps({"id": "b", "text": "why?"})]
    res = runner.invoke(app, ["label", "-i", "-", "-o", "-"], input="\n".join(lines) + "\n")
    assert res.exit_code == 0, res.output
    rows = [json.loads(x) for x in res.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"]
    assert rows[1]["question"] is True


def test_label_bad_stdin_line_writes_nothing_and_names_it() -> None:
    res = runner.invoke(
        app, ["label", "-i", "-", "-o", "-"], input=json.dumps({"id": "a", "text": "ok"}) + "\n{\n"
    )
    assert res.exit_code == 1
    assert '"id"' not in res.stdout
    assert "<stdin>:2:" in res.output


def test_label_reads_the_source_field() -> None:
    text = "Tune in tomorrow at 8pm ET for the final, all the details here http://t.co/AbC123"
    lines = [
        json.dumps({"id": "a", "text": text, "source": "youtube"}),
        json.dumps({"id": "b", "text": text, "source": "x"}),
        # no source, but a t.co link: a tweet (worded apart: three equal texts are repeated text)
        json.dumps({"id": "c", "text": text.replace("tomorrow", "tonight")}),
    ]
    res = runner.invoke(app, ["label", "-i", "-", "-o", "-"], input="\n".join(lines) + "\n")
    assert res.exit_code == 0, res.output
    rows = [json.loads(x) for x in res.stdout.splitlines()]
    assert [r["spam"] for r in rows] == [True, False, False]


def test_label_takes_the_source_from_the_posts_own_url() -> None:
    link = "https://blog.example.org/builds"
    # worded apart: the same text three times is repeated text wherever it is posted
    texts = [f"Wrote up how we cut our {w} times in half: {link}" for w in ("build", "CI", "test")]
    lines = [
        json.dumps({"id": "a", "text": texts[0]}),  # no source, no url: judged as a comment
        json.dumps({"id": "b", "text": texts[0], "url": "https://old.reddit.com/r/devops/c/1"}),
        json.dumps({"id": "c", "text": texts[1], "url": "https://news.ycombinator.com/item?id=7"}),
        # the source field wins over the url
        json.dumps({"id": "d", "text": texts[2], "source": "youtube", "url": "https://x.com/a/1"}),
    ]
    res = runner.invoke(app, ["label", "-i", "-", "-o", "-"], input="\n".join(lines) + "\n")
    assert res.exit_code == 0, res.output
    rows = [json.loads(x) for x in res.stdout.splitlines()]
    assert [r["spam"] for r in rows] == [True, False, False, True]
    assert "offsite_link" in rows[0]["spam_reasons"]
