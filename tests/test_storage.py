"""Stored files: written atomically under random tokens, read and deleted by token only."""

import re

import pytest

from lms.storage import FileArea
from lms.uploads import check_upload

from .training.test_uploads import HTML, MB, pdf


def test_store_open_delete_round_trip(tmp_path):
    data = pdf()
    checked = check_upload("../../lesson.pdf", data, MB)
    folder = tmp_path / "uploads" / "materials"
    store = FileArea(folder)
    token = store.put(data, checked.sha256)
    assert re.fullmatch(r"[A-Za-z0-9_-]{20,64}", token)
    assert (folder / token).read_bytes() == data == store.read(token)
    assert [p.name for p in folder.iterdir()] == [token]  # no temporary file left behind
    assert store.tokens() == [token] and store.size(token) == len(data)
    store.delete(token)
    assert not (folder / token).exists()
    store.delete(token)  # already gone: nothing to do
    with pytest.raises(FileNotFoundError):
        store.read(token)


def test_tokens_are_unique_and_not_derived_from_the_name(tmp_path):
    data = pdf()
    checked = check_upload("lesson.pdf", data, MB)
    tokens = {FileArea(tmp_path).put(data, checked.sha256) for _ in range(20)}
    assert len(tokens) == 20
    assert all("lesson" not in t and "." not in t for t in tokens)


def test_store_refuses_bytes_that_were_not_checked(tmp_path):
    checked = check_upload("lesson.pdf", pdf(), MB)
    with pytest.raises(ValueError):
        FileArea(tmp_path).put(HTML, checked.sha256)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "token", ["../x", "a/b", "short", "", "../" + "a" * 30, "a" * 30 + "\n", "a" * 65, None]
)
def test_open_and_delete_refuse_tokens_of_another_shape(tmp_path, token):
    (tmp_path / "x").write_bytes(b"secret")
    with pytest.raises(ValueError):
        FileArea(tmp_path / "uploads").read(token)
    with pytest.raises(ValueError):
        FileArea(tmp_path / "uploads").delete(token)
    assert (tmp_path / "x").exists()


def test_a_directory_is_not_a_stored_file(tmp_path):
    (tmp_path / ("d" * 32)).mkdir()
    with pytest.raises(FileNotFoundError):
        FileArea(tmp_path).read("d" * 32)
