"""The commands that change something: ``images submit``, ``images delete``,
``images reject`` and ``account edit``.

Delete, reject and edit ask first on a terminal (``--yes`` skips the question; without a
terminal to ask on, ``--yes`` is required). A submission with ``--customer-image-id`` lands at
most once, even when an answer is lost (the SDK looks the id up before resending).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from . import _cli_types as types
from ._cli_common import (
    ENV_DEVELOPER_KEY,
    EXIT_OK,
    UsageError,
    add_secret,
    client,
    configure_stdout,
    confirm,
    subparser,
    target_options,
    which_image,
    write_one,
    yes_option,
)
from ._cli_records import SUBMITTED, neutralize
from ._cli_types import DEMO_SKU, EXAMPLE_TICKET

__all__ = ["add_account_edit", "add_delete", "add_reject", "add_submit"]

_EXAMPLE_URL = "https://example.com/photos/jacket.jpg"
MAX_EXTRA_URLS = 4  # imageURL2..imageURL5
#: What --emulator sends instead (the emulator wants one, and takes any): a public demo value.
DEMO_DEVELOPER_KEY = "demo-developer-key"


def _image_name(args: argparse.Namespace) -> str:
    if args.ticket is not None:
        return f"image {args.ticket}"
    return f"the image with customer image id {args.customer_image_id!r}"


def _done(message: str) -> None:
    configure_stdout("table")
    sys.stdout.write(neutralize(message) + "\n")
    sys.stdout.flush()


# -- images submit ------------------------------------------------------------------------------

_SUBMIT_EXAMPLES = f"""\
examples:
  pixelz --emulator images submit {_EXAMPLE_URL} --template 101
  pixelz --emulator images submit {_EXAMPLE_URL} --template 101 \\
      --customer-image-id JKT-20001-BLK-1 --product-id JKT-20001 --format json
  pixelz --emulator images submit {_EXAMPLE_URL} --template 101 \\
      --instruction "keep the hanger" --colorway 3 --deadline 2026-05-01T18:00+02:00
  pixelz --emulator images submit {_EXAMPLE_URL} --white-glove
  pixelz --emulator images submit {_EXAMPLE_URL} --template 101 --stack \\
      --colorway 3 --extra-url https://example.com/photos/jacket-back.jpg

Which operation is called: AddImageToQueue by default (SOAP only),
AddImageWithInstructionToQueue with --instruction, AddStackImageToQueue with --stack,
WhiteGloveService with --white-glove (no template), AddPartnerImageToQueue with --partner.
With --customer-image-id the image is queued at most once, even when an answer is lost.

developer API key: from PIXELZ_DEVELOPER_API_KEY, or the variable --developer-key-env
names (environment only); --emulator sends a demo one; --partner sends none.
"""

# What each kind of submission cannot take: option -> the SDK keyword it fills.
_NOT_FOR = {
    "white_glove": ("--template", "--deadline", "--delivery-hours", "--instruction",
                    "--colorway"),
    "partner": ("--instruction", "--colorway", "--developer-key-env"),
    "stack": (),
    "queue": (),
}
_MODE_OPTION = {"white_glove": "--white-glove", "partner": "--partner", "stack": "--stack"}


def add_submit(commands: Any) -> None:
    submit = subparser(
        commands, "submit", "pixelz images submit",
        help="queue an image for editing (AddImageToQueue and the other submissions)",
        description="Queue an image for editing with one of your templates, and print its "
        "ticket.",
        epilog=_SUBMIT_EXAMPLES,
    )
    submit.add_argument("image_url", type=types.image_url, metavar="URL",
                        help="where the service fetches the image (http or https)")
    submit.add_argument("--template", dest="template_id", type=types.template_id, metavar="ID",
                        help="template id (required, except with --white-glove; see "
                        "`pixelz templates list`)")
    submit.add_argument("--extra-url", dest="extra_image_urls", action="append",
                        type=types.image_url, metavar="URL",
                        help=f"another view of the product (up to {MAX_EXTRA_URLS}; repeat the "
                        "option)")
    submit.add_argument("--customer-image-id", type=types.customer_image_id, metavar="ID",
                        help="your own id for the image (makes the submission land at most "
                        "once)")
    submit.add_argument("--product-id", type=types.xml_text, metavar="P",
                        help="your product id")
    submit.add_argument("--callback-url", type=types.image_url, metavar="URL",
                        help="called when the image is delivered")
    submit.add_argument("--deadline", type=types.deadline, metavar="WHEN",
                        help="ISO 8601 date and time with its UTC offset, e.g. "
                        "2026-05-01T18:00+02:00")
    submit.add_argument("--delivery-hours", dest="requested_delivery_hours",
                        type=types.count("a number of hours (1 or more)", lower=1),
                        metavar="N", help="requested delivery time in hours")
    submit.add_argument("--instruction", type=types.text, metavar="TEXT",
                        help="written instructions for the editors")
    submit.add_argument("--colorway", dest="colorway_ids", action="append",
                        type=types.count("a colorway id (a whole number)"), metavar="ID",
                        help="a colorway id (repeat the option for more)")
    mode = submit.add_mutually_exclusive_group()
    mode.add_argument("--white-glove", dest="mode", action="store_const", const="white_glove",
                      help="the white-glove service (WhiteGloveService), without a template")
    mode.add_argument("--stack", dest="mode", action="store_const", const="stack",
                      help="a stack of views of one product (AddStackImageToQueue)")
    mode.add_argument("--partner", dest="application_code", type=types.text, metavar="CODE",
                      help="on behalf of a partner application (AddPartnerImageToQueue)")
    submit.add_argument("--developer-key-env", type=types.env_name, metavar="NAME",
                        help="the environment variable holding your developer API key "
                        f"(default {ENV_DEVELOPER_KEY})")
    submit.add_argument("--format", choices=("ticket", "json", "ndjson", "csv"),
                        default="ticket",
                        help="output: the ticket alone (default), or the whole answer")
    target_options(submit, top=False)
    submit.set_defaults(
        handler=_submit, mode="queue",
        option_names={
            "image_url": "URL", "template_id": "--template", "extra_image_urls": "--extra-url",
            "callback_url": "--callback-url", "deadline": "--deadline",
            "requested_delivery_hours": "--delivery-hours", "instruction": "--instruction",
            "colorway_ids": "--colorway", "application_code": "--partner",
            "developer_api_key": "--developer-key-env",
        },
    )


def _submit_arguments(args: argparse.Namespace) -> tuple[str, dict[str, Any]]:
    """The SDK method to call and its keywords, from the options; a usage error for an
    option the chosen kind of submission cannot take."""
    mode = "partner" if args.application_code is not None else args.mode
    given = {
        "--template": args.template_id is not None,
        "--deadline": args.deadline is not None,
        "--delivery-hours": args.requested_delivery_hours is not None,
        "--instruction": args.instruction is not None,
        "--colorway": bool(args.colorway_ids),
        "--developer-key-env": args.developer_key_env is not None,
    }
    for option in _NOT_FOR[mode]:
        if given[option]:
            raise UsageError(f"{option} does not apply to {_MODE_OPTION[mode]}", args.prog)
    if mode != "white_glove" and args.template_id is None:
        raise UsageError("--template is required: the id of one of your templates (see "
                         "`pixelz templates list`), or --white-glove for no template",
                         args.prog)
    urls = args.extra_image_urls or []
    if len(urls) > MAX_EXTRA_URLS:
        raise UsageError(f"--extra-url: at most {MAX_EXTRA_URLS} more views (the service "
                         f"takes imageURL2 to imageURL5), got {len(urls)}", args.prog)
    keywords: dict[str, Any] = dict(
        extra_image_urls=urls or None, customer_image_id=args.customer_image_id,
        product_id=args.product_id, callback_url=args.callback_url,
    )
    if mode != "partner":
        keywords["developer_api_key"] = _developer_key(args)
    if mode == "white_glove":
        return "submit_white_glove", keywords
    keywords.update(template_id=args.template_id, deadline=args.deadline,
                    requested_delivery_hours=args.requested_delivery_hours)
    if mode == "partner":
        return "submit_partner_image", {**keywords, "application_code": args.application_code}
    keywords.update(instruction=args.instruction, colorway_ids=args.colorway_ids)
    if mode == "stack":
        return "submit_stack_image", keywords
    if args.instruction is not None:
        return "submit_image_with_instruction", keywords
    return "submit_image", keywords


def _developer_key(args: argparse.Namespace) -> str | None:
    """The developer API key, from the environment (registered as a secret, so no message
    shows it); with --emulator, the demo one. Without one, none is sent and the service
    decides whether your account needs it."""
    if args.emulator:
        return DEMO_DEVELOPER_KEY
    key = os.environ.get(args.developer_key_env or ENV_DEVELOPER_KEY)
    if not key:
        if args.developer_key_env is not None:
            raise UsageError("--developer-key-env: the environment variable it names is not "
                             "set (or empty)", args.prog)
        return None
    add_secret(key)
    return key


def _submit(args: argparse.Namespace) -> int:
    method, keywords = _submit_arguments(args)
    with client(args) as service:
        submitted = getattr(service, method)(args.image_url, **keywords)
    if args.format == "ticket":
        _done(str(submitted.image_ticket))
    else:
        write_one(args.format, submitted, SUBMITTED)
    return EXIT_OK


# -- images delete, images reject ----------------------------------------------------------------


def add_delete(commands: Any) -> None:
    delete = subparser(
        commands, "delete", "pixelz images delete",
        help="remove an image from the queue before production (DeleteImageFromQueue)",
        description="Remove an image from the queue, by ticket or by your own image id. Only "
        "an image not yet in production can be deleted. Asks first on a terminal.",
        epilog=f"examples:\n  pixelz images delete {EXAMPLE_TICKET}\n"
        f"  pixelz images delete --customer-image-id {DEMO_SKU} --yes\n",
    )
    which_image(delete)
    yes_option(delete)
    target_options(delete, top=False)
    delete.set_defaults(handler=_delete)


def _delete(args: argparse.Namespace) -> int:
    with client(args) as service:
        confirm(args, f"Delete {_image_name(args)} from the queue?", "delete it")
        service.delete_image(args.ticket, customer_image_id=args.customer_image_id)
    _done(f"deleted {_image_name(args)}")
    return EXIT_OK


def add_reject(commands: Any) -> None:
    reject = subparser(
        commands, "reject", "pixelz images reject",
        help="send a delivered image back to production (RejectProcessedImage)",
        description="Reject a delivered image, by ticket or by your own image id: it goes back "
        "to production with your comment. Asks first on a terminal.",
        epilog=f"examples:\n  pixelz images reject {EXAMPLE_TICKET} --comment \"shadow too "
        "dark\"\n"
        f"  pixelz images reject --customer-image-id {DEMO_SKU} --comment \"crop tighter\" \\\n"
        "      --markup-url https://example.com/markup.png --yes\n",
    )
    which_image(reject)
    reject.add_argument("--comment", type=types.text, metavar="TEXT", required=True,
                        help="what to change (required)")
    reject.add_argument("--markup-url", type=types.image_url, metavar="URL",
                        help="an image marking what to change")
    yes_option(reject)
    target_options(reject, top=False)
    reject.set_defaults(handler=_reject,
                        option_names={"comment": "--comment", "markup_image_url": "--markup-url"})


def _reject(args: argparse.Namespace) -> int:
    with client(args) as service:
        confirm(args, f"Reject {_image_name(args)} and send it back to production?",
                "reject it")
        service.reject_image(args.ticket, comment=args.comment,
                             customer_image_id=args.customer_image_id,
                             markup_image_url=args.markup_url)
    _done(f"rejected {_image_name(args)}: back to production")
    return EXIT_OK


# -- account edit --------------------------------------------------------------------------------

# edit_contact's text keywords, in its order: (option, keyword, help).
_CONTACT_OPTIONS = (
    ("--name", "name", "contact name"),
    ("--company", "company", "company"),
    ("--address1", "address1", "address, first line"),
    ("--address2", "address2", "address, second line"),
    ("--zip-code", "zip_code", "zip or postal code"),
    ("--city", "city", "city"),
    ("--state", "state", "state or region"),
    ("--phone", "phone", "phone number"),
)
_BILLING_OPTIONS = (
    ("--billing-email", "billing_email", "where invoices are sent"),
    ("--billing-address1", "billing_address1", "billing address, first line"),
    ("--billing-address2", "billing_address2", "billing address, second line"),
    ("--billing-zip-code", "billing_zip_code", "billing zip or postal code"),
    ("--billing-city", "billing_city", "billing city"),
    ("--billing-state", "billing_state", "billing state or region"),
    ("--eu-vat-number", "eu_vat_number", "EU VAT number"),
)
_OPTION_OF = {
    keyword: option for option, keyword, _ in (*_CONTACT_OPTIONS, *_BILLING_OPTIONS)
} | {"timezone_index": "--timezone-index", "receive_newsletter": "--newsletter"}


def add_account_edit(commands: Any) -> None:
    edit = subparser(
        commands, "edit", "pixelz account edit",
        help="change your account's details (EditContact)",
        description="Change your account's details: only the fields you give change (the "
        "service keeps a field sent empty as it is). Asks first on a terminal.",
        epilog="examples:\n  pixelz account edit --name \"Dana Reviewer\" --phone \"+33 1 23 45 "
        "67 89\"\n"
        "  pixelz account edit --billing-email invoices@example.com --no-newsletter --yes\n",
    )
    contact = edit.add_argument_group("contact")
    for option, keyword, text in _CONTACT_OPTIONS:
        contact.add_argument(option, dest=keyword, type=types.field_text, metavar="TEXT",
                             help=text)
    contact.add_argument("--timezone-index", type=types.count("a time zone index (a whole "
                         "number, 0 or more)"), metavar="N",
                         help="time zone, as the index the service's account page uses")
    billing = edit.add_argument_group("billing")
    for option, keyword, text in _BILLING_OPTIONS:
        billing.add_argument(option, dest=keyword, type=types.field_text, metavar="TEXT",
                             help=text)
    edit.add_argument("--newsletter", dest="receive_newsletter",
                      action=argparse.BooleanOptionalAction, default=None,
                      help="receive the Pixelz newsletter, or not")
    yes_option(edit)
    target_options(edit, top=False)
    edit.set_defaults(handler=_account_edit, option_names=_OPTION_OF)


def _account_edit(args: argparse.Namespace) -> int:
    changes = {k: getattr(args, k) for k in _OPTION_OF if getattr(args, k) is not None}
    if not changes:
        raise UsageError("give at least one field to change, such as --name or --city",
                         args.prog)
    shown = ", ".join(f"{_OPTION_OF[k].removeprefix('--')} to {_shown(v)}"
                      for k, v in changes.items())
    with client(args) as service:
        confirm(args, f"Change the account's {shown}?", "change the account")
        service.edit_contact(**changes)
    _done(f"account updated: {', '.join(_OPTION_OF[k].removeprefix('--') for k in changes)}")
    return EXIT_OK


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return repr(value) if isinstance(value, str) else str(value)
