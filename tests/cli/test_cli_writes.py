"""The commands that change something: ``images submit``, ``images delete``,
``images reject``, ``account edit``; in-process, against the respx stand-in of _fake.py."""

from __future__ import annotations

import csv
import io
import json

import pytest

from ._fake import AT, TICKET, FakeService, soap_fault
from .conftest import Run, Stream, clean_env

URL = "https://img.example.com/jacket.jpg"
DEV_KEY = "DEV-KEY-5f0c1e-never-shown"
#: The environment of a submission: the contact credentials and a developer API key.
ENV = clean_env(PIXELZ_DEVELOPER_API_KEY=DEV_KEY)
OTHER = "2b0d7d36-52f1-4a5c-9a53-0f0e2f3b9c99"
HINT = "pixelz: run '{}' for the options and examples"
SUBMIT_HELP = "pixelz images submit --help"


# -- images submit ------------------------------------------------------------------------------


def test_submit_prints_the_ticket_alone(cli: Run, service: FakeService) -> None:
    result = cli(*AT, "images", "submit", URL, "--template", "101", env=ENV)
    assert result.returncode == 0, result
    assert result.stdout == f"{TICKET}\n"
    assert result.stderr == ""
    [(op, params)] = service.calls
    assert op == "AddImageToQueue"
    assert params["templateId"] == "101" and params["imageURL"] == URL


def test_submit_sends_every_option(cli: Run, service: FakeService) -> None:
    result = cli(*AT, "images", "submit", URL, "--template", "101",
                 "--extra-url", "https://img.example.com/back.jpg",
                 "--extra-url", "https://img.example.com/side.jpg",
                 "--customer-image-id", "JKT-20001-BLK-1", "--product-id", "JKT-20001",
                 "--callback-url", "https://hooks.example.com/pixelz",
                 "--deadline", "2026-05-01T18:00+02:00", "--delivery-hours", "24",
                 "--colorway", "3", "--colorway", "4", env=ENV)
    assert result.returncode == 0, result
    [(op, params)] = service.calls
    assert op == "AddImageToQueue"
    assert params["developerAPIkey"] == DEV_KEY
    assert params["imageURL2"] == "https://img.example.com/back.jpg"
    assert params["imageURL3"] == "https://img.example.com/side.jpg"
    assert params["customerImageId"] == "JKT-20001-BLK-1"
    assert params["productId"] == "JKT-20001"
    assert params["imageCallbackURL"] == "https://hooks.example.com/pixelz"
    assert params["imageDeadlineDateTimeUTC"] == "2026-05-01 16:00:00"  # sent in UTC
    assert params["imageRequestedDeliveryTimeInHours"] == "24"
    assert params["colorwayIds"] == ["3", "4"]


@pytest.mark.parametrize(
    ("options", "operation", "sent"),
    [
        (["--template", "101", "--instruction", "keep the hanger"],
         "AddImageWithInstructionToQueue", {"instruction": "keep the hanger",
                                            "templateId": "101"}),
        (["--template", "101", "--stack", "--colorway", "3", "--instruction", "flat lay"],
         "AddStackImageToQueue", {"colorwayIds": ["3"], "instruction": "flat lay"}),
        (["--white-glove", "--customer-image-id", "WG-1"], "WhiteGloveService",
         {"customerImageId": "WG-1"}),
        (["--template", "101", "--partner", "SHOPIFY", "--deadline", "2026-05-01T16:00Z"],
         "AddPartnerImageToQueue", {"applicationCode": "SHOPIFY", "templateId": "101",
                                    "imageDeadlineDateTimeUTC": "2026-05-01 16:00:00"}),
    ],
    ids=["instruction", "stack", "white-glove", "partner"],
)
def test_submit_picks_the_operation(
    cli: Run, service: FakeService, options: list[str], operation: str, sent: dict[str, object]
) -> None:
    result = cli(*AT, "images", "submit", URL, *options, env=ENV)
    assert result.returncode == 0, result
    [(op, params)] = service.calls
    assert op == operation
    assert {k: params.get(k) for k in sent} == sent
    if operation == "WhiteGloveService":
        assert "templateId" not in params
    # a partner submission carries the application code instead of a developer key
    assert params.get("developerAPIkey") == (None if operation == "AddPartnerImageToQueue"
                                             else DEV_KEY)


def test_submit_json_is_the_answer_record(cli: Run, service: FakeService) -> None:
    service.answers["AddImageToQueue"] = (
        f"<ImageTicket>{TICKET}</ImageTicket><CustomerImageId>JKT-1</CustomerImageId>"
        "<IsTrial>true</IsTrial><Queue>priority</Queue>")
    result = cli(*AT, "images", "submit", URL, "--template", "101", "--customer-image-id",
                 "JKT-1", "--format", "json", env=ENV)
    assert result.returncode == 0, result
    assert json.loads(result.stdout) == {"image_ticket": TICKET, "customer_image_id": "JKT-1",
                                         "is_trial": True, "extra": {"Queue": "priority"}}
    rows = list(csv.reader(io.StringIO(
        cli(*AT, "images", "submit", URL, "--template", "101", "--format", "csv",
            env=ENV).stdout,
        newline="")))
    assert rows == [["image_ticket", "customer_image_id", "is_trial", "extra"],
                    [TICKET, "JKT-1", "true", '{"Queue": "priority"}']]


@pytest.mark.parametrize("variable", [None, "MY_PIXELZ_DEV_KEY"])
def test_submit_developer_key_comes_from_the_environment_and_is_never_shown(
    cli: Run, service: FakeService, variable: str | None
) -> None:
    service.answers["AddImageToQueue"] = soap_fault(f"Developer key {DEV_KEY} is revoked")
    named = ["--developer-key-env", variable] if variable else []
    env = clean_env(**{variable or "PIXELZ_DEVELOPER_API_KEY": DEV_KEY})
    result = cli(*AT, "images", "submit", URL, "--template", "101", *named, env=env)
    assert service.calls[0][1]["developerAPIkey"] == DEV_KEY
    assert result.returncode == 1
    assert DEV_KEY not in result.stderr
    assert result.stderr_lines == [
        "pixelz: error: AddImageToQueue over soap11: Developer key *** is revoked"]


def test_submit_without_a_developer_key_lets_the_service_decide(
    cli: Run, service: FakeService
) -> None:
    service.answers["AddImageToQueue"] = soap_fault("developerAPIkey is required")
    result = cli(*AT, "images", "submit", URL, "--template", "101")
    assert not service.calls[0][1]["developerAPIkey"]  # sent empty
    assert result.returncode == 1
    assert result.stderr_lines == [
        "pixelz: error: AddImageToQueue over soap11: developerAPIkey is required"]
    partner = cli(*AT, "images", "submit", URL, "--template", "101", "--partner", "SHOPIFY")
    assert partner.returncode == 0, partner  # a partner submission has no such parameter


def test_submit_api_error_is_one_line(cli: Run, service: FakeService) -> None:
    service.answers["AddImageToQueue"] = soap_fault("Template 999 does not exist")
    result = cli(*AT, "images", "submit", URL, "--template", "999", env=ENV)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr_lines == [
        "pixelz: error: AddImageToQueue over soap11: Template 999 does not exist"]


def test_submit_over_a_pinned_protocol_that_cannot_carry_it(cli: Run, service: FakeService
                                                             ) -> None:
    result = cli("--base-url", AT[1], "--protocol", "http_post", "images", "submit", URL,
                 "--template", "101", env=ENV)
    assert result.returncode == 1
    assert len(result.stderr_lines) == 1
    assert result.stderr.startswith("pixelz: error: AddImageToQueue")
    assert service.calls == []  # refused before any I/O


SUBMIT = ["images", "submit", URL]

# Every usage message of the writing commands: arguments, message, the command of the hint.
USAGE_MESSAGES = [
    (SUBMIT, "--template is required: the id of one of your templates (see `pixelz templates "
     "list`), or --white-glove for no template", SUBMIT_HELP),
    ([*SUBMIT, "--white-glove", "--template", "101"], "--template does not apply to "
     "--white-glove", SUBMIT_HELP),
    ([*SUBMIT, "--white-glove", "--colorway", "3"], "--colorway does not apply to "
     "--white-glove", SUBMIT_HELP),
    ([*SUBMIT, "--template", "1", "--partner", "P", "--instruction", "x"],
     "--instruction does not apply to --partner", SUBMIT_HELP),
    ([*SUBMIT, "--template", "1", "--partner", "P", "--developer-key-env", "K"],
     "--developer-key-env does not apply to --partner", SUBMIT_HELP),
    ([*SUBMIT, "--template", "1", "--stack", "--white-glove"],
     "--white-glove cannot be combined with --stack", SUBMIT_HELP),
    ([*SUBMIT, "--template", "1", *(a for n in range(5) for a in ("--extra-url", URL))],
     "--extra-url: at most 4 more views (the service takes imageURL2 to imageURL5), got 5",
     SUBMIT_HELP),
    ([*SUBMIT, "--template", "1", "--developer-key-env", "NOT_SET_ANYWHERE"],
     "--developer-key-env: the environment variable it names is not set (or empty)",
     SUBMIT_HELP),
    ([*SUBMIT, "--template", "1", "--developer-key-env", "sk-live-123"],
     "--developer-key-env: expected the name of an environment variable, such as "
     "PIXELZ_DEVELOPER_API_KEY, that holds the key (not the key itself)", SUBMIT_HELP),
    (["images", "submit", "ftp://img.example.com/a.jpg", "--template", "1"],
     "'ftp://img.example.com/a.jpg' is not an http(s) URL such as "
     "https://example.com/photo.jpg", SUBMIT_HELP),
    ([*SUBMIT, "--template", "1", "--callback-url", "hooks"],
     "--callback-url: 'hooks' is not an http(s) URL such as https://example.com/photo.jpg",
     SUBMIT_HELP),
    ([*SUBMIT, "--template", "abc"], "--template: expected a template id (a whole number, as "
     "`pixelz templates list` shows), got 'abc'", SUBMIT_HELP),
    ([*SUBMIT, "--template", "1", "--deadline", "2026-05-01T18:00"],
     "--deadline: 2026-05-01T18:00 has no UTC offset, so its moment is ambiguous: write it "
     "like 2026-05-01T18:00+02:00 or 2026-05-01T16:00Z", SUBMIT_HELP),
    ([*SUBMIT, "--template", "1", "--deadline", "tomorrow"],
     "--deadline: 'tomorrow' is not a date and time such as 2026-05-01T18:00+02:00 or "
     "2026-05-01T16:00Z", SUBMIT_HELP),
    ([*SUBMIT, "--template", "1", "--deadline", "2026-02-30T10:00Z"],
     "--deadline: 2026-02-30T10:00Z is not a time on the calendar (day is out of range for "
     "month)", SUBMIT_HELP),
    ([*SUBMIT, "--template", "1", "--delivery-hours", "0"],
     "--delivery-hours: expected a number of hours (1 or more), got '0'", SUBMIT_HELP),
    ([*SUBMIT, "--template", "1", "--colorway", "red"],
     "--colorway: expected a colorway id (a whole number), got 'red'", SUBMIT_HELP),
    ([*SUBMIT, "--template", "1", "--instruction", "  "],
     "--instruction: an empty value is not accepted here", SUBMIT_HELP),
    ([*SUBMIT, "--template", "1", "--format", "table"],
     "--format: 'table' is not one of ticket, json, ndjson, csv", SUBMIT_HELP),
    (["images", "reject", TICKET], "missing --comment", "pixelz images reject --help"),
    (["images", "reject", "--comment", "x"], "give an image ticket or --customer-image-id",
     "pixelz images reject --help"),
    (["images", "reject", TICKET, "--comment", "x", "--markup-url", "markup.png"],
     "--markup-url: 'markup.png' is not an http(s) URL such as https://example.com/photo.jpg",
     "pixelz images reject --help"),
    (["images", "delete", "not-a-ticket"], "'not-a-ticket' is not an image ticket (a GUID such "
     "as 6f1c2d3e-0000-4000-8000-000000000001)", "pixelz images delete --help"),
    (["account", "edit"], "give at least one field to change, such as --name or --city",
     "pixelz account edit --help"),
    (["account", "edit", "--city", ""], "--city: an empty value changes nothing (the service "
     "keeps a field sent empty as it is)", "pixelz account edit --help"),
    (["account", "edit", "--timezone-index", "-3"], "--timezone-index: expected a time zone "
     "index (a whole number, 0 or more), got '-3'", "pixelz account edit --help"),
    (["account", "bogus"], "unknown command 'bogus': choose one of edit", "pixelz account --help"),
]


@pytest.mark.parametrize(("args", "message", "hint"), USAGE_MESSAGES,
                         ids=lambda a: " ".join(a) if isinstance(a, list) else None)
def test_usage_error_is_one_plain_line_and_a_hint(
    cli: Run, service: FakeService, args: list[str], message: str, hint: str
) -> None:
    result = cli(*AT, *args, env=ENV)
    assert result.returncode == 2, result
    assert result.stdout == ""
    assert result.stderr_lines == [f"pixelz: error: {message}", HINT.format(hint)]
    assert service.calls == []


# -- images delete ------------------------------------------------------------------------------


def test_delete_asks_on_a_terminal_and_deletes_on_yes(cli: Run, service: FakeService) -> None:
    result = cli(*AT, "images", "delete", TICKET, stdin="y\n", stdin_tty=True)
    assert result.returncode == 0, result
    assert result.stderr == f"pixelz: Delete image {TICKET} from the queue? [y/N] "
    assert result.stdout == f"deleted image {TICKET}\n"
    [(op, params)] = service.calls
    assert op == "DeleteImageFromQueue"
    assert (params["imageTicket"], params["customerImageId"]) == (TICKET, None)


@pytest.mark.parametrize("answer", ["n\n", "\n", "whatever\n", ""])
def test_delete_anything_but_yes_cancels(cli: Run, service: FakeService, answer: str) -> None:
    result = cli(*AT, "images", "delete", TICKET, stdin=answer, stdin_tty=True)
    assert result.returncode == 1
    assert result.stdout == ""
    question = f"pixelz: Delete image {TICKET} from the queue? [y/N] "
    # end of input (Ctrl-D) ends the question's line, so the next message starts its own
    assert result.stderr == question + ("\n" if not answer else "") + \
        "pixelz: cancelled: nothing was changed\n"
    assert service.calls == []


def test_delete_without_a_terminal_needs_yes(cli: Run, service: FakeService) -> None:
    refused = cli(*AT, "images", "delete", TICKET, stdin="y\n")  # piped: nobody to ask
    assert refused.returncode == 2
    assert refused.stderr_lines == [
        "pixelz: error: not confirmed: stdin is not a terminal, so pixelz cannot ask; add "
        "--yes to delete it", HINT.format("pixelz images delete --help")]
    assert service.calls == []
    done = cli(*AT, "images", "delete", "--customer-image-id", "JKT-1", "--yes")
    assert done.returncode == 0, done
    assert done.stdout == "deleted the image with customer image id 'JKT-1'\n"
    assert done.stderr == ""
    assert service.calls[0][1]["customerImageId"] == "JKT-1"


def test_delete_question_names_a_customer_id_safely(cli: Run, service: FakeService) -> None:
    result = cli(*AT, "images", "delete", "--customer-image-id", "two\nlines\u202eflipped",
                 stdin="no\n", stdin_tty=True)
    assert result.returncode == 1
    assert result.stderr_lines[0] == (
        "pixelz: Delete the image with customer image id 'two\\nlines\\u202eflipped' from the "
        "queue? [y/N] pixelz: cancelled: nothing was changed")


def test_delete_refused_by_the_service(cli: Run, service: FakeService) -> None:
    service.answers["DeleteImageFromQueue"] = soap_fault("Image is already in production")
    result = cli(*AT, "images", "delete", TICKET, "--yes")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr_lines == [
        "pixelz: error: DeleteImageFromQueue over soap11: Image is already in production"]


class _Interrupting(Stream):
    """A terminal on stdin where the user presses Ctrl-C at the question."""

    def readline(self, size: int | None = -1, /) -> str:
        raise KeyboardInterrupt


def test_ctrl_c_at_the_question_starts_its_own_line(cli: Run, service: FakeService) -> None:
    result = cli(*AT, "images", "delete", TICKET, stdin=_Interrupting(tty=True))
    assert result.returncode == 130
    assert result.stderr.endswith("[y/N] \npixelz: interrupted\n")
    assert service.calls == []


# -- images reject -------------------------------------------------------------------------------


def test_reject_sends_the_comment_and_markup(cli: Run, service: FakeService) -> None:
    result = cli(*AT, "images", "reject", TICKET, "--comment", "shadow too dark",
                 "--markup-url", "https://img.example.com/markup.png", stdin="yes\n",
                 stdin_tty=True)
    assert result.returncode == 0, result
    assert result.stderr == (
        f"pixelz: Reject image {TICKET} and send it back to production? [y/N] ")
    assert result.stdout == f"rejected image {TICKET}: back to production\n"
    [(op, params)] = service.calls
    assert op == "RejectProcessedImage"
    assert (params["imageTicket"], params["comment"], params["markupImageUrl"]) == (
        TICKET, "shadow too dark", "https://img.example.com/markup.png")


def test_reject_without_a_terminal_needs_yes(cli: Run, service: FakeService) -> None:
    result = cli(*AT, "images", "reject", OTHER, "--comment", "crop")
    assert result.returncode == 2
    assert result.stderr_lines[0] == (
        "pixelz: error: not confirmed: stdin is not a terminal, so pixelz cannot ask; add "
        "--yes to reject it")
    assert service.calls == []


def test_reject_refused_by_the_service(cli: Run, service: FakeService) -> None:
    service.answers["RejectProcessedImage"] = soap_fault("Only a delivered image can be rejected")
    result = cli(*AT, "images", "reject", OTHER, "--comment", "crop", "-y")
    assert result.returncode == 1
    assert result.stderr_lines == ["pixelz: error: RejectProcessedImage over soap11: Only a "
                                   "delivered image can be rejected"]


# -- account edit --------------------------------------------------------------------------------


def test_account_edit_sends_only_what_is_given(cli: Run, service: FakeService) -> None:
    result = cli(*AT, "account", "edit", "--name", "Dana Reviewer", "--city", "Lyon",
                 "--timezone-index", "4", "--no-newsletter", stdin="y\n", stdin_tty=True)
    assert result.returncode == 0, result
    assert result.stderr == ("pixelz: Change the account's name to 'Dana Reviewer', city to "
                             "'Lyon', timezone-index to 4, newsletter to no? [y/N] ")
    assert result.stdout == "account updated: name, city, timezone-index, newsletter\n"
    [(op, params)] = service.calls
    assert op == "EditContact"
    assert (params["contactName"], params["contactCity"], params["timezoneIndex"],
            params["isReceivedNewslater"]) == ("Dana Reviewer", "Lyon", "4", "false")
    assert params.get("contactCompany") is None and params.get("billingEmail") is None


def test_account_edit_every_option_reaches_its_parameter(cli: Run, service: FakeService) -> None:
    options = {
        "--name": "contactName", "--company": "contactCompany", "--address1": "contactAddress1",
        "--address2": "contactAddress2", "--zip-code": "contactZipCode",
        "--city": "contactCity", "--state": "contactState", "--phone": "contactPhone",
        "--billing-email": "billingEmail", "--billing-address1": "billingAddress1",
        "--billing-address2": "billingAddress2", "--billing-zip-code": "billingZipCode",
        "--billing-city": "billingCity", "--billing-state": "billingState",
        "--eu-vat-number": "euVatNumber",
    }
    args = [a for option in options for a in (option, f"v{option}")]
    result = cli(*AT, "account", "edit", *args, "--newsletter", "--yes")
    assert result.returncode == 0, result
    [(_, params)] = service.calls
    assert {option: params[wire] for option, wire in options.items()} == {
        option: f"v{option}" for option in options}
    assert params["isReceivedNewslater"] == "true"


def test_account_edit_without_a_terminal_needs_yes(cli: Run, service: FakeService) -> None:
    result = cli(*AT, "account", "edit", "--phone", "+33 1 23 45 67 89")
    assert result.returncode == 2
    assert result.stderr_lines[0] == (
        "pixelz: error: not confirmed: stdin is not a terminal, so pixelz cannot ask; add "
        "--yes to change the account")
    assert service.calls == []


def test_account_edit_declined(cli: Run, service: FakeService) -> None:
    result = cli(*AT, "account", "edit", "--phone", "1", stdin="N\n", stdin_tty=True)
    assert result.returncode == 1
    assert result.stderr.endswith("? [y/N] pixelz: cancelled: nothing was changed\n")
    assert service.calls == []
