"""The account's read commands: ``products list``, ``invoices list``, ``templates list``,
``templates get`` and ``account`` (its ``edit`` is in :mod:`pixelz._cli_writes`)."""

from __future__ import annotations

import argparse
from typing import Any

from . import _cli_types as types
from ._cli_common import (
    EXIT_OK,
    all_option,
    client,
    date_options,
    date_range,
    format_option,
    no_page_with_all,
    subparser,
    target_options,
    write_all,
    write_one,
    write_page,
    write_records,
)
from ._cli_records import CONTACT, INVOICES, PRODUCTS, TEMPLATE_SPEC, TEMPLATES
from ._core import ITER_PER_PAGE
from .models import InvoicesPage, ProductIdsPage

__all__ = ["add_account", "add_invoices", "add_products", "add_templates"]


# -- products --------------------------------------------------------------------------------


def add_products(commands: Any) -> None:
    products = subparser(
        commands, "products", "pixelz products",
        help="your product ids with their image counts",
        description="Your product ids, with how many of their images are done and to do.",
        epilog="examples:\n  pixelz --emulator products list\n"
        "  pixelz --emulator products list --all --format csv\n",
    )
    product_commands = products.add_subparsers(dest="products_command", metavar="COMMAND",
                                               required=True)
    listing = subparser(
        product_commands, "list", "pixelz products list",
        help="list product ids with done and to-do counts (GetProductIdsList)",
        description="One page of your product ids with their done and to-do image counts, "
        "or --all of them.",
        epilog="examples:\n  pixelz --emulator products list --per-page 20\n"
        "  pixelz --emulator products list --page 2 --per-page 20 --format json\n"
        "  pixelz --emulator products list --all --format ndjson\n",
    )
    listing.add_argument("--page", type=types.page, metavar="N", help="1-based page (default 1)")
    listing.add_argument("--per-page", type=types.per_page("product ids"), metavar="N",
                         help="product ids per page, 1 to 100 (default: server's; 100 with "
                         "--all)")
    all_option(listing)
    format_option(listing)
    target_options(listing, top=False)
    listing.set_defaults(handler=_products_list)


def _products_list(args: argparse.Namespace) -> int:
    no_page_with_all(args)
    if args.all:
        per_page = args.per_page or ITER_PER_PAGE
        return write_all(args, PRODUCTS, lambda c: c.iter_product_ids(per_page=per_page),
                         per_page)
    with client(args) as service:
        page: ProductIdsPage = service.list_product_ids(page=args.page or 1,
                                                        per_page=args.per_page)
    return write_page(args, PRODUCTS, page)


# -- invoices --------------------------------------------------------------------------------


def add_invoices(commands: Any) -> None:
    invoices = subparser(
        commands, "invoices", "pixelz invoices",
        help="your invoices",
        description="Your invoices.",
        epilog="examples:\n  pixelz --emulator invoices list\n"
        "  pixelz --emulator invoices list --from 2026-01-01 --to 2026-06-30 --all\n",
    )
    invoice_commands = invoices.add_subparsers(dest="invoices_command", metavar="COMMAND",
                                               required=True)
    listing = subparser(
        invoice_commands, "list", "pixelz invoices list",
        help="list invoices created in a date range (GetInvoiceList)",
        description="One page of your invoices created in the date range (inclusive), or "
        "--all of them. The service does not say its page size: --all stops at the first "
        "empty page.",
        epilog="examples:\n  pixelz --emulator invoices list\n"
        "  pixelz --emulator invoices list --from 2026-01-01 --to 2026-03-31 --format json\n"
        "  pixelz --emulator invoices list --all --format csv > invoices.csv\n",
    )
    date_options(listing)
    listing.add_argument("--page", type=types.page, metavar="N", help="1-based page (default 1)")
    listing.add_argument("--return-url", type=types.image_url, metavar="URL",
                         help="where the invoices' payment pages send you back")
    all_option(listing)
    format_option(listing)
    target_options(listing, top=False)
    listing.set_defaults(handler=_invoices_list, option_names={"return_url": "--return-url"})


def _invoices_list(args: argparse.Namespace) -> int:
    date_range(args)
    no_page_with_all(args)
    query = dict(from_date=args.from_date, to_date=args.to_date, return_url=args.return_url)
    if args.all:
        return write_all(args, INVOICES, lambda c: c.iter_invoices(**query), None)
    with client(args) as service:
        page: InvoicesPage = service.list_invoices(page=args.page or 1, **query)
    return write_page(args, INVOICES, page)


# -- templates --------------------------------------------------------------------------------


def add_templates(commands: Any) -> None:
    templates = subparser(
        commands, "templates", "pixelz templates",
        help="your editing templates",
        description="Your editing templates: list them, or show one in detail.",
        epilog="examples:\n  pixelz --emulator templates list\n"
        "  pixelz --emulator templates get 101\n",
    )
    template_commands = templates.add_subparsers(dest="templates_command", metavar="COMMAND",
                                                 required=True)
    listing = subparser(
        template_commands, "list", "pixelz templates list",
        help="list your templates (GetTemplates)",
        description="Your templates. json, ndjson and csv carry every field, and in `extra` "
        "the ones pixelz has no name for.",
        epilog="examples:\n  pixelz --emulator templates list\n"
        "  pixelz --emulator templates list --format json\n",
    )
    format_option(listing)
    target_options(listing, top=False)
    listing.set_defaults(handler=_templates_list)

    get = subparser(
        template_commands, "get", "pixelz templates get",
        help="one template in detail (GetTemplateSpec)",
        description="One template in detail: price, output format, delivery time, background, "
        "resize and margins.",
        epilog="examples:\n  pixelz --emulator templates get 101\n"
        "  pixelz --emulator templates get 101 --format json\n",
    )
    get.add_argument("template_id", type=types.template_id, metavar="ID", help="template id")
    format_option(get)
    target_options(get, top=False)
    get.set_defaults(handler=_templates_get, option_names={"template_id": "ID"})


def _templates_list(args: argparse.Namespace) -> int:
    with client(args) as service:
        templates = service.list_templates()
    write_records(args.format, templates, TEMPLATES)
    return EXIT_OK


def _templates_get(args: argparse.Namespace) -> int:
    with client(args) as service:
        spec = service.get_template(args.template_id)
    write_one(args.format, spec, TEMPLATE_SPEC)
    return EXIT_OK


# -- account ------------------------------------------------------------------------------------


def add_account(commands: Any) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """``account`` (show it) and its subcommands' parser, for ``account edit``."""
    account = subparser(
        commands, "account", "pixelz account",
        help="your account: contact, credit, balance; edit it",
        description="Show your account (GetContactDetailed): contact, days of credit, balance "
        "and trial images; `pixelz account edit` changes its details.",
        epilog="examples:\n  pixelz --emulator account\n"
        "  pixelz --emulator account --format json\n"
        "  pixelz --emulator account edit --city Lyon --yes\n",
    )
    format_option(account)
    target_options(account, top=False)
    account.set_defaults(handler=_account_show)
    return account.add_subparsers(dest="account_command", metavar="COMMAND")


def _account_show(args: argparse.Namespace) -> int:
    with client(args) as service:
        contact = service.get_contact()
    write_one(args.format, contact, CONTACT)
    return EXIT_OK
