"""An upload waits for its confirm step under a token, for the person who uploaded it only
(config/upload_previews.py, used by every import page that previews)."""

from types import SimpleNamespace

from config.upload_previews import preview_forget, preview_keep, preview_kept

UPLOADER, SOMEONE_ELSE = SimpleNamespace(pk=1), SimpleNamespace(pk=2)


def test_the_uploader_gets_back_what_they_uploaded():
    token = preview_keep("staff", user=UPLOADER, data=b"a,b\n", filename="staff.csv")

    assert preview_kept("staff", token, user=UPLOADER) == {
        "data": b"a,b\n",
        "filename": "staff.csv",
        "user": 1,
    }


def test_someone_else_with_the_token_gets_nothing():
    token = preview_keep("staff", user=UPLOADER, data=b"a,b\n")

    assert preview_kept("staff", token, user=SOMEONE_ELSE) is None


def test_the_token_of_another_kind_of_upload_gets_nothing():
    token = preview_keep("staff", user=UPLOADER, data=b"a,b\n")

    assert preview_kept("cqc", token, user=UPLOADER) is None


def test_a_forged_or_overlong_token_is_not_looked_up():
    for token in ("", "../x", "a b", "0" * 65, "abc:def"):
        assert preview_kept("staff", token, user=UPLOADER) is None


def test_an_upload_imported_cannot_be_confirmed_again():
    token = preview_keep("ods", user=UPLOADER, files=[("a.csv", b"")])

    preview_forget("ods", token)

    assert preview_kept("ods", token, user=UPLOADER) is None
